//! Snippets proven to run: the Python and Node snippets executed unchanged with the
//! pinned official SDKs against the emulator (the job they create has exactly the
//! request's parameters), the TypeScript ones type-checked against the SDK's own types,
//! the aliyun CLI one parsed back into the same parameters, `php -l` and `gofmt` on the
//! PHP and Go ones. The cases are core's golden cases (`snippet_cases.json`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::snippet::{SnippetLang, Target, snippet};
use rds_backup_core::{CreateBackup, Input, Region, validate};
use rds_backup_e2e::*;
use rds_backup_emulator::Fleet;
use rds_backup_emulator::fleet::{Database, Instance};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    name: String,
    request: CreateBackup,
    target: Target,
    input: Input,
}

fn cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(repo_root().join("crates/core/tests/data/snippet_cases.json"))
            .unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    cases
        .iter()
        .map(|c| {
            let input = Input::from_json(&c["input"].to_string()).unwrap();
            let request = validate(&input.context().unwrap(), &input.draft).unwrap();
            let mut target = Target::new(Region::new(input.region.as_deref().unwrap()).unwrap());
            target.profile = c["profile"].as_str().map(str::to_owned);
            Case {
                name: c["name"].as_str().unwrap().to_owned(),
                request,
                target,
                input,
            }
        })
        .collect()
}

/// A fleet holding each case's instance, with the databases it names.
fn fleet_for(cases: &[Case]) -> Fleet {
    let mut fleet = Fleet::default();
    for c in cases {
        if fleet.get(c.request.instance().as_str()).is_some() {
            let inst = fleet
                .instances
                .iter_mut()
                .find(|i| i.id == c.request.instance().as_str())
                .unwrap();
            for n in c.request.db_names() {
                if !inst.databases.iter().any(|d| d.name == n.as_str()) {
                    inst.databases.push(db(n.as_str()));
                }
            }
            continue;
        }
        let mut databases: Vec<Database> = c
            .request
            .db_names()
            .iter()
            .map(|n| db(n.as_str()))
            .collect();
        databases.push(db("other"));
        fleet.instances.push(Instance {
            databases,
            ..Instance::new(
                c.request.instance().as_str(),
                c.target.region.as_str(),
                c.input.engine.unwrap(),
                c.input.storage.unwrap(),
            )
        });
    }
    fleet
}

fn db(name: &str) -> Database {
    Database {
        name: name.into(),
        status: "Running".into(),
        charset: "utf8mb4".into(),
        empty: false,
    }
}

fn tmp(name: &str) -> tempfile::TempDir {
    scratch(&format!("snippets-{name}"))
}

/// Runs a snippet file with credentials in the environment only, the endpoint pointed at the emulator.
fn run_snippet(
    program: &Path,
    file: &Path,
    emu: &Emulator,
    extra_env: &[(&str, String)],
) -> String {
    let home_dir = tmp("home");
    let home = home_dir.path();
    let mut cmd = Command::new(program);
    cmd.arg(file)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET)
        .env(
            "ALIBABA_CLOUD_RDS_ENDPOINT",
            format!("http://{}", emu.host()),
        )
        .env("HOME", home)
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .env_remove("ALIBABA_CLOUD_CREDENTIALS_FILE");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success(),
        "{} failed: {stdout}\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The job `id` exists on the emulator with exactly the request's parameters.
fn assert_job(emu: &Emulator, id: &str, case: &Case, lang: &str) {
    let jobs = emu.state.jobs();
    let job = jobs
        .all
        .iter()
        .find(|j| j.id.to_string() == id)
        .unwrap_or_else(|| panic!("{} {lang}: no job {id}", case.name));
    let want: Vec<(String, String)> = case
        .request
        .params()
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(job.spec.params, want, "{} {lang}", case.name);
    assert_eq!(job.instance, case.request.instance().as_str());
}

fn sdk_dir() -> PathBuf {
    repo_root().join("tests/sdk")
}

