//! The harness for whole-system tests: an emulator on 127.0.0.1 with a clock the
//! test moves, a raw HTTP/1.1 client (so a test sends exactly the bytes it means),
//! and runners for the official SDK client scripts in `tests/sdk/`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

pub mod netns;
pub mod pg;
pub mod process;

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

/// A fresh directory `rds-{name}-…` under the system's temporary directory, removed with
/// everything in it when dropped: a test run leaves nothing behind.
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("rds-{name}-"))
        .tempdir()
        .unwrap()
}

/// An emulator serving on a free port of 127.0.0.1, stopped when dropped.
pub struct Emulator {
    pub addr: SocketAddr,
    pub clock: ManualClock,
    /// The emulator's memory, to check what a call created.
    pub state: std::sync::Arc<rds_backup_emulator::State>,
    _server: ServerThread,
}

/// A router served on its own runtime thread, on a free port of 127.0.0.1, until dropped.
pub struct ServerThread {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerThread {
    pub fn spawn(router: axum::Router) -> ServerThread {
        ServerThread::spawn_on("127.0.0.1:0".parse().unwrap(), router)
    }

    /// Serves `router` on `addr` (a port of 0 picks one).
    pub fn spawn_on(addr: SocketAddr, router: axum::Router) -> ServerThread {
        let (tx_addr, rx_addr) = std::sync::mpsc::channel();
        let (tx_stop, rx_stop) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
                tx_addr.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = rx_stop.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = rx_addr.recv_timeout(Duration::from_secs(10)).unwrap();
        ServerThread {
            addr,
            shutdown: Some(tx_stop),
            thread: Some(thread),
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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
        Emulator::serve(fleet, std::sync::Arc::new(clock.clone()), JOB_MS, 0, clock)
    }

    /// A manual clock and an STS whose keys live at most `max_sts_secs`.
    pub fn start_sts(max_sts_secs: i64) -> Emulator {
        let clock = ManualClock::default();
        let mut sts = rds_backup_emulator::sts::Sts::default();
        sts.max_duration_secs = Some(max_sts_secs);
        Emulator::serve_with(
            Fleet::demo(),
            std::sync::Arc::new(clock.clone()),
            JOB_MS,
            0,
            clock,
            sts,
        )
    }

    /// On the machine's clock: jobs run in real time, `job_ms` each; finished sets show
    /// in DescribeBackups after `lag_ms`. (`advance` does nothing.)
    pub fn start_live(fleet: Fleet, job_ms: i64, lag_ms: i64) -> Emulator {
        Emulator::serve(
            fleet,
            std::sync::Arc::new(rds_backup_emulator::SystemClock),
            job_ms,
            lag_ms,
            ManualClock::default(),
        )
    }

    /// As [`Emulator::start_live`], one CreateBackup in `every` throttled
    /// (`Throttling.User`, `x-acs-retry-after: retry_after_ms`).
    pub fn start_throttled(fleet: Fleet, job_ms: i64, every: u64, retry_after_ms: u64) -> Emulator {
        let config = Config {
            fleet,
            keys: test_keys(),
            clock: std::sync::Arc::new(rds_backup_emulator::SystemClock),
            job_ms,
            check_replay: true,
            backup_list_lag_ms: 0,
            sts: rds_backup_emulator::sts::Sts::default(),
            throttle: Some(rds_backup_emulator::state::Throttle {
                every,
                retry_after_ms,
            }),
        };
        Emulator::from_state(config.into_state(), ManualClock::default())
    }

    fn serve(
        fleet: Fleet,
        time: std::sync::Arc<dyn rds_backup_emulator::Clock>,
        job_ms: i64,
        lag_ms: i64,
        clock: ManualClock,
    ) -> Emulator {
        Emulator::serve_with(
            fleet,
            time,
            job_ms,
            lag_ms,
            clock,
            rds_backup_emulator::sts::Sts::default(),
        )
    }

    fn from_state(
        state: std::sync::Arc<rds_backup_emulator::State>,
        clock: ManualClock,
    ) -> Emulator {
        let server = ServerThread::spawn(rds_backup_emulator::server::router(state.clone()));
        Emulator {
            addr: server.addr,
            clock,
            state,
            _server: server,
        }
    }

    fn serve_with(
        fleet: Fleet,
        time: std::sync::Arc<dyn rds_backup_emulator::Clock>,
        job_ms: i64,
        lag_ms: i64,
        clock: ManualClock,
        sts: rds_backup_emulator::sts::Sts,
    ) -> Emulator {
        let config = Config {
            fleet,
            keys: test_keys(),
            clock: time,
            job_ms,
            check_replay: true,
            backup_list_lag_ms: lag_ms,
            sts,
            throttle: None,
        };
        Emulator::from_state(config.into_state(), clock)
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

/// `path`, which `tests/sdk/setup.sh` makes; a clear failure when it has not run.
fn set_up(path: PathBuf) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run `bash tests/sdk/setup.sh` (scripts/test.sh does)",
        path.display()
    );
    path
}

/// The SDK peers' Python (`tests/sdk/python/.venv`, with the official libraries).
pub fn sdk_python() -> PathBuf {
    set_up(repo_root().join("tests/sdk/python/.venv/bin/python"))
}

/// The interpreter and script for a client; a clear failure when `tests/sdk/setup.sh` has not run.
fn program(client: Client) -> (PathBuf, PathBuf) {
    let sdk = repo_root().join("tests/sdk");
    match client {
        Client::Python | Client::PythonLegacy => {
            let python = sdk_python();
            let script = if matches!(client, Client::Python) {
                "python/rds_client.py"
            } else {
                "python/legacy_client.py"
            };
            (python, sdk.join(script))
        }
        Client::Node | Client::NodePop => {
            set_up(sdk.join("node/node_modules"));
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

/// One request as an upstream received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(p, _)| p)
    }

    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A parameter from the query (where V3 puts them when the body is empty) or a
    /// form body.
    pub fn param(&self, name: &str) -> Option<String> {
        let body = String::from_utf8_lossy(&self.body).into_owned();
        [self.query(), body.as_str()].into_iter().find_map(|text| {
            rds_backup_core::encode::parse_pairs(text)
                .unwrap_or_default()
                .into_iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
        })
    }

    /// The action, from `x-acs-action` (V3) or `Action` (V2).
    pub fn action(&self) -> String {
        self.header("x-acs-action")
            .map(str::to_owned)
            .unwrap_or_else(|| {
                rds_backup_core::encode::parse_pairs(self.query())
                    .unwrap_or_default()
                    .into_iter()
                    .find(|(k, _)| k == "Action")
                    .map(|(_, v)| v)
                    .unwrap_or_default()
            })
    }
}

/// What a fake upstream does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Pass it to the emulator and its answer back.
    Forward,
    /// Never answer.
    Hang,
    /// Answer 503 with an HTML page (a load balancer's error).
    Html503,
    /// Answer 500 with the service's JSON error.
    Json500,
    /// Answer 200 with this body (JSON of any shape, or not JSON).
    Body200(&'static str),
    /// Pass it to the emulator (it runs), then never answer.
    ForwardThenHang,
    /// Pass it to the emulator (it runs), then reset the connection.
    ForwardThenReset,
    /// Wait this many milliseconds, then pass it on as `Forward` does.
    DelayThenForward(u64),
}

/// A recording upstream in front of an emulator: counts and keeps every request, and
/// forwards it, or misbehaves for chosen actions.
pub struct FakeUpstream {
    pub addr: SocketAddr,
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<Recorded>>>,
    rules: std::sync::Arc<std::sync::Mutex<Vec<(String, Behaviour)>>>,
}

fn read_request(s: &mut TcpStream) -> Option<(Vec<u8>, Recorded)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let first = lines.next()?.to_owned();
    let mut parts = first.split(' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0usize);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    let mut raw = buf;
    raw.extend_from_slice(&body);
    Some((
        raw,
        Recorded {
            method,
            target,
            headers,
            body,
        },
    ))
}

/// Closes a connection with a reset (SO_LINGER 0), as a crashing peer does.
fn reset(s: TcpStream) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    else {
        return;
    };
    rt.block_on(async move {
        let _ = s.set_nonblocking(true);
        if let Ok(t) = tokio::net::TcpStream::from_std(s) {
            #[allow(deprecated)]
            let _ = t.set_linger(Some(Duration::ZERO));
            drop(t);
        }
    });
}

impl FakeUpstream {
    /// Forwards to `emulator` unless told otherwise.
    pub fn start(emulator: SocketAddr) -> FakeUpstream {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let rules: std::sync::Arc<std::sync::Mutex<Vec<(String, Behaviour)>>> =
            std::sync::Arc::default();
        let (seen2, rules2) = (seen.clone(), rules.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let (seen, rules) = (seen2.clone(), rules2.clone());
                std::thread::spawn(move || {
                    if let Some((raw, rec)) = read_request(&mut s) {
                        let action = rec.action();
                        seen.lock().unwrap().push(rec);
                        let behaviour = rules
                            .lock()
                            .unwrap()
                            .iter()
                            .find(|(a, _)| *a == action || a == "*")
                            .map_or(Behaviour::Forward, |(_, b)| *b);
                        let answer: Vec<u8> = match behaviour {
                            Behaviour::Hang => {
                                std::thread::sleep(Duration::from_secs(30));
                                return;
                            }
                            Behaviour::Html503 => b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\ncontent-length: 21\r\nconnection: close\r\n\r\n<h1>Try again</h1>\r\n\r\n".to_vec(),
                            Behaviour::Json500 => {
                                let body = r#"{"Code":"InternalError","Message":"The request processing has failed due to some unknown error.","RequestId":"upstream-500"}"#;
                                format!("HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).into_bytes()
                            }
                            Behaviour::Body200(body) => format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).into_bytes(),
                            Behaviour::ForwardThenHang => {
                                let _ = send_raw(emulator, &String::from_utf8_lossy(&raw));
                                std::thread::sleep(Duration::from_secs(30));
                                return;
                            }
                            Behaviour::ForwardThenReset => {
                                let _ = send_raw(emulator, &String::from_utf8_lossy(&raw));
                                reset(s);
                                return;
                            }
                            Behaviour::Forward | Behaviour::DelayThenForward(_) => {
                                if let Behaviour::DelayThenForward(ms) = behaviour {
                                    std::thread::sleep(Duration::from_millis(ms));
                                }
                                let text = String::from_utf8_lossy(&raw).into_owned();
                                let reply = send_raw(emulator, &text);
                                let mut out = format!("HTTP/1.1 {} X\r\n", reply.status);
                                for (k, v) in reply.headers.iter().filter(|(k, _)| k != "connection" && k != "content-length" && k != "transfer-encoding") {
                                    out.push_str(&format!("{k}: {v}\r\n"));
                                }
                                out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n{}", reply.body.len(), reply.body));
                                out.into_bytes()
                            }
                        };
                        let _ = s.write_all(&answer);
                    }
                });
            }
        });
        FakeUpstream { addr, seen, rules }
    }

