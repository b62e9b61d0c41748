//! Fleet plans: `POST /api/plans` reads the selected instances from the service (never
//! from the client), judges each with core (the rules, then the preconditions, then the
//! caller's policy for CreateBackup on that instance), commits the plan to the store and
//! returns every item before anything runs. `GET /api/plans/{id}` reads it back.

use crate::App;
use crate::api::{read_json_body, visible};
use crate::error::ProxyError;
use crate::identity::Caller;
use crate::lookup::list;
use crate::policy::Resource;
use crate::worker::now_ms;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rds_backup_core::listing;
use rds_backup_core::plan::{Candidate, PlanItem, Selection, Tally};
use rds_backup_core::policy::CREATE_BACKUP_ACTION;
use rds_backup_core::precondition::InstanceState;
use rds_backup_core::{Goal, Intent, Region, UtcTime};
use rds_backup_store::{NewPlan, NewPlanItem};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

type Result<T> = std::result::Result<T, ProxyError>;

/// The most instances one plan covers.
pub const MAX_PLAN_ITEMS: usize = 10_000;

/// Instances whose facts (today's sets, running tasks, databases) are read at once.
const FACT_CONCURRENCY: usize = 16;

/// What `POST /api/plans` takes.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Which instances.
    #[serde(rename = "Selection", default)]
    pub selection: Selection,
    /// `whole-instance`, `full-physical`, `logical-all-databases` or `logical-databases`.
    #[serde(rename = "Intent")]
    pub intent: String,
    /// The databases of `logical-databases`, comma separated.
    #[serde(rename = "DBNames", default, skip_serializing_if = "Option::is_none")]
    pub db_names: Option<String>,
    /// Days to keep the backup sets, where the method takes it.
    #[serde(
        rename = "BackupRetentionPeriod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub retention: Option<i64>,
}

fn bad_plan(field: &str, message: impl Into<String>) -> ProxyError {
    ProxyError::bad("InvalidInput.Plan", field, message)
}

/// Reads the body key by key, so an error names the part that is wrong.
fn read_plan(text: &str) -> Result<PlanRequest> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| bad_plan("", format!("the body is not JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(bad_plan("", "the body must be a JSON object"));
    };
    const KEYS: [&str; 4] = ["Selection", "Intent", "DBNames", "BackupRetentionPeriod"];
    if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(bad_plan(
            k,
            format!("'{k}' is not part of a plan: use {}", KEYS.join(", ")),
        ));
    }
    fn part<T: serde::de::DeserializeOwned>(
        map: &serde_json::Map<String, Value>,
        key: &str,
    ) -> Result<Option<T>> {
        map.get(key)
            .filter(|v| !v.is_null())
            .map(|v| {
                serde_json::from_value(v.clone()).map_err(|e| bad_plan(key, format!("{key}: {e}")))
            })
            .transpose()
    }
    Ok(PlanRequest {
        selection: part(&map, "Selection")?.unwrap_or_default(),
        intent: part(&map, "Intent")?.ok_or_else(|| {
            bad_plan("Intent", "Intent is required: whole-instance, full-physical, logical-all-databases or logical-databases")
        })?,
        db_names: part(&map, "DBNames")?,
        retention: part(&map, "BackupRetentionPeriod")?,
    })
}

