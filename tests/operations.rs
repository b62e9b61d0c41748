//! Operating the proxy, over real sockets on 127.0.0.1, the proxy as a process of its own
//! (the metrics recorder is one per process): `/metrics` scraped during a load and read
//! with the official Prometheus client's parser; readiness going false and back for the
//! store, the credentials and the upstream, each with its reason; JSON logs whose request
//! ids are the ones callers see.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::routing::get;
use rds_backup_core::{Engine, StorageType, UtcTime};
use rds_backup_e2e::process::ProxyProcess;
use rds_backup_e2e::*;
use rds_backup_emulator::Fleet;
use rds_backup_emulator::fleet::Instance;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_proxy-under-test");

fn tmp(name: &str) -> tempfile::TempDir {
    scratch(&format!("operations-{name}"))
}

fn eventually<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `n` PostgreSQL instances on ESSD (a Snapshot each), `pgm-load-NNN`.
fn fleet(n: usize) -> Fleet {
    Fleet {
        instances: (0..n)
            .map(|i| {
                Instance::new(
                    &format!("pgm-load-{i:03}"),
                    "cn-hangzhou",
                    Engine::PostgreSql,
                    StorageType::CloudEssd,
                )
            })
            .collect(),
    }
}

fn snapshot(id: &str) -> String {
    format!(r#"{{"RegionId":"cn-hangzhou","DBInstanceId":"{id}","BackupMethod":"Snapshot"}}"#)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// One sample of a scrape, as the Prometheus client read it.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses a scrape with the official client (`prom_parse.py`): it must parse.
fn parse(text: &str) -> Vec<Sample> {
    let python = repo_root().join("tests/sdk/python/.venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run tests/sdk/setup.sh",
        python.display()
    );
    let mut child = std::process::Command::new(python)
        .arg(repo_root().join("tests/sdk/python/prom_parse.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the Prometheus client could not parse the scrape: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Sample {
                name: v["name"].as_str().unwrap().to_owned(),
                labels: serde_json::from_value(v["labels"].clone()).unwrap(),
                value: v["value"].as_f64().unwrap(),
            }
        })
        .collect()
}

/// The value of the sample `name` whose labels include `labels` (0 when absent).
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .sum()
}

