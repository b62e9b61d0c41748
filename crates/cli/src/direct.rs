//! `plan` and `run` without the proxy: every call signed here (V3) with the credential
//! chain's keys, refreshed in the background when they are short-lived, and sent to the
//! region's endpoint or `--endpoint`. The answers are read by core exactly as the proxy
//! reads them, so a plan is judged the same way; the caller's own RAM permissions are the
//! policy. A run sends each runnable item at most once in this process: only a throttled
//! call (not executed by the service) is made again, after its `x-acs-retry-after`; a
//! call without an answer is reported `unknown`, never repeated.

use rds_backup_core::listing::{self, Job};
use rds_backup_core::plan::{Candidate, PlanItem, Selection};
use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, sign};
use rds_backup_core::{Draft, Endpoint, Goal, Intent, Region, UtcTime};
use rds_backup_credentials as credentials;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, Semaphore, mpsc};

/// How long one call may take before its outcome is unknown.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Instances whose facts are read at once.
const FACT_CONCURRENCY: usize = 16;

/// How often a job is looked at.
const JOB_POLL: Duration = Duration::from_millis(500);

/// How long a job may go unreported before it is given up as unknown.
const JOB_LOST_AFTER: Duration = Duration::from_secs(600);

/// The most a throttled call is made again.
const MAX_THROTTLED: u32 = 20;

/// Why a call gave no usable answer.
#[derive(Debug)]
pub enum CallError {
    /// The service refused it.
    Service {
        /// The service's `Code`.
        code: String,
        /// The service's `Message`.
        message: String,
        /// `x-acs-retry-after`, in milliseconds.
        retry_after_ms: Option<u64>,
    },
    /// No connection was made: nothing was sent.
    NotSent(String),
    /// Sent, and no answer came: whether it was executed is not known.
    NoAnswer(String),
    /// An answer that is not the API's JSON.
    BadAnswer(String),
    /// No valid credentials to sign with.
    Credentials(String),
}

impl CallError {
    /// The code printed for it.
    pub fn code(&self) -> String {
        match self {
            CallError::Service { code, .. } => code.clone(),
            CallError::NotSent(_) => "Client.Unreachable".into(),
            CallError::NoAnswer(_) => "Client.OutcomeUnknown".into(),
            CallError::BadAnswer(_) => "Client.InvalidResponse".into(),
            CallError::Credentials(_) => "InvalidInput.Credentials".into(),
        }
    }

    /// What happened, in words.
    pub fn message(&self) -> String {
        match self {
            CallError::Service { message, .. } => message.clone(),
            CallError::NotSent(m)
            | CallError::NoAnswer(m)
            | CallError::BadAnswer(m)
            | CallError::Credentials(m) => m.clone(),
        }
    }
}

/// The signing client of direct mode.
pub struct Rds {
    http: reqwest::Client,
    live: Arc<credentials::Live>,
    endpoint: Option<Endpoint>,
    nonce: AtomicU64,
    nonce_base: String,
}

impl Rds {
    /// A client signing with `live`'s keys, sending to `endpoint` or each region's own.
    pub fn new(live: Arc<credentials::Live>, endpoint: Option<Endpoint>) -> Result<Rds, String> {
        let http = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).map_err(|e| format!("no randomness for nonces: {e}"))?;
        Ok(Rds {
            http,
            live,
            endpoint,
            nonce: AtomicU64::new(0),
            nonce_base: b.iter().map(|x| format!("{x:02x}")).collect(),
        })
    }

    /// Signs and sends one call, once.
    pub async fn call(
        &self,
        region: &Region,
        action: &str,
        params: Vec<(String, String)>,
    ) -> Result<Value, CallError> {
        let credentials = self
            .live
            .credentials()
            .map_err(|e| CallError::Credentials(e.to_string()))?;
        let call = Call {
            action: action.into(),
            version: RDS_VERSION.into(),
            params,
            method: Method::Post,
            endpoint: self
                .endpoint
                .clone()
                .unwrap_or_else(|| Endpoint::for_region(region)),
            time: UtcTime::from_unix(credentials::now_secs()),
            nonce: format!(
                "{}{:016x}",
                self.nonce_base,
                self.nonce.fetch_add(1, Ordering::Relaxed)
            ),
        };
        let wire = sign(&call, &credentials, SignatureVersion::V3).request;
        let mut req = self.http.post(wire.url());
        for (k, v) in wire.headers.iter().filter(|(k, _)| k != "host") {
            req = req.header(k.as_str(), v.as_str());
        }
        if !wire.body.is_empty() {
            req = req.body(wire.body.clone());
        }
        let classify = |e: reqwest::Error| {
            if e.is_connect() {
                CallError::NotSent(format!("{action}: {e}"))
            } else {
                CallError::NoAnswer(format!("{action}: {e}"))
            }
        };
        let response = req.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let retry_after_ms = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let text = response.text().await.map_err(classify)?;
        let body: Value = serde_json::from_str(&text).map_err(|_| {
            CallError::BadAnswer(format!("{action} answered HTTP {status} without JSON"))
        })?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        Err(CallError::Service {
            code: body["Code"].as_str().unwrap_or("Unknown").to_owned(),
            message: body["Message"]
                .as_str()
                .unwrap_or("the service refused the call")
                .to_owned(),
            retry_after_ms,
        })
    }
}

