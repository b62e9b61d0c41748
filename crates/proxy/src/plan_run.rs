//! Running a plan. `POST /api/plans/{id}/run` marks it running; a driver (one per plan,
//! on the replica that holds the plan's lease) starts its items under the limits: items
//! in flight overall and per region, CreateBackup calls paced under a rate. Each item is
//! sent through the same path as `POST /api/backups` (the policy on the real instance,
//! core's validation, a submission row committed first, one call, its outcome), with a
//! submission id made of the plan, the item and the attempt: a second start of the same
//! attempt finds the row and sends nothing. A call the service throttled was not
//! executed: it is tried again, as the next attempt, after its `x-acs-retry-after`.
//! Nothing else is retried. Jobs are followed by the worker, like every submission.

use crate::App;
use crate::api::{Checked, finish_refusal, send_and_record};
use crate::audit::AuditRecord;
use crate::error::ProxyError;
use crate::identity::Caller;
use crate::worker::now_ms;
use rds_backup_core::policy::CREATE_BACKUP_ACTION;
use rds_backup_core::{Draft, Region, UtcTime, validate};
use rds_backup_store::{ItemProgress, NewSubmission, RunningPlan};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The limits a run may ask for, at most (`--plan-concurrency`, `--plan-region-concurrency`,
/// `--plan-rate`; the rate also binds all running plans together, see [`Pacer`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanLimits {
    /// Items in flight at once, overall.
    pub concurrency: u32,
    /// Items in flight at once, per region.
    pub region_concurrency: u32,
    /// CreateBackup calls per second.
    pub rate: f64,
}

impl Default for PlanLimits {
    fn default() -> Self {
        PlanLimits {
            concurrency: 10,
            region_concurrency: 5,
            rate: 5.0,
        }
    }
}

/// How long a started item may have no submission row before it is taken to have
/// stopped between its start and its row (a crash): nothing was sent, it starts again.
const ORPHAN_MS: i64 = 10_000;

/// How a plan's driver paces its look at the store.
const TICK: Duration = Duration::from_millis(200);

/// What an item is, from its row and its submission's.
pub fn item_state(p: &ItemProgress) -> &'static str {
    match p.state.as_str() {
        "refused" => "skipped",
        "cancelled" => "cancelled",
        "denied" => "refused",
        "planned" if p.attempt > 0 => "waiting",
        "planned" => "planned",
        _ => match p.submission_state.as_deref() {
            None => "sending",
            Some("sending") => "sending",
            Some("unknown") => "unknown",
            Some("not-started") => "failed",
            Some("refused") => {
                if p.code.as_deref().is_some_and(is_throttling) {
                    "waiting"
                } else {
                    "refused"
                }
            }
            _ => match p.job_status.as_deref() {
                Some("Finished") => "finished",
                Some("Failed" | "Lost") => "failed",
                _ => "running",
            },
        },
    }
}

pub use rds_backup_core::listing::is_throttling;

/// True while the item may still change.
fn in_flight(state: &str) -> bool {
    matches!(state, "sending" | "unknown" | "running")
}

/// The plan's view: every item with its state and the counts.
pub fn progress_json(plan_state: &str, items: &[ItemProgress]) -> Value {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let views: Vec<Value> = items
        .iter()
        .map(|p| {
            let state = item_state(p);
            *counts.entry(state).or_default() += 1;
            let mut v: Value = serde_json::from_str(&p.item).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("State".into(), state.into());
                m.insert("Attempts".into(), (p.attempt + 1).into());
                for (k, val) in [
                    ("SubmissionId", &p.submission_id),
                    ("BackupJobId", &p.backup_job_id),
                    ("BackupId", &p.backup_id),
                    ("Code", &p.code),
                    ("Message", &p.message),
                    ("FailedReason", &p.job_reason),
                ] {
                    if let Some(val) = val.as_ref().filter(|_| state != "planned") {
                        m.insert(k.into(), val.clone().into());
                    }
                }
            }
            v
        })
        .collect();
    let n = |k: &str| counts.get(k).copied().unwrap_or(0);
    json!({
        "State": plan_state,
        "Summary": {
            "planned": n("planned") + n("waiting"),
            "running": n("sending") + n("unknown") + n("running"),
            "finished": n("finished"),
            "failed": n("failed"),
            "refused": n("refused"),
            "skipped": n("skipped") + n("cancelled"),
        },
        "Items": views,
    })
}

/// The runner as stored with the plan (the policy at each send is theirs).
pub fn runner_json(c: &Caller) -> String {
    json!({"user": c.user, "groups": c.groups}).to_string()
}