fn request(
    proxy: &ProxyProcess,
    method: &str,
    target: &str,
    token: Option<&str>,
    body: &str,
) -> Reply {
    let auth = token.map_or(String::new(), |t| format!("authorization: Bearer {t}\r\n"));
    let extra = if method == "POST" {
        format!(
            "content-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        )
    } else {
        String::new()
    };
    send_raw(
        proxy.addr,
        &format!(
            "{method} {target} HTTP/1.1\r\nhost: {}\r\n{auth}{extra}\r\n{body}",
            proxy.addr
        ),
    )
}

#[test]
fn metrics_scraped_during_a_load_count_what_was_sent_and_carry_no_user_or_instance() {
    let tmp_dir = tmp("metrics");
    let dir = tmp_dir.path();
    let args: Vec<String> = vec![
        "--demo".into(),
        "--demo-fleet".into(),
        write(
            dir,
            "fleet.json",
            &serde_json::to_string(&fleet(40)).unwrap(),
        ),
        "--tokens".into(),
        write(
            dir,
            "tokens.json",
            r#"{"tok-alice-0001-metrics": "alice.metrics", "tok-bob-0002-metrics": "bob.metrics"}"#,
        ),
        "--policies".into(),
        write(
            dir,
            "policies.json",
            r#"{
                "alice.metrics": {"Statement": [{"Effect": "Allow", "Action": "rds:*", "Resource": "*"}]},
                "bob.metrics": {"Statement": [{"Effect": "Allow", "Action": "rds:Describe*", "Resource": "*"}]}
            }"#,
        ),
        "--database".into(),
        "memory".into(),
        "--metrics-listen".into(),
        "127.0.0.1:0".into(),
    ];
    let proxy = Arc::new(ProxyProcess::start(EXE, &args, &[]));
    let metrics = proxy.metrics.expect("the metrics line");
    assert_ne!(metrics.port(), proxy.addr.port());
    // Not on the public listener.
    let public = proxy.get("/metrics");
    assert!(
        !public.body.contains("rds_backup_proxy_"),
        "{}",
        public.body
    );

    // What the load sends, and what came back.
    let answers: Arc<Mutex<Vec<(String, Reply)>>> = Arc::default();
    let mut load = Vec::new();
    for t in 0..4usize {
        let (proxy, answers) = (proxy.clone(), answers.clone());
        load.push(std::thread::spawn(move || {
            let mut mine = Vec::new();
            for i in 0..10usize {
                let n = t * 10 + i;
                let (kind, r) = match i % 5 {
                    // Sent (30 in all).
                    0..=2 => (
                        "sent",
                        request(
                            &proxy,
                            "POST",
                            "/api/backups",
                            Some("tok-alice-0001-metrics"),
                            &snapshot(&format!("pgm-load-{n:03}")),
                        ),
                    ),
                    // Denied by policy (4).
                    3 if t % 2 == 0 => (
                        "denied",
                        request(
                            &proxy,
                            "POST",
                            "/api/backups",
                            Some("tok-bob-0002-metrics"),
                            &snapshot(&format!("pgm-load-{n:03}")),
                        ),
                    ),
                    // Refused by the rules (4): the method is not one PostgreSQL on ESSD has.
                    3 => (
                        "refused",
                        request(
                            &proxy,
                            "POST",
                            "/api/backups",
                            Some("tok-alice-0001-metrics"),
                            &format!(
                                r#"{{"RegionId":"cn-hangzhou","DBInstanceId":"pgm-load-{n:03}","BackupMethod":"Logical"}}"#
                            ),
                        ),
                    ),
                    // Reads (8) and unauthenticated (every other).
                    _ if t % 2 == 0 => (
                        "read",
                        request(
                            &proxy,
                            "GET",
                            &format!("/api/instances/pgm-load-{n:03}?RegionId=cn-hangzhou"),
                            Some("tok-bob-0002-metrics"),
                            "",
                        ),
                    ),
                    _ => (
                        "anonymous",
                        request(&proxy, "GET", "/api/instances?RegionId=cn-hangzhou", None, ""),
                    ),
                };
                mine.push((kind.to_owned(), r));
            }
            answers.lock().unwrap().extend(mine);
        }));
    }
    // Scrapes while the load runs: each parses, and the request counter never goes down.
    let mut scrapes = 0;
    let mut last = 0.0;
    while load.iter().any(|t| !t.is_finished()) {
        let samples = parse(&proxy.scrape());
        let now = value(&samples, "rds_backup_proxy_requests_total", &[]);
        assert!(
            now >= last,
            "the request counter went down: {last} -> {now}"
        );
        last = now;
        scrapes += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    for t in load {
        t.join().unwrap();
    }
    let answers = answers.lock().unwrap().clone();
    let count = |kind: &str, status: u16| {
        answers
            .iter()
            .filter(|(k, r)| k == kind && r.status == status)
            .count() as f64
    };
    assert_eq!(count("sent", 200), 24.0, "{answers:?}");
    assert_eq!(count("denied", 403), 4.0, "{answers:?}");
    assert_eq!(count("refused", 400), 4.0, "{answers:?}");
    assert_eq!(count("read", 200), 4.0, "{answers:?}");
    assert_eq!(count("anonymous", 401), 4.0, "{answers:?}");
    let refused_code = answers
        .iter()
        .find(|(k, _)| k == "refused")
        .and_then(|(_, r)| r.code())
        .unwrap();

    let text = proxy.scrape();
    let samples = parse(&text);
    let requests = "rds_backup_proxy_requests_total";
    let backups = [("route", "/api/backups")];
    assert_eq!(
        value(&samples, requests, &[backups[0], ("status_class", "2xx")]),
        24.0
    );
    assert_eq!(
        value(&samples, requests, &[backups[0], ("status_class", "4xx")]),
        8.0
    );
    assert_eq!(
        value(
            &samples,
            requests,
            &[("route", "/api/instances/{id}"), ("status_class", "2xx")]
        ),
        4.0
    );
    assert_eq!(
        value(
            &samples,
            requests,
            &[("route", "/api/instances"), ("status_class", "4xx")]
        ),
        4.0
    );
    assert_eq!(
        value(
            &samples,
            "rds_backup_proxy_request_duration_seconds_count",
            &backups
        ),
        32.0
    );
    let outcomes = "rds_backup_proxy_create_backup_total";
    assert_eq!(value(&samples, outcomes, &[("outcome", "sent")]), 24.0);
    assert_eq!(
        value(&samples, outcomes, &[("code", refused_code.as_str())]),
        4.0,
        "{refused_code}"
    );
    assert_eq!(value(&samples, outcomes, &[("code", "Forbidden.RAM")]), 4.0);
    assert_eq!(value(&samples, outcomes, &[]), 32.0);
    assert_eq!(
        value(
            &samples,
            "rds_backup_proxy_policy_denials_total",
            &[("action", "rds:CreateBackup")]
        ),
        4.0
    );
    assert_eq!(
        value(
            &samples,
            "rds_backup_proxy_upstream_calls_total",
            &[("action", "CreateBackup"), ("outcome", "ok")]
        ),
        24.0
    );
    assert_eq!(
        value(&samples, "rds_backup_proxy_build_info", &[]),
        1.0,
        "{text}"
    );
    assert!(
        samples
            .iter()
            .any(|s| s.name == "rds_backup_proxy_jobs_in_flight"),
        "{text}"
    );
    assert!(
        value(
            &samples,
            "rds_backup_proxy_store_operation_duration_seconds_count",
            &[("operation", "insert")]
        ) >= 24.0
    );
    assert!(scrapes >= 1);
    // No label holds a user, a token or an instance.
    for s in &samples {
        for (k, v) in &s.labels {
            for secret in ["alice", "bob", "tok-", "pgm-load", "rm-"] {
                assert!(
                    !v.contains(secret),
                    "{}{{{k}=\"{v}\"}} holds '{secret}'",
                    s.name
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn ready(proxy: &ProxyProcess) -> (u16, Value) {
    let r = proxy.get("/api/health/ready");
    (r.status, r.json())
}

/// Makes a file unwritable even for root (`chattr +i`), or undoes it.
fn immutable(path: &Path, on: bool) {
    if !path.exists() {
        return;
    }
    let flag = if on { "+i" } else { "-i" };
    let ok = std::process::Command::new("chattr")
        .arg(flag)
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        use std::os::unix::fs::PermissionsExt;
        let mode = if on { 0o444 } else { 0o644 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn readiness_goes_false_when_the_store_takes_no_writes_and_true_after() {
    let tmp_dir = tmp("ready-store");
    let dir = tmp_dir.path();
    let db = dir.join("record.db");
    let proxy = ProxyProcess::start(
        EXE,
        &[
            "--demo".into(),
            "--database".into(),
            format!("sqlite://{}", db.display()),
        ],
        &[],
    );
    let (status, body) = ready(&proxy);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(proxy.get("/api/health/live").status, 200);
    // The database and its log, not the shared-memory index that SQLite keeps mapped:
    // with that one immutable too, the process died of SIGBUS in about half the runs here
    // (an artefact of chattr on a mapped file; writes to the log fail cleanly).
    let files = [db.clone(), dir.join("record.db-wal")];
    for f in &files {
        immutable(f, true);
    }
    let (status, body) = ready(&proxy);
    let live = proxy.get("/api/health/live").status;
    let legacy = proxy.get("/api/health").status;
    for f in &files {
        immutable(f, false);
    }
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "not-ready");
    assert_eq!(body["checks"]["store"]["ok"], false, "{body}");
    let reason = body["checks"]["store"]["reason"].as_str().unwrap();
    assert!(reason.contains("does not take writes"), "{reason}");
    assert_eq!(body["checks"]["credentials"]["ok"], true, "{body}");
    assert_eq!(body["checks"]["upstream"]["ok"], true, "{body}");
    // The process still answers; /api/health is the ready view.
    assert_eq!(live, 200);
    assert_eq!(legacy, 503);
    let (status, body) = eventually(Duration::from_secs(10), "ready again", || {
        let r = ready(&proxy);
        (r.0 == 200).then_some(r)
    });
    assert_eq!((status, &body["status"]), (200, &json!("ok")));
    drop(proxy);
    let _ = std::fs::remove_dir_all(dir);
}

/// What the credentials URI hands out.
const LONG: u8 = 0;
const SHORT_THEN_FAIL: u8 = 1;
const FAIL: u8 = 2;

/// An `ALIBABA_CLOUD_CREDENTIALS_URI` server: keys for an hour, or a key for 4 s and then
/// only HTTP 500s.
fn credentials_uri(mode: Arc<AtomicU8>) -> ServerThread {
    ServerThread::spawn(axum::Router::new().route(
        "/credentials",
        get(move || {
            let mode = mode.clone();
            async move {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs() as i64;
                let life = match mode.load(Ordering::SeqCst) {
                    LONG => 3600,
                    SHORT_THEN_FAIL => {
                        mode.store(FAIL, Ordering::SeqCst);
                        4
                    }
                    _ => {
                        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, String::new());
                    }
                };
                let body = json!({
                    "Code": "Success",
                    "AccessKeyId": STS_KEY_ID,
                    "AccessKeySecret": TEST_SECRET,
                    "SecurityToken": STS_TOKEN,
                    "Expiration": UtcTime::from_unix(now + life).to_string(),
                    "LastUpdated": UtcTime::from_unix(now).to_string(),
                });
                (axum::http::StatusCode::OK, body.to_string())
            }
        }),
    ))
}

fn upstream_proxy(upstream: std::net::SocketAddr, env: &[(&str, String)]) -> ProxyProcess {
    ProxyProcess::start(
        EXE,
        &[
            "--upstream".into(),
            format!("http://{upstream}"),
            "--database".into(),
            "memory".into(),
        ],
        env,
    )
}

#[test]
fn readiness_goes_false_when_the_credentials_expire_and_true_after_a_refresh() {
    let emu = Emulator::start_live(fleet(1), 500, 0);
    let mode = Arc::new(AtomicU8::new(LONG));
    let uri = credentials_uri(mode.clone());
    let env = [(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        format!("http://{}/credentials", uri.addr),
    )];
    let proxy = upstream_proxy(emu.addr, &env);
    let (status, body) = ready(&proxy);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["credentials"]["provider"], "credentials-uri");
    assert!(body["checks"]["credentials"]["expiresIn"].as_i64().unwrap() > 3500);
    drop(proxy);

    // A key that lives 4 s, and then the source fails.
    mode.store(SHORT_THEN_FAIL, Ordering::SeqCst);
    let proxy = upstream_proxy(emu.addr, &env);
    let (status, body) = eventually(Duration::from_secs(20), "the key expires", || {
        let r = ready(&proxy);
        let left = r.1["checks"]["credentials"]["expiresIn"].as_i64()?;
        (left < 0).then_some(r)
    });
    assert_eq!(status, 503, "{body}");
    let check = &body["checks"]["credentials"];
    assert_eq!(check["ok"], false, "{body}");
    let reason = check["reason"].as_str().unwrap();
    assert!(
        reason.contains("expired") && reason.contains("HTTP 500"),
        "{reason}"
    );
    assert_eq!(body["checks"]["store"]["ok"], true, "{body}");
    // A backup now is not started, and says why.
    let r = proxy.post_backup(&snapshot("pgm-load-000"));
    assert_eq!(
        (r.status, r.code().as_deref()),
        (503, Some("Proxy.CredentialsUnavailable")),
        "{}",
        r.body
    );

    // The source recovers: the next refresh (backoff at most 10 s) makes it ready.
    mode.store(LONG, Ordering::SeqCst);
    let (status, body) = eventually(Duration::from_secs(30), "ready again", || {
        let r = ready(&proxy);
        (r.0 == 200).then_some(r)
    });
    assert_eq!(body["checks"]["credentials"]["ok"], true, "{body}");
    assert_eq!(status, 200);
    assert_eq!(proxy.post_backup(&snapshot("pgm-load-000")).status, 200);
}

#[test]
fn readiness_goes_false_when_the_upstream_is_gone_and_true_when_it_is_back() {
    let emu = Emulator::start_live(fleet(1), 500, 0);
    let serve = || rds_backup_emulator::server::router(emu.state.clone());
    let server = ServerThread::spawn(serve());
    let addr = server.addr;
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID.to_owned()),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET.to_owned()),
    ];
    let proxy = upstream_proxy(addr, &env);
    let (status, body) = ready(&proxy);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["upstream"]["ok"], true, "{body}");

    drop(server);
    // A call fails (a request of a caller, as traffic would): readiness checks now.
    let r = proxy.get("/api/instances?RegionId=cn-hangzhou");
    assert!(r.status >= 500, "{} {}", r.status, r.body);
    let (status, body) = ready(&proxy);
    assert_eq!(status, 503, "{body}");
    let check = &body["checks"]["upstream"];
    assert_eq!(check["ok"], false, "{body}");
    assert!(
        check["reason"]
            .as_str()
            .unwrap()
            .contains("does not answer"),
        "{body}"
    );
    assert_eq!(body["checks"]["store"]["ok"], true, "{body}");
    assert_eq!(body["checks"]["credentials"]["ok"], true, "{body}");

    let _back = ServerThread::spawn_on(addr, serve());
    let (status, body) = eventually(Duration::from_secs(10), "ready again", || {
        let r = ready(&proxy);
        (r.0 == 200).then_some(r)
    });
    assert_eq!(
        (status, &body["checks"]["upstream"]["ok"]),
        (200, &json!(true))
    );
}

/// The lines of a log file, each parsed (every one must be JSON).
fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("a log line is not JSON ({e}): {l}"))
        })
        .collect()
}