/// `POST /api/plans`: the plan, judged and stored; nothing runs.
pub async fn create_plan(
    State(app): State<Arc<App>>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let text = read_json_body(&headers, body).await?;
    let asked = read_plan(&text)?;
    let intent = Intent::parse(&asked.intent, asked.db_names.as_deref())
        .map_err(|e| bad_plan("Intent", e.to_string()))?;
    let regions: Vec<Region> = if asked.selection.regions.is_empty() {
        app.regions
            .iter()
            .filter_map(|r| Region::new(r).ok())
            .collect()
    } else {
        asked
            .selection
            .regions
            .iter()
            .map(|r| Region::new(r).map_err(|e| bad_plan("Selection.RegionIds", e.to_string())))
            .collect::<Result<_>>()?
    };
    let needs_databases = matches!(
        intent,
        Intent::LogicalAllDatabases | Intent::LogicalDatabases(_)
    );
    let goal = Goal {
        intent,
        retention: asked.retention,
    };
    let mut candidates = Vec::new();
    for region in &regions {
        let listed = list_instances(&app, region, &asked.selection).await?;
        let listed = visible(&app, &caller, region, listed).await?;
        let ids: Vec<&str> = listed
            .iter()
            .filter_map(|i| i["DBInstanceId"].as_str())
            .collect();
        // Tags as the service's tag API says, when a filter or a policy reads them.
        let mut tags = if !asked.selection.tags.is_empty() || app.authz.needs_tags() {
            Some(app.tags(region, &ids).await?)
        } else {
            None
        };
        for item in &listed {
            let Some(mut c) = Candidate::from_listing(item, region) else {
                continue;
            };
            if let Some(t) = tags.as_mut().and_then(|t| t.remove(&c.id)) {
                c.tags = t;
            }
            if asked.selection.admits(&c) {
                candidates.push(c);
            }
        }
        if candidates.len() > MAX_PLAN_ITEMS {
            return Err(bad_plan(
                "Selection",
                format!(
                    "the selection holds more than {MAX_PLAN_ITEMS} instances: narrow it (regions, engines, tags, a pattern)"
                ),
            ));
        }
    }
    let items = judge_all(&app, &caller, &goal, candidates, needs_databases).await?;
    let id = app.request_id();
    let spec = serde_json::to_string(&asked).unwrap_or_default();
    let stored = NewPlan {
        id: id.clone(),
        created_ms: now_ms(),
        caller: caller.user.clone(),
        spec,
        items: items
            .iter()
            .map(|i| NewPlanItem {
                instance: i.id.clone(),
                region: i.region.clone(),
                item: serde_json::to_string(i).unwrap_or_default(),
                runnable: i.ok,
            })
            .collect(),
    };
    crate::telemetry::timed("insert_plan", app.store.insert_plan(&stored))
        .await
        .map_err(|e| ProxyError::StoreUnavailable(e.to_string()))?;
    let tally = Tally::of(&items);
    tracing::info!(
        target: "rds_backup_proxy::access",
        plan = %id,
        runnable = tally.runnable,
        refused = tally.refused,
        "plan made"
    );
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "PlanId": id,
            "Intent": goal.intent.to_string(),
            "Selection": asked.selection,
            "State": "planned",
            "Summary": tally,
            "Items": items,
        })),
    )
        .into_response())
}

/// The caller's plan, or `InvalidPlanId.NotFound` (another caller's plan does not exist
/// for them).
async fn own_plan(app: &App, caller: &Caller, id: &str) -> Result<rds_backup_store::StoredPlan> {
    let not_found = || ProxyError::bad("InvalidPlanId.NotFound", "PlanId", format!("no plan {id}"));
    let plan = app
        .store
        .plan(id)
        .await
        .map_err(|e| ProxyError::StoreUnavailable(e.to_string()))?
        .ok_or_else(not_found)?;
    if plan.caller != caller.user {
        return Err(not_found());
    }
    Ok(plan)
}

/// The plan as `GET /api/plans/{id}` shows it: what was asked, each item's state, counts.
async fn view(app: &App, plan: &rds_backup_store::StoredPlan) -> Result<Value> {
    let progress = app
        .store
        .plan_progress(&plan.id)
        .await
        .map_err(|e| ProxyError::StoreUnavailable(e.to_string()))?;
    let state = app
        .store
        .plan_state(&plan.id)
        .await
        .map_err(|e| ProxyError::StoreUnavailable(e.to_string()))?
        .unwrap_or_else(|| plan.state.clone());
    let spec: Value = serde_json::from_str(&plan.spec).unwrap_or(Value::Null);
    let mut v = crate::plan_run::progress_json(&state, &progress);
    if let Value::Object(m) = &mut v {
        m.insert("PlanId".into(), plan.id.clone().into());
        m.insert("Intent".into(), spec["Intent"].clone());
        m.insert("Selection".into(), spec["Selection"].clone());
        m.insert(
            "CreatedTime".into(),
            UtcTime::from_unix(plan.created_ms.div_euclid(1000))
                .to_string()
                .into(),
        );
    }
    Ok(v)
}

/// `GET /api/plans/{id}`: a plan the caller made, with every item's state.
pub async fn get_plan(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let plan = own_plan(&app, &caller, &id).await?;
    Ok(Json(view(&app, &plan).await?))
}

