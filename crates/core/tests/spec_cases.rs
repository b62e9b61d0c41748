//! Every case of the spec's per-engine section, read from `data/spec_cases.json`.
//! Each case names the rule it checks; adding a case needs no code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::{Input, Report};
use serde_json::Value;

#[test]
fn every_spec_case_holds() {
    let text = include_str!("data/spec_cases.json");
    let cases: Vec<Value> = serde_json::from_str(text).unwrap();
    assert!(cases.len() >= 60, "the case file lost cases");
    let mut failures = Vec::new();
    for case in &cases {
        let rule = case["rule"].as_str().unwrap();
        let input = Input::from_json(&case["input"].to_string()).unwrap();
        let report = Report::check(&input.context().unwrap(), &input.draft);
        let got = serde_json::to_value(&report).unwrap();
        if let Some(params) = case.get("params") {
            if !report.ok || &got["params"] != params {
                failures.push(format!("{rule}: expected params {params}, got {got}"));
            }
            // The order of the parameters is the API's documented order.
            let order = [
                "DBInstanceId",
                "DBName",
                "BackupStrategy",
                "BackupMethod",
                "BackupType",
                "BackupRetentionPeriod",
            ];
            let keys: Vec<&str> = report
                .params
                .iter()
                .flat_map(|p| p.pairs().map(|(k, _)| k))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort_by_key(|k| order.iter().position(|o| o == k));
            assert_eq!(keys, sorted, "{rule}");
        } else {
            let want: Vec<(String, String)> = case["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e[0].as_str().unwrap().to_owned(),
                        e[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let have: Vec<(String, String)> = report
                .errors
                .iter()
                .map(|e| (e.field.clone(), e.code.clone()))
                .collect();
            if report.ok || have != want {
                failures.push(format!("{rule}: expected {want:?}, got {have:?}"));
            }
            for e in &report.errors {
                assert!(!e.message.is_empty(), "{rule}: empty message");
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
