//! The `rds-backup-proxy` binary as the run command starts it: no credentials, so demo
//! mode with the embedded emulator; the URL printed; a backup through the API; SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

/// Sends `child` SIGTERM and waits at most 20 s for it to exit (a test that hangs on a
/// lost signal fails instead); a child still running then is killed.
fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    assert!(
        Command::new("kill")
            .arg(child.id().to_string())
            .status()
            .unwrap()
            .success()
    );
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < until {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("still running 20 s after SIGTERM");
}

fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The TCP ports process `pid` listens on (Linux: its socket inodes in /proc/net/tcp*).
fn listening_ports(pid: u32) -> Vec<u16> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|l| {
            let l = l.to_string_lossy().into_owned();
            Some(l.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let mut ports = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for row in text.lines().skip(1) {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // local address, state (0A = LISTEN), inode
            if cols.len() > 9 && cols[3] == "0A" && inodes.iter().any(|i| i == cols[9]) {
                let port = cols[1].rsplit(':').next().unwrap();
                ports.push(u16::from_str_radix(port, 16).unwrap());
            }
        }
    }
    ports.sort_unstable();
    ports
}

#[test]
fn without_credentials_it_runs_the_demo_and_prints_the_url() {
    let tmp_dir = tempfile::Builder::new()
        .prefix("rds-proxy-home-")
        .tempdir()
        .unwrap();
    let home = tmp_dir.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rds-backup-proxy"))
        .args(["--listen", "127.0.0.1:0", "--dist", "/nonexistent-dist"])
        .env("HOME", home)
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("console: http://")
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    let addr = url.trim_end_matches('/').to_owned();

    let (status, config) = http(&addr, "GET", "/api/config", "");
    assert_eq!(status, 200);
    assert!(
        config.contains(r#""mode":"demo""#)
            && config.contains("Demo mode: requests go to a local emulator"),
        "{config}"
    );
    // The emulator runs inside the process without a socket of its own: the only
    // listening port is the one printed.
    let listening = listening_ports(child.id());
    let printed: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    assert_eq!(listening, vec![printed]);
    let (status, page) = http(&addr, "GET", "/", "");
    assert_eq!(status, 200);
    assert!(page.contains("has not been built"), "{page}");
    let (status, reply) = http(
        &addr,
        "POST",
        "/api/backups",
        r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mariadb-cloud","BackupMethod":"Physical"}"#,
    );
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains("BackupJobId"), "{reply}");

    let exit = terminate(&mut child);
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn a_named_profile_that_does_not_exist_stops_start_up() {
    let out = Command::new(env!("CARGO_BIN_EXE_rds-backup-proxy"))
        .args(["--listen", "127.0.0.1:0", "--profile", "nope"])
        .env("HOME", "/nonexistent-home")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

#[test]
fn emulator_listen_serves_the_same_demo_state_on_a_port_of_its_own() {
    use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, sign};
    use rds_backup_core::{Credentials, Endpoint, UtcTime};

    let mut child = Command::new(env!("CARGO_BIN_EXE_rds-backup-proxy"))
        .args([
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--dist",
            "/nonexistent-dist",
            "--emulator-listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut emulator, mut console) = (String::new(), String::new());
    while console.is_empty() {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "no console line");
        if let Some(rest) = line.trim().strip_prefix("emulator: http://") {
            emulator = rest.split(' ').next().unwrap().to_owned();
            assert!(line.contains(rds_backup_emulator::DEMO_KEY_ID), "{line}");
        } else if let Some(rest) = line.trim().strip_prefix("console: http://") {
            console = rest.trim_end_matches('/').to_owned();
        }
    }
    assert!(
        !emulator.is_empty(),
        "the emulator's address was not printed"
    );
    let mut ports = listening_ports(child.id());
    ports.sort_unstable();
    assert_eq!(ports.len(), 2, "{ports:?}");

    // A backup started through the console's API...
    let (status, reply) = http(
        &console,
        "POST",
        "/api/backups",
        r#"{"RegionId":"cn-hangzhou","DBInstanceId":"pgm-demo-pg-local","BackupMethod":"Physical"}"#,
    );
    assert_eq!(status, 200, "{reply}");
    let job: serde_json::Value = serde_json::from_str(&reply).unwrap();
    let job = match &job["BackupJobId"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };

    // ...is seen by a signed call to the emulator's own port.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let call = Call {
        action: "DescribeBackupTasks".into(),
        version: RDS_VERSION.into(),
        params: vec![
            ("DBInstanceId".into(), "pgm-demo-pg-local".into()),
            ("BackupJobId".into(), job.clone()),
        ],
        method: Method::Post,
        endpoint: Endpoint::parse_override(&format!("http://{emulator}")).unwrap(),
        time: UtcTime::from_unix(i64::try_from(now).unwrap()),
        nonce: format!("binary-test-{now}-{}", std::process::id()),
    };
    let creds = Credentials::new(
        rds_backup_emulator::DEMO_KEY_ID,
        rds_backup_emulator::DEMO_KEY_SECRET,
    );
    let raw = sign(&call, &creds, SignatureVersion::V3)
        .request
        .to_http()
        .replacen("\r\n", "\r\nconnection: close\r\n", 1);
    let mut s = TcpStream::connect(&emulator).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(&job), "{answer}");

    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn emulator_listen_is_refused_in_live_mode() {
    let out = Command::new(env!("CARGO_BIN_EXE_rds-backup-proxy"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--emulator-listen",
            "127.0.0.1:0",
        ])
        .env("HOME", "/nonexistent-home")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "live-id")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "live-secret-value")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--emulator-listen needs demo mode"), "{err}");
    assert!(!err.contains("live-secret-value"), "{err}");
}

