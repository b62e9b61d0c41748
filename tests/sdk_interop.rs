//! The official Alibaba Cloud SDKs (pinned, installed by `tests/sdk/setup.sh`) as real
//! clients of the emulator on 127.0.0.1: CreateBackup signed with V3 and V2, the job
//! followed with DescribeBackupTasks to Finished; a wrong secret and a replayed nonce
//! refused with the service's codes; the legacy V2 clients' shapes accepted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_e2e::*;
use serde_json::Value;

/// Creates a backup through `client` and follows it to Finished, moving the emulator's clock.
fn backup_and_follow(
    emu: &Emulator,
    client: Client,
    extra: &[&str],
    instance: &str,
    params: &[(&str, &str)],
) {
    let label = format!("{client:?} {extra:?}");
    let mut all = vec![("DBInstanceId", instance)];
    all.extend_from_slice(params);
    let created = run_client(
        client,
        &emu.host(),
        TEST_KEY_ID,
        TEST_SECRET,
        extra,
        "CreateBackup",
        &all,
    );
    assert_eq!(created["ok"], true, "{label}: {created}");
    let job = created["body"]["BackupJobId"]
        .as_str()
        .unwrap_or_else(|| panic!("{label}: {created}"))
        .to_owned();
    assert!(
        created["body"]["RequestId"].is_string(),
        "{label}: {created}"
    );

    let mut statuses: Vec<String> = Vec::new();
    for _ in 0..6 {
        let t = run_client(
            client,
            &emu.host(),
            TEST_KEY_ID,
            TEST_SECRET,
            extra,
            "DescribeBackupTasks",
            &[("DBInstanceId", instance), ("BackupJobId", &job)],
        );
        assert_eq!(t["ok"], true, "{label}: {t}");
        let item = &t["body"]["Items"]["BackupJob"][0];
        let status = item["BackupStatus"]
            .as_str()
            .unwrap_or_else(|| panic!("{label}: {t}"))
            .to_owned();
        if statuses.last() != Some(&status) {
            statuses.push(status.clone());
        }
        if status == "Finished" {
            assert_eq!(item["Process"], "100", "{label}");
            assert!(item["BackupId"].is_string(), "{label}: {t}");
            break;
        }
        emu.advance(JOB_MS / 3);
    }
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("Finished"),
        "{label}: {statuses:?}"
    );
    assert!(statuses.len() >= 3, "{label}: saw only {statuses:?}");
}

fn expect_error(v: &Value, code: &str) {
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["code"], code, "{v}");
}

#[test]
fn python_sdk_v3_and_v2() {
    let emu = Emulator::start();
    backup_and_follow(
        &emu,
        Client::Python,
        &[],
        "rm-demo-mysql-local",
        &[
            ("BackupMethod", "Logical"),
            ("BackupStrategy", "db"),
            ("DBName", "orders,users"),
            ("BackupRetentionPeriod", "30"),
        ],
    );
    backup_and_follow(
        &emu,
        Client::Python,
        &["--signature-algorithm", "v2"],
        "rm-demo-mssql-cloud",
        &[
            ("BackupMethod", "Physical"),
            ("BackupType", "FullBackup"),
            ("BackupStrategy", "db"),
            ("DBName", "crm"),
        ],
    );
}

#[test]
fn node_sdk_v3_and_v2() {
    let emu = Emulator::start();
    backup_and_follow(
        &emu,
        Client::Node,
        &[],
        "pgm-demo-pg-cloud",
        &[("BackupMethod", "Snapshot")],
    );
    backup_and_follow(
        &emu,
        Client::Node,
        &["--signature-algorithm", "v2"],
        "rm-demo-mariadb-cloud",
        &[("BackupMethod", "Physical")],
    );
}

#[test]
fn legacy_v2_clients() {
    let emu = Emulator::start();
    backup_and_follow(
        &emu,
        Client::PythonLegacy,
        &[],
        "rm-demo-mysql-local",
        &[
            ("BackupMethod", "Logical"),
            ("BackupStrategy", "db"),
            ("DBName", "orders,users"),
        ],
    );
    backup_and_follow(
        &emu,
        Client::PythonLegacy,
        &["--method", "GET"],
        "rm-demo-mysql-cloud",
        &[("BackupMethod", "Snapshot")],
    );
    backup_and_follow(
        &emu,
        Client::NodePop,
        &[],
        "pgm-demo-pg-local",
        &[("BackupMethod", "Physical")],
    );
    backup_and_follow(
        &emu,
        Client::NodePop,
        &["--method", "POST"],
        "rm-demo-mssql-local",
        &[("BackupMethod", "Physical"), ("BackupType", "Auto")],
    );
}

