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

fn run_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rds-backup"));
    cmd.args(args)
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .env_remove("ALIBABA_CLOUD_REGION_ID")
        .env("HOME", "/nonexistent-home")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const PHYSICAL: &[u8] = br#"{"Engine":"MySQL","StorageType":"local_ssd","DBInstanceId":"rm-uf6wjk5xxxxxxx","BackupMethod":"Physical"}"#;

#[test]
fn sign_reproduces_the_published_v3_and_v2_vectors() {
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "YourAccessKeyId"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "YourAccessKeySecret"),
    ];
    let args = [
        "sign",
        "--region",
        "cn-hangzhou",
        "--timestamp",
        "2023-10-26T10:22:32Z",
        "--nonce",
        "3156853299f313e23d1673dc12e1703d",
    ];
    let (code, out, _) = run_env(&args, PHYSICAL, &env);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("POST /?BackupMethod=Physical&DBInstanceId=rm-uf6wjk5xxxxxxx HTTP/1.1\r\n"),
        "{out}"
    );
    assert!(
        out.contains("Signature=83c92d9dcd8f14e891ba4fdb829ace2f49c10626640bc6d08fbb94d6d90ef245"),
        "{out}"
    );

    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
    ];
    let req = br#"{"Engine":"MySQL","StorageType":"local_ssd","DBInstanceId":"rm-uf6wjk5xxxxxxx","BackupMethod":"Physical","RegionId":"cn-hangzhou"}"#;
    let (code, out, _) = run_env(
        &[
            "sign",
            "--v2",
            "--format",
            "json",
            "--timestamp",
            "2023-03-13T08:34:30Z",
            "--nonce",
            "edb2b34af0af9a6d14deaf7c1a5315eb",
        ],
        req,
        &env,
    );
    assert_eq!(code, 0, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["signature"], "Zti0jmKY2WRaPKqCjOvVj+AYFhM=");
    assert!(
        json["string_to_sign"]
            .as_str()
            .unwrap()
            .starts_with("POST&%2F&AccessKeyId%3Dtestid")
    );
    assert!(
        json["url"]
            .as_str()
            .unwrap()
            .starts_with("https://rds.aliyuncs.com/?")
    );
}

#[test]
fn sign_reads_an_sts_profile_and_never_prints_the_secret() {
    let tmp_dir = tempfile::Builder::new()
        .prefix("rds-backup-cli-home-")
        .tempdir()
        .unwrap();
    let home = tmp_dir.path();
    std::fs::create_dir_all(home.join(".aliyun")).unwrap();
    std::fs::write(
        home.join(".aliyun/config.json"),
        r#"{"current":"default","profiles":[{"name":"sts","mode":"StsToken","access_key_id":"STS.tmpid","access_key_secret":"verysecretvalue","sts_token":"tok/with+chars","region_id":"ap-southeast-1"}]}"#,
    )
    .unwrap();
    let home = home.to_str().unwrap();
    let (code, out, err) = run_env(
        &["sign", "--profile", "sts", "--format", "curl"],
        PHYSICAL,
        &[("HOME", home)],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("x-acs-security-token: tok/with+chars"),
        "{out}"
    );
    assert!(out.contains("x-acs-accesskey-id: STS.tmpid"), "{out}");
    assert!(
        out.contains("https://rds.aliyuncs.com/"),
        "the profile's region picks the endpoint: {out}"
    );
    assert!(!out.contains("verysecretvalue") && !err.contains("verysecretvalue"));

    let (code, out, _) = run_env(&["sign", "--profile", "nope"], PHYSICAL, &[("HOME", home)]);
    assert_eq!(code, 2);
    assert!(
        out.contains("InvalidInput.Credentials") && out.contains("'nope'"),
        "{out}"
    );
}