/// The proxy's stderr when it refuses to start with these flags (and no credentials).
fn refused_start(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rds-backup-proxy"))
        .args(args)
        .env("HOME", "/nonexistent-home")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?} started");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn inconsistent_flags_stop_the_start_saying_why() {
    let e = refused_start(&[
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        "http://127.0.0.1:9",
    ]);
    assert!(e.contains("needs credentials"), "{e}");
    let e = refused_start(&["--listen", "0.0.0.0:0"]);
    assert!(e.contains("--auth none") && e.contains("loopback"), "{e}");
    let e = refused_start(&[
        "--listen",
        "0.0.0.0:0",
        "--auth",
        "trusted-header",
        "--trusted-proxy",
        "10.0.0.0/8",
    ]);
    assert!(e.contains("--public-url"), "{e}");
    let e = refused_start(&[
        "--listen",
        "127.0.0.1:0",
        "--auth",
        "oidc",
        "--oidc-audience",
        "a",
    ]);
    assert!(e.contains("--oidc-issuer"), "{e}");
    let e = refused_start(&["--listen", "127.0.0.1:0", "--auth", "trusted-header"]);
    assert!(e.contains("--trusted-proxy"), "{e}");
    let policies_file = tempfile::Builder::new()
        .prefix("rds-policies-")
        .suffix(".json")
        .tempfile()
        .unwrap();
    let policies = policies_file.path();
    std::fs::write(
        policies,
        r#"{"alice": {"Statement": [{"Effect": "Deny", "Action": "rds:*", "Resource": "acs:rds:*:42:dbinstance/*"}]}}"#,
    )
    .unwrap();
    let e = refused_start(&[
        "--listen",
        "127.0.0.1:0",
        "--policies",
        policies.to_str().unwrap(),
    ]);
    assert!(e.contains("'alice'") && e.contains("account 42"), "{e}");
}

#[test]
fn a_system_proxy_is_used_only_when_asked_for() {
    // An emulator on loopback, served by this test.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let state = rds_backup_emulator::Config::default().into_state();
            let _ = rds_backup_emulator::serve(listener, state, std::future::pending()).await;
        });
    });
    let emulator = rx.recv().unwrap();
    let start = |extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rds-backup-proxy"))
            .args(["--listen", "127.0.0.1:0", "--dist", "/nonexistent-dist"])
            .args(["--upstream", &format!("http://{emulator}")])
            // A record of its own: nothing of an earlier run (or of another build) is read.
            .args(["--database", "memory"])
            .args(extra)
            .env("HOME", "/nonexistent-home")
            .env(
                "ALIBABA_CLOUD_ACCESS_KEY_ID",
                rds_backup_emulator::DEMO_KEY_ID,
            )
            .env(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                rds_backup_emulator::DEMO_KEY_SECRET,
            )
            // A proxy that is not there: a call through it fails.
            .env("HTTP_PROXY", "http://127.0.0.1:9")
            .env("http_proxy", "http://127.0.0.1:9")
            .env("ALL_PROXY", "http://127.0.0.1:9")
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("console: http://")
            .unwrap()
            .trim_end_matches('/')
            .to_owned();
        (child, addr)
    };
    let (mut direct, addr) = start(&[]);
    let (status, body) = http(&addr, "GET", "/api/instances?RegionId=cn-hangzhou", "");
    assert_eq!(status, 200, "{body}");
    let _ = direct.kill();
    let _ = direct.wait();
    let (mut through, addr) = start(&["--system-proxy"]);
    let (status, body) = http(&addr, "GET", "/api/instances?RegionId=cn-hangzhou", "");
    assert_eq!(status, 502, "{body}");
    let _ = through.kill();
    let _ = through.wait();
}

#[test]
fn a_sigterm_sent_as_soon_as_the_url_is_printed_stops_it_cleanly() {
    // Before the signal handlers were set up ahead of the "console:" line, about 24 in 100
    // such signals killed the proxy outright (no graceful shutdown).
    let tmp_dir = tempfile::Builder::new()
        .prefix("rds-proxy-home-")
        .tempdir()
        .unwrap();
    for round in 0..30 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rds-backup-proxy"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--demo",
                "--dist",
                "/nonexistent-dist",
            ])
            .env("HOME", tmp_dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert!(line.starts_with("console: http://"), "{line:?}");
        let exit = terminate(&mut child);
        assert!(exit.success(), "round {round}: {exit:?}");
    }
}