    /// Makes `action` (or `*`) behave this way from now on.
    pub fn on(&self, action: &str, behaviour: Behaviour) {
        self.rules
            .lock()
            .unwrap()
            .insert(0, (action.to_owned(), behaviour));
    }

    /// The requests received so far.
    pub fn seen(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests for `action` arrived.
    pub fn count(&self, action: &str) -> usize {
        self.seen().iter().filter(|r| r.action() == action).count()
    }

    pub fn endpoint(&self) -> Endpoint {
        Endpoint::parse_override(&format!("http://{}", self.addr)).unwrap()
    }
}

/// A `Write` into a shared buffer (to read an audit log or log lines back).
#[derive(Clone, Default)]
pub struct SharedBuf(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A proxy serving on a free port of 127.0.0.1 until dropped.
pub struct Proxy {
    pub addr: SocketAddr,
    pub audit: SharedBuf,
    /// The app behind it (its store, its audit writer).
    pub app: std::sync::Arc<rds_backup_proxy::App>,
    _server: ServerThread,
}

/// A change to the app before it serves (authentication, limits, ...).
pub type Tweak = Box<dyn FnOnce(&mut rds_backup_proxy::App) + Send>;

/// How to set up a proxy for a test.
pub struct ProxySetup {
    pub upstream: Endpoint,
    pub credentials: Credentials,
    pub timeout: Duration,
    /// `--tokens`: token -> user.
    pub tokens: Option<std::collections::HashMap<String, String>>,
    /// `--policies`, read with the emulator's account.
    pub policies: Option<&'static str>,
    pub allow_origins: Vec<String>,
    pub dist: Option<PathBuf>,
    /// The store's URL (`memory` unless a test says otherwise).
    pub database: String,
    /// Sign with the credential chain's credentials, found in this environment and kept
    /// fresh, instead of `credentials`.
    pub chain_env: Option<Vec<(String, String)>>,
    /// Anything else.
    pub tweak: Option<Tweak>,
}

impl ProxySetup {
    pub fn new(upstream: Endpoint) -> ProxySetup {
        ProxySetup {
            upstream,
            credentials: test_creds(),
            timeout: Duration::from_secs(5),
            tokens: None,
            policies: None,
            allow_origins: Vec::new(),
            dist: None,
            database: "memory".into(),
            chain_env: None,
            tweak: None,
        }
    }
}

impl ServerThread {
    /// A proxy app, built on the server's own runtime (its store and worker live there),
    /// behind the proxy's own server (limits, peer addresses). The app is handed back.
    pub fn spawn_proxy<F>(build: F) -> (ServerThread, std::sync::Arc<rds_backup_proxy::App>)
    where
        F: FnOnce() -> std::pin::Pin<
                Box<dyn std::future::Future<Output = rds_backup_proxy::App> + Send>,
            > + Send
            + 'static,
    {
        let (tx_addr, rx_addr) = std::sync::mpsc::channel();
        let (tx_stop, rx_stop) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let app = std::sync::Arc::new(build().await);
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx_addr
                    .send((listener.local_addr().unwrap(), app.clone()))
                    .unwrap();
                let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
                tokio::spawn(rds_backup_proxy::worker::run(app.clone(), worker_stop));
                let limits = app.limits;
                rds_backup_proxy::serve::serve(
                    listener,
                    rds_backup_proxy::router(app),
                    limits,
                    async {
                        let _ = rx_stop.await;
                    },
                )
                .await
                .unwrap();
                let _ = stop_worker.send(true);
            });
        });
        let (addr, app) = rx_addr.recv_timeout(Duration::from_secs(20)).unwrap();
        (
            ServerThread {
                addr,
                shutdown: Some(tx_stop),
                thread: Some(thread),
            },
            app,
        )
    }
}

