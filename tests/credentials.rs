//! The proxy's own credentials: the provider chain against the official Python library,
//! STS keys that expire, rotation under load, a refresh outage.
//!
//! The chain comparison runs both chains in network namespaces the test makes (no
//! interface but loopback, so nothing leaves the machine): the emulator serves STS over
//! HTTPS on the STS host names (a test CA, as the official libraries call STS over HTTPS
//! only) and, in one of the two, the ECS metadata service on 100.100.100.200, where the
//! official library looks for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_e2e::netns::Netns;
use rds_backup_e2e::*;
use serde_json::{Value, json};
use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

const EMULATOR: &str = env!("CARGO_BIN_EXE_emulator-under-test");
const PROBE: &str = env!("CARGO_BIN_EXE_chain-probe");
const ROLE: &str = "acs:ram::1234567890123456:role/app";
const OIDC_PROVIDER: &str = "acs:ram::1234567890123456:oidc-provider/ack-rrsa";

fn tmp(name: &str) -> tempfile::TempDir {
    scratch(&format!("cred-{name}"))
}

/// CA, STS certificate, OIDC key, JWKS and token (`tests/sdk/python/chain_fixtures.py`).
fn fixtures() -> tempfile::TempDir {
    let tmp_dir = tmp("fixtures");
    let dir = tmp_dir.path();
    let out = std::process::Command::new(sdk_python())
        .arg(repo_root().join("tests/sdk/python/chain_fixtures.py"))
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmp_dir
}

/// An emulator inside `ns`: STS over HTTPS on 10.203.0.1:443, deterministic keys, the
/// OIDC provider's JWKS, and its metadata service on `metadata` (with `/credentials`).
fn emulator_in(ns: &Netns, fx: &Path, metadata: &str) -> std::process::Child {
    let (cert, key, jwks) = (fx.join("sts.pem"), fx.join("sts.key"), fx.join("jwks.json"));
    let args = [
        "--listen",
        "10.203.0.1:443",
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--access-key",
        "AKIDCOMPARE:AKSECRETCOMPARE",
        "--oidc-jwks",
        jwks.to_str().unwrap(),
        "--metadata-listen",
        metadata,
        "--sts-deterministic",
    ];
    let mut child = ns.spawn(EMULATOR, &args, &[]);
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the emulator did not start in {}",
            ns.name
        );
        if line.starts_with("listening on") {
            break;
        }
    }
    child
}

const HOSTS: &str = "127.0.0.1 localhost\n10.203.0.1 sts.aliyuncs.com sts.cn-hangzhou.aliyuncs.com sts-vpc.cn-hangzhou.aliyuncs.com\n";

