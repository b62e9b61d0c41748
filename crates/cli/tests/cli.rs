//! The `rds-backup` binary, run as a user runs it: JSON on stdin, JSON on stdout, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> (i32, Value, String) {
    let (code, text, stderr) = run_raw(args, stdin);
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {text}"));
    (code, json, stderr)
}

fn run_raw(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rds-backup"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        text,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_agrees_with_every_spec_case() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("../../core/tests/data/spec_cases.json")).unwrap();
    for case in cases {
        let (code, out, _) = run(&["check"], case["input"].to_string().as_bytes());
        let rule = &case["rule"];
        if let Some(params) = case.get("params") {
            assert_eq!(code, 0, "{rule}: {out}");
            assert_eq!(&out["params"], params, "{rule}");
            assert_eq!(out["ok"], true);
            assert_eq!(out["errors"], serde_json::json!([]));
        } else {
            assert_eq!(code, 1, "{rule}: {out}");
            assert_eq!(out["ok"], false);
            assert_eq!(out["params"], Value::Null);
            let got: Vec<Value> = out["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| serde_json::json!([e["field"], e["code"]]))
                .collect();
            assert_eq!(Value::Array(got), case["errors"], "{rule}");
        }
    }
}

#[test]
fn params_keep_the_api_order() {
    let (code, text, _) = run_raw(&["check"], br#"{"Engine":"SQLServer","StorageType":"cloud_essd","BackupRetentionPeriod":30,"DBName":"a1","BackupStrategy":"db","BackupType":"FullBackup","BackupMethod":"Physical","DBInstanceId":"rm-1abc"}"#);
    assert_eq!(code, 0);
    let positions: Vec<usize> = [
        "\"DBInstanceId\"",
        "\"DBName\"",
        "\"BackupStrategy\"",
        "\"BackupMethod\"",
        "\"BackupType\"",
        "\"BackupRetentionPeriod\"",
    ]
    .iter()
    .map(|k| text.find(k).unwrap())
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn unusable_input_exits_2_with_a_json_error() {
    let cases: &[(&[u8], &str, &str)] = &[
        (b"not json", "InvalidInput.NotJson", ""),
        (b"", "InvalidInput.NotJson", ""),
        (b"[]", "InvalidInput.NotJson", ""),
        (b"{\"Engine\":\"MySQL\"} {}", "InvalidInput.NotJson", ""),
        (b"\xff\xfe", "InvalidInput.NotJson", ""),
        (
            br#"{"Engine":"Oracle","StorageType":"local_ssd"}"#,
            "InvalidInput.UnknownValue",
            "Engine",
        ),
        (
            br#"{"Engine":"MySQL","StorageType":"nvme"}"#,
            "InvalidInput.UnknownValue",
            "StorageType",
        ),
        (
            br#"{"Engine":"MySQL","StorageType":"local_ssd","Backupmethod":"Logical"}"#,
            "InvalidInput.UnknownField",
            "Backupmethod",
        ),
        (
            br#"{"Engine":"MySQL","StorageType":"local_ssd","BackupRetentionPeriod":"7"}"#,
            "InvalidInput.WrongType",
            "BackupRetentionPeriod",
        ),
        (
            br#"{"Engine":"MySQL","StorageType":"local_ssd","BackupMethod":1}"#,
            "InvalidInput.WrongType",
            "BackupMethod",
        ),
        (
            br#"{"StorageType":"local_ssd"}"#,
            "InvalidInput.Missing",
            "Engine",
        ),
    ];
    for (stdin, code, field) in cases {
        let (status, out, stderr) = run(&["check"], stdin);
        assert_eq!(status, 2, "{}: {out}", String::from_utf8_lossy(stdin));
        assert_eq!(out["ok"], false);
        assert_eq!(out["errors"][0]["code"], *code, "{out}");
        assert_eq!(out["errors"][0]["field"], *field, "{out}");
        assert!(!out["errors"][0]["message"].as_str().unwrap().is_empty());
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn options_explain_what_is_withheld() {
    let (code, out, _) = run(
        &[
            "options",
            "--engine",
            "PostgreSQL",
            "--storage",
            "cloud_essd",
        ],
        b"",
    );
    assert_eq!(code, 0);
    let method = &out["fields"][0];
    assert_eq!(method["field"], "BackupMethod");
    let logical = method["withheld"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"] == "Logical")
        .unwrap();
    assert!(
        logical["reason"]
            .as_str()
            .unwrap()
            .starts_with("Logical: MySQL on local disk only")
    );

    let (code, out, _) = run(
        &[
            "options",
            "--engine",
            "MySQL",
            "--storage",
            "local_ssd",
            "--set",
            "BackupMethod=Logical",
        ],
        b"",
    );
    assert_eq!(code, 0);
    let strategy = out["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "BackupStrategy")
        .unwrap();
    assert_eq!(strategy["required"], true);
    let offered: Vec<&Value> = strategy["offered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["value"])
        .collect();
    assert_eq!(offered, [&Value::from("db"), &Value::from("instance")]);

    let (code, out, _) = run(
        &[
            "options",
            "--engine",
            "mysql",
            "--storage",
            "local_ssd",
            "--set",
            "Foo=1",
        ],
        b"",
    );
    assert_eq!(code, 2);
    assert_eq!(out["errors"].as_array().unwrap().len(), 2, "{out}");
}

#[test]
fn help_shows_examples() {
    let out = Command::new(env!("CARGO_BIN_EXE_rds-backup"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    for needle in [
        "check",
        "options",
        "Examples:",
        "InvalidBackupMethod.ValueNotSupport",
    ] {
        assert!(text.contains(needle), "help lacks {needle}:\n{text}");
    }
}
