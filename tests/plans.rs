//! Fleet plans over real sockets on 127.0.0.1: the proxy (a process of its own, demo
//! mode) in front of the emulator's generated fleet. A plan names a request or reasons
//! for every selected instance before anything runs; every request validates in core;
//! the reasons are the service's codes; the caller's policy is checked per instance; the
//! plan is stored and read back; `rds-backup plan` prints the same items line by line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::plan::PlanItem;
use rds_backup_core::{Context, Draft, validate};
use rds_backup_e2e::process::ProxyProcess;
use rds_backup_e2e::{Reply, send_raw};
use rds_backup_emulator::Fleet;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_proxy-under-test");

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rds-plans-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A proxy in demo mode serving the generated fleet of `n` instances.
fn proxy(name: &str, n: usize, extra: &[&str]) -> ProxyProcess {
    let dir = tmp(name);
    let fleet = dir.join("fleet.json");
    std::fs::write(&fleet, serde_json::to_string(&Fleet::generated(n)).unwrap()).unwrap();
    let mut args: Vec<String> = ["--demo", "--demo-fleet"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.push(fleet.display().to_string());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    ProxyProcess::start(EXE, &args, &[])
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
            let get = |k: &str| params.get(k).cloned();
            let draft = Draft {
                db_instance_id: get("DBInstanceId"),
                db_name: get("DBName").map(|d| d.split(',').map(str::to_owned).collect()),
                backup_strategy: get("BackupStrategy"),
                backup_method: get("BackupMethod"),
                backup_type: get("BackupType"),
                backup_retention_period: get("BackupRetentionPeriod").map(|v| v.parse().unwrap()),
            };
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
    assert_eq!(states.iter().filter(|s| **s == "refused").count(), 80);
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
    let dir = tmp("policy");
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

/// The `rds-backup` program beside this test's binaries (built if it is not there yet).
fn cli() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let path = dir.join("rds-backup");
    if !path.exists() {
        let built = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "rds-backup-cli"])
            .status()
            .unwrap();
        assert!(built.success());
    }
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