struct Scenario {
    name: &'static str,
    /// Needs the metadata service at 100.100.100.200.
    metadata: bool,
    env: Vec<(&'static str, String)>,
    /// ~/.aliyun/config.json
    cli: Option<Value>,
    /// The INI file (given with ALIBABA_CLOUD_CREDENTIALS_FILE).
    ini: Option<&'static str>,
    /// The provider both must pick (ours), or `None`: both find nothing.
    expect: Option<&'static str>,
}

/// The official library's provider name (`default/cli_profile/ram_role_arn/static_ak`)
/// as this project's kind.
fn official_kind(name: &str) -> &str {
    match name.split('/').nth(1).unwrap_or_default() {
        "env" => "env",
        "oidc_role_arn" => "oidc",
        "cli_profile" => "cli-profile",
        "profile" => "profile",
        "ecs_ram_role" => "ecs-ram-role",
        "credential_uri" => "credentials-uri",
        other => other,
    }
}

fn scenarios(fx: &Path) -> Vec<Scenario> {
    let token = fx.join("oidc-token").to_string_lossy().into_owned();
    let cli = |profiles: Value| Some(json!({"current": "main", "profiles": profiles}));
    let ak = json!({"name": "main", "mode": "AK", "access_key_id": "AKIDCOMPARE", "access_key_secret": "AKSECRETCOMPARE"});
    let plain = |name, env: Vec<(&'static str, String)>, cli, ini, expect| Scenario {
        name,
        metadata: false,
        env,
        cli,
        ini,
        expect,
    };
    let env_keys = vec![
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "AKIDFROMENV".to_owned()),
        (
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "secretfromenv".to_owned(),
        ),
    ];
    let mut all = vec![
        plain(
            "environment only",
            env_keys.clone(),
            None,
            None,
            Some("env"),
        ),
        plain(
            "environment and a profile",
            env_keys,
            cli(json!([ak.clone()])),
            None,
            Some("env"),
        ),
        plain(
            "OIDC variables (RRSA)",
            vec![
                ("ALIBABA_CLOUD_ROLE_ARN", ROLE.to_owned()),
                ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER.to_owned()),
                ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.clone()),
                ("ALIBABA_CLOUD_ROLE_SESSION_NAME", "rrsa-session".to_owned()),
            ],
            None,
            None,
            Some("oidc"),
        ),
        plain(
            "profile mode AK",
            vec![],
            cli(json!([ak.clone()])),
            None,
            Some("cli-profile"),
        ),
        plain(
            "profile mode StsToken",
            vec![],
            cli(
                json!([{"name": "main", "mode": "StsToken", "access_key_id": "STS.GIVEN", "access_key_secret": "s", "sts_token": "t"}]),
            ),
            None,
            Some("cli-profile"),
        ),
        plain(
            "profile mode RamRoleArn",
            vec![],
            cli(
                json!([{"name": "main", "mode": "RamRoleArn", "access_key_id": "AKIDCOMPARE", "access_key_secret": "AKSECRETCOMPARE", "ram_role_arn": ROLE, "ram_session_name": "cmp"}]),
            ),
            None,
            Some("cli-profile"),
        ),
        plain(
            "profile mode OIDC",
            vec![],
            cli(
                json!([{"name": "main", "mode": "OIDC", "ram_role_arn": ROLE, "oidc_provider_arn": OIDC_PROVIDER, "oidc_token_file": token, "ram_session_name": "oidc-cmp", "role_session_name": "oidc-cmp"}]),
            ),
            None,
            Some("cli-profile"),
        ),
        plain(
            "profile mode ChainableRamRoleArn",
            vec![],
            cli(json!([
                {"name": "main", "mode": "ChainableRamRoleArn", "source_profile": "base", "ram_role_arn": "acs:ram::1234567890123456:role/second", "ram_session_name": "hop2"},
                {"name": "base", "mode": "RamRoleArn", "access_key_id": "AKIDCOMPARE", "access_key_secret": "AKSECRETCOMPARE", "ram_role_arn": ROLE, "ram_session_name": "hop1"}
            ])),
            None,
            Some("cli-profile"),
        ),
        plain(
            "INI access_key",
            vec![],
            None,
            Some(
                "[default]\ntype = access_key\naccess_key_id = AKIDFROMINI\naccess_key_secret = inisecret\n",
            ),
            Some("profile"),
        ),
        plain(
            "INI ram_role_arn",
            vec![],
            None,
            Some(
                "[default]\ntype = ram_role_arn\naccess_key_id = AKIDCOMPARE\naccess_key_secret = AKSECRETCOMPARE\nrole_arn = acs:ram::1234567890123456:role/app\nrole_session_name = ini-cmp\n",
            ),
            Some("profile"),
        ),
        plain(
            "credentials URI",
            vec![(
                "ALIBABA_CLOUD_CREDENTIALS_URI",
                "http://10.203.0.2:8080/credentials".to_owned(),
            )],
            None,
            None,
            Some("credentials-uri"),
        ),
        plain("nothing", vec![], None, None, None),
    ];
    let ext = fx.join("external.json");
    std::fs::write(
        &ext,
        r#"{"mode": "StsToken", "access_key_id": "STS.EXTERNAL", "access_key_secret": "s", "sts_token": "t", "expiration": "2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    all.push(plain(
        "profile mode External",
        vec![],
        cli(json!([{"name": "main", "mode": "External", "process_command": format!("/bin/cat {}", ext.display())}])),
        None,
        Some("cli-profile"),
    ));
    for (name, cli_file, ini, env, expect) in [
        (
            "ECS metadata (ALIBABA_CLOUD_ECS_METADATA)",
            None,
            None,
            vec![("ALIBABA_CLOUD_ECS_METADATA", "EcsRamRoleDemo".to_owned())],
            "ecs-ram-role",
        ),
        (
            "profile mode EcsRamRole",
            cli(json!([{"name": "main", "mode": "EcsRamRole", "ram_role_name": "EcsRamRoleDemo"}])),
            None,
            vec![],
            "cli-profile",
        ),
        (
            "INI ecs_ram_role",
            None,
            Some("[default]\ntype = ecs_ram_role\nrole_name = EcsRamRoleDemo\n"),
            vec![],
            "profile",
        ),
    ] {
        all.push(Scenario {
            name,
            metadata: true,
            env,
            cli: cli_file,
            ini,
            expect: Some(expect),
        });
    }
    all
}