#[test]
fn python_and_node_snippets_run_unchanged_against_the_emulator() {
    let cases = cases();
    let emu = Emulator::start_with(fleet_for(&cases));
    let python = sdk_dir().join("python/.venv/bin/python");
    let node_modules = sdk_dir().join("node/node_modules");
    assert!(
        python.exists() && node_modules.exists(),
        "run `bash tests/sdk/setup.sh` first (scripts/test.sh does)"
    );
    let tmp_dir = tmp("exec");
    let dir = tmp_dir.path();
    for case in &cases {
        for (lang, program, env) in [
            (SnippetLang::Python, python.clone(), vec![]),
            (
                SnippetLang::Node,
                PathBuf::from("node"),
                vec![("NODE_PATH", node_modules.display().to_string())],
            ),
        ] {
            let file = dir.join(format!("{}.{}", case.name, lang.extension()));
            std::fs::write(&file, snippet(&case.request, &case.target, lang)).unwrap();
            let job = run_snippet(&program, &file, &emu, &env);
            assert!(
                job.parse::<u64>().is_ok(),
                "{} {lang:?} printed {job:?}",
                case.name
            );
            assert_job(&emu, &job, case, lang.as_str());
            emu.advance(JOB_MS);
        }
    }
}

#[test]
fn typescript_snippets_type_check_against_the_sdk() {
    let node = sdk_dir().join("node");
    let tsc = node.join("node_modules/typescript/bin/tsc");
    assert!(
        tsc.exists(),
        "run `bash tests/sdk/setup.sh` first (scripts/test.sh does)"
    );
    let dir = node.join(format!(".check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for case in cases() {
        let file = dir.join(format!("{}.ts", case.name));
        std::fs::write(
            &file,
            snippet(&case.request, &case.target, SnippetLang::TypeScript),
        )
        .unwrap();
        files.push(file);
    }
    let out = Command::new("node")
        .arg(&tsc)
        .args([
            "--noEmit",
            "--strict",
            "--esModuleInterop",
            "--skipLibCheck",
            "--target",
            "es2020",
            "--module",
            "commonjs",
            "--moduleResolution",
            "node",
            "--types",
            "node",
        ])
        .args(&files)
        .current_dir(&node)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "tsc: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Splits shell text into words the way sh does for these snippets: comments, `\` line
/// continuations, single and double quotes.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' if cur.is_none() => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(n) => cur.get_or_insert_with(String::new).push(n),
                None => {}
            },
            '\'' => {
                let w = cur.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = cur.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                w.push(n);
                            }
                        }
                        c => w.push(c),
                    }
                }
            }
            c if c.is_whitespace() => {
                if let Some(w) = cur.take() {
                    words.push(w);
                }
            }
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(cur);
    words
}

#[test]
fn the_aliyun_cli_snippet_parses_back_into_the_same_parameters() {
    for case in cases() {
        let words = shell_words(&snippet(&case.request, &case.target, SnippetLang::Aliyun));
        assert_eq!(
            &words[..3],
            ["aliyun", "rds", "CreateBackup"],
            "{}",
            case.name
        );
        let mut flags: Vec<(String, String)> = words[3..]
            .chunks(2)
            .map(|p| (p[0].trim_start_matches("--").to_owned(), p[1].clone()))
            .collect();
        let region = flags.remove(flags.iter().position(|(k, _)| k == "region").unwrap());
        assert_eq!(region.1, case.target.region.as_str());
        if let Some(p) = &case.target.profile {
            let profile = flags.remove(flags.iter().position(|(k, _)| k == "profile").unwrap());
            assert_eq!(&profile.1, p);
        }
        let want: Vec<(String, String)> = case
            .request
            .params()
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(flags, want, "{}", case.name);
    }
    assert_eq!(
        shell_words("a 'b c' \"d\\\"e\" f\\\n  g # no"),
        ["a", "b c", "d\"e", "f", "g"]
    );
}

#[test]
fn php_and_go_snippets_pass_their_linters() {
    let tmp_dir = tmp("lint");
    let dir = tmp_dir.path();
    for (tool, lang) in [("php", SnippetLang::Php), ("gofmt", SnippetLang::Go)] {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .unwrap()
            .status
            .success();
        assert!(
            found,
            "{tool} is not installed: scripts/test.sh installs it (Debian: php-cli, golang-go)"
        );
        for case in cases() {
            let file = dir.join(format!("{}.{}", case.name, lang.extension()));
            std::fs::write(&file, snippet(&case.request, &case.target, lang)).unwrap();
            let out = match lang {
                SnippetLang::Php => Command::new("php").arg("-l").arg(&file).output().unwrap(),
                _ => Command::new("gofmt")
                    .args(["-l", "-e"])
                    .arg(&file)
                    .output()
                    .unwrap(),
            };
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{tool} {}: {stdout}{}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            );
            if lang == SnippetLang::Go {
                assert!(
                    stdout.trim().is_empty(),
                    "gofmt would reformat {}",
                    case.name
                );
            }
        }
    }
}