#[test]
fn wrong_secret_and_replayed_nonce_are_refused_for_every_client() {
    let emu = Emulator::start();
    let describe = [("DBInstanceId", "rm-demo-mysql-local")];
    let modes: &[(Client, &[&str])] = &[
        (Client::Python, &[]),
        (Client::Python, &["--signature-algorithm", "v2"]),
        (Client::Node, &[]),
        (Client::Node, &["--signature-algorithm", "v2"]),
        (Client::PythonLegacy, &[]),
        (Client::NodePop, &[]),
    ];
    for (i, (client, extra)) in modes.iter().enumerate() {
        let wrong = run_client(
            *client,
            &emu.host(),
            TEST_KEY_ID,
            "not-the-secret",
            extra,
            "DescribeDatabases",
            &describe,
        );
        expect_error(&wrong, "SignatureDoesNotMatch");
        assert!(
            wrong["message"]
                .as_str()
                .unwrap_or_default()
                .contains("server string to sign is:"),
            "{client:?}: {wrong}"
        );

        let nonce = format!("fixed-nonce-{i}-{}", std::process::id());
        if matches!(client, Client::Python | Client::Node) {
            let mut with_nonce = extra.to_vec();
            with_nonce.extend(["--fixed-nonce", nonce.as_str()]);
            let first = run_client(
                *client,
                &emu.host(),
                TEST_KEY_ID,
                TEST_SECRET,
                &with_nonce,
                "DescribeDatabases",
                &describe,
            );
            assert_eq!(first["ok"], true, "{client:?}: {first}");
            let again = run_client(
                *client,
                &emu.host(),
                TEST_KEY_ID,
                TEST_SECRET,
                &with_nonce,
                "DescribeDatabases",
                &describe,
            );
            expect_error(&again, "SignatureNonceUsed");
        }
    }
}

#[test]
fn sdk_clients_see_rule_and_precondition_errors() {
    let emu = Emulator::start();
    let r = run_client(
        Client::Python,
        &emu.host(),
        TEST_KEY_ID,
        TEST_SECRET,
        &[],
        "CreateBackup",
        &[
            ("DBInstanceId", "pgm-demo-pg-cloud"),
            ("BackupMethod", "Logical"),
        ],
    );
    expect_error(&r, "InvalidBackupMethod.ValueNotSupport");
    assert_eq!(r["status"], 400);
    let r = run_client(
        Client::Node,
        &emu.host(),
        TEST_KEY_ID,
        TEST_SECRET,
        &[],
        "CreateBackup",
        &[
            ("DBInstanceId", "rm-demo-mysql-stopped"),
            ("BackupMethod", "Snapshot"),
        ],
    );
    expect_error(&r, "IncorrectDBInstanceState");
    let r = run_client(
        Client::Python,
        &emu.host(),
        "nobody",
        TEST_SECRET,
        &[],
        "DescribeDatabases",
        &[("DBInstanceId", "rm-demo-mysql-local")],
    );
    expect_error(&r, "InvalidAccessKeyId.NotFound");
    let listed = run_client(
        Client::Node,
        &emu.host(),
        TEST_KEY_ID,
        TEST_SECRET,
        &[],
        "DescribeDBInstances",
        &[("RegionId", "cn-hangzhou"), ("PageSize", "5")],
    );
    assert_eq!(listed["ok"], true, "{listed}");
    assert_eq!(
        listed["body"]["Items"]["DBInstance"]
            .as_array()
            .map(Vec::len),
        Some(5),
        "{listed}"
    );
    assert_eq!(listed["body"]["TotalRecordCount"], 11);
}

#[test]
fn the_sdks_signing_with_acs3_hmac_sm3_are_verified() {
    let emu = Emulator::start();
    backup_and_follow(
        &emu,
        Client::Python,
        &["--signature-algorithm", "sm3"],
        "pgm-demo-pg-local",
        &[("BackupMethod", "Physical")],
    );
    backup_and_follow(
        &emu,
        Client::Node,
        &["--signature-algorithm", "sm3"],
        "rm-demo-mssql-local",
        &[
            ("BackupMethod", "Physical"),
            ("BackupType", "FullBackup"),
            ("BackupStrategy", "instance"),
        ],
    );
    // A wrong secret is still a wrong secret with SM3.
    let bad = run_client(
        Client::Python,
        &emu.host(),
        TEST_KEY_ID,
        "not-the-secret",
        &["--signature-algorithm", "sm3"],
        "DescribeDatabases",
        &[("DBInstanceId", "rm-demo-mysql-local")],
    );
    expect_error(&bad, "SignatureDoesNotMatch");
}
