//! Demo mode's transport: calls signed as for the network, handed to the embedded
//! emulator's router without a socket, and checked by it exactly as over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::{Credentials, Endpoint, Region};
use rds_backup_emulator::{Config, DEMO_KEY_ID, DEMO_KEY_SECRET, server};
use rds_backup_proxy::error::ProxyError;
use rds_backup_proxy::upstream::Upstream;

fn upstream(secret: &str) -> Upstream {
    let state = Config::default().into_state();
    Upstream::in_process(
        server::router(state),
        Endpoint::parse_override("http://emulator.localhost").unwrap(),
        Credentials::new(DEMO_KEY_ID, secret),
    )
}

fn hangzhou() -> Region {
    Region::new("cn-hangzhou").unwrap()
}

fn id(v: &str) -> Vec<(String, String)> {
    vec![("DBInstanceId".into(), v.into())]
}

#[tokio::test]
async fn a_call_is_verified_and_answered_as_received() {
    let up = upstream(DEMO_KEY_SECRET);
    let reply = up
        .call(
            &hangzhou(),
            "DescribeDBInstanceAttribute",
            id("rm-demo-mysql-local"),
        )
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(
        body["Items"]["DBInstanceAttribute"][0]["Engine"], "MySQL",
        "{body}"
    );
    // The bytes are passed on untouched: they parse to the same value.
    let again: serde_json::Value = serde_json::from_slice(&reply.raw).unwrap();
    assert_eq!(again, body);
}

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_embedded_emulator() {
    let up = upstream("not-the-demo-secret");
    let err = up
        .call(
            &hangzhou(),
            "DescribeBackupTasks",
            id("rm-demo-mysql-local"),
        )
        .await
        .unwrap_err();
    match err {
        ProxyError::Upstream { status, body, .. } => {
            assert_eq!(status, 400, "{body}");
            assert_eq!(body["Code"], "SignatureDoesNotMatch", "{body}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_call_gets_a_fresh_nonce_so_none_is_refused_as_a_replay() {
    let up = upstream(DEMO_KEY_SECRET);
    for _ in 0..200 {
        let reply = up
            .call(
                &hangzhou(),
                "DescribeBackupTasks",
                id("rm-demo-mysql-local"),
            )
            .await
            .unwrap();
        assert_eq!(reply.status, 200);
    }
}

#[tokio::test]
async fn the_service_rules_apply_as_over_http() {
    let up = upstream(DEMO_KEY_SECRET);
    let err = up
        .call(
            &hangzhou(),
            "CreateBackup",
            vec![
                ("DBInstanceId".into(), "rm-demo-mysql-local".into()),
                ("BackupMethod".into(), "Snapshot".into()),
                ("BackupStrategy".into(), "db".into()),
            ],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProxyError::Upstream { body, .. } if body["Code"].as_str().is_some_and(|c| !c.is_empty())),
        "{err:?}"
    );
}