#[test]
fn the_chain_picks_the_same_provider_and_key_as_the_official_python_library() {
    let fx_dir = fixtures();
    let fx = fx_dir.path();
    let with_metadata = Netns::new(
        &format!("rdsm{}", std::process::id()),
        &["10.203.0.1", "100.100.100.200"],
        HOSTS,
    );
    let without = Netns::new(
        &format!("rdsp{}", std::process::id()),
        &["10.203.0.1", "10.203.0.2"],
        HOSTS,
    );
    let mut emulators = vec![
        emulator_in(&with_metadata, fx, "100.100.100.200:80"),
        emulator_in(&without, fx, "10.203.0.2:8080"),
    ];
    let mut compared = Vec::new();
    for s in scenarios(fx) {
        let home_dir = tmp(&format!("home-{}", compared.len()));
        let home = home_dir.path();
        if let Some(cli) = &s.cli {
            std::fs::create_dir_all(home.join(".aliyun")).unwrap();
            std::fs::write(home.join(".aliyun/config.json"), cli.to_string()).unwrap();
        }
        let mut env: Vec<(String, String)> = vec![
            ("HOME".into(), home.to_string_lossy().into_owned()),
            ("PATH".into(), "/usr/bin:/bin".into()),
            (
                "SSL_CERT_FILE".into(),
                fx.join("ca.pem").to_string_lossy().into_owned(),
            ),
        ];
        if let Some(ini) = s.ini {
            let f = home.join("credentials.ini");
            std::fs::write(&f, ini).unwrap();
            env.push((
                "ALIBABA_CLOUD_CREDENTIALS_FILE".into(),
                f.to_string_lossy().into_owned(),
            ));
        }
        env.extend(s.env.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        let ns = if s.metadata { &with_metadata } else { &without };
        let py = sdk_python();
        let official: Value = serde_json::from_slice(
            &ns.run(
                py.to_str().unwrap(),
                &[repo_root()
                    .join("tests/sdk/python/chain_probe.py")
                    .to_str()
                    .unwrap()],
                &env,
            )
            .stdout,
        )
        .unwrap_or_else(|e| panic!("{}: the official probe said nothing ({e})", s.name));
        let ours: Value = serde_json::from_slice(&ns.run(PROBE, &[], &env).stdout)
            .unwrap_or_else(|e| panic!("{}: our probe said nothing ({e})", s.name));
        match s.expect {
            Some(kind) => {
                assert_eq!(ours["kind"], kind, "{}: ours {ours}", s.name);
                assert_eq!(
                    official_kind(official["provider"].as_str().unwrap_or_default()),
                    kind,
                    "{}: official {official}",
                    s.name
                );
                assert_eq!(
                    ours["access_key_id"], official["access_key_id"],
                    "{}: not the same key (ours {ours}, official {official})",
                    s.name
                );
            }
            None => {
                assert!(ours["error"].is_string(), "{}: ours {ours}", s.name);
                assert!(
                    official["error"].is_string(),
                    "{}: official {official}",
                    s.name
                );
            }
        }
        compared.push(s.name);
    }
    assert!(compared.len() >= 16, "{compared:?}");
    for e in &mut emulators {
        let _ = e.kill();
        let _ = e.wait();
    }
}

fn secs_from_env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A proxy signing with the chain's credentials from `metadata` (ECS RAM role), in front
/// of the live emulator `emu`.
fn proxy_on_metadata(emu: &Emulator, metadata: &MetadataServer) -> Proxy {
    let mut setup = ProxySetup::new(emu.endpoint());
    setup.chain_env = Some(vec![
        ("RDS_BACKUP_ECS_METADATA_URL".into(), metadata.url()),
        ("ALIBABA_CLOUD_ECS_METADATA".into(), "EcsRamRoleDemo".into()),
    ]);
    Proxy::start(setup)
}

/// Calls the proxy from `threads` threads until `until`; (calls, failures, first failure).
fn load(proxy: &Proxy, threads: usize, until: Instant) -> (u64, u64, Option<String>) {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let (mut calls, mut failures, mut first) = (0u64, 0u64, None);
                    while Instant::now() < until {
                        let r = proxy.get("/api/backup-tasks?RegionId=cn-hangzhou&DBInstanceId=rm-demo-mysql-local");
                        calls += 1;
                        if r.status != 200 {
                            failures += 1;
                            first.get_or_insert(r.body);
                        }
                    }
                    (calls, failures, first)
                })
            })
            .collect();
        workers.into_iter().fold((0, 0, None), |acc, w| {
            let (c, f, first) = w.join().unwrap();
            (acc.0 + c, acc.1 + f, acc.2.or(first))
        })
    })
}

