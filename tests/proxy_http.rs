//! The proxy over real sockets: browser-side request -> proxy -> recording upstream ->
//! emulator. What is refused never reaches the upstream; what is sent verifies with
//! core's verifier and equals core's preview; no secret leaks; access checks; failures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, preview};
use rds_backup_core::verify::{KeyStatus, Received, verify};
use rds_backup_core::{Context, Engine, Input, Secret, UtcTime, validate};
use rds_backup_e2e::*;
use rds_backup_emulator::Fleet;
use std::time::Duration;

struct Setup {
    emu: Emulator,
    up: FakeUpstream,
    proxy: Proxy,
}

fn setup_with(f: impl FnOnce(&mut ProxySetup)) -> Setup {
    let emu = Emulator::start();
    let up = FakeUpstream::start(emu.addr);
    let mut s = ProxySetup::new(up.endpoint());
    f(&mut s);
    let proxy = Proxy::start(s);
    Setup { emu, up, proxy }
}

fn setup() -> Setup {
    setup_with(|_| {})
}

/// A valid request for each engine, as the console would post it.
fn valid_for(engine: Engine) -> (&'static str, String) {
    match engine {
        Engine::MySql => ("rm-demo-mysql-local", r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-local","BackupMethod":"Logical","BackupStrategy":"db","DBName":"orders,users","BackupRetentionPeriod":30}"#.into()),
        Engine::PostgreSql => ("pgm-demo-pg-cloud", r#"{"RegionId":"cn-hangzhou","DBInstanceId":"pgm-demo-pg-cloud","BackupMethod":"Snapshot"}"#.into()),
        Engine::SqlServer => ("rm-demo-mssql-cloud", r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mssql-cloud","BackupMethod":"Physical","BackupType":"FullBackup","BackupStrategy":"db","DBName":"crm"}"#.into()),
        Engine::MariaDb => ("rm-demo-mariadb-cloud", r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mariadb-cloud","BackupMethod":"Physical"}"#.into()),
    }
}

#[test]
fn every_engine_is_signed_as_previewed_and_verifies() {
    let s = setup();
    let fleet = Fleet::demo();
    for engine in Engine::ALL {
        let (id, body) = valid_for(*engine);
        let r = s.proxy.post_backup(&body);
        assert_eq!(r.status, 200, "{engine}: {}", r.body);
        assert!(
            r.json()["BackupJobId"]
                .as_str()
                .is_some_and(|j| j.parse::<u64>().is_ok())
        );

        let sent =
            s.up.seen()
                .into_iter()
                .rev()
                .find(|r| r.action() == "CreateBackup")
                .unwrap();
        let received = Received {
            method: &sent.method,
            path: sent.path(),
            query: sent.query(),
            headers: &sent.headers,
            body: &sent.body,
        };
        let verified = verify(&received, |k| {
            if k == TEST_KEY_ID {
                KeyStatus::Active(Secret::new(TEST_SECRET))
            } else {
                KeyStatus::Unknown
            }
        })
        .unwrap();
        assert_eq!(verified.version, SignatureVersion::V3);

        // The parameters equal core's preview for the same input and the real instance.
        let inst = fleet.get(id).unwrap();
        let input = Input::from_json(&body).unwrap();
        let req = validate(&Context::new(inst.engine, inst.storage), &input.draft).unwrap();
        let call = Call {
            action: "CreateBackup".into(),
            version: RDS_VERSION.into(),
            params: req
                .params()
                .pairs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            method: Method::Post,
            endpoint: s.up.endpoint(),
            time: UtcTime::from_unix(0),
            nonce: "n".into(),
        };
        let shown = preview(&call, SignatureVersion::V3);
        assert_eq!(sent.query(), shown.request.query, "{engine}");
        assert_eq!(sent.method, "POST");
        assert!(sent.body.is_empty());
        s.emu.advance(JOB_MS);
    }
}

#[test]
fn refusals_never_reach_the_upstream() {
    let s = setup();
    let refused_by_rules = [
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"pgm-demo-pg-cloud","BackupMethod":"Logical"}"#,
            "InvalidBackupMethod.ValueNotSupport",
        ),
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-cloud","BackupMethod":"Physical"}"#,
            "InvalidBackupMethod.ValueNotSupport",
        ),
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mssql-cloud","BackupMethod":"Physical","BackupType":"FullBackup"}"#,
            "RequiredParam.NotFound",
        ),
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mariadb-cloud","BackupMethod":"Physical","BackupRetentionPeriod":7}"#,
            "Parameters.Invalid",
        ),
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-local","BackupMethod":"Logical","BackupStrategy":"db","DBName":"Bad-Name"}"#,
            "InvalidDBName.Format",
        ),
    ];
    for (body, code) in refused_by_rules {
        let r = s.proxy.post_backup(body);
        assert_eq!(
            (r.status, r.code().as_deref()),
            (400, Some(code)),
            "{body}: {}",
            r.body
        );
        assert!(r.json()["Errors"].as_array().is_some_and(|e| !e.is_empty()));
    }
    assert_eq!(
        s.up.count("CreateBackup"),
        0,
        "a refused request reached the upstream"
    );

    // Unusable input does not even look the instance up.
    let before = s.up.seen().len();
    let json = "application/json";
    let unusable = [
        ("{not json", json, 400, "InvalidInput.NotJson"),
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-local","Foo":1}"#,
            json,
            400,
            "InvalidInput.UnknownField",
        ),
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-local","Engine":"MySQL"}"#,
            json,
            400,
            "InvalidInput.UnknownField",
        ),
        (
            r#"{"DBInstanceId":"rm-demo-mysql-local"}"#,
            json,
            400,
            "InvalidInput.Missing",
        ),
        (
            r#"{"RegionId":"evil.example.com","DBInstanceId":"rm-demo-mysql-local"}"#,
            json,
            400,
            "InvalidInput.Region",
        ),
        (
            r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-local"}"#,
            "text/plain",
            415,
            "Proxy.UnsupportedMediaType",
        ),
    ];
    for (body, content_type, status, code) in unusable {
        let r = s.proxy.request(
            "POST",
            "/api/backups",
            &[("content-type", content_type)],
            body,
        );
        assert_eq!(
            (r.status, r.code().as_deref()),
            (status, Some(code)),
            "{body}: {}",
            r.body
        );
    }
    let big = format!(
        r#"{{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-local","DBName":"{}"}}"#,
        "a".repeat(17 * 1024)
    );
    let r = s.proxy.post_backup(&big);
    assert_eq!(
        (r.status, r.code().as_deref()),
        (413, Some("Proxy.PayloadTooLarge"))
    );
    assert_eq!(
        s.up.seen().len(),
        before,
        "unusable input reached the upstream"
    );

    // The instance's attributes are cached briefly: one lookup for several requests.
    let lookups = s.up.count("DescribeDBInstanceAttribute");
    let _ = s.proxy.post_backup(
        r#"{"RegionId":"cn-hangzhou","DBInstanceId":"pgm-demo-pg-cloud","BackupMethod":"Logical"}"#,
    );
    assert_eq!(s.up.count("DescribeDBInstanceAttribute"), lookups);
}