impl Proxy {
    pub fn start(setup: ProxySetup) -> Proxy {
        use rds_backup_proxy::audit::AuditLog;
        use rds_backup_proxy::identity::{Auth, Tokens};
        use rds_backup_proxy::policy::{Authorizer, Policies};
        use rds_backup_proxy::upstream::{SystemProxy, Target, Upstream, http_client};
        let audit = SharedBuf::default();
        let log = audit.clone();
        let (server, app) = ServerThread::spawn_proxy(move || {
            Box::pin(async move {
                let client = http_client(setup.timeout, SystemProxy::Ignore).unwrap();
                let upstream = match setup.chain_env {
                    None => Upstream::new(
                        Target::Fixed(setup.upstream),
                        setup.credentials,
                        client,
                        setup.timeout,
                    ),
                    Some(env) => {
                        use rds_backup_credentials as creds;
                        let env = creds::Env::from_pairs(
                            env.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                        );
                        let http = creds::http_client().unwrap();
                        let (provider, fetched) =
                            creds::resolve(&env, &creds::Options::default(), &http)
                                .await
                                .unwrap();
                        let live = creds::Live::new(provider, http, fetched);
                        let (_keep, stop) = tokio::sync::watch::channel(false);
                        // Never stopped: it ends with the runtime.
                        std::mem::forget(_keep);
                        tokio::spawn(live.clone().run(stop));
                        Upstream::with_live(
                            Target::Fixed(setup.upstream),
                            live,
                            client,
                            setup.timeout,
                        )
                    }
                };
                let store = rds_backup_store::Store::open(&setup.database)
                    .await
                    .unwrap();
                let mut app = rds_backup_proxy::App::new(
                    upstream,
                    store,
                    AuditLog::new(Box::new(log)),
                    rds_backup_proxy::Mode::Live,
                    vec!["cn-hangzhou".into()],
                );
                if let Some(tokens) = setup.tokens {
                    app.auth = Auth::Tokens(
                        Tokens::read(&serde_json::to_string(&tokens).unwrap()).unwrap(),
                    );
                }
                app.authz = Authorizer(
                    setup
                        .policies
                        .map(|p| Policies::read(p, rds_backup_emulator::DEMO_ACCOUNT_ID).unwrap()),
                );
                app.site.allow_origins = setup.allow_origins;
                app.dist = setup.dist;
                app.pace.poll = Duration::from_millis(100);
                app.pace.job_poll = Duration::from_millis(200);
                app.pace.reconcile_window = Duration::from_secs(3);
                if let Some(tweak) = setup.tweak {
                    tweak(&mut app);
                }
                app
            })
        });
        Proxy {
            addr: server.addr,
            audit,
            app,
            _server: server,
        }
    }