#[test]
fn sign_refuses_an_invalid_request_with_the_check_output() {
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
    ];
    let bad = br#"{"Engine":"PostgreSQL","StorageType":"cloud_essd","DBInstanceId":"pgm-1abc","BackupMethod":"Logical"}"#;
    let (code, out, _) = run_env(&["sign", "--region", "cn-hangzhou"], bad, &env);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["errors"][0]["code"],
        "InvalidBackupMethod.ValueNotSupport"
    );
    // Refused before credentials are needed: the same without any.
    let (code, _, _) = run_env(&["sign", "--region", "cn-hangzhou"], bad, &[]);
    assert_eq!(code, 1);
    for (args, field) in [
        (vec!["sign", "--region", "a.b.c"], "RegionId"),
        (vec!["sign"], "RegionId"),
        (vec!["sign", "--endpoint", "x y"], "endpoint"),
        (
            vec!["sign", "--region", "cn-hangzhou", "--method", "PUT"],
            "method",
        ),
        (
            vec![
                "sign",
                "--region",
                "cn-hangzhou",
                "--timestamp",
                "yesterday",
            ],
            "timestamp",
        ),
    ] {
        let (code, out, _) = run_env(&args, PHYSICAL, &env);
        assert_eq!(code, 2, "{args:?}: {out}");
        let json: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["errors"][0]["field"], field, "{args:?}");
    }
}

#[test]
fn preview_needs_no_credentials_and_matches_sign() {
    let fixed = [
        "--region",
        "eu-central-1",
        "--timestamp",
        "2024-01-02T03:04:05Z",
        "--nonce",
        "n1",
    ];
    let (code, preview, _) = run_env(&[&["preview"][..], &fixed].concat(), PHYSICAL, &[]);
    assert_eq!(code, 0, "{preview}");
    assert!(
        preview.contains("host: rds.eu-central-1.aliyuncs.com"),
        "{preview}"
    );
    assert!(
        preview.contains("Credential=YourAccessKeyId")
            && preview.contains("Signature=YourSignature")
    );
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "realid"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "realsecret"),
    ];
    let (_, signed, _) = run_env(&[&["sign"][..], &fixed].concat(), PHYSICAL, &env);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("authorization"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&preview), strip(&signed));
    let (code, url, err) = run_env(
        &["preview", "--region", "cn-hangzhou", "--format", "url"],
        PHYSICAL,
        &[],
    );
    assert_eq!(code, 0);
    assert!(url.starts_with("https://rds.aliyuncs.com/?BackupMethod=Physical"));
    assert!(err.contains("headers"), "V3 URL warning: {err}");
}

#[test]
fn snippet_prints_each_language_and_refuses_what_check_refuses() {
    let req = br#"{"Engine":"SQLServer","StorageType":"cloud_essd","RegionId":"cn-hangzhou","DBInstanceId":"rm-bp1mssql01","BackupMethod":"Physical","BackupType":"FullBackup","BackupStrategy":"instance"}"#;
    for lang in [
        "aliyun",
        "python",
        "node",
        "typescript",
        "java",
        "go",
        "php",
        "csharp",
        "curl",
        "http",
    ] {
        let (code, out, err) = run_env(&["snippet", "--lang", lang], req, &[]);
        assert_eq!(code, 0, "{lang}: {out}{err}");
        assert!(
            out.contains("Rule sqlserver-full-instance:"),
            "{lang}: {out}"
        );
    }
    let (code, out, _) = run_env(
        &[
            "snippet",
            "--lang",
            "aliyun",
            "--profile",
            "ops",
            "--region",
            "eu-central-1",
        ],
        req,
        &[],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("--region eu-central-1") && out.contains("--profile ops"),
        "{out}"
    );
    let (code, out, _) = run_env(&["snippet", "--lang", "cobol"], req, &[]);
    assert_eq!(code, 2);
    assert!(out.contains("InvalidInput.UnknownValue"), "{out}");
    let bad = br#"{"Engine":"SQLServer","StorageType":"cloud_essd","RegionId":"cn-hangzhou","DBInstanceId":"rm-bp1mssql01","BackupMethod":"Logical"}"#;
    let (code, out, _) = run_env(&["snippet", "--lang", "python"], bad, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("InvalidBackupMethod.ValueNotSupport"), "{out}");
    let no_region = br#"{"Engine":"MariaDB","StorageType":"cloud_essd","DBInstanceId":"rm-1abc"}"#;
    let (code, out, _) = run_env(&["snippet"], no_region, &[]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn a_closed_stdout_pipe_is_not_a_panic() {
    for _ in 0..5 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rds-backup"))
            .args([
                "options",
                "--engine",
                "SQLServer",
                "--storage",
                "cloud_essd",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the output is written (as `| head -0` does).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(out.status.code(), Some(0), "{stderr}");
    }
}