fn runner_of(text: &str) -> Caller {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    Caller {
        user: v["user"].as_str().unwrap_or_default().to_owned(),
        groups: v["groups"]
            .as_array()
            .map(|g| {
                g.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Runs until `stop`: takes running plans under lease (renewing its own) and drives each
/// one not yet driven here.
pub async fn run(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        match app
            .store
            .claim_plans(&app.owner, now_ms(), app.pace.lease)
            .await
        {
            Ok(plans) => {
                for plan in plans {
                    let fresh = app
                        .driving
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(plan.id.clone());
                    if fresh {
                        let app = app.clone();
                        tokio::spawn(async move {
                            let id = plan.id.clone();
                            drive(&app, plan).await;
                            app.driving
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .remove(&id);
                        });
                    }
                }
            }
            Err(e) => tracing::warn!("plans: the store is unavailable: {e}"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// A pace of calls: a run's own (its rate), and the app's for all this process's plans
/// together (`--plan-rate`), so that however many plans run at once their CreateBackup
/// calls never come faster than the flag says.
#[derive(Debug, Default)]
pub struct Pacer(tokio::sync::Mutex<Option<tokio::time::Instant>>);

impl Pacer {
    /// Waits for the next call's turn, `interval` after the one before.
    pub async fn turn(&self, interval: Duration) {
        let wait = {
            let mut next = self.0.lock().await;
            let now = tokio::time::Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + interval);
            at.saturating_duration_since(now)
        };
        tokio::time::sleep(wait).await;
    }
}

/// Starts a plan's items under its limits until none is left to start or in flight.
async fn drive(app: &Arc<App>, plan: RunningPlan) {
    let runner = runner_of(&plan.run.runner);
    let concurrency = usize::try_from(plan.run.concurrency.max(1)).unwrap_or(1);
    let per_region = usize::try_from(plan.run.region_concurrency.max(1)).unwrap_or(1);
    let interval = Duration::from_micros(
        u64::try_from(1_000_000_000 / plan.run.rate_milli.max(1)).unwrap_or(1_000_000),
    );
    // The proxy's own limit, shared with every other plan running here.
    let proxy_interval =
        Duration::try_from_secs_f64(1.0 / app.plan_limits.rate).unwrap_or(Duration::from_secs(1));
    let own_pace = Pacer::default();
    let mut tasks = tokio::task::JoinSet::new();
    tracing::info!(target: "rds_backup_proxy::access", plan = %plan.id, "plan running");
    loop {
        while tasks.try_join_next().is_some() {}
        let state = match app.store.plan_state(&plan.id).await {
            Ok(Some(s)) => s,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(plan = %plan.id, "plans: {e}");
                tokio::time::sleep(TICK).await;
                continue;
            }
        };
        if state != "running" {
            // Cancelled (or ended elsewhere): what is in flight goes on by itself.
            return;
        }
        let items = match app.store.plan_progress(&plan.id).await {
            Ok(i) => i,
            Err(e) => {
                tracing::warn!(plan = %plan.id, "plans: {e}");
                tokio::time::sleep(TICK).await;
                continue;
            }
        };
        let now = now_ms();
        let mut flying = 0usize;
        let mut by_region: HashMap<&str, usize> = HashMap::new();
        let mut left = 0usize;
        for p in &items {
            let s = item_state(p);
            if in_flight(s) || (s == "waiting" && p.state == "started") {
                flying += 1;
                *by_region.entry(p.region.as_str()).or_default() += 1;
            }
            if matches!(s, "planned" | "waiting") || in_flight(s) {
                left += 1;
            }
        }
        if left == 0 && tasks.is_empty() {
            if let Err(e) = app.store.finish_plan(&plan.id).await {
                tracing::warn!(plan = %plan.id, "plans: {e}");
                continue;
            }
            tracing::info!(target: "rds_backup_proxy::access", plan = %plan.id, "plan finished");
            return;
        }
        // A pass starts items for one tick at most, then reads the progress again: the
        // counts it goes by are never older than that (items finish meanwhile).
        let pass_ends = tokio::time::Instant::now() + TICK;
        let mut cut_short = false;
        for p in &items {
            if tokio::time::Instant::now() >= pass_ends {
                cut_short = true;
                break;
            }
            // Started and no row long after: stopped before its row, so nothing was sent.
            let orphan = p.state == "started"
                && p.submission_state.is_none()
                && p.claimed_ms.is_some_and(|c| c < now - ORPHAN_MS);
            let due = p.state == "planned" && p.next_try_ms <= now;
            if !(orphan || due) {
                continue;
            }
            if due {
                if flying >= concurrency
                    || by_region.get(p.region.as_str()).copied().unwrap_or(0) >= per_region
                {
                    continue;
                }
                own_pace.turn(interval).await;
                app.plan_pacer.turn(proxy_interval).await;
                let sub = format!("{}.{}.{}", plan.id, p.position, p.attempt);
                match app
                    .store
                    .claim_item(&plan.id, p.position, &sub, now_ms())
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(plan = %plan.id, "plans: {e}");
                        break;
                    }
                }
                flying += 1;
                *by_region.entry(p.region.as_str()).or_default() += 1;
                let (app, runner, plan_id, item) =
                    (app.clone(), runner.clone(), plan.id.clone(), p.clone());
                tasks.spawn(crate::error::REQUEST_ID.scope(sub.clone(), async move {
                    start_item(&app, &runner, &plan_id, &item, &sub).await;
                }));
            } else if let Some(sub) = p.submission_id.clone() {
                let (app, runner, plan_id, item) =
                    (app.clone(), runner.clone(), plan.id.clone(), p.clone());
                tasks.spawn(crate::error::REQUEST_ID.scope(sub.clone(), async move {
                    start_item(&app, &runner, &plan_id, &item, &sub).await;
                }));
            }
        }
        if !cut_short {
            tokio::time::sleep(TICK).await;
        }
    }
}

/// Sends one item as `submission`: the policy, core's check on the real instance, the
/// row, the call. A throttled call goes back to wait for its retry-after.
async fn start_item(
    app: &Arc<App>,
    runner: &Caller,
    plan: &str,
    p: &ItemProgress,
    submission: &str,
) {
    let item: Value = serde_json::from_str(&p.item).unwrap_or(Value::Null);
    let params: Vec<(String, String)> = item["params"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let mut record = AuditRecord {
        time: UtcTime::from_unix(app.now_secs()).to_string(),
        request_id: submission.to_owned(),
        user: runner.user.clone(),
        region: Some(p.region.clone()),
        instance: Some(p.instance.clone()),
        params: item["params"].clone(),
        outcome: "refused",
        ..AuditRecord::default()
    };
    let checked = match check(app, runner, p, &params).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(plan, instance = %p.instance, "plan item refused before sending: {e}");
            finish_refusal(app, &mut record, &e);
            if let Err(e) = app.store.deny_item(plan, p.position).await {
                tracing::warn!(plan, "plans: {e}");
            }
            return;
        }
    };
    let now = now_ms();
    let row = NewSubmission {
        id: submission.to_owned(),
        created_ms: now,
        caller: runner.user.clone(),
        region: p.region.clone(),
        instance: p.instance.clone(),
        params: item["params"].to_string(),
    };
    let lease_until = now + app.upstream.timeout_ms() + crate::api::SENDER_GRACE_MS;
    if let Err(e) = app
        .store
        .insert_sending(&row, &app.owner, lease_until)
        .await
    {
        // Either the row is there (this attempt was made before: the worker follows it)
        // or the store is down (no row, nothing sent: it starts again later).
        tracing::warn!(plan, submission, "plan item not sent: {e}");
        return;
    }
    match send_and_record(app.clone(), submission.to_owned(), checked, record).await {
        Err(ProxyError::Upstream {
            body,
            retry_after_ms,
            ..
        }) if body["Code"].as_str().is_some_and(is_throttling) => {
            let wait = i64::try_from(retry_after_ms.unwrap_or(1000)).unwrap_or(1000);
            tracing::info!(
                plan,
                submission,
                wait_ms = wait,
                "throttled: tried again after the service's retry-after"
            );
            if let Err(e) = app
                .store
                .retry_item(plan, p.position, now_ms() + wait)
                .await
            {
                tracing::warn!(plan, "plans: {e}");
            }
        }
        _ => {}
    }
}

/// The runner's policy on the real instance, and core's rules on its real engine and
/// storage: nothing is trusted because the plan said so.
async fn check(
    app: &App,
    runner: &Caller,
    p: &ItemProgress,
    params: &[(String, String)],
) -> Result<Checked, ProxyError> {
    let region = Region::new(&p.region)
        .map_err(|e| ProxyError::bad("InvalidInput.Region", "RegionId", e.to_string()))?;
    let instance = app.instance(&region, &p.instance).await?;
    instance.check_region(&region)?;
    app.authz
        .check(runner, CREATE_BACKUP_ACTION, &instance.resource())?;
    let ctx = instance.context()?;
    let draft = Draft::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| ProxyError::bad("InvalidInput.Plan", "params", e))?;
    let request = validate(&ctx, &draft)
        .map_err(|_| ProxyError::Refused(rds_backup_core::Report::check(&ctx, &draft).errors))?;
    Ok(Checked {
        region,
        instance: p.instance.clone(),
        params: request
            .params()
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    })
}