    /// Sends a request with these headers and body.
    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let mut text = format!("{method} {target} HTTP/1.1\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            text.push_str(&format!("host: {}\r\n", self.addr));
        }
        for (k, v) in headers {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
        send_raw(self.addr, &text)
    }

    /// `POST /api/backups` with a JSON body.
    pub fn post_backup(&self, body: &str) -> Reply {
        self.request(
            "POST",
            "/api/backups",
            &[("content-type", "application/json")],
            body,
        )
    }

    pub fn get(&self, target: &str) -> Reply {
        self.request("GET", target, &[], "")
    }

    /// The audit log's lines (once the writer has caught up).
    pub fn audit_lines(&self) -> Vec<Value> {
        self.app.audit.settle(Duration::from_secs(5));
        self.audit
            .text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// The test OIDC issuer (`tests/sdk/python/oidc_issuer.py`: keys made there, tokens
/// signed by PyJWT), on a free port of 127.0.0.1, stopped when dropped.
pub struct Issuer {
    pub url: String,
    addr: SocketAddr,
    child: std::process::Child,
}

/// The audience the issuer's tokens carry.
pub const AUDIENCE: &str = "rds-backup-console";

impl Issuer {
    pub fn start() -> Issuer {
        use std::io::BufRead;
        let python = repo_root().join("tests/sdk/python/.venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run `bash tests/sdk/setup.sh` (scripts/test.sh does)",
            python.display()
        );
        let mut child = Command::new(python)
            .arg(repo_root().join("tests/sdk/python/oidc_issuer.py"))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the issuer said {line:?}"))
            .to_owned();
        let addr = url.trim_start_matches("http://").parse().unwrap();
        Issuer { url, addr, child }
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        let body = body.to_string();
        let raw = format!(
            "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        send_raw(self.addr, &raw).json()
    }

    /// A token made as `request` asks (see the script: claims, kid, alg, exp_in, nbf_in, mode).
    pub fn token(&self, request: Value) -> String {
        self.post("/token", &request)["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A valid token naming `user`.
    pub fn token_for(&self, user: &str) -> String {
        self.token(serde_json::json!({"claims": {"preferred_username": user}}))
    }

    /// Adds a signing key (a rotation).
    pub fn add_key(&self, kid: &str, alg: &str) {
        self.post("/keys", &serde_json::json!({"kid": kid, "alg": alg}));
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_fetches(&self) -> u64 {
        send_raw(
            self.addr,
            &format!("GET /stats HTTP/1.1\r\nhost: {}\r\n\r\n", self.addr),
        )
        .json()["jwks_fetches"]
            .as_u64()
            .unwrap()
    }

    /// A verifier for this issuer, its keys loaded.
    pub fn verifier(&self) -> rds_backup_proxy::identity::oidc::Verifier {
        use rds_backup_proxy::identity::oidc::{JwksSource, Settings, Verifier};
        use rds_backup_proxy::upstream::{SystemProxy, http_client};
        let settings = Settings {
            issuer: self.url.clone(),
            audience: AUDIENCE.into(),
            jwks: JwksSource::Discovery,
            user_claim: None,
            groups_claim: "groups".into(),
            refetch_interval: Duration::from_secs(60),
        };
        let v = Verifier::new(
            settings,
            http_client(Duration::from_secs(5), SystemProxy::Ignore).unwrap(),
        );
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(v.load())
            .unwrap();
        v
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The emulator's ECS metadata service on a port of 127.0.0.1, which a test can stop and
/// start again on the same port.
pub struct MetadataServer {
    pub addr: SocketAddr,
    pub meta: std::sync::Arc<rds_backup_emulator::metadata::Metadata>,
    state: std::sync::Arc<rds_backup_emulator::State>,
    server: Option<ServerThread>,
}

impl MetadataServer {
    pub fn start(
        state: std::sync::Arc<rds_backup_emulator::State>,
        meta: rds_backup_emulator::metadata::Metadata,
    ) -> MetadataServer {
        let meta = std::sync::Arc::new(meta);
        let server = ServerThread::spawn(rds_backup_emulator::metadata::router(
            state.clone(),
            meta.clone(),
        ));
        MetadataServer {
            addr: server.addr,
            meta,
            state,
            server: Some(server),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops answering (the port is closed).
    pub fn stop(&mut self) {
        self.server.take();
    }

    /// Answers again, on the same port.
    pub fn resume(&mut self) {
        if self.server.is_none() {
            self.server = Some(ServerThread::spawn_on(
                self.addr,
                rds_backup_emulator::metadata::router(self.state.clone(), self.meta.clone()),
            ));
        }
    }

    /// The service's counts (`credential_requests`, `max_in_flight`, `issued`).
    pub fn stats(&self) -> (u64, i64, u64) {
        use std::sync::atomic::Ordering;
        let s = &self.meta.stats;
        (
            s.credential_requests.load(Ordering::Relaxed),
            s.max_in_flight.load(Ordering::Relaxed),
            s.issued.load(Ordering::Relaxed),
        )
    }
}