#[test]
fn keys_from_the_metadata_service_rotate_under_load_without_a_failed_call() {
    // CI: 20-second keys for 45 s; scripts/soak-credentials.sh: 60-second keys for 5 minutes.
    let key_secs = secs_from_env("RDS_BACKUP_ROTATION_KEY_SECS", 20);
    let run_secs = secs_from_env("RDS_BACKUP_ROTATION_SECS", 45);
    let emu = Emulator::start_live(rds_backup_emulator::Fleet::demo(), 1_000, 0);
    let meta = rds_backup_emulator::metadata::Metadata::new(
        "EcsRamRoleDemo",
        i64::try_from(key_secs).unwrap(),
    );
    // Each credential request takes a while: two refreshes at once would overlap.
    meta.delay_ms
        .store(300, std::sync::atomic::Ordering::Relaxed);
    let metadata = MetadataServer::start(emu.state.clone(), meta);
    let proxy = proxy_on_metadata(&emu, &metadata);
    let until = Instant::now() + Duration::from_secs(run_secs);
    let (calls, failures, first) = load(&proxy, 4, until);
    let live = proxy.app.upstream.live().unwrap();
    let status = live.status();
    let (requests, max_in_flight, issued) = metadata.stats();
    println!(
        "rotation: {run_secs} s of load with {key_secs}-second keys: {calls} calls, {failures} failed; \
         {} refreshes ({} failed), {issued} keys issued, {requests} credential requests, \
         at most {} refresh(es) in flight (proxy), {max_in_flight} (metadata service)",
        status.refreshes,
        status.failures,
        live.max_refreshes_in_flight()
    );
    assert_eq!(failures, 0, "a call failed: {first:?}");
    assert!(calls > 100, "{calls} calls");
    assert!(
        issued >= run_secs / key_secs,
        "the key did not rotate: {issued} issued"
    );
    assert!(live.max_refreshes_in_flight() <= 1);
    assert!(
        max_in_flight <= 1,
        "two refreshes overlapped at the metadata service"
    );
}

