//! `plan` and `run`: a fleet plan, through the proxy (`--proxy URL`: it reads the
//! instances from the service, judges each under the caller's policy, stores the plan and
//! runs it) or directly with the credential chain (`--region`, `--endpoint`: see
//! `direct`). Either way one JSON object per instance.

use crate::commands::Outcome;
use crate::direct::{self, Rds};
use crate::wire::CredentialArgs;
use clap::Args;
use rds_backup_core::plan::{PlanItem, Selection, StorageFilter};
use rds_backup_core::{Endpoint, Engine, Goal, Intent, Region};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Which instances and what to do with them.
#[derive(Args)]
pub struct PlanArgs {
    /// The proxy's URL (e.g. http://127.0.0.1:8080). Without it the calls go directly
    /// to the service, signed with the credential chain's keys.
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// The bearer token for the proxy (default: $RDS_BACKUP_TOKEN).
    #[arg(long, env = "RDS_BACKUP_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// A region to look in (repeatable; through the proxy the default is every region it
    /// offers, directly ALIBABA_CLOUD_REGION_ID or the profile's region).
    #[arg(long = "region", value_name = "R")]
    regions: Vec<String>,
    /// Directly: every call to this endpoint instead of the region's (host, host:port,
    /// or http://host:port for a local emulator).
    #[arg(long, value_name = "URL", conflicts_with = "proxy")]
    endpoint: Option<String>,
    #[command(flatten)]
    creds: CredentialArgs,
    /// Only this engine (MySQL, PostgreSQL, SQLServer, MariaDB; repeatable).
    #[arg(long = "engine", value_name = "E")]
    engines: Vec<String>,
    /// Only this storage: local, cloud or a storage type such as cloud_essd (repeatable).
    #[arg(long = "storage", value_name = "KIND")]
    storage: Vec<String>,
    /// Only instances with this tag (repeatable; all must hold).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    tags: Vec<String>,
    /// Only instances whose id or description matches this glob (* and ?).
    #[arg(long = "match", value_name = "GLOB")]
    pattern: Option<String>,
    /// Exactly this instance (repeatable).
    #[arg(long = "instance", value_name = "ID")]
    instances: Vec<String>,
    /// whole-instance, full-physical, logical-all-databases or logical-databases.
    #[arg(long, value_name = "NAME")]
    intent: String,
    /// The databases of logical-databases (comma separated).
    #[arg(long, value_name = "NAMES")]
    databases: Option<String>,
    /// Days to keep the backup sets, where the method takes it.
    #[arg(long, value_name = "DAYS")]
    retention: Option<i64>,
}

fn unusable(code: &str, field: &str, message: impl Into<String>) -> Outcome {
    Outcome::of(
        &json!({"ok": false, "errors": [{"code": code, "field": field, "message": message.into()}]}),
        2,
    )
}

/// The flags, read.
struct Parsed {
    selection: Selection,
    intent: Intent,
    name: String,
    databases: Option<String>,
    retention: Option<i64>,
}