/// What `POST /api/plans/{id}/run` may ask (each at most the proxy's `--plan-*` flag).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    #[serde(rename = "Concurrency")]
    concurrency: Option<u32>,
    #[serde(rename = "RegionConcurrency")]
    region_concurrency: Option<u32>,
    #[serde(rename = "Rate")]
    rate: Option<f64>,
}

/// `POST /api/plans/{id}/run`: starts a planned plan (202); a plan already running or
/// ended is shown as it is (200), never started twice.
pub async fn run_plan(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response> {
    let bytes = axum::body::to_bytes(body, crate::api::BODY_LIMIT)
        .await
        .map_err(|_| ProxyError::TooLarge(crate::api::BODY_LIMIT))?;
    let asked: RunRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        RunRequest::default()
    } else {
        serde_json::from_slice(&bytes).map_err(|e| {
            let field = ["Concurrency", "RegionConcurrency", "Rate"]
                .into_iter()
                .find(|f| e.to_string().contains(f))
                .unwrap_or("");
            bad_plan(field, format!("the run could not be read: {e}"))
        })?
    };
    let limits = app.plan_limits;
    let pick = |asked: Option<u32>, most: u32, field: &str| -> Result<i64> {
        match asked {
            Some(0) => Err(bad_plan(field, format!("{field} must be at least 1"))),
            Some(n) => Ok(i64::from(n.min(most))),
            None => Ok(i64::from(most)),
        }
    };
    let rate = match asked.rate {
        Some(r) if !(r.is_finite() && r > 0.0) => {
            return Err(bad_plan(
                "Rate",
                "Rate must be a number of calls per second above 0",
            ));
        }
        Some(r) => r.min(limits.rate),
        None => limits.rate,
    };
    let run = rds_backup_store::PlanRun {
        runner: crate::plan_run::runner_json(&caller),
        concurrency: pick(asked.concurrency, limits.concurrency, "Concurrency")?,
        region_concurrency: pick(
            asked.region_concurrency,
            limits.region_concurrency,
            "RegionConcurrency",
        )?,
        // Bounded: rate is finite, positive and at most the flag.
        rate_milli: ((rate * 1000.0).round() as i64).max(1),
    };
    let plan = own_plan(&app, &caller, &id).await?;
    let started = app
        .store
        .start_plan(&id, &caller.user, &run)
        .await
        .map_err(|e| ProxyError::StoreUnavailable(e.to_string()))?;
    let status = if started {
        tracing::info!(target: "rds_backup_proxy::access", plan = %id, user = %caller.user, "plan started");
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view(&app, &plan).await?)).into_response())
}

/// `DELETE /api/plans/{id}`: cancels what has not started; started items go on to their
/// end.
pub async fn cancel_plan(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let plan = own_plan(&app, &caller, &id).await?;
    app.store
        .cancel_plan(&id, &caller.user)
        .await
        .map_err(|e| ProxyError::StoreUnavailable(e.to_string()))?;
    Ok(Json(view(&app, &plan).await?))
}

