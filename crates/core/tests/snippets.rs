//! Golden files: every language for requests covering every engine and both DBName
//! forms (`data/snippet_cases.json`). `UPDATE_GOLDEN=1 cargo test -p rds-backup-core
//! --test snippets` rewrites `golden/snippets/`; review the diff before committing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::snippet::{SnippetLang, Target, snippet};
use rds_backup_core::{Input, Region, validate};
use serde_json::Value;
use std::path::PathBuf;

fn cases() -> Vec<Value> {
    serde_json::from_str(include_str!("data/snippet_cases.json")).unwrap()
}

/// The request and target of a case.
fn build(case: &Value) -> (rds_backup_core::CreateBackup, Target) {
    let input = Input::from_json(&case["input"].to_string()).unwrap();
    let req = validate(&input.context().unwrap(), &input.draft).unwrap();
    let mut target = Target::new(Region::new(input.region.as_deref().unwrap()).unwrap());
    target.profile = case["profile"].as_str().map(str::to_owned);
    target.proxy_token = case["proxy_token"].as_bool().unwrap_or(false);
    (req, target)
}

fn golden_path(case: &str, lang: SnippetLang) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/snippets")
        .join(format!("{case}.{}.{}", lang.as_str(), lang.extension()))
}

#[test]
fn snippets_match_their_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatched = Vec::new();
    let mut count = 0;
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let (req, target) = build(&case);
        for lang in SnippetLang::ALL {
            let text = snippet(&req, &target, lang);
            let path = golden_path(name, lang);
            count += 1;
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &text).unwrap();
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(want) if want == text => {}
                Ok(_) => mismatched.push(format!("{} differs", path.display())),
                Err(_) => mismatched.push(format!(
                    "{} is missing (run with UPDATE_GOLDEN=1)",
                    path.display()
                )),
            }
        }
    }
    assert!(count >= 13 * 10);
    assert!(mismatched.is_empty(), "{}", mismatched.join("\n"));
}

#[test]
fn every_snippet_names_its_rule_region_and_parameters_and_no_credential() {
    for case in cases() {
        let (req, target) = build(&case);
        for lang in SnippetLang::ALL {
            let text = snippet(&req, &target, lang);
            let label = format!("{} {lang:?}", case["name"]);
            assert!(
                text.contains(&format!("Rule {}:", req.rule().id)),
                "{label}: rule comment"
            );
            if lang != SnippetLang::Http {
                assert!(text.contains(target.region.as_str()), "{label}: region");
            }
            for (_, value) in req.params().pairs() {
                let shown = if lang == SnippetLang::Http {
                    rds_backup_core::encode::percent_encode(value)
                } else {
                    value.to_owned()
                };
                assert!(text.contains(&shown), "{label}: {value} missing");
            }
            for secret_word in [
                "AccessKeySecret\":",
                "accessKeySecret:",
                "access_key_secret=",
            ] {
                assert!(
                    !text.contains(secret_word),
                    "{label}: a credential is written inline"
                );
            }
        }
    }
}