impl PlanArgs {
    /// The selection and the intent, or what is wrong with the flags.
    fn parsed(&self) -> Result<Parsed, Outcome> {
        let engines = self
            .engines
            .iter()
            .map(|e| {
                Engine::parse(e).ok_or_else(|| {
                    unusable(
                        "InvalidInput.Engine",
                        "--engine",
                        format!("'{e}' is not an engine: MySQL, PostgreSQL, SQLServer or MariaDB"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let storage = self
            .storage
            .iter()
            .map(|s| {
                StorageFilter::parse(s)
                    .map_err(|m| unusable("InvalidInput.Storage", "--storage", m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut tags = BTreeMap::new();
        for t in &self.tags {
            let Some((k, v)) = t.split_once('=').filter(|(k, _)| !k.is_empty()) else {
                return Err(unusable(
                    "InvalidInput.Tag",
                    "--tag",
                    format!("'{t}' is not KEY=VALUE"),
                ));
            };
            tags.insert(k.to_owned(), v.to_owned());
        }
        // `--intent "logical-databases app,orders"` is the same as `--databases app,orders`.
        let (name, inline) = match self.intent.split_once(' ') {
            Some((n, dbs)) => (n, Some(dbs.trim())),
            None => (self.intent.as_str(), None),
        };
        let databases = self.databases.as_deref().or(inline);
        let intent = Intent::parse(name, databases)
            .map_err(|e| unusable("InvalidInput.Plan", "--intent", e.to_string()))?;
        Ok(Parsed {
            selection: Selection {
                regions: self.regions.clone(),
                engines,
                storage,
                tags,
                pattern: self.pattern.clone(),
                instances: self.instances.clone(),
            },
            intent,
            name: name.to_owned(),
            databases: databases.map(str::to_owned),
            retention: self.retention,
        })
    }

    /// The body of `POST /api/plans`.
    fn body(&self) -> Result<Value, Outcome> {
        let p = self.parsed()?;
        let mut body = json!({"Selection": p.selection, "Intent": p.name});
        if let Some(d) = p.databases {
            body["DBNames"] = d.into();
        }
        if let Some(r) = p.retention {
            body["BackupRetentionPeriod"] = r.into();
        }
        Ok(body)
    }

    /// What a direct plan needs: the regions (the flags, else ALIBABA_CLOUD_REGION_ID,
    /// else the profile's), the selection and the goal.
    fn spec(&self) -> Result<direct::Spec, Outcome> {
        let p = self.parsed()?;
        let mut names = p.selection.regions.clone();
        if names.is_empty() {
            names.extend(
                std::env::var(rds_backup_credentials::ENV_REGION)
                    .ok()
                    .filter(|r| !r.is_empty())
                    .or_else(|| self.creds.profile_region()),
            );
        }
        if names.is_empty() {
            return Err(unusable(
                "InvalidInput.Missing",
                "--region",
                "without --proxy the plan is made directly: give --region R (or ALIBABA_CLOUD_REGION_ID), or --proxy URL",
            ));
        }
        let regions = names
            .iter()
            .map(|r| {
                Region::new(r)
                    .map_err(|e| unusable("InvalidInput.Region", "--region", e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(direct::Spec {
            regions,
            selection: p.selection,
            goal: Goal {
                intent: p.intent,
                retention: p.retention,
            },
        })
    }

    /// The endpoint of `--endpoint`.
    fn endpoint(&self) -> Result<Option<Endpoint>, Outcome> {
        self.endpoint
            .as_deref()
            .map(|e| {
                Endpoint::parse_override(e)
                    .map_err(|e| unusable("InvalidInput.Endpoint", "--endpoint", e.to_string()))
            })
            .transpose()
    }
}

/// The runtime and the signing client of a direct plan or run.
fn direct_client(
    args: &PlanArgs,
) -> Result<(tokio::runtime::Runtime, std::sync::Arc<Rds>), Outcome> {
    let endpoint = args.endpoint()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| unusable("Internal", "", format!("cannot start: {e}")))?;
    let rds = runtime.block_on(async {
        let live = args
            .creds
            .live()
            .await
            .map_err(|e| unusable("InvalidInput.Credentials", "credentials", e))?;
        Rds::new(live, endpoint).map_err(|e| unusable("Internal", "", e))
    })?;
    Ok((runtime, std::sync::Arc::new(rds)))
}

/// One line per item, exit 0 when every item can run and 1 when some cannot.
fn print_items(items: &[PlanItem], plan: Option<&str>) -> Outcome {
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        match serde_json::to_string(item) {
            Ok(l) => lines.push(l),
            Err(e) => return unusable("Internal", "", e.to_string()),
        }
    }
    let (ok, not) = (
        items.iter().filter(|i| i.ok).count(),
        items.iter().filter(|i| !i.ok).count(),
    );
    match plan {
        Some(id) => eprintln!("plan {id}: {ok} can run, {not} cannot"),
        None => eprintln!("plan: {ok} can run, {not} cannot"),
    }
    Outcome::text(lines.join("\n"), u8::from(not > 0))
}

fn direct_plan(args: &PlanArgs) -> Outcome {
    let spec = match args.spec() {
        Ok(s) => s,
        Err(o) => return o,
    };
    let (runtime, rds) = match direct_client(args) {
        Ok(c) => c,
        Err(o) => return o,
    };
    match runtime.block_on(direct::make_plan(&rds, &spec)) {
        Ok(items) => print_items(&items, None),
        Err(e) => unusable(&e.code(), "", e.message()),
    }
}

/// `rds-backup plan`: one line per instance; exit 0 every item can run, 1 some cannot,
/// 2 the plan could not be made.
pub fn plan(args: &PlanArgs) -> Outcome {
    let Some(proxy) = &args.proxy else {
        return direct_plan(args);
    };
    let body = match args.body() {
        Ok(b) => b,
        Err(o) => return o,
    };
    let url = format!("{}/api/plans", proxy.trim_end_matches('/'));
    let answer = match post(&url, args.token.as_deref(), &body) {
        Ok(a) => a,
        Err(e) => return unusable("Proxy.Unreachable", "--proxy", e),
    };
    let (status, answer) = answer;
    if !(200..300).contains(&status) {
        // The proxy's error, as it gave it (code, field, message).
        return Outcome::of(&json!({"ok": false, "errors": [answer]}), 2);
    }
    let items: Vec<PlanItem> = match serde_json::from_value(answer["Items"].clone()) {
        Ok(i) => i,
        Err(e) => {
            return unusable(
                "Proxy.BadAnswer",
                "",
                format!("the proxy's plan could not be read: {e}"),
            );
        }
    };
    print_items(&items, answer["PlanId"].as_str())
}

fn post(url: &str, token: Option<&str>, body: &Value) -> Result<(u16, Value), String> {
    request(reqwest::Method::POST, url, token, Some(body))
}

fn request(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        let mut req = client.request(method, url);
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|e| format!("{url}: {e}"))?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(|e| format!("{url}: {e}"))?;
        let value = serde_json::from_str(&text)
            .map_err(|_| format!("{url} answered HTTP {status} without JSON"))?;
        Ok((status, value))
    })
}

/// `rds-backup run`: the plan, then its run, followed to the end.
#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    plan: PlanArgs,
    /// Items in flight at once (at most the proxy's --plan-concurrency).
    #[arg(long, value_name = "N")]
    concurrency: Option<u32>,
    /// CreateBackup calls per second (at most the proxy's --plan-rate).
    #[arg(long, value_name = "PER_SECOND")]
    rate: Option<f64>,
}

/// Makes the plan, runs it and follows it: JSON lines (one per item state change, then
/// `{"summary": ...}`), or a progress bar on a terminal. Exit 0 only when every runnable
/// item finished, 1 otherwise, 2 when it could not run.
pub fn run(args: &RunArgs) -> Outcome {
    use std::io::{IsTerminal, Write};
    let Some(proxy) = &args.plan.proxy else {
        return direct_run(args);
    };
    let body = match args.plan.body() {
        Ok(b) => b,
        Err(o) => return o,
    };
    let token = args.plan.token.as_deref();
    let base = proxy.trim_end_matches('/').to_owned();
    let made = match post(&format!("{base}/api/plans"), token, &body) {
        Ok((s, v)) if (200..300).contains(&s) => v,
        Ok((_, v)) => return Outcome::of(&json!({"ok": false, "errors": [v]}), 2),
        Err(e) => return unusable("Proxy.Unreachable", "--proxy", e),
    };
    let Some(id) = made["PlanId"].as_str().map(str::to_owned) else {
        return unusable("Proxy.BadAnswer", "", "the proxy's plan has no PlanId");
    };
    let mut limits = json!({});
    if let Some(c) = args.concurrency {
        limits["Concurrency"] = c.into();
    }
    if let Some(r) = args.rate {
        limits["Rate"] = r.into();
    }
    match post(&format!("{base}/api/plans/{id}/run"), token, &limits) {
        Ok((s, _)) if (200..300).contains(&s) => {}
        Ok((_, v)) => return Outcome::of(&json!({"ok": false, "errors": [v]}), 2),
        Err(e) => return unusable("Proxy.Unreachable", "--proxy", e),
    }
    let bar = std::io::stdout().is_terminal();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = std::io::stdout().lock();
    loop {
        let view = match request(
            reqwest::Method::GET,
            &format!("{base}/api/plans/{id}"),
            token,
            None,
        ) {
            Ok((200, v)) => v,
            Ok((_, v)) => return Outcome::of(&json!({"ok": false, "errors": [v]}), 2),
            Err(e) => return unusable("Proxy.Unreachable", "--proxy", e),
        };
        let items = view["Items"].as_array().cloned().unwrap_or_default();
        for item in &items {
            let key = item["DBInstanceId"].as_str().unwrap_or_default().to_owned();
            let state = item["State"].as_str().unwrap_or_default().to_owned();
            if seen.get(&key) == Some(&state) {
                continue;
            }
            seen.insert(key.clone(), state.clone());
            if !bar {
                let mut line = json!({"DBInstanceId": key, "RegionId": item["RegionId"], "state": state, "plan": id});
                for (from, to) in [
                    ("BackupJobId", "BackupJobId"),
                    ("BackupId", "BackupId"),
                    ("Code", "code"),
                    ("Message", "message"),
                    ("FailedReason", "reason"),
                ] {
                    if let Some(v) = item.get(from).filter(|v| !v.is_null()) {
                        line[to] = v.clone();
                    }
                }
                if state == "skipped" {
                    line["errors"] = item["errors"].clone();
                }
                let _ = writeln!(out, "{line}");
            }
        }
        let s = &view["Summary"];
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        if bar {
            draw_bar(
                items.len(),
                &[
                    ("finished", n("finished")),
                    ("failed", n("failed")),
                    ("refused", n("refused")),
                    ("skipped", n("skipped")),
                ],
                n("running"),
            );
        }
        let open = n("planned") + n("running");
        if open == 0 || (view["State"] == "cancelled" && n("running") == 0) {
            if bar {
                let _ = writeln!(std::io::stderr());
            }
            let summary = json!({"summary": {
                "finished": n("finished"), "failed": n("failed"),
                "refused": n("refused"), "skipped": n("skipped"), "plan": id,
            }});
            let runnable = made["Summary"]["runnable"].as_u64().unwrap_or(0);
            let all = n("finished") == runnable && n("failed") == 0 && n("refused") == 0;
            return Outcome::text(summary.to_string(), u8::from(!all));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// The progress bar on stderr: `ended` are the final states with their counts.
fn draw_bar(total: usize, ended: &[(&str, u64)], running: u64) {
    use std::io::Write;
    let total = u64::try_from(total.max(1)).unwrap_or(1);
    let done: u64 = ended.iter().map(|(_, n)| n).sum();
    let width = 30u64;
    let filled = (done * width / total).min(width);
    let counts: Vec<String> = ended.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = write!(
        std::io::stderr(),
        "\r[{}{}] {done}/{total}  {}  running {running} ",
        "#".repeat(usize::try_from(filled).unwrap_or(0)),
        ".".repeat(usize::try_from(width - filled).unwrap_or(0)),
        counts.join("  "),
    );
}

/// `run` without the proxy: the plan made here, then each runnable item sent and its job
/// followed, under `--concurrency` (default 10) and `--rate` (default 5 per second).
fn direct_run(args: &RunArgs) -> Outcome {
    use std::io::{IsTerminal, Write};
    let spec = match args.plan.spec() {
        Ok(s) => s,
        Err(o) => return o,
    };
    let (runtime, rds) = match direct_client(&args.plan) {
        Ok(c) => c,
        Err(o) => return o,
    };
    let limits = direct::Limits {
        concurrency: args
            .concurrency
            .map_or(10, |c| usize::try_from(c).unwrap_or(10)),
        rate: args
            .rate
            .filter(|r| r.is_finite() && *r > 0.0)
            .unwrap_or(5.0),
    };
    let bar = std::io::stdout().is_terminal();
    runtime.block_on(async {
        let items = match direct::make_plan(&rds, &spec).await {
            Ok(i) => i,
            Err(e) => return unusable(&e.code(), "", e.message()),
        };
        let runnable = items.iter().filter(|i| i.ok).count();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let runner = {
            let (rds, items) = (rds.clone(), items.clone());
            tokio::spawn(async move { direct::run_plan(&rds, &items, &limits, tx).await })
        };
        let mut state: Vec<&'static str> = vec!["planned"; items.len()];
        let mut out = std::io::stdout().lock();
        while let Some(event) = rx.recv().await {
            let Some(item) = items.get(event.item) else {
                continue;
            };
            if let Some(s) = state.get_mut(event.item) {
                *s = event.state;
            }
            if bar {
                let count = |k: &str| state.iter().filter(|s| **s == k).count() as u64;
                draw_bar(
                    items.len(),
                    &[
                        ("finished", count("finished")),
                        ("failed", count("failed")),
                        ("refused", count("refused")),
                        ("unknown", count("unknown")),
                        ("skipped", count("skipped")),
                    ],
                    count("sending") + count("waiting") + count("running"),
                );
            } else {
                let mut line = json!({
                    "DBInstanceId": item.id,
                    "RegionId": item.region,
                    "state": event.state,
                });
                if let Value::Object(detail) = event.detail {
                    for (k, v) in detail {
                        line[k] = v;
                    }
                }
                let _ = writeln!(out, "{line}");
            }
        }
        let _ = runner.await;
        if bar {
            let _ = writeln!(std::io::stderr());
        }
        let count = |k: &str| state.iter().filter(|s| **s == k).count();
        let summary = json!({"summary": {
            "finished": count("finished"), "failed": count("failed"),
            "refused": count("refused"), "skipped": count("skipped"),
            "unknown": count("unknown"),
        }});
        Outcome::text(summary.to_string(), u8::from(count("finished") != runnable))
    })
}
