//! `plan`: a fleet plan through the proxy. The proxy reads the instances from the
//! service, judges each (rules, preconditions, the caller's policy) and stores the plan;
//! this prints one JSON object per instance.

use crate::commands::Outcome;
use clap::Args;
use rds_backup_core::plan::{PlanItem, Selection, StorageFilter};
use rds_backup_core::{Engine, Intent};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Which instances and what to do with them.
#[derive(Args)]
pub struct PlanArgs {
    /// The proxy's URL (e.g. http://127.0.0.1:8080).
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// The bearer token for the proxy (default: $RDS_BACKUP_TOKEN).
    #[arg(long, env = "RDS_BACKUP_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// A region to look in (repeatable; default: every region the proxy offers).
    #[arg(long = "region", value_name = "R")]
    regions: Vec<String>,
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

impl PlanArgs {
    /// The selection and the body for `POST /api/plans`, or what is wrong with the flags.
    fn body(&self) -> Result<Value, Outcome> {
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
        Intent::parse(name, databases)
            .map_err(|e| unusable("InvalidInput.Plan", "--intent", e.to_string()))?;
        let selection = Selection {
            regions: self.regions.clone(),
            engines,
            storage,
            tags,
            pattern: self.pattern.clone(),
            instances: self.instances.clone(),
        };
        let mut body = json!({"Selection": selection, "Intent": name});
        if let Some(d) = databases {
            body["DBNames"] = d.into();
        }
        if let Some(r) = self.retention {
            body["BackupRetentionPeriod"] = r.into();
        }
        Ok(body)
    }
}

/// `rds-backup plan`: one line per instance; exit 0 every item can run, 1 some cannot,
/// 2 the plan could not be made.
pub fn plan(args: &PlanArgs) -> Outcome {
    let body = match args.body() {
        Ok(b) => b,
        Err(o) => return o,
    };
    let Some(proxy) = &args.proxy else {
        return unusable(
            "InvalidInput.Proxy",
            "--proxy",
            "a plan is made by the proxy: give --proxy URL (planning directly with the credential chain is not available yet)",
        );
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
    let mut lines = Vec::with_capacity(items.len());
    for item in &items {
        match serde_json::to_string(item) {
            Ok(l) => lines.push(l),
            Err(e) => return unusable("Internal", "", e.to_string()),
        }
    }
    if let Some(id) = answer["PlanId"].as_str() {
        eprintln!(
            "plan {id}: {} can run, {} cannot",
            items.iter().filter(|i| i.ok).count(),
            items.iter().filter(|i| !i.ok).count()
        );
    }
    Outcome::text(lines.join("\n"), u8::from(items.iter().any(|i| !i.ok)))
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
    let body = match args.plan.body() {
        Ok(b) => b,
        Err(o) => return o,
    };
    let Some(proxy) = &args.plan.proxy else {
        return unusable(
            "InvalidInput.Proxy",
            "--proxy",
            "a plan runs in the proxy: give --proxy URL (running directly with the credential chain is not available yet)",
        );
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
            let total = items.len().max(1) as u64;
            let done = n("finished") + n("failed") + n("refused") + n("skipped");
            let width = 30;
            let filled = usize::try_from(done * width / total).unwrap_or(0);
            let _ = write!(
                std::io::stderr(),
                "\r[{}{}] {done}/{total}  finished {}  failed {}  refused {}  skipped {}  running {} ",
                "#".repeat(filled),
                ".".repeat(usize::try_from(width).unwrap_or(30).saturating_sub(filled)),
                n("finished"),
                n("failed"),
                n("refused"),
                n("skipped"),
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