/// Waits until the proxy's key has just been refreshed (or `limit`).
fn wait_for_refresh(proxy: &Proxy, after: u64, limit: Duration) {
    let live = proxy.app.upstream.live().unwrap();
    let start = Instant::now();
    while live.status().refreshes <= after {
        assert!(start.elapsed() < limit, "no refresh within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_metadata_outage_costs_nothing_while_the_key_is_valid_and_is_recovered_from_after() {
    // CI: 30-second keys; the refresh starts when a third is left (10 s). Phase 1: the
    // service stops 2 s before a refresh is due, for half the lead: no call fails. Phase 2:
    // it stops for longer than the key has left: calls fail clearly, then recover.
    let key_secs = secs_from_env("RDS_BACKUP_OUTAGE_KEY_SECS", 30);
    let lead = (key_secs / 3).min(180);
    let outage1 = secs_from_env("RDS_BACKUP_OUTAGE_SECS", lead / 2);
    let emu = Emulator::start_live(rds_backup_emulator::Fleet::demo(), 1_000, 0);
    let meta = rds_backup_emulator::metadata::Metadata::new(
        "EcsRamRoleDemo",
        i64::try_from(key_secs).unwrap(),
    );
    let mut metadata = MetadataServer::start(emu.state.clone(), meta);
    let proxy = proxy_on_metadata(&emu, &metadata);
    let live = proxy.app.upstream.live().unwrap().clone();
    let left = || live.status().seconds_left().unwrap();

    // Phase 1: right after a refresh, wait until 2 s before the next is due.
    wait_for_refresh(&proxy, 0, Duration::from_secs(key_secs * 2));
    let due_in = left() - i64::try_from(lead).unwrap();
    std::thread::sleep(Duration::from_secs(u64::try_from(due_in - 2).unwrap_or(0)));
    metadata.stop();
    let (calls, failures, first) = load(&proxy, 2, Instant::now() + Duration::from_secs(outage1));
    metadata.resume();
    let refreshed = live.status().refreshes;
    let (calls_after, failures_after, first_after) =
        load(&proxy, 2, Instant::now() + Duration::from_secs(12));
    println!(
        "outage 1: {outage1} s before a refresh of {key_secs}-second keys: {calls} + {calls_after} calls, {failures} + {failures_after} failed"
    );
    assert_eq!(failures + failures_after, 0, "{first:?} {first_after:?}");
    assert!(live.status().refreshes > refreshed || live.status().failures > 0);

    // Phase 2: longer than the key has left.
    wait_for_refresh(
        &proxy,
        live.status().refreshes,
        Duration::from_secs(key_secs * 2),
    );
    metadata.stop();
    let outage2 =
        secs_from_env("RDS_BACKUP_OUTAGE2_SECS", 0).max(u64::try_from(left()).unwrap() + 6);
    let (_, failed, first) = load(&proxy, 1, Instant::now() + Duration::from_secs(outage2));
    assert!(failed > 0, "the key expired, yet every call succeeded");
    let first = first.unwrap();
    assert!(first.contains("Proxy.CredentialsUnavailable"), "{first}");
    assert!(
        first.contains("expired") && !first.contains("CAIS"),
        "{first}"
    );
    metadata.resume();
    // It recovers by itself.
    let start = Instant::now();
    loop {
        let r =
            proxy.get("/api/backup-tasks?RegionId=cn-hangzhou&DBInstanceId=rm-demo-mysql-local");
        if r.status == 200 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no recovery: {}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    println!(
        "outage 2: {outage2} s past expiry: {failed} calls failed with Proxy.CredentialsUnavailable, recovered {:?} after the service came back",
        start.elapsed()
    );
}

#[test]
fn the_official_sdks_use_an_assumed_role_key_until_it_expires() {
    use rds_backup_credentials as creds;
    let emu = Emulator::start_sts(60);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sts = creds::StsEndpoint(emu.endpoint());
    let signer = rds_backup_core::Credentials::new(TEST_KEY_ID, TEST_SECRET);
    let source = creds::Source::AssumeRole {
        with: Box::new(creds::Source::Static(signer)),
        role_arn: ROLE.into(),
        session: "sdk-test".into(),
        duration_secs: 900,
        policy: None,
        external_id: Some("ext-id-1".into()),
        sts,
    };
    let fetched = rt
        .block_on(source.fetch("test", &creds::http_client().unwrap()))
        .unwrap();
    let c = fetched.credentials;
    assert!(c.access_key_id.starts_with("STS."));
    let token = c.security_token.clone().unwrap();
    let extra = ["--security-token", token.expose()];
    let params = [("DBInstanceId", "rm-demo-mysql-local")];
    for client in [Client::Python, Client::Node] {
        let ok = run_client(
            client,
            &emu.host(),
            &c.access_key_id,
            c.access_key_secret.expose(),
            &extra,
            "DescribeBackupTasks",
            &params,
        );
        assert_eq!(ok["ok"], true, "{client:?}: {ok}");
        // Without its token the key is refused.
        let bare = run_client(
            client,
            &emu.host(),
            &c.access_key_id,
            c.access_key_secret.expose(),
            &[],
            "DescribeBackupTasks",
            &params,
        );
        assert_eq!(bare["code"], "MissingSecurityToken", "{client:?}: {bare}");
    }
    // 61 s later (the emulator's STS was told to issue 60-second keys): expired.
    emu.advance(61_000);
    for client in [Client::Python, Client::Node] {
        let late = run_client(
            client,
            &emu.host(),
            &c.access_key_id,
            c.access_key_secret.expose(),
            &extra,
            "DescribeBackupTasks",
            &params,
        );
        assert_eq!(
            late["code"], "InvalidSecurityToken.Expired",
            "{client:?}: {late}"
        );
    }
}
