//! Fleet plans over real sockets on 127.0.0.1: the proxy (a process of its own, demo
//! mode) in front of the emulator's generated fleet. A plan names a request or reasons
//! for every selected instance before anything runs; every request validates in core;
//! the reasons are the service's codes; the caller's policy is checked per instance; the
//! plan is stored and read back; `rds-backup plan` prints the same items line by line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::plan::PlanItem;
use rds_backup_core::{Context, Draft, validate};
use rds_backup_e2e::process::ProxyProcess;
use rds_backup_e2e::{Reply, scratch, send_raw};
use rds_backup_emulator::Fleet;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_proxy-under-test");

fn tmp(name: &str) -> tempfile::TempDir {
    scratch(&format!("plans-{name}"))
}

/// A proxy in demo mode serving the generated fleet of `n` instances.
fn proxy(name: &str, n: usize, extra: &[&str]) -> ProxyProcess {
    let tmp_dir = tmp(name);
    let dir = tmp_dir.path();
    let fleet = dir.join("fleet.json");
    std::fs::write(&fleet, serde_json::to_string(&Fleet::generated(n)).unwrap()).unwrap();
    let mut args: Vec<String> = ["--demo", "--demo-fleet"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.push(fleet.display().to_string());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    ProxyProcess::start(EXE, &args, &[]).keeping(tmp_dir)
}

fn post_plan(p: &ProxyProcess, body: &Value, headers: &str) -> Reply {
    let body = body.to_string();
    send_raw(
        p.addr,
        &format!(
            "POST /api/plans HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n{body}",
            p.addr,
            body.len()
        ),
    )
}

fn items(r: &Reply) -> Vec<PlanItem> {
    assert_eq!(r.status, 201, "{}", r.body);
    serde_json::from_value(r.json()["Items"].clone()).unwrap()
}

fn number(id: &str) -> usize {
    id.rsplit('-').next().unwrap().parse().unwrap()
}

#[test]
fn a_plan_names_a_valid_request_or_the_services_reasons_for_every_instance() {
    let p = proxy("whole", 1000, &[]);
    let r = post_plan(
        &p,
        &json!({"Selection": {"Match": "*-fleet-00???"}, "Intent": "whole-instance"}),
        "",
    );
    let plan = items(&r);
    assert_eq!(plan.len(), 1000, "every instance of four regions");
    let summary = &r.json()["Summary"];
    for item in &plan {
        let n = number(&item.id);
        let codes: Vec<&str> = item.errors.iter().map(|e| e.code.as_str()).collect();
        match n % 50 {
            7 => assert_eq!(codes, ["IncorrectDBInstanceState"], "{item:?}"),
            13 => assert_eq!(codes, ["IncorrectDBInstanceLockMode.ValueNotSupported"]),
            19 => assert_eq!(codes, ["ReadDBInstanceNotSupport"]),
            31 => {
                assert_eq!(codes, ["Exceeded.BackupTimes"]);
                assert_eq!(item.remaining_today, Some(0));
            }
            37 => {
                assert!(item.ok, "{item:?}");
                assert_eq!(item.remaining_today, Some(1));
            }
            _ => assert!(item.ok, "{item:?}"),
        }
        if item.ok {
            // Every request is one core accepts for the instance's engine and storage.
            let params = item.params.as_ref().unwrap();
            let draft =
                Draft::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
            let request = validate(&Context::new(item.engine, item.storage), &draft).unwrap();
            assert_eq!(request.params().pairs().count(), params.len());
            assert_eq!(params["DBInstanceId"], item.id);
        } else {
            assert!(item.params.is_none());
            assert!(item.errors.iter().all(|e| !e.message.is_empty()));
        }
    }
    assert_eq!(summary["runnable"], 920);
    assert_eq!(summary["refused"], 80);

    // Stored: read back with each item's state.
    let id = r.json()["PlanId"].as_str().unwrap().to_owned();
    let back = p.get(&format!("/api/plans/{id}")).json();
    assert_eq!(back["State"], "planned");
    let states: Vec<&str> = back["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["State"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "planned").count(), 920);
    assert_eq!(states.iter().filter(|s| **s == "skipped").count(), 80);
    assert_eq!(p.get("/api/plans/NO-SUCH-PLAN").status, 400);

    // Nothing ran: no submission was made by planning.
    assert!(p.history().is_empty());
}

#[test]
fn an_intent_an_instance_cannot_take_is_refused_in_the_forms_words() {
    let p = proxy("logical", 200, &[]);
    let r = post_plan(
        &p,
        &json!({"Selection": {"RegionIds": ["cn-hangzhou"], "Engines": ["MySQL", "PostgreSQL"]},
                "Intent": "logical-databases", "DBNames": "app,missing"}),
        "",
    );
    let plan = items(&r);
    assert!(!plan.is_empty());
    for item in &plan {
        assert_eq!(item.region, "cn-hangzhou");
        assert!(!item.ok);
        if item.storage.kind() == rds_backup_core::StorageKind::Local
            && item.engine == rds_backup_core::Engine::MySql
        {
            // The method fits; the database 'missing' does not exist (DescribeDatabases).
            assert!(
                item.errors
                    .iter()
                    .any(|e| e.code == "InvalidDB.NotFound" && e.message.contains("missing")),
                "{item:?}"
            );
        } else {
            assert_eq!(
                item.errors[0].code, "InvalidBackupMethod.ValueNotSupport",
                "{item:?}"
            );
            assert!(
                item.errors[0]
                    .message
                    .contains("Logical: MySQL on local disk only"),
                "{item:?}"
            );
        }
    }
    let ok = items(&post_plan(
        &p,
        &json!({"Selection": {"Engines": ["MySQL"], "StorageTypes": ["local"], "Match": "rm-fleet-0000?"},
                "Intent": "logical-all-databases", "BackupRetentionPeriod": 7}),
        "",
    ));
    assert!(!ok.is_empty());
    for item in &ok {
        let params = item.params.as_ref().unwrap();
        assert_eq!(params["BackupMethod"], "Logical");
        assert_eq!(params["BackupStrategy"], "instance");
        assert_eq!(params["BackupRetentionPeriod"], "7");
    }

    // Unusable plans name the field.
    for (body, field) in [
        (json!({"Intent": "everything"}), "Intent"),
        (json!({"Intent": "logical-databases"}), "Intent"),
        (
            json!({"Intent": "whole-instance", "Selection": {"Engine": ["MySQL"]}}),
            "Selection",
        ),
        (
            json!({"Intent": "whole-instance", "Selection": {"StorageTypes": ["floppy"]}}),
            "Selection",
        ),
        (
            json!({"Intent": "whole-instance", "Selection": {"RegionIds": ["Not A Region"]}}),
            "Selection.RegionIds",
        ),
    ] {
        let r = post_plan(&p, &body, "");
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        let e = r.json();
        assert_eq!(e["Code"], "InvalidInput.Plan", "{}", r.body);
        assert_eq!(e["Errors"][0]["field"], field, "{body}: {}", r.body);
    }
}

#[test]
fn the_callers_policy_is_checked_for_every_instance_of_a_plan() {
    let tmp_dir = tmp("policy");
    let dir = tmp_dir.path();
    let policies = dir.join("policies.json");
    std::fs::write(
        &policies,
        r#"{"group:payments": {"Statement": [
            {"Effect": "Allow", "Action": "rds:Describe*", "Resource": "*"},
            {"Effect": "Allow", "Action": "rds:CreateBackup", "Resource": "*",
             "Condition": {"StringEquals": {"rds:ResourceTag/team": "payments"}}}
        ]}}"#,
    )
    .unwrap();
    let p = proxy(
        "policy",
        150,
        &[
            "--auth",
            "trusted-header",
            "--trusted-proxy",
            "127.0.0.1/32",
            "--policies",
            policies.to_str().unwrap(),
        ],
    );
    let as_pat = "x-forwarded-user: pat\r\nx-forwarded-groups: payments\r\n";
    let plan = items(&post_plan(
        &p,
        &json!({"Selection": {"RegionIds": ["cn-hangzhou"]}, "Intent": "whole-instance"}),
        as_pat,
    ));
    assert!(plan.len() > 20);
    let fleet = Fleet::generated(150);
    for item in &plan {
        let team = &fleet.get(&item.id).unwrap().tags["team"];
        if team == "payments" {
            assert!(
                item.errors.iter().all(|e| e.code != "Forbidden.RAM"),
                "{item:?}"
            );
        } else {
            assert!(!item.ok);
            assert_eq!(item.errors[0].code, "Forbidden.RAM", "{item:?}");
            assert!(item.errors[0].message.contains("pat"), "{item:?}");
        }
    }
    // A plan is its caller's: someone else does not see it.
    let r = post_plan(
        &p,
        &json!({"Selection": {"RegionIds": ["cn-hangzhou"]}, "Intent": "whole-instance"}),
        as_pat,
    );
    let id = r.json()["PlanId"].as_str().unwrap().to_owned();
    let other = send_raw(
        p.addr,
        &format!(
            "GET /api/plans/{id} HTTP/1.1\r\nhost: {}\r\nx-forwarded-user: eve\r\nx-forwarded-groups: payments\r\n\r\n",
            p.addr
        ),
    );
    assert_eq!(other.status, 400, "{}", other.body);
    assert_eq!(other.json()["Code"], "InvalidPlanId.NotFound");
}

