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
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        let mut req = client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string());
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