/// What a plan is made of.
pub struct Spec {
    /// The regions to look in.
    pub regions: Vec<Region>,
    /// Which instances.
    pub selection: Selection,
    /// What to do with them.
    pub goal: Goal,
}

fn shape(action: &str) -> impl Fn(String) -> CallError + '_ {
    move |what| CallError::BadAnswer(format!("{action}: {what}"))
}

/// The plan, judged by core on what the service says: every selected instance with its
/// request or its reasons, in the order listed.
pub async fn make_plan(rds: &Arc<Rds>, spec: &Spec) -> Result<Vec<PlanItem>, CallError> {
    let mut candidates: Vec<Candidate> = Vec::new();
    for region in &spec.regions {
        let action = "DescribeDBInstances";
        let mut listed: Vec<Candidate> = Vec::new();
        let mut token: Option<String> = None;
        for _page in 0..1000 {
            let params = spec.selection.listing_params(region, token.as_deref());
            let body = rds.call(region, action, params).await?;
            for item in listing::list_of(&body, "Items", "DBInstance").map_err(shape(action))? {
                listed.extend(Candidate::from_listing(item, region));
            }
            token = listing::next_token(&body);
            if token.is_none() {
                break;
            }
        }
        if !spec.selection.tags.is_empty() {
            let action = "ListTagResources";
            let ids: Vec<String> = listed.iter().map(|c| c.id.clone()).collect();
            let mut tags: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            for chunk in ids.chunks(listing::TAGS_PER_CALL) {
                let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
                let mut token: Option<String> = None;
                for _page in 0..100 {
                    let params = listing::tag_params(region, &chunk, token.as_deref());
                    let body = rds.call(region, action, params).await?;
                    for (id, k, v) in listing::read_tags(&body).map_err(shape(action))? {
                        tags.entry(id).or_default().insert(k, v);
                    }
                    token = listing::next_token(&body);
                    if token.is_none() {
                        break;
                    }
                }
            }
            for c in &mut listed {
                c.tags = tags.remove(&c.id).unwrap_or_default();
            }
        }
        candidates.extend(listed.into_iter().filter(|c| spec.selection.admits(c)));
    }
    let databases = matches!(
        spec.goal.intent,
        Intent::LogicalAllDatabases | Intent::LogicalDatabases(_)
    );
    let gate = Arc::new(Semaphore::new(FACT_CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for (n, mut c) in candidates.into_iter().enumerate() {
        let (rds, gate) = (rds.clone(), gate.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let region = Region::new(&c.region).map_err(|e| CallError::BadAnswer(e.to_string()))?;
            let now = credentials::now_secs();
            for call in listing::fact_calls(&c, databases, now) {
                let body = rds.call(&region, call.action, call.params).await?;
                listing::read_fact(&mut c.state, call.fact, &body).map_err(shape(call.action))?;
            }
            Ok::<_, CallError>((n, c))
        });
    }
    let mut judged: Vec<Option<PlanItem>> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (n, c) =
            done.map_err(|e| CallError::BadAnswer(format!("a plan task stopped: {e}")))??;
        if judged.len() <= n {
            judged.resize(n + 1, None);
        }
        judged[n] = Some(spec.goal.judge(&c));
    }
    Ok(judged.into_iter().flatten().collect())
}

/// One item's state change, as `run` prints it.
#[derive(Debug)]
pub struct Event {
    /// The item.
    pub item: usize,
    /// `skipped`, `sending`, `running`, `finished`, `failed`, `refused` or `unknown`.
    pub state: &'static str,
    /// What goes with it (BackupJobId, BackupId, code, message, reason, errors).
    pub detail: Value,
}

/// The limits of a direct run.
pub struct Limits {
    /// Items in flight at once.
    pub concurrency: usize,
    /// CreateBackup calls per second.
    pub rate: f64,
}

/// Runs every runnable item of `items` under `limits`, telling `events` each change.
pub async fn run_plan(
    rds: &Arc<Rds>,
    items: &[PlanItem],
    limits: &Limits,
    events: mpsc::UnboundedSender<Event>,
) {
    let gate = Arc::new(Semaphore::new(limits.concurrency.max(1)));
    let interval = Duration::from_secs_f64(1.0 / limits.rate.clamp(0.01, 1000.0));
    let next_send = Arc::new(Mutex::new(tokio::time::Instant::now()));
    let mut tasks = tokio::task::JoinSet::new();
    for (n, item) in items.iter().enumerate() {
        if !item.ok {
            let _ = events.send(Event {
                item: n,
                state: "skipped",
                detail: json!({"errors": item.errors}),
            });
            continue;
        }
        let (rds, gate, next_send, events, item) = (
            rds.clone(),
            gate.clone(),
            next_send.clone(),
            events.clone(),
            item.clone(),
        );
        tasks.spawn(async move {
            let Ok(_permit) = gate.acquire_owned().await else {
                return;
            };
            let (state, detail) = run_item(&rds, &item, interval, &next_send, |state, detail| {
                let _ = events.send(Event {
                    item: n,
                    state,
                    detail,
                });
            })
            .await;
            let _ = events.send(Event {
                item: n,
                state,
                detail,
            });
        });
    }
    while tasks.join_next().await.is_some() {}
}