#[test]
fn json_logs_parse_line_by_line_and_carry_the_request_id_callers_see() {
    let tmp_dir = tmp("json-logs");
    let dir = tmp_dir.path();
    let logs = dir.join("stderr.log");
    let proxy = ProxyProcess::start_logged(
        EXE,
        &[
            "--demo".into(),
            "--demo-fleet".into(),
            write(
                dir,
                "fleet.json",
                &serde_json::to_string(&fleet(2)).unwrap(),
            ),
            "--database".into(),
            "memory".into(),
            "--log-format".into(),
            "json".into(),
        ],
        &[("RUST_LOG", String::new())],
        Some(&logs),
    );
    // Refused by the rules.
    let refused = proxy.post_backup(
        r#"{"RegionId":"cn-hangzhou","DBInstanceId":"pgm-load-000","BackupMethod":"Logical"}"#,
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    let refused_id = refused.json()["RequestId"].as_str().unwrap().to_owned();
    assert_eq!(refused.header("x-request-id"), Some(refused_id.as_str()));
    // Sent.
    let sent = proxy.post_backup(&snapshot("pgm-load-001"));
    assert_eq!(sent.status, 200, "{}", sent.body);
    let sent_id = sent.header("x-request-id").unwrap().to_owned();
    let upstream_id = sent.json()["RequestId"].as_str().unwrap().to_owned();
    assert_ne!(sent_id, upstream_id);

    let lines = eventually(Duration::from_secs(10), "the access lines", || {
        let lines = json_lines(&logs);
        let n = lines
            .iter()
            .filter(|l| l["target"] == "rds_backup_proxy::access")
            .count();
        (n >= 2).then_some(lines)
    });
    drop(proxy);
    let access = |id: &str| {
        lines
            .iter()
            .find(|l| l["target"] == "rds_backup_proxy::access" && l["request_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no access line for {id}: {lines:?}"))
    };
    let line = access(&refused_id);
    assert_eq!(line["status"], 400, "{line}");
    assert_eq!(line["route"], "/api/backups", "{line}");
    assert_eq!(line["method"], "POST", "{line}");
    assert_eq!(line["caller"], "anonymous", "{line}");
    assert_eq!(line["code"], refused.code().unwrap().as_str(), "{line}");
    assert_eq!(line["level"], "INFO", "{line}");
    assert!(line["timestamp"].is_string(), "{line}");
    assert!(line["duration_ms"].is_number(), "{line}");
    assert_eq!(access(&sent_id)["status"], 200);
    // The service's RequestId is logged next to ours.
    let upstream = lines
        .iter()
        .find(|l| {
            l["target"] == "rds_backup_proxy::upstream"
                && l["action"] == "CreateBackup"
                && l["request_id"] == sent_id.as_str()
        })
        .unwrap_or_else(|| panic!("no upstream line for {sent_id}: {lines:?}"));
    assert_eq!(upstream["upstream_request_id"], upstream_id.as_str());
    // The start-up lines are JSON too (checked by json_lines), and no secret is logged.
    let all = std::fs::read_to_string(&logs).unwrap();
    assert!(!all.contains(rds_backup_emulator::DEMO_KEY_SECRET));
    let _ = std::fs::remove_dir_all(dir);
}