#[test]
fn the_client_cannot_lie_about_the_instance() {
    let s = setup();
    // Valid for MySQL on local disk, but this instance is MySQL on cloud disk: refused.
    let r = s.proxy.post_backup(r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-cloud","BackupMethod":"Logical","BackupStrategy":"instance"}"#);
    assert_eq!(
        r.code().as_deref(),
        Some("InvalidBackupMethod.ValueNotSupport")
    );
    assert!(r.body.contains("MySQL on cloud disk"), "{}", r.body);
    // Preconditions are the service's: the emulator's answer is passed on.
    let r = s.proxy.post_backup(r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-stopped","BackupMethod":"Snapshot"}"#);
    assert_eq!(
        (r.status, r.code().as_deref()),
        (403, Some("IncorrectDBInstanceState"))
    );
    let r = s.proxy.post_backup(
        r#"{"RegionId":"cn-hangzhou","DBInstanceId":"rm-nowhere-1","BackupMethod":"Snapshot"}"#,
    );
    assert_eq!(
        r.code().as_deref(),
        Some("InvalidDBInstanceId.NotFound"),
        "{}",
        r.body
    );
}

#[test]
fn instances_databases_and_tasks() {
    let s = setup();
    let list = s.proxy.get("/api/instances?RegionId=cn-hangzhou").json();
    assert_eq!(list["Instances"].as_array().unwrap().len(), 11);
    let one = s
        .proxy
        .get("/api/instances/rm-demo-mysql-local?RegionId=cn-hangzhou")
        .json();
    assert_eq!(one["Instance"]["Engine"], "MySQL");
    assert_eq!(one["Databases"].as_array().unwrap().len(), 3);
    let job = s.proxy.post_backup(&valid_for(Engine::PostgreSql).1).json()["BackupJobId"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = s.proxy.get(&format!("/api/backup-tasks?RegionId=cn-hangzhou&DBInstanceId=pgm-demo-pg-cloud&BackupJobId={job}")).json();
    assert_eq!(t["Items"]["BackupJob"][0]["BackupJobId"], job.as_str());
    assert_eq!(s.proxy.get("/api/backup-tasks?RegionId=cn-hangzhou&DBInstanceId=pgm-demo-pg-cloud&BackupJobId=x").code().as_deref(), Some("InvalidInput.WrongType"));
    assert_eq!(
        s.proxy.get("/api/instances").code().as_deref(),
        Some("InvalidInput.Missing")
    );
    assert_eq!(s.proxy.get("/api/nothing").status, 404);
    let health = s.proxy.get("/api/health");
    assert_eq!(
        (health.status, health.json()["status"].as_str()),
        (200, Some("ok"))
    );
    let config = s.proxy.get("/api/config").json();
    assert_eq!(config["mode"], "live");
}

#[test]
fn tokens_and_policies_are_checked_before_signing() {
    let tokens: std::collections::HashMap<String, String> = [
        ("alice-token-0123456789".to_owned(), "alice".to_owned()),
        ("bob-token-0123456789ab".to_owned(), "bob".to_owned()),
    ]
    .into();
    let s = setup_with(|p| {
        p.tokens = Some(tokens);
        p.policies = Some(
            r#"{
                "alice": {"Version": "1", "Statement": [
                    {"Effect": "Allow", "Action": "rds:CreateBackup", "Resource": "acs:rds:cn-hangzhou:*:dbinstance/*"},
                    {"Effect": "Deny", "Action": "rds:*", "Resource": "acs:rds:*:*:dbinstance/rm-demo-mssql-*"}
                ]},
                "*": {"Version": "1", "Statement": [
                    {"Effect": "Allow", "Action": "rds:CreateBackup", "Resource": "acs:rds:cn-hangzhou:*:dbinstance/pgm-*"}
                ]}
            }"#,
        );
    });
    let post = |token: Option<&str>, body: &str| {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("content-type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("authorization", a.as_str()));
        }
        s.proxy.request("POST", "/api/backups", &headers, body)
    };
    let mysql = valid_for(Engine::MySql).1;
    let mssql = valid_for(Engine::SqlServer).1;
    let pg = valid_for(Engine::PostgreSql).1;

    assert_eq!(
        post(None, &mysql).code().as_deref(),
        Some("Proxy.Unauthorized")
    );
    assert_eq!(post(Some("guess-0123456789abcdef"), &mysql).status, 401);
    assert_eq!(
        s.proxy.get("/api/instances?RegionId=cn-hangzhou").status,
        401
    );

    let denied = post(Some("alice-token-0123456789"), &mssql);
    assert_eq!(
        (denied.status, denied.code().as_deref()),
        (403, Some("Forbidden.RAM")),
        "{}",
        denied.body
    );
    assert!(
        denied.json()["Message"]
            .as_str()
            .unwrap()
            .contains("acs:rds:cn-hangzhou:1234567890123456:dbinstance/rm-demo-mssql-cloud")
    );
    let implicit = post(Some("bob-token-0123456789ab"), &mysql);
    assert_eq!(implicit.code().as_deref(), Some("Forbidden.RAM"));
    assert_eq!(
        s.up.seen().len(),
        0,
        "a denied request reached the upstream"
    );

    assert_eq!(post(Some("alice-token-0123456789"), &mysql).status, 200);
    assert_eq!(post(Some("bob-token-0123456789ab"), &pg).status, 200);

    let auth = [("authorization", "Bearer alice-token-0123456789")];
    let config = s.proxy.request("GET", "/api/config", &auth, "").json();
    assert_eq!(config["user"], "alice");
    assert_eq!(
        config["permissions"]["CreateBackup"]["Deny"][0],
        "acs:rds:*:*:dbinstance/rm-demo-mssql-*"
    );

    // The audit log has a line per attempt, with the user and the outcome.
    s.proxy.app.audit.settle(Duration::from_secs(5));
    let log = s.proxy.audit.text();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{log}");
    assert!(
        lines.iter().any(|l| l["user"] == "alice"
            && l["outcome"] == "denied"
            && l["code"] == "Forbidden.RAM")
    );
    assert!(lines.iter().any(|l| l["user"] == "bob"
        && l["outcome"] == "sent"
        && l["upstream_request_id"].is_string()));
}

#[test]
fn cors_only_for_listed_origins() {
    let s = setup_with(|p| p.allow_origins = vec!["https://portal.example.com".into()]);
    let preflight = |origin: &str| {
        s.proxy.request(
            "OPTIONS",
            "/api/backups",
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type"),
            ],
            "",
        )
    };
    let ok = preflight("https://portal.example.com");
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://portal.example.com")
    );
    let other = preflight("https://evil.example.net");
    assert_eq!(other.header("access-control-allow-origin"), None);

    let none = setup();
    let r = none.proxy.request(
        "GET",
        "/api/health",
        &[("origin", "https://portal.example.com")],
        "",
    );
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[test]
fn upstream_failures_are_unknown_outcomes_reconciled_and_never_retried() {
    let s = setup_with(|p| p.timeout = Duration::from_secs(1));
    // No answer in time, a load balancer's HTML 503, the service's JSON 500: the call
    // may have been executed, so the outcome is unknown, never "failed".
    let cases = [
        (Behaviour::Hang, Engine::PostgreSql),
        (Behaviour::Html503, Engine::MariaDb),
        (Behaviour::Json500, Engine::SqlServer),
    ];
    let mut submissions = Vec::new();
    for (behaviour, engine) in cases {
        s.up.on("CreateBackup", behaviour);
        let r = s.proxy.post_backup(&valid_for(engine).1);
        assert_eq!(
            (r.status, r.code().as_deref()),
            (202, Some("Proxy.OutcomeUnknown")),
            "{behaviour:?}: {}",
            r.body
        );
        assert!(
            r.json()["Message"]
                .as_str()
                .unwrap()
                .contains("do not send again")
        );
        submissions.push(r.json()["SubmissionId"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        s.up.count("CreateBackup"),
        3,
        "a CreateBackup was sent more than once"
    );
    // None of them reached the service: reconciliation finds no job and says so.
    for id in &submissions {
        let row = wait_for(&s.proxy, id, |r| r["State"] != "unknown");
        assert_eq!(row["State"], "not-started", "{row}");
        assert!(
            row["Message"].as_str().unwrap().contains("did not start"),
            "{row}"
        );
    }
    assert_eq!(
        s.up.count("CreateBackup"),
        3,
        "reconciliation sent a CreateBackup"
    );
    let audit = s.proxy.audit_lines();
    assert_eq!(
        audit.iter().filter(|l| l["outcome"] == "unknown").count(),
        3
    );

    // An upstream that is not there at all: nothing was sent, and the row says so.
    let dead = Proxy::start(ProxySetup {
        timeout: Duration::from_secs(1),
        ..ProxySetup::new(rds_backup_core::Endpoint::parse_override("http://127.0.0.1:9").unwrap())
    });
    let r = dead.post_backup(&valid_for(Engine::PostgreSql).1);
    assert_eq!(
        (r.status, r.code().as_deref()),
        (502, Some("Proxy.UpstreamUnreachable")),
        "{}",
        r.body
    );
}

/// Polls the history until `done` holds for the submission (bounded).
fn wait_for(
    proxy: &Proxy,
    id: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let start = std::time::Instant::now();
    loop {
        let row = proxy.get(&format!("/api/history/{id}")).json();
        if done(&row) || start.elapsed() > Duration::from_secs(15) {
            return row;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn no_secret_in_any_response_or_log_line() {
    // Every log line of this test binary, at the most verbose level, goes to `logs`.
    let logs = SharedBuf::default();
    let writer = logs.clone();
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_writer(move || writer.clone())
        .try_init();
    let secret = "s3cr3t-Proxy-Key-Value";
    let token = "sts-T0ken-Value-xyz";
    let s = setup_with(|p| {
        p.credentials = rds_backup_core::Credentials::new("STS.testid", secret).with_token(token)
    });
    // The emulator knows STS.testid with its own secret: the upstream refuses (wrong secret),
    // which exercises the error paths too.
    let mut bodies = Vec::new();
    for engine in Engine::ALL {
        bodies.push(s.proxy.post_backup(&valid_for(*engine).1).body);
    }
    bodies.push(s.proxy.get("/api/instances?RegionId=cn-hangzhou").body);
    bodies.push(s.proxy.get("/api/config").body);
    bodies.push(s.proxy.post_backup(r#"{"RegionId":"cn-hangzhou","DBInstanceId":"pgm-demo-pg-cloud","BackupMethod":"Logical"}"#).body);
    s.proxy.app.audit.settle(Duration::from_secs(5));
    let everything = format!(
        "{}\n{}\n{}",
        bodies.join("\n"),
        s.proxy.audit.text(),
        logs.text()
    );
    assert!(
        logs.text().lines().count() > 10,
        "the log capture saw nothing"
    );
    assert!(!everything.contains(secret), "the secret leaked");
    assert!(!everything.contains(token), "the STS token leaked");
    assert!(
        everything.contains("SignatureDoesNotMatch") || everything.contains("InvalidSecurityToken"),
        "{everything}"
    );
}

#[test]
fn the_console_is_served_with_types_compression_and_cache_headers() {
    let tmp_dir = scratch("proxy-dist");
    let dir = tmp_dir.path();
    std::fs::write(
        dir.join("index.html"),
        format!("<!doctype html><title>console</title>{}", " ".repeat(2000)),
    )
    .unwrap();
    std::fs::write(
        dir.join("web-3f2a.js"),
        format!("export function init() {{}}{}", "//pad\n".repeat(400)),
    )
    .unwrap();
    std::fs::write(
        dir.join("web-3f2a_bg.wasm"),
        [0u8, 97, 115, 109, 1, 0, 0, 0],
    )
    .unwrap();
    let s = setup_with(|p| p.dist = Some(dir.to_path_buf()));
    let index = s.proxy.get("/");
    assert_eq!(index.status, 200);
    assert!(
        index
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let js = s
        .proxy
        .request("GET", "/web-3f2a.js", &[("accept-encoding", "gzip")], "");
    assert!(
        js.header("content-type").unwrap().contains("javascript"),
        "{:?}",
        js.headers
    );
    assert_eq!(js.header("content-encoding"), Some("gzip"));
    assert_eq!(
        js.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let wasm = s.proxy.get("/web-3f2a_bg.wasm");
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    // A client-side route falls back to the console.
    assert!(
        s.proxy
            .get("/backups/new")
            .body
            .contains("<title>console</title>")
    );
}

/// The instance picker's search: each page costs at most one DescribeDBInstances, the
/// same page again within the cache's life none; the service's filters (engine, status,
/// tags, SearchKey) and the proxy's (storage, the other words) hold on 5,000 instances.
#[test]
fn an_instance_search_is_one_upstream_call_and_filters_as_the_service_does() {
    let emu = Emulator::start_with(Fleet::generated(5000));
    let up = FakeUpstream::start(emu.addr);
    let proxy = Proxy::start(ProxySetup::new(up.endpoint()));
    let calls = || up.count("DescribeDBInstances");
    let get = |q: &str| {
        let r = proxy.get(&format!("/api/instances?RegionId=cn-hangzhou{q}"));
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        r.json()
    };
    // A console load: one page, one call.
    let first = get("");
    assert_eq!(calls(), 1);
    assert_eq!(first["Instances"].as_array().unwrap().len(), 50);
    assert!(!first["NextToken"].as_str().unwrap().is_empty());
    // The next page: one more call; the first again: none.
    let token = first["NextToken"].as_str().unwrap().to_owned();
    let second = get(&format!("&NextToken={token}"));
    assert_eq!(calls(), 2);
    assert_ne!(second["Instances"][0], first["Instances"][0]);
    get("");
    assert_eq!(calls(), 2);
    // A search: one call, and every instance it returns matches.
    let found = get("&Search=mysql%20running%20cloud&MaxResults=100");
    assert_eq!(calls(), 3);
    let items = found["Instances"].as_array().unwrap();
    assert!(!items.is_empty());
    for i in items {
        assert_eq!(i["Engine"], "MySQL", "{i}");
        assert_eq!(i["DBInstanceStatus"], "Running", "{i}");
        assert!(
            !i["DBInstanceStorageType"]
                .as_str()
                .unwrap()
                .starts_with("local"),
            "{i}"
        );
    }
    let last = up
        .seen()
        .into_iter()
        .rev()
        .find(|r| r.action() == "DescribeDBInstances")
        .unwrap();
    assert_eq!(last.param("Engine").as_deref(), Some("MySQL"));
    assert_eq!(last.param("DBInstanceStatus").as_deref(), Some("Running"));
    // An id typed in part: the service's SearchKey finds it.
    let id = items[0]["DBInstanceId"].as_str().unwrap().to_owned();
    let by_id = get(&format!("&Search={}", &id[..id.len() - 1]));
    assert!(
        by_id["Instances"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["DBInstanceId"] == id.as_str())
    );
    assert_eq!(calls(), 4);
    // Bad input names its field.
    let r = proxy.get("/api/instances?RegionId=cn-hangzhou&MaxResults=500");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["Errors"][0]["field"], "MaxResults");
}