/// `GET /api/plans/{id}/events`: server-sent events: `progress` (the plan's view) when
/// it changes, then `end` once nothing is left to start or in flight.
pub async fn plan_events(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let plan = own_plan(&app, &caller, &id).await?;
    let (tx, rx) =
        tokio::sync::mpsc::channel::<std::result::Result<Event, std::convert::Infallible>>(4);
    let request_id = crate::error::current_request_id();
    tokio::spawn(crate::error::REQUEST_ID.scope(request_id, async move {
        let mut last = String::new();
        loop {
            let Ok(v) = view(&app, &plan).await else {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            };
            let text = v.to_string();
            if text != last {
                if tx
                    .send(Ok(Event::default().event("progress").data(&text)))
                    .await
                    .is_err()
                {
                    return;
                }
                last.clone_from(&text);
            }
            let s = &v["Summary"];
            let open = s["planned"].as_u64().unwrap_or(0) + s["running"].as_u64().unwrap_or(0);
            if open == 0 || v["State"] == "cancelled" && s["running"].as_u64() == Some(0) {
                let _ = tx.send(Ok(Event::default().event("end").data(&text))).await;
                return;
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
                () = tx.closed() => return,
            }
        }
    }));
    Ok(Sse::new(tokio_stream::wrappers::ReceiverStream::new(rx))
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// Every instance of `region` the service lists under the selection's filters it
/// understands (the rest is applied by core), all pages.
async fn list_instances(app: &App, region: &Region, s: &Selection) -> Result<Vec<Value>> {
    let action = "DescribeDBInstances";
    let mut out: Vec<Value> = Vec::new();
    let mut token: Option<String> = None;
    for _page in 0..1000 {
        let params = s.listing_params(region, token.as_deref());
        let body = app.upstream.call(region, action, params).await?.json();
        out.extend(list(&body, action, "Items", "DBInstance")?.iter().cloned());
        token = listing::next_token(&body);
        if token.is_none() || out.len() > MAX_PLAN_ITEMS {
            break;
        }
    }
    Ok(out)
}

/// Reads each candidate's facts (at most [`FACT_CONCURRENCY`] at once) and judges it.
async fn judge_all(
    app: &Arc<App>,
    caller: &Caller,
    goal: &Goal,
    candidates: Vec<Candidate>,
    needs_databases: bool,
) -> Result<Vec<PlanItem>> {
    let gate = Arc::new(tokio::sync::Semaphore::new(FACT_CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    let total = candidates.len();
    for (n, mut c) in candidates.into_iter().enumerate() {
        let app = app.clone();
        let gate = gate.clone();
        tasks.spawn(
            crate::error::REQUEST_ID.scope(
                crate::error::REQUEST_ID
                    .try_with(Clone::clone)
                    .unwrap_or_default(),
                async move {
                    let _permit = gate.acquire_owned().await;
                    let facts = facts(&app, &c, needs_databases).await;
                    facts.map(|f| {
                        c.state = f;
                        (n, c)
                    })
                },
            ),
        );
    }
    let mut judged: Vec<Option<PlanItem>> = vec![None; total];
    while let Some(done) = tasks.join_next().await {
        let (n, c) =
            done.map_err(|e| ProxyError::UpstreamBroken(format!("a plan task stopped: {e}")))??;
        let mut item = goal.judge(&c);
        let region = Region::new(&c.region).map_err(|e| ProxyError::UpstreamShape {
            action: "DescribeDBInstances".into(),
            what: format!("RegionId: {e}"),
        })?;
        let resource = Resource {
            region,
            instance: c.id.clone(),
            tags: app.authz.needs_tags().then(|| c.tags.clone()),
        };
        if let Err(denied) = app.authz.check(caller, CREATE_BACKUP_ACTION, &resource) {
            item.ok = false;
            item.params = None;
            item.errors.insert(
                0,
                rds_backup_core::intent::Refusal {
                    code: denied.code(),
                    message: denied.to_string(),
                    submission: None,
                },
            );
        }
        // A job already runs there: when this proxy sent it, the item says which.
        if let Some(r) = item.errors.iter_mut().find(|r| r.code == "BackupJobExists") {
            match app.store.open_on(&c.id).await {
                Ok(ours) => r.submission = ours,
                Err(e) => tracing::warn!("plans: the store is unavailable: {e}"),
            }
        }
        if let Some(slot) = judged.get_mut(n) {
            *slot = Some(item);
        }
    }
    Ok(judged.into_iter().flatten().collect())
}

/// What the preconditions read, from the service: today's backup sets (DescribeBackups),
/// a task in progress (DescribeBackupTasks) and, for logical intents, the databases.
async fn facts(app: &App, c: &Candidate, needs_databases: bool) -> Result<InstanceState> {
    let region = Region::new(&c.region).map_err(|e| ProxyError::UpstreamShape {
        action: "DescribeDBInstances".into(),
        what: format!("RegionId: {e}"),
    })?;
    let mut state = c.state.clone();
    for call in listing::fact_calls(c, needs_databases, now_ms().div_euclid(1000)) {
        let body = app
            .upstream
            .call(&region, call.action, call.params)
            .await?
            .json();
        listing::read_fact(&mut state, call.fact, &body).map_err(|what| {
            ProxyError::UpstreamShape {
                action: call.action.into(),
                what,
            }
        })?;
    }
    Ok(state)
}