/// The `rds-backup` program beside this test's binaries, brought up to date once per
/// test run (a program left from an older build would test old code).
fn cli() -> PathBuf {
    static BUILT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let path = dir.join("rds-backup");
    let built = *BUILT.get_or_init(|| {
        let release = dir.ends_with("release");
        let mut build = Command::new(env!("CARGO"));
        // Without what cargo set for this test (CARGO_MANIFEST_DIR, CARGO_PKG_*, ...):
        // build scripts that watch those (ring's) would run again, and every crate
        // above them be rebuilt, here and on the next `cargo test`.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_MANIFEST_")
                || matches!(
                    key.as_ref(),
                    "CARGO_CRATE_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "OUT_DIR"
                )
            {
                build.env_remove(key.as_ref());
            }
        }
        build
            .args(["build", "-q", "-p", "rds-backup-cli"])
            .args(release.then_some("--release"))
            .status()
            .unwrap()
            .success()
    });
    assert!(built, "rds-backup did not build");
    path
}

#[test]
fn rds_backup_plan_prints_the_proxys_items_one_per_line() {
    let p = proxy("cli", 300, &[]);
    let url = format!("http://{}", p.addr);
    let out = Command::new(cli())
        .args([
            "plan",
            "--proxy",
            &url,
            "--region",
            "cn-hangzhou",
            "--region",
            "cn-shanghai",
        ])
        .args([
            "--engine",
            "MySQL",
            "--storage",
            "cloud",
            "--tag",
            "env=prod",
            "--intent",
            "whole-instance",
        ])
        .env_remove("RDS_BACKUP_TOKEN")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        !lines.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let api = items(&post_plan(
        &p,
        &json!({"Selection": {"RegionIds": ["cn-hangzhou", "cn-shanghai"], "Engines": ["MySQL"],
                "StorageTypes": ["cloud"], "Tags": {"env": "prod"}}, "Intent": "whole-instance"}),
        "",
    ));
    let from_cli: Vec<PlanItem> = lines
        .iter()
        .map(|l| serde_json::from_value(l.clone()).unwrap())
        .collect();
    assert_eq!(from_cli, api, "the CLI prints what the proxy planned");
    for l in &lines {
        assert!(l["DBInstanceId"].is_string() && l["Engine"] == "MySQL");
        if l["ok"] == true {
            assert!(l["params"].is_object());
        } else {
            assert!(l["errors"][0]["code"].is_string() && l["errors"][0]["message"].is_string());
        }
    }
    let some_refused = api.iter().any(|i| !i.ok);
    assert_eq!(
        out.status.code(),
        Some(i32::from(some_refused)),
        "exit 1 when some cannot run"
    );

    // Every item runnable: exit 0.
    let out = Command::new(cli())
        .args([
            "plan",
            "--proxy",
            &url,
            "--instance",
            "rm-fleet-00000",
            "--instance",
            "rm-fleet-00001",
        ])
        .args(["--intent", "whole-instance"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);

    // A flag that makes no sense: exit 2, the field named, nothing asked of the proxy.
    let out = Command::new(cli())
        .args([
            "plan",
            "--proxy",
            &url,
            "--storage",
            "floppy",
            "--intent",
            "whole-instance",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["errors"][0]["field"], "--storage");
}

// Running plans: the emulator in this test (its jobs read directly, with their times in
// milliseconds), the proxy a process of its own with its record in an SQLite file.

use rds_backup_e2e::{Emulator, TEST_KEY_ID, TEST_SECRET};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A live proxy in front of `emu`, its record in `dir`.
fn live_proxy(emu: &Emulator, dir: &std::path::Path, extra: &[&str]) -> ProxyProcess {
    let mut args: Vec<String> = vec![
        "--upstream".into(),
        format!("http://{}", emu.addr),
        "--database".into(),
        format!("sqlite://{}", dir.join("record.db").display()),
        "--job-poll".into(),
        "0.2".into(),
        "--reconcile-window".into(),
        "2".into(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    ProxyProcess::start(
        EXE,
        &args,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID.to_owned()),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET.to_owned()),
        ],
    )
}

fn post(p: &ProxyProcess, target: &str, body: &str) -> Reply {
    send_raw(
        p.addr,
        &format!(
            "POST {target} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            p.addr,
            body.len()
        ),
    )
}

/// Makes a whole-instance plan, runs it, and returns its id once the emulator has
/// `jobs` instances with a job since `since_ms` (within 30 s).
fn run_until_jobs(p: &ProxyProcess, emu: &Emulator, since_ms: i64, jobs: usize) -> String {
    let r = post_plan(p, &json!({"Intent": "whole-instance"}), "");
    let id = r.json()["PlanId"].as_str().unwrap().to_owned();
    assert_eq!(post(p, &format!("/api/plans/{id}/run"), "{}").status, 202);
    let start = Instant::now();
    while jobs_by_instance(emu, since_ms).len() < jobs {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{jobs} jobs not started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    id
}

/// Polls the plan until nothing is left to start or in flight.
fn wait_done(p: &ProxyProcess, id: &str, limit: Duration) -> Value {
    let start = Instant::now();
    loop {
        let v = p.get(&format!("/api/plans/{id}")).json();
        let s = &v["Summary"];
        if s["planned"] == 0 && s["running"] == 0 && v["State"] != "running" {
            return v;
        }
        assert!(
            start.elapsed() < limit,
            "not done within {limit:?}: {}",
            v["Summary"]
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// CreateBackup jobs the emulator made, by instance, with their times (ms); the sets the
/// fleet seeded (made before the emulator started) left out.
fn jobs_by_instance(emu: &Emulator, since_ms: i64) -> BTreeMap<String, Vec<(i64, i64)>> {
    let mut out: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for j in emu
        .state
        .jobs()
        .all
        .iter()
        .filter(|j| j.created_ms >= since_ms)
    {
        out.entry(j.instance.clone())
            .or_default()
            .push((j.created_ms, j.created_ms + j.duration_ms));
    }
    out
}

/// The most CreateBackup jobs the emulator started within any one second.
fn busiest_second(jobs: &BTreeMap<String, Vec<(i64, i64)>>) -> usize {
    let mut starts: Vec<i64> = jobs.values().flatten().map(|(s, _)| *s).collect();
    starts.sort_unstable();
    (0..starts.len())
        .map(|i| {
            starts[i..]
                .iter()
                .take_while(|t| **t < starts[i] + 1000)
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn epoch_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// The size of a run: `RDS_PLAN_RUN_SIZE` (`scripts/run-plans.sh` runs 1,000), else 120.
fn run_size() -> usize {
    std::env::var("RDS_PLAN_RUN_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120)
}

/// The proxy's peak resident memory (VmHWM), in MiB.
fn peak_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[test]
fn a_run_backs_up_every_runnable_instance_once_under_its_limits() {
    let size = run_size();
    let (concurrency, per_region, rate) = if size > 500 {
        (50, 20, 20)
    } else {
        (12, 4, 20)
    };
    let emu = Emulator::start_live(Fleet::generated(size), 1000, 0);
    let since = epoch_ms();
    let tmp_dir = tmp("run");
    let dir = tmp_dir.path();
    let (c, r, pr) = (
        concurrency.to_string(),
        rate.to_string(),
        per_region.to_string(),
    );
    let p = live_proxy(
        &emu,
        dir,
        &[
            "--plan-concurrency",
            &c,
            "--plan-region-concurrency",
            &pr,
            "--plan-rate",
            &r,
        ],
    );
    let url = format!("http://{}", p.addr);
    // Built before the clock starts: the figure is the run's, not the compiler's.
    let cli = cli();
    let started = Instant::now();
    let out = Command::new(cli)
        .args([
            "run",
            "--proxy",
            &url,
            "--intent",
            "whole-instance",
            "--rate",
            &r,
        ])
        .args(["--concurrency", &c])
        .output()
        .unwrap();
    let took = started.elapsed();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = &lines.last().unwrap()["summary"];
    let plan_id = summary["plan"].as_str().unwrap().to_owned();
    let view = p.get(&format!("/api/plans/{plan_id}")).json();
    let items = view["Items"].as_array().unwrap();
    let runnable: Vec<&str> = items
        .iter()
        .filter(|i| i["ok"] == true)
        .map(|i| i["DBInstanceId"].as_str().unwrap())
        .collect();
    assert_eq!(items.len(), size);
    assert_eq!(
        summary["finished"].as_u64().unwrap() as usize,
        runnable.len(),
        "{summary}"
    );
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["refused"], 0);
    assert_eq!(
        summary["skipped"].as_u64().unwrap() as usize,
        size - runnable.len()
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Lines: state changes, each naming an instance of the plan, then the summary.
    assert!(
        lines[..lines.len() - 1]
            .iter()
            .all(|l| l["DBInstanceId"].is_string() && l["state"].is_string())
    );
    for id in &runnable {
        assert!(
            lines
                .iter()
                .any(|l| l["DBInstanceId"] == *id && l["state"] == "finished"),
            "{id} finished"
        );
    }

    // At the emulator: each runnable instance backed up exactly once, nothing else.
    let jobs = jobs_by_instance(&emu, since);
    assert_eq!(jobs.len(), runnable.len());
    for id in &runnable {
        assert_eq!(jobs.get(*id).map(Vec::len), Some(1), "{id}");
    }
    // Never more than the rate in any second (one more at most where the clocks of two
    // processes meet), never more jobs running at once than the limits, overall and in
    // one region.
    let busiest_second = busiest_second(&jobs);
    assert!(
        busiest_second <= rate + 1,
        "{busiest_second} calls within a second"
    );
    let fleet = Fleet::generated(size);
    let mut most_running = 0;
    for (s, _) in jobs.values().flatten() {
        let running: Vec<&String> = jobs
            .iter()
            .filter(|(_, js)| js.iter().any(|(a, b)| a <= s && s < b))
            .map(|(k, _)| k)
            .collect();
        most_running = most_running.max(running.len());
        assert!(running.len() <= concurrency, "{} at once", running.len());
        let mut in_region: BTreeMap<&str, usize> = BTreeMap::new();
        for id in running {
            *in_region
                .entry(fleet.get(id).unwrap().region.as_str())
                .or_default() += 1;
        }
        assert!(
            in_region.values().all(|n| *n <= per_region),
            "{in_region:?}"
        );
    }
    println!(
        "run: {size} instances, {} runnable, each backed up once, in {:.1} s; at most {most_running} jobs at once (limit {concurrency}), at most {busiest_second} CreateBackup calls in a second (limit {rate}); proxy peak memory {:.1} MiB",
        runnable.len(),
        took.as_secs_f64(),
        peak_mib(p.pid())
    );

    // Server-sent events of an ended plan: its progress, then the end.
    let events = p.get(&format!("/api/plans/{plan_id}/events"));
    assert_eq!(events.status, 200);
    assert!(events.body.contains("event: progress"), "{}", events.body);
    assert!(events.body.contains("event: end"), "{}", events.body);
    // Run again: nothing starts twice.
    let again = post(&p, &format!("/api/plans/{plan_id}/run"), "");
    assert_eq!(again.status, 200, "{}", again.body);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        jobs_by_instance(&emu, since)
            .values()
            .map(Vec::len)
            .sum::<usize>(),
        runnable.len()
    );
}

#[test]
fn a_proxy_killed_mid_run_goes_on_after_a_restart_and_starts_no_item_twice() {
    let emu = Emulator::start_live(Fleet::generated(150), 1000, 0);
    let since = epoch_ms();
    let tmp_dir = tmp("kill");
    let dir = tmp_dir.path();
    let limits = [
        "--plan-concurrency",
        "10",
        "--plan-region-concurrency",
        "10",
        "--plan-rate",
        "15",
    ];
    let mut p = live_proxy(&emu, dir, &limits);
    let plan = items(&post_plan(&p, &json!({"Intent": "whole-instance"}), ""));
    let runnable = plan.iter().filter(|i| i.ok).count();
    // Mid-run: some started, many not.
    let id = run_until_jobs(&p, &emu, since, 30);
    p.kill9();
    let before = jobs_by_instance(&emu, since).len();
    assert!(before < runnable, "killed mid-run");
    let p = live_proxy(&emu, dir, &limits);
    let view = wait_done(&p, &id, Duration::from_secs(90));
    assert_eq!(view["State"], "finished", "{}", view["Summary"]);
    let jobs = jobs_by_instance(&emu, since);
    for (instance, js) in &jobs {
        assert_eq!(js.len(), 1, "{instance} started twice");
    }
    let s = &view["Summary"];
    // Every item ended: finished, or (a call cut by the kill that never reached the
    // service) failed as not started; never started twice.
    assert_eq!(s["finished"].as_u64().unwrap() as usize, jobs.len());
    assert!(jobs.len() + 10 >= runnable, "{} of {runnable}", jobs.len());
    assert_eq!(
        (s["finished"].as_u64().unwrap() + s["failed"].as_u64().unwrap()) as usize,
        runnable
    );
    println!(
        "kill -9: {runnable} runnable, killed after {before} jobs, after the restart {} finished and {} failed (cut mid-call, not executed), no instance backed up twice",
        s["finished"], s["failed"]
    );
}

#[test]
fn throttled_calls_are_tried_again_after_the_services_retry_after_and_the_run_finishes() {
    // One CreateBackup in four is throttled with a 400 ms retry-after.
    let emu = Emulator::start_throttled(Fleet::generated(60), 300, 4, 400);
    let since = epoch_ms();
    let tmp_dir = tmp("throttle");
    let dir = tmp_dir.path();
    let p = live_proxy(&emu, dir, &["--plan-concurrency", "8", "--plan-rate", "50"]);
    let r = post_plan(&p, &json!({"Intent": "whole-instance"}), "");
    let id = r.json()["PlanId"].as_str().unwrap().to_owned();
    let runnable = r.json()["Summary"]["runnable"].as_u64().unwrap() as usize;
    assert_eq!(post(&p, &format!("/api/plans/{id}/run"), "").status, 202);
    let view = wait_done(&p, &id, Duration::from_secs(60));
    assert_eq!(
        view["Summary"]["finished"].as_u64().unwrap() as usize,
        runnable,
        "{}",
        view["Summary"]
    );
    let jobs = jobs_by_instance(&emu, since);
    assert!(jobs.values().all(|j| j.len() == 1));
    // The history holds each throttled attempt (refused, not executed) and the attempt
    // after it, no sooner than the retry-after.
    let history = p.history();
    let throttled: Vec<&Value> = history
        .iter()
        .filter(|h| h["Code"] == "Throttling.User")
        .collect();
    assert!(
        throttled.len() >= runnable / 5,
        "{} throttled",
        throttled.len()
    );
    for t in &throttled {
        let sid = t["SubmissionId"].as_str().unwrap();
        let (stem, attempt) = sid.rsplit_once('.').unwrap();
        let next = format!("{stem}.{}", attempt.parse::<u32>().unwrap() + 1);
        let after = history
            .iter()
            .find(|h| h["SubmissionId"] == next.as_str())
            .unwrap_or_else(|| panic!("no {next}"));
        let gap = after["CreatedMs"].as_i64().unwrap() - t["CreatedMs"].as_i64().unwrap();
        assert!(gap >= 400, "retried {gap} ms after a 400 ms retry-after");
    }
    assert!(
        view["Items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["Attempts"].as_u64() > Some(1))
    );
    println!(
        "throttling: {runnable} runnable, {} calls throttled and each tried again after the 400 ms retry-after, all finished",
        throttled.len()
    );
}

#[test]
fn a_cancelled_plan_starts_nothing_more() {
    let emu = Emulator::start_live(Fleet::generated(100), 500, 0);
    let since = epoch_ms();
    let tmp_dir = tmp("cancel");
    let dir = tmp_dir.path();
    let p = live_proxy(&emu, dir, &["--plan-rate", "4"]);
    let r = post_plan(&p, &json!({"Intent": "whole-instance"}), "");
    let id = r.json()["PlanId"].as_str().unwrap().to_owned();
    assert_eq!(post(&p, &format!("/api/plans/{id}/run"), "").status, 202);
    std::thread::sleep(Duration::from_millis(1500));
    let cancel = send_raw(
        p.addr,
        &format!(
            "DELETE /api/plans/{id} HTTP/1.1\r\nhost: {}\r\n\r\n",
            p.addr
        ),
    );
    assert_eq!(cancel.status, 200, "{}", cancel.body);
    assert_eq!(cancel.json()["State"], "cancelled");
    let started = jobs_by_instance(&emu, since).len();
    std::thread::sleep(Duration::from_millis(1500));
    let after = jobs_by_instance(&emu, since).len();
    assert!(
        after <= started + 1,
        "{after} after {started}: at most the call in flight"
    );
    let view = wait_done(&p, &id, Duration::from_secs(30));
    assert!(
        view["Summary"]["skipped"].as_u64().unwrap() > 50,
        "{}",
        view["Summary"]
    );
    assert_eq!(
        view["Summary"]["finished"].as_u64().unwrap() as usize,
        after
    );
}

#[test]
fn two_plans_running_at_once_keep_together_under_the_proxys_rate() {
    let emu = Emulator::start_live(Fleet::generated(40), 300, 0);
    let since = epoch_ms();
    let tmp_dir = tmp("two-plans");
    let dir = tmp_dir.path();
    let rate = 5;
    let r = rate.to_string();
    let p = live_proxy(&emu, dir, &["--plan-rate", &r, "--plan-concurrency", "20"]);
    let plan = |regions: [&str; 2]| -> String {
        let r = post_plan(
            &p,
            &json!({"Selection": {"RegionIds": regions}, "Intent": "whole-instance"}),
            "",
        );
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["PlanId"].as_str().unwrap().to_owned()
    };
    let a = plan(["cn-hangzhou", "cn-shanghai"]);
    let b = plan(["cn-beijing", "ap-southeast-1"]);
    // Each run asks for the whole rate; together they still get it once.
    for id in [&a, &b] {
        assert_eq!(post(&p, &format!("/api/plans/{id}/run"), "").status, 202);
    }
    let done: Vec<Value> = [&a, &b]
        .iter()
        .map(|id| wait_done(&p, id, Duration::from_secs(60)))
        .collect();
    let finished: u64 = done
        .iter()
        .map(|v| v["Summary"]["finished"].as_u64().unwrap())
        .sum();
    let jobs = jobs_by_instance(&emu, since);
    assert!(finished >= 20, "{finished} finished");
    assert_eq!(jobs.values().map(Vec::len).sum::<usize>() as u64, finished);
    let busiest = busiest_second(&jobs);
    assert!(
        busiest <= rate + 1,
        "{busiest} calls within a second from two plans (limit {rate} for the proxy)"
    );
    println!(
        "two plans at once: {finished} backed up, at most {busiest} CreateBackup calls in a second (limit {rate} for the proxy)"
    );
}

#[test]
fn a_plan_over_instances_another_plan_is_backing_up_names_its_submissions() {
    let emu = Emulator::start_live(Fleet::generated(20), 6000, 0);
    let since = epoch_ms();
    let dir = tmp("job-exists");
    let p = live_proxy(&emu, dir.path(), &["--plan-rate", "20"]);
    let first = run_until_jobs(&p, &emu, since, 3);
    let busy = |p: &ProxyProcess| -> Vec<(String, Option<String>)> {
        items(&post_plan(p, &json!({"Intent": "whole-instance"}), ""))
            .into_iter()
            .filter_map(|i| {
                let r = i.errors.into_iter().find(|r| r.code == "BackupJobExists")?;
                Some((i.id, r.submission))
            })
            .collect()
    };
    // The same proxy: each instance with a job says the first plan's item that sent it.
    let here = busy(&p);
    assert!(here.len() >= 3, "{here:?}");
    let jobs = jobs_by_instance(&emu, since);
    for (instance, submission) in &here {
        assert!(
            jobs.contains_key(instance),
            "{instance}: no job at the emulator"
        );
        let s = submission.as_deref().unwrap_or_default();
        assert!(s.starts_with(&format!("{first}.")), "{instance}: {s:?}");
    }
    // Another proxy with a record of its own did not send them: the code alone.
    let other_dir = tmp("job-exists-other");
    let other = live_proxy(&emu, other_dir.path(), &[]);
    let there = busy(&other);
    assert!(!there.is_empty(), "{there:?}");
    assert!(there.iter().all(|(_, s)| s.is_none()), "{there:?}");
}

/// `rds-backup plan|run` without `--proxy`: the credential chain (here the environment)
/// and `--endpoint` (the emulator), one `--region` per region of the fleet.
fn direct(emu: &Emulator, args: &[&str]) -> std::process::Output {
    let endpoint = format!("http://{}", emu.addr);
    let mut cmd = Command::new(cli());
    cmd.args(args).args(["--endpoint", &endpoint]);
    for r in ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1"] {
        cmd.args(["--region", r]);
    }
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent-rds-backup-home")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET)
        .output()
        .unwrap()
}

#[test]
fn a_direct_plan_judges_every_instance_as_the_proxys_plan_does() {
    let emu = Emulator::start_live(Fleet::generated(80), 1000, 0);
    let tmp_dir = tmp("direct-plan");
    let dir = tmp_dir.path();
    let p = live_proxy(&emu, dir, &[]);
    for intent in ["whole-instance", "logical-all-databases"] {
        let through_proxy = items(&post_plan(&p, &json!({"Intent": intent}), ""));
        let out = direct(&emu, &["plan", "--intent", intent]);
        let text = String::from_utf8(out.stdout).unwrap();
        let mut mine: Vec<PlanItem> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let mut theirs = through_proxy.clone();
        mine.sort_by(|a, b| a.id.cmp(&b.id));
        theirs.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(mine.len(), 80, "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(mine, theirs, "{intent}");
        let some_refused = mine.iter().any(|i| !i.ok);
        assert_eq!(out.status.code(), Some(u8::from(some_refused).into()));
    }
    // The selection flags narrow it the same way.
    let out = direct(
        &emu,
        &[
            "plan",
            "--intent",
            "whole-instance",
            "--engine",
            "MySQL",
            "--storage",
            "cloud",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l["Engine"] == "MySQL"
        && l["StorageType"].as_str().unwrap().starts_with("cloud")
        || l["StorageType"] == "general_essd"));
    // No region and no proxy: a clear error naming --region, exit 2.
    let out = Command::new(cli())
        .args(["plan", "--intent", "whole-instance"])
        .env_clear()
        .env("HOME", "/nonexistent-rds-backup-home")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("--region") && text.contains("InvalidInput.Missing"),
        "{text}"
    );
}

#[test]
fn a_direct_run_backs_up_every_runnable_instance_once_and_waits_out_throttling() {
    // One CreateBackup in four is throttled with a 400 ms retry-after.
    let emu = Emulator::start_throttled(Fleet::generated(60), 300, 4, 400);
    let since = epoch_ms();
    let out = direct(
        &emu,
        &[
            "run",
            "--intent",
            "whole-instance",
            "--concurrency",
            "6",
            "--rate",
            "10",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = &lines.last().unwrap()["summary"];
    let finished: Vec<&str> = lines
        .iter()
        .filter(|l| l["state"] == "finished")
        .map(|l| l["DBInstanceId"].as_str().unwrap())
        .collect();
    assert_eq!(
        summary["finished"].as_u64().unwrap() as usize,
        finished.len()
    );
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["refused"], 0, "{summary}");
    assert_eq!(summary["unknown"], 0, "{summary}");
    assert_eq!(
        finished.len() + summary["skipped"].as_u64().unwrap() as usize,
        60
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    // At the emulator: each finished instance backed up once, nothing else; never more
    // than 6 at once, never more than 10 calls (11 where clocks meet) in a second.
    let jobs = jobs_by_instance(&emu, since);
    assert_eq!(jobs.len(), finished.len());
    assert!(jobs.values().all(|j| j.len() == 1));
    for (s, _) in jobs.values().flatten() {
        let running = jobs
            .values()
            .filter(|js| js.iter().any(|(a, b)| a <= s && s < b))
            .count();
        assert!(running <= 6, "{running} at once");
    }
    let n = busiest_second(&jobs);
    assert!(n <= 11, "{n} calls within a second");
    // Throttled calls were waited out: a `waiting` line, then the item finished.
    let waited: Vec<&Value> = lines
        .iter()
        .filter(|l| l["state"] == "waiting" && l["code"] == "Throttling.User")
        .collect();
    assert!(
        waited.len() >= finished.len() / 5,
        "{} waited",
        waited.len()
    );
    for w in waited {
        assert!(finished.contains(&w["DBInstanceId"].as_str().unwrap()));
    }
}
