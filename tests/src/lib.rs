//! The harness for whole-system tests: an emulator on 127.0.0.1 with a clock the
//! test moves, a raw HTTP/1.1 client (so a test sends exactly the bytes it means),
//! and runners for the official SDK client scripts in `tests/sdk/`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, Signed, sign};
use rds_backup_core::{Credentials, Endpoint, Secret};
use rds_backup_emulator::{AccessKey, Config, Fleet, ManualClock};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub const TEST_KEY_ID: &str = "testid";
pub const TEST_SECRET: &str = "testsecret";
pub const INACTIVE_KEY_ID: &str = "inactiveid";
pub const STS_KEY_ID: &str = "STS.testid";
pub const STS_TOKEN: &str = "sts-token/with+chars==";
/// How long a backup job runs in these tests (the clock is moved by hand).
pub const JOB_MS: i64 = 10_000;

/// An emulator serving on a free port of 127.0.0.1, stopped when dropped.
pub struct Emulator {
    pub addr: SocketAddr,
    pub clock: ManualClock,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub fn test_keys() -> Vec<AccessKey> {
    let mut inactive = AccessKey::parse(&format!("{INACTIVE_KEY_ID}:{TEST_SECRET}")).unwrap();
    inactive.active = false;
    vec![
        AccessKey::parse(&format!("{TEST_KEY_ID}:{TEST_SECRET}")).unwrap(),
        AccessKey::parse(&format!("{STS_KEY_ID}:{TEST_SECRET}:{STS_TOKEN}")).unwrap(),
        inactive,
    ]
}

impl Emulator {
    /// The demo fleet, the test keys, a manual clock.
    pub fn start() -> Emulator {
        Emulator::start_with(Fleet::demo())
    }

    pub fn start_with(fleet: Fleet) -> Emulator {
        let clock = ManualClock::default();
        let config = Config {
            fleet,
            keys: test_keys(),
            clock: std::sync::Arc::new(clock.clone()),
            job_ms: JOB_MS,
        };
        let state = config.into_state();
        let (tx_addr, rx_addr) = std::sync::mpsc::channel();
        let (tx_stop, rx_stop) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx_addr.send(listener.local_addr().unwrap()).unwrap();
                rds_backup_emulator::serve(listener, state, async {
                    let _ = rx_stop.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = rx_addr.recv_timeout(Duration::from_secs(10)).unwrap();
        Emulator {
            addr,
            clock,
            shutdown: Some(tx_stop),
            thread: Some(thread),
        }
    }

    /// `127.0.0.1:PORT`, as the SDKs take it.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    pub fn endpoint(&self) -> Endpoint {
        Endpoint::parse_override(&format!("http://{}", self.addr)).unwrap()
    }

    /// Moves the emulator's clock.
    pub fn advance(&self, ms: i64) {
        self.clock.advance_ms(ms);
    }

    /// A call signed now (emulator time) with a fresh nonce.
    pub fn call(&self, action: &str, params: &[(&str, &str)]) -> Call {
        static NONCE: AtomicU64 = AtomicU64::new(1);
        use rds_backup_emulator::Clock;
        Call {
            action: action.into(),
            version: RDS_VERSION.into(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            method: Method::Post,
            endpoint: self.endpoint(),
            time: self.clock.now(),
            nonce: format!(
                "nonce-{}-{}",
                std::process::id(),
                NONCE.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }

    /// Signs `call` with the test key (V3) and sends it.
    pub fn send(&self, call: &Call) -> Reply {
        self.send_signed(&sign(call, &test_creds(), SignatureVersion::V3))
    }

    pub fn send_signed(&self, signed: &Signed) -> Reply {
        send_raw(self.addr, &signed.request.to_http())
    }

    /// One action with these parameters, signed V3 with the test key.
    pub fn rpc(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        self.send(&self.call(action, params))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn test_creds() -> Credentials {
    Credentials::new(TEST_KEY_ID, TEST_SECRET)
}

pub fn secret(s: &str) -> Secret {
    Secret::new(s)
}

/// A response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The error code, if this is an error.
    pub fn code(&self) -> Option<String> {
        serde_json::from_str::<Value>(&self.body)
            .ok()?
            .get("Code")?
            .as_str()
            .map(str::to_owned)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends raw HTTP/1.1 text (a `connection: close` header is added) and reads the reply.
pub fn send_raw(addr: SocketAddr, raw: &str) -> Reply {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let text = format!("{head}\r\nconnection: close\r\n\r\n{body}");
    send_bytes(addr, text.as_bytes())
}

/// Sends bytes as they are and reads the reply until the server closes.
pub fn send_bytes(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(bytes).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let raw_body = buf.get(split + 4..).unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(raw_body)
    } else {
        raw_body.to_vec()
    };
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = s.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&s[..eol]).trim(), 16).unwrap_or(0);
        let start = eol + 2;
        if n == 0 || start + n > s.len() {
            break;
        }
        out.extend_from_slice(&s[start..start + n]);
        s = s.get(start + n + 2..).unwrap_or_default();
    }
    out
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Which official client script to run.
#[derive(Clone, Copy, Debug)]
pub enum Client {
    /// alibabacloud_rds20140815 (Python, new SDK).
    Python,
    /// aliyun-python-sdk-core (Python, legacy, V2 only).
    PythonLegacy,
    /// @alicloud/rds20140815 (Node, new SDK).
    Node,
    /// @alicloud/pop-core (Node, legacy, V2 only).
    NodePop,
}

/// The interpreter and script for a client; a clear failure when `tests/sdk/setup.sh` has not run.
fn program(client: Client) -> (PathBuf, PathBuf) {
    let sdk = repo_root().join("tests/sdk");
    let python = sdk.join("python/.venv/bin/python");
    let node_modules = sdk.join("node/node_modules");
    match client {
        Client::Python | Client::PythonLegacy => {
            assert!(
                python.exists(),
                "{} is missing: run `bash tests/sdk/setup.sh` (scripts/test.sh does)",
                python.display()
            );
            let script = if matches!(client, Client::Python) {
                "python/rds_client.py"
            } else {
                "python/legacy_client.py"
            };
            (python, sdk.join(script))
        }
        Client::Node | Client::NodePop => {
            assert!(
                node_modules.exists(),
                "{} is missing: run `bash tests/sdk/setup.sh` (scripts/test.sh does)",
                node_modules.display()
            );
            let script = if matches!(client, Client::Node) {
                "node/rds_client.js"
            } else {
                "node/pop_client.js"
            };
            (PathBuf::from("node"), sdk.join(script))
        }
    }
}

/// Runs a client script: one call, one JSON line back.
pub fn run_client(
    client: Client,
    host: &str,
    key_id: &str,
    secret: &str,
    extra: &[&str],
    action: &str,
    params: &[(&str, &str)],
) -> Value {
    let (interpreter, script) = program(client);
    let mut cmd = Command::new(interpreter);
    cmd.arg(script)
        .args([
            "--endpoint",
            host,
            "--access-key-id",
            key_id,
            "--access-key-secret",
            secret,
        ])
        .args(extra)
        .arg(action);
    for (k, v) in params {
        cmd.arg("--param").arg(format!("{k}={v}"));
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "{client:?} {action}: no JSON line ({e}); stdout: {stdout}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