/// Waits for the next CreateBackup slot under the rate.
async fn pace(next_send: &Mutex<tokio::time::Instant>, interval: Duration) {
    let slot = {
        let mut next = next_send.lock().await;
        let slot = (*next).max(tokio::time::Instant::now());
        *next = slot + interval;
        slot
    };
    tokio::time::sleep_until(slot).await;
}

fn failure(e: &CallError) -> Value {
    json!({"code": e.code(), "message": e.message()})
}

/// Sends one item and follows its job; returns its last state.
async fn run_item(
    rds: &Rds,
    item: &PlanItem,
    interval: Duration,
    next_send: &Mutex<tokio::time::Instant>,
    tell: impl Fn(&'static str, Value),
) -> (&'static str, Value) {
    let Ok(region) = Region::new(&item.region) else {
        return (
            "refused",
            json!({"code": "InvalidInput.Region", "message": format!("'{}' is not a region", item.region)}),
        );
    };
    let params: Vec<(String, String)> = item
        .params
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Checked again by core before it is sent: nothing goes out that the rules refuse.
    let context = rds_backup_core::Context::new(item.engine, item.storage);
    match Draft::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Err(m) => {
            return (
                "refused",
                json!({"code": "InvalidInput.Plan", "message": m}),
            );
        }
        Ok(d) if rds_backup_core::validate(&context, &d).is_err() => {
            let errors = rds_backup_core::Report::check(&context, &d).errors;
            let first = errors.first();
            return (
                "refused",
                json!({
                    "code": first.map_or("InvalidInput.Plan", |e| e.code.as_str()),
                    "message": first.map_or("the request is not valid", |e| e.message.as_str()),
                }),
            );
        }
        Ok(_) => {}
    }
    let mut throttled = 0;
    let answer = loop {
        pace(next_send, interval).await;
        tell("sending", json!({}));
        match rds.call(&region, "CreateBackup", params.clone()).await {
            Err(CallError::Service {
                code,
                retry_after_ms,
                ..
            }) if listing::is_throttling(&code) && throttled < MAX_THROTTLED => {
                throttled += 1;
                let wait = retry_after_ms.unwrap_or(1000);
                tell(
                    "waiting",
                    json!({"code": code, "message": format!("throttled: tried again after {wait} ms")}),
                );
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
            other => break other,
        }
    };
    let body = match answer {
        Ok(b) => b,
        Err(
            e @ (CallError::Service { .. } | CallError::NotSent(_) | CallError::Credentials(_)),
        ) => {
            return ("refused", failure(&e));
        }
        Err(e) => {
            let mut d = failure(&e);
            d["message"] = format!(
                "{}; whether the backup started is not known: look at DescribeBackupTasks before trying again",
                e.message()
            )
            .into();
            return ("unknown", d);
        }
    };
    let Some(job_id) = body["BackupJobId"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| body["BackupJobId"].as_u64().map(|n| n.to_string()))
    else {
        return (
            "unknown",
            json!({"code": "Client.InvalidResponse", "message": "CreateBackup answered without a BackupJobId"}),
        );
    };
    tell("running", json!({"BackupJobId": job_id}));
    let started = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(JOB_POLL).await;
        let params = vec![
            ("DBInstanceId".to_owned(), item.id.clone()),
            ("BackupJobId".to_owned(), job_id.clone()),
        ];
        let job = match rds.call(&region, "DescribeBackupTasks", params).await {
            Ok(body) => listing::list_of(&body, "Items", "BackupJob")
                .ok()
                .and_then(|l| l.first())
                .map(Job::from_task),
            Err(_) => None,
        };
        match job {
            Some(j) if j.status == "Finished" => {
                return (
                    "finished",
                    json!({"BackupJobId": job_id, "BackupId": j.backup_id}),
                );
            }
            Some(j) if j.status == "Failed" => {
                return (
                    "failed",
                    json!({"BackupJobId": job_id, "reason": j.reason.unwrap_or_default()}),
                );
            }
            _ if started.elapsed() > JOB_LOST_AFTER => {
                return (
                    "unknown",
                    json!({"BackupJobId": job_id, "code": "Client.JobLost", "message": "the service stopped reporting the job"}),
                );
            }
            _ => {}
        }
    }
}
