//! The JSON API under `/api/`. Every handler takes the [`Caller`], typed query and path
//! values, and returns `Result<_, ProxyError>`; the error answers for itself.

use crate::App;
use crate::audit::AuditRecord;
use crate::error::ProxyError;
use crate::identity::{AuthError, Caller, peer_of};
use crate::lookup::list;
use crate::policy::Resource;
use crate::worker::now_ms;
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rds_backup_core::policy::{
    CREATE_BACKUP_ACTION, DESCRIBE_ATTRIBUTE_ACTION, DESCRIBE_DATABASES_ACTION,
    DESCRIBE_INSTANCES_ACTION, DESCRIBE_TASKS_ACTION,
};
use rds_backup_core::{DbInstanceId, Input, Region, Report, UtcTime, validate};
use rds_backup_store::{HistoryFilter, NewSubmission, Outcome, Submission};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// The largest JSON body accepted.
pub const BODY_LIMIT: usize = 16 * 1024;

type Result<T> = std::result::Result<T, ProxyError>;

/// The id the request-id layer gave this request.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// A typed query string; unknown or malformed parameters are `InvalidInput.Query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ProxyError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(ProxyError::bad("InvalidInput.Query", "", e.body_text())),
        }
    }
}

/// The caller, or nobody and why not (no credential, or a refused one).
pub struct MaybeCaller(pub std::result::Result<Caller, AuthError>);

impl FromRequestParts<Arc<App>> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> std::result::Result<Self, Self::Rejection> {
        Ok(MaybeCaller(
            app.auth.identify(&parts.headers, peer_of(parts)).await,
        ))
    }
}

/// `?RegionId=`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionQuery {
    /// The region.
    #[serde(rename = "RegionId")]
    pub region: Option<String>,
}

/// `?RegionId=&DBInstanceId=&BackupJobId=`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TasksQuery {
    /// The region.
    #[serde(rename = "RegionId")]
    pub region: Option<String>,
    /// The instance.
    #[serde(rename = "DBInstanceId")]
    pub instance: Option<String>,
    /// One job (a number).
    #[serde(rename = "BackupJobId")]
    pub job: Option<String>,
}

fn region_of(value: Option<&str>) -> Result<Region> {
    let r = value.filter(|v| !v.is_empty()).ok_or_else(|| {
        ProxyError::bad(
            "InvalidInput.Missing",
            "RegionId",
            "RegionId is required: the region of the instance (e.g. cn-hangzhou)",
        )
    })?;
    Region::new(r).map_err(|e| ProxyError::bad("InvalidInput.Region", "RegionId", e.to_string()))
}

fn instance_id(value: Option<&str>) -> Result<String> {
    let id = value.filter(|v| !v.is_empty()).ok_or_else(|| {
        ProxyError::bad(
            "RequiredParam.NotFound",
            "DBInstanceId",
            "DBInstanceId is required: the id of the instance",
        )
    })?;
    DbInstanceId::new(id).map_err(|m| ProxyError::bad("Parameters.Invalid", "DBInstanceId", m))?;
    Ok(id.to_owned())
}

/// `GET /api/health/live`: the process answers.
pub async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /api/health/ready` (and `/api/health`): the store takes writes, the credentials
/// are valid for at least a minute, the upstream answered recently or answers a cheap call
/// now. 200 when all hold, else 503; each check with its reason.
pub async fn ready(State(app): State<Arc<App>>) -> Response {
    let store = match tokio::time::timeout(
        std::time::Duration::from_secs(2),
        crate::telemetry::timed(
            "check_writable",
            app.store.check_writable(&app.owner, now_ms()),
        ),
    )
    .await
    {
        Ok(Ok(())) => json!({"ok": true}),
        Ok(Err(e)) => {
            json!({"ok": false, "reason": format!("the store does not take writes: {e}")})
        }
        Err(_) => json!({"ok": false, "reason": "the store did not answer within 2 s"}),
    };
    let credentials = match app.upstream.live() {
        None => json!({"ok": true}),
        Some(l) => {
            let s = l.status();
            match s.seconds_left() {
                Some(left) if left < 60 => json!({
                    "ok": false,
                    "provider": s.provider,
                    "expiresIn": left,
                    "reason": credentials_reason(left, s.last_error.as_deref()),
                }),
                left => json!({"ok": true, "provider": s.provider, "expiresIn": left}),
            }
        }
    };
    let upstream = match app.upstream.check_answers().await {
        Ok(ago) => json!({"ok": true, "lastAnswerSecondsAgo": ago}),
        Err(e) => json!({"ok": false, "reason": e}),
    };
    let ok = [&store, &credentials, &upstream]
        .iter()
        .all(|c| c["ok"] == true);
    let body = json!({
        "status": if ok { "ok" } else { "not-ready" },
        "checks": {"store": store, "credentials": credentials, "upstream": upstream},
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// Why credentials that expire within a minute make the proxy not ready.
fn credentials_reason(left: i64, error: Option<&str>) -> String {
    let when = if left <= 0 {
        format!("the key expired {} s ago", -left)
    } else {
        format!("the key expires in {left} s")
    };
    match error {
        Some(e) => format!("{when} and refreshing it failed: {e}"),
        None => format!("{when} and is not refreshed yet"),
    }
}

/// `GET /api/config`: demo or live, the regions, how callers sign in, who this caller is
/// (or why they are not signed in) and what they may do. It answers without a
/// credential: the console needs it to know how to ask for one.
pub async fn config(State(app): State<Arc<App>>, MaybeCaller(caller): MaybeCaller) -> Json<Value> {
    let auth = app.auth.kind();
    let (caller, problem) = match caller {
        Ok(c) => (Some(c), None),
        Err(AuthError::Missing(_)) => (None, None),
        Err(e) => (None, Some(e.to_string())),
    };
    Json(json!({
        "mode": app.mode.as_str(),
        "message": app.mode.message(),
        "regions": app.regions,
        "auth": auth.as_str(),
        "user": caller.as_ref().map(|c| c.user.clone()),
        "groups": caller.as_ref().map(|c| c.groups.clone()).unwrap_or_default(),
        "signInError": problem,
        "permissions": caller.as_ref().map(|c| app.authz.summary(c)),
        "credentials": app.upstream.live().map(|l| {
            let s = l.status();
            json!({
                "provider": s.provider,
                "keyId": format!("{}…", s.key_prefix),
                "expires": s.expires.map(|e| UtcTime::from_unix(e).to_string()),
            })
        }),
        "tokenRequired": auth != crate::identity::AuthKind::None,
    }))
}

pub(crate) async fn read_json_body(headers: &HeaderMap, body: Body) -> Result<String> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Err(ProxyError::TooLarge(BODY_LIMIT));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !is_json {
        return Err(ProxyError::NotJson);
    }
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ProxyError::TooLarge(BODY_LIMIT))?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ProxyError::bad("InvalidInput.NotJson", "", "the body is not UTF-8 text"))
}

/// The audit outcome of an error before anything was sent.
fn outcome_of(e: &ProxyError) -> &'static str {
    match e {
        ProxyError::Unauthorized(_)
        | ProxyError::Forbidden { .. }
        | ProxyError::RegionMismatch { .. } => "denied",
        ProxyError::Upstream { .. }
        | ProxyError::UpstreamTimeout(_)
        | ProxyError::UpstreamUnreachable(_)
        | ProxyError::UpstreamBroken(_)
        | ProxyError::UpstreamNotJson { .. }
        | ProxyError::UpstreamShape { .. }
        | ProxyError::StoreUnavailable(_) => "failed",
        _ => "refused",
    }
}

fn fill_error(record: &mut AuditRecord, e: &ProxyError) {
    record.outcome = outcome_of(e);
    record.status = e.status();
    record.code = Some(e.code());
    record.reason = Some(e.to_string());
    if let ProxyError::Upstream { body, .. } = e {
        record.upstream_request_id = body["RequestId"].as_str().map(str::to_owned);
    }
}

/// A request checked and ready to send.
pub(crate) struct Checked {
    pub(crate) region: Region,
    pub(crate) instance: String,
    pub(crate) params: Vec<(String, String)>,
}

/// `POST /api/backups`: who is calling and the body come with the connection; from then
/// on the submission runs in a task of its own, so a client that goes away cannot cancel
/// it: learn the instance, check the caller's policies on it, re-validate against its
/// real engine and storage, commit a submission row, send once, record what came of it.
/// Every attempt is audited.
pub async fn create_backup(
    State(app): State<Arc<App>>,
    axum::Extension(RequestId(rid)): axum::Extension<RequestId>,
    axum::Extension(RequestStarted(started)): axum::Extension<RequestStarted>,
    caller: Result<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let mut record = AuditRecord {
        time: UtcTime::from_unix(app.now_secs()).to_string(),
        request_id: rid.clone(),
        outcome: "refused",
        ..AuditRecord::default()
    };
    let received = async {
        let caller = caller?;
        record.user.clone_from(&caller.user);
        let text = read_json_body(&headers, body).await?;
        Ok::<_, ProxyError>((caller, text))
    }
    .await;
    let (caller, text) = match received {
        Ok(r) => r,
        Err(e) => {
            fill_error(&mut record, &e);
            finish(&app, &record);
            return Err(e);
        }
    };
    // The task keeps the request's id for its log lines. It goes on when the request
    // runs out of time: what it sent is recorded either way.
    let gate = Arc::new(Gate::default());
    let mut task = tokio::spawn(crate::error::REQUEST_ID.scope(
        rid.clone(),
        submit(app.clone(), rid.clone(), caller, text, record, gate.clone()),
    ));
    let limit = app.limits.request_timeout;
    let deadline = started + limit.saturating_sub((limit / 10).min(Duration::from_secs(1)));
    // How long a record being written may still be waited for: the answer must leave
    // before the limit cuts the request off with an ambiguous timeout.
    let last = started + limit.saturating_sub((limit / 20).min(Duration::from_millis(500)));
    let joined = tokio::select! {
        biased;
        joined = &mut task => joined,
        () = tokio::time::sleep_until(deadline.into()) => match gate.close(last).await {
            Closed::NothingSent => return Err(ProxyError::CheckTimeout(limit.as_secs())),
            Closed::Recorded => {
                return Err(ProxyError::OutcomeUnknown {
                    submission: rid,
                    why: format!(
                        "the request's {} s ran out before the answer came",
                        limit.as_secs()
                    ),
                });
            }
            // The record could not be written: the task answers that at once.
            Closed::NotRecorded => task.await,
        },
    };
    match joined {
        Ok(answer) => answer,
        Err(e) => Err(ProxyError::UpstreamBroken(format!(
            "the sending task stopped: {e}"
        ))),
    }
}

/// When the request began (the request-id layer's clock), for a handler that answers
/// before `--request-timeout` cuts it off.
#[derive(Clone, Copy, Debug)]
pub struct RequestStarted(pub std::time::Instant);

/// Decides a submission's fate when its request runs out of time: the sending task
/// passes the gate before it writes its record (and then sends), or the handler, out of
/// time, shuts it first (and the task stops: nothing sent, ever). A record still being
/// written when the handler's last moment comes is abandoned: the task marks the row
/// not started and does not send. Only one of them wins, so the client is told either
/// "nothing was sent" or which submission to follow.
#[derive(Default)]
struct Gate {
    state: AtomicU8,
    settled: tokio::sync::Notify,
}

/// What the handler may tell a client whose request ran out of time.
enum Closed {
    /// The task had not passed the gate, or was still writing the record; it will not
    /// send.
    NothingSent,
    /// The record is written: the submission may be sent, and is followed.
    Recorded,
    /// The record could not be written: nothing was sent.
    NotRecorded,
}

impl Gate {
    const OPEN: u8 = 0;
    const ENTERED: u8 = 1;
    const RECORDED: u8 = 2;
    const NOT_RECORDED: u8 = 3;
    const SHUT: u8 = 4;
    const ABANDONED: u8 = 5;

    /// The task, before it writes the record: false when the handler gave up first.
    fn enter(&self) -> bool {
        self.state
            .compare_exchange(
                Self::OPEN,
                Self::ENTERED,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    /// The task, once the record is written (or could not be): false when the handler
    /// abandoned it meanwhile (then it must not send).
    fn settle(&self, recorded: bool) -> bool {
        let state = if recorded {
            Self::RECORDED
        } else {
            Self::NOT_RECORDED
        };
        let kept = self
            .state
            .compare_exchange(Self::ENTERED, state, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        self.settled.notify_waiters();
        kept
    }

    /// The handler, out of time: shuts the gate, or waits for the record being written
    /// until `last`, and abandons it then.
    async fn close(&self, last: std::time::Instant) -> Closed {
        loop {
            // Registered before the state is read, so a settle in between is not missed.
            let settled = self.settled.notified();
            match self.state.compare_exchange(
                Self::OPEN,
                Self::SHUT,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Closed::NothingSent,
                Err(Self::RECORDED) => return Closed::Recorded,
                Err(Self::NOT_RECORDED) => return Closed::NotRecorded,
                Err(_) => {
                    tokio::select! {
                        () = settled => {}
                        () = tokio::time::sleep_until(last.into()) => {
                            if self
                                .state
                                .compare_exchange(
                                    Self::ENTERED,
                                    Self::ABANDONED,
                                    Ordering::AcqRel,
                                    Ordering::Acquire,
                                )
                                .is_ok()
                            {
                                return Closed::NothingSent;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The submission, once received: checked, committed, sent, recorded.
async fn submit(
    app: Arc<App>,
    rid: String,
    caller: Caller,
    text: String,
    mut record: AuditRecord,
    gate: Arc<Gate>,
) -> Result<Response> {
    let checked = match check_backup(&app, &caller, &text, &mut record).await {
        Ok(c) => c,
        Err(e) => {
            fill_error(&mut record, &e);
            finish(&app, &record);
            return Err(e);
        }
    };
    // Write ahead: no record, no call.
    let now = now_ms();
    let submission = NewSubmission {
        id: rid.clone(),
        created_ms: now,
        caller: record.user.clone(),
        region: checked.region.to_string(),
        instance: checked.instance.clone(),
        params: record.params.to_string(),
    };
    let lease_until = now + app.upstream.timeout_ms() + SENDER_GRACE_MS;
    if !gate.enter() {
        let e = ProxyError::CheckTimeout(app.limits.request_timeout.as_secs());
        fill_error(&mut record, &e);
        finish(&app, &record);
        return Err(e);
    }
    let inserted = crate::telemetry::timed(
        "insert",
        app.store
            .insert_sending(&submission, &app.owner, lease_until),
    )
    .await;
    let kept = gate.settle(inserted.is_ok());
    if let Err(e) = inserted {
        let e = ProxyError::StoreUnavailable(e.to_string());
        fill_error(&mut record, &e);
        finish(&app, &record);
        return Err(e);
    }
    if !kept {
        // The client was told nothing was sent while the record was being written.
        let e = ProxyError::CheckTimeout(app.limits.request_timeout.as_secs());
        let outcome = Outcome::NotStarted {
            code: e.code(),
            message: e.to_string(),
        };
        if let Err(err) = app
            .store
            .record_outcome(&rid, &app.owner, &outcome, now_ms())
            .await
        {
            // The row keeps its lease; once it lapses the worker finds no job and marks it
            // not started.
            tracing::warn!(submission = %rid, error = %err, "could not mark an abandoned submission not started");
        }
        fill_error(&mut record, &e);
        finish(&app, &record);
        return Err(e);
    }
    send_and_record(app, rid, checked, record).await
}

/// Audits a CreateBackup attempt refused before it was sent.
pub(crate) fn finish_refusal(app: &App, record: &mut AuditRecord, e: &ProxyError) {
    fill_error(record, e);
    finish(app, record);
}

/// Audits a CreateBackup attempt and counts its outcome.
fn finish(app: &App, record: &AuditRecord) {
    crate::telemetry::create_backup(record.outcome, record.code.as_deref());
    app.audit.write(record);
}

/// How long past the upstream timeout a sender holds its row before a worker may
/// reconcile it as a crash.
pub(crate) const SENDER_GRACE_MS: i64 = 5_000;

/// Adds the submission's id to a JSON object body.
fn with_submission(mut body: Value, id: &str) -> Value {
    if let Value::Object(m) = &mut body {
        m.insert("SubmissionId".into(), id.into());
    }
    body
}

/// Sends the committed submission once, records the outcome, audits it, answers.
pub(crate) async fn send_and_record(
    app: Arc<App>,
    id: String,
    checked: Checked,
    mut record: AuditRecord,
) -> Result<Response> {
    let reply = app
        .upstream
        .call(&checked.region, "CreateBackup", checked.params)
        .await;
    let lost = |why: String| {
        (
            Outcome::Unknown {
                code: "Proxy.OutcomeUnknown".into(),
                message: why.clone(),
            },
            Err(ProxyError::OutcomeUnknown {
                submission: id.clone(),
                why,
            }),
        )
    };
    let (outcome, answer): (Outcome, Result<(u16, Value)>) = match reply {
        Ok(r) => {
            let body = r.json();
            match body["BackupJobId"].as_str().filter(|j| !j.is_empty()) {
                Some(job) => (
                    Outcome::Sent {
                        job_id: job.to_owned(),
                        request_id: body["RequestId"].as_str().map(str::to_owned),
                    },
                    Ok((r.status, with_submission(body, &id))),
                ),
                None => lost(format!("HTTP {} without a BackupJobId", r.status)),
            }
        }
        Err(ProxyError::Upstream {
            status,
            body,
            retry_after_ms,
        }) if status < 500 => (
            Outcome::Refused {
                code: body["Code"]
                    .as_str()
                    .unwrap_or("Proxy.UpstreamError")
                    .to_owned(),
                message: body["Message"].as_str().unwrap_or_default().to_owned(),
                request_id: body["RequestId"].as_str().map(str::to_owned),
            },
            Err(ProxyError::Upstream {
                status,
                body: with_submission(body, &id),
                retry_after_ms,
            }),
        ),
        Err(e @ (ProxyError::UpstreamUnreachable(_) | ProxyError::CredentialsUnavailable(_))) => (
            Outcome::NotStarted {
                code: e.code(),
                message: e.to_string(),
            },
            Err(e),
        ),
        Err(e) => lost(e.to_string()),
    };
    match crate::telemetry::timed(
        "record_outcome",
        app.store
            .record_outcome(&id, &app.owner, &outcome, now_ms()),
    )
    .await
    {
        Ok(true) => {}
        // Its lease ran out first: a worker reconciles it from the service's side.
        Ok(false) => {
            tracing::warn!(submission = %id, "the outcome came after the row was taken over")
        }
        Err(e) => {
            tracing::error!(submission = %id, "the outcome could not be recorded ({e}): the row is reconciled when its lease ends")
        }
    }
    app.wake.now();
    match &answer {
        Ok((status, body)) => {
            record.outcome = "sent";
            record.status = *status;
            record.upstream_request_id = body["RequestId"].as_str().map(str::to_owned);
        }
        Err(e) => {
            fill_error(&mut record, e);
            record.outcome = match outcome {
                Outcome::Unknown { .. } => "unknown",
                Outcome::NotStarted { .. } => "not-started",
                _ => "refused",
            };
        }
    }
    finish(&app, &record);
    let (status, body) = answer?;
    Ok((
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Json(body),
    )
        .into_response())
}

async fn check_backup(
    app: &App,
    caller: &Caller,
    text: &str,
    record: &mut AuditRecord,
) -> Result<Checked> {
    let input = Input::from_json(text).map_err(|e| ProxyError::input(&e))?;
    record.params = serde_json::to_value(&input.draft).unwrap_or(Value::Null);
    for (given, field) in [
        (input.engine.is_some(), "Engine"),
        (input.storage.is_some(), "StorageType"),
    ] {
        if given {
            return Err(ProxyError::bad(
                "InvalidInput.UnknownField",
                field,
                format!(
                    "{field} is not accepted here: the proxy reads it from the instance itself"
                ),
            ));
        }
    }
    let region = region_of(input.region.as_deref())?;
    record.region = Some(region.to_string());
    let id = instance_id(input.draft.db_instance_id.as_deref())?;
    record.instance = Some(id.clone());
    // A cheap refusal on the claimed values; the real check follows on the instance.
    app.authz
        .precheck(caller, CREATE_BACKUP_ACTION, &region, &id)?;
    let instance = app.instance(&region, &id).await?;
    instance.check_region(&region)?;
    app.authz
        .check(caller, CREATE_BACKUP_ACTION, &instance.resource())?;
    let ctx = instance.context()?;
    let request = validate(&ctx, &input.draft)
        .map_err(|_| ProxyError::Refused(Report::check(&ctx, &input.draft).errors))?;
    let params: Vec<(String, String)> = request
        .params()
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    record.params = serde_json::to_value(request.params()).unwrap_or(Value::Null);
    Ok(Checked {
        region,
        instance: id,
        params,
    })
}

/// `?RegionId=&Search=&NextToken=&MaxResults=`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstancesQuery {
    /// The region.
    #[serde(rename = "RegionId")]
    pub region: Option<String>,
    /// What the user typed (see core's `InstanceSearch`).
    #[serde(rename = "Search", default)]
    pub search: String,
    /// The page after the one that gave this token.
    #[serde(rename = "NextToken", default)]
    pub next_token: String,
    /// Instances per page, 1 to 100 (default 50).
    #[serde(rename = "MaxResults")]
    pub max_results: Option<u32>,
}

/// `GET /api/instances?RegionId=&Search=&NextToken=`: one page of the region's instances
/// that match the search and that the caller may see (`rds:DescribeDBInstances` on
/// each, with its tags). One DescribeDBInstances call at most (the service filters by
/// engine, status, tags and its `SearchKey`); the same page for the same caller within
/// [`SEARCH_TTL`] comes from a cache, so typing back and forth costs nothing upstream.
pub async fn list_instances(
    State(app): State<Arc<App>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InstancesQuery>,
) -> Result<Json<Value>> {
    let region = region_of(q.region.as_deref())?;
    let max = q.max_results.unwrap_or(50);
    if !(1..=100).contains(&max) {
        return Err(ProxyError::bad(
            "InvalidInput.MaxResults",
            "MaxResults",
            "MaxResults must be 1 to 100",
        ));
    }
    if q.search.chars().count() > 200 {
        return Err(ProxyError::bad(
            "InvalidInput.Search",
            "Search",
            "a search is at most 200 characters",
        ));
    }
    let key = crate::lookup::SearchKey {
        caller: caller.user.clone(),
        region: region.to_string(),
        search: q.search.trim().to_owned(),
        token: q.next_token.clone(),
        max,
    };
    if let Some(page) = app.searches.get(&key, SEARCH_TTL) {
        return Ok(Json((*page).clone()));
    }
    let action = "DescribeDBInstances";
    let search = rds_backup_core::listing::InstanceSearch::parse(&q.search);
    let token = (!q.next_token.is_empty()).then_some(q.next_token.as_str());
    let body = app
        .upstream
        .call(&region, action, search.params(&region, max, token))
        .await?
        .json();
    let items: Vec<Value> = list(&body, action, "Items", "DBInstance")?
        .iter()
        .filter(|i| search.admits(i))
        .cloned()
        .collect();
    let visible = visible(&app, &caller, &region, items).await?;
    let page = json!({
        "RegionId": region.as_str(),
        "Search": q.search,
        "Instances": visible,
        "NextToken": rds_backup_core::listing::next_token(&body).unwrap_or_default(),
        "TotalRecordCount": body["TotalRecordCount"],
    });
    app.searches.put(key, Arc::new(page.clone()), SEARCH_TTL);
    Ok(Json(page))
}

/// How long a page of instances is kept for its caller.
pub const SEARCH_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// The instances `caller` may list, each judged in its own region with its tags.
pub(crate) async fn visible(
    app: &App,
    caller: &Caller,
    region: &Region,
    items: Vec<Value>,
) -> Result<Vec<Value>> {
    if !app.authz.is_configured() {
        return Ok(items);
    }
    let ids: Vec<&str> = items
        .iter()
        .filter_map(|i| i["DBInstanceId"].as_str())
        .collect();
    let mut tags = if app.authz.needs_tags() {
        app.tags(region, &ids).await?
    } else {
        Default::default()
    };
    let keep: Vec<bool> = items
        .iter()
        .map(|item| {
            let Some(id) = item["DBInstanceId"].as_str() else {
                return false;
            };
            let in_region = item["RegionId"]
                .as_str()
                .and_then(|r| Region::new(r).ok())
                .unwrap_or_else(|| region.clone());
            let resource = Resource {
                region: in_region,
                instance: id.to_owned(),
                tags: tags.remove(id),
            };
            app.authz
                .allows(caller, DESCRIBE_INSTANCES_ACTION, &resource)
        })
        .collect();
    Ok(items
        .into_iter()
        .zip(keep)
        .filter_map(|(item, k)| k.then_some(item))
        .collect())
}

/// `GET /api/instances/{id}?RegionId=`: the instance's attributes and databases.
pub async fn instance_detail(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RegionQuery>,
) -> Result<Json<Value>> {
    let region = region_of(q.region.as_deref())?;
    let id = instance_id(Some(&id))?;
    app.authz
        .precheck(&caller, DESCRIBE_ATTRIBUTE_ACTION, &region, &id)?;
    let instance = app.instance(&region, &id).await?;
    instance.check_region(&region)?;
    let resource = instance.resource();
    app.authz
        .check(&caller, DESCRIBE_ATTRIBUTE_ACTION, &resource)?;
    app.authz
        .check(&caller, DESCRIBE_DATABASES_ACTION, &resource)?;
    let action = "DescribeDatabases";
    let dbs = app
        .upstream
        .call(&region, action, vec![("DBInstanceId".into(), id.clone())])
        .await?
        .json();
    Ok(Json(json!({
        "Instance": instance.attr,
        "Databases": list(&dbs, action, "Databases", "Database")?,
    })))
}

/// `GET /api/backup-tasks?RegionId=&DBInstanceId=&BackupJobId=`: the job's progress, the
/// service's JSON passed on as received.
pub async fn backup_tasks(
    State(app): State<Arc<App>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TasksQuery>,
) -> Result<Response> {
    let region = region_of(q.region.as_deref())?;
    let id = instance_id(q.instance.as_deref())?;
    let mut params = vec![("DBInstanceId".to_owned(), id.clone())];
    if let Some(job) = q.job.as_deref().filter(|j| !j.is_empty()) {
        if job.parse::<u64>().is_err() {
            return Err(ProxyError::bad(
                "InvalidInput.WrongType",
                "BackupJobId",
                format!("BackupJobId must be a number, not '{job}'"),
            ));
        }
        params.push(("BackupJobId".into(), job.into()));
    }
    app.authz
        .precheck(&caller, DESCRIBE_TASKS_ACTION, &region, &id)?;
    let instance = app.instance(&region, &id).await?;
    instance.check_region(&region)?;
    app.authz
        .check(&caller, DESCRIBE_TASKS_ACTION, &instance.resource())?;
    let action = "DescribeBackupTasks";
    let reply = app.upstream.call(&region, action, params).await?;
    list(&reply.json(), action, "Items", "BackupJob")?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        reply.raw,
    )
        .into_response())
}

/// `GET /api/history` filters.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// One instance.
    pub instance: Option<String>,
    /// One caller.
    pub caller: Option<String>,
    /// One state (`sending`, `sent`, `refused`, `unknown`, `not-started`).
    pub state: Option<String>,
    /// Submitted at or after (`yyyy-MM-ddTHH:mm:ssZ`).
    pub since: Option<String>,
    /// At most this many (1-100, default 20).
    pub limit: Option<u32>,
    /// The `Next` of the previous page.
    pub before: Option<String>,
}

/// A submission as the history shows it.
pub fn history_json(s: &Submission) -> Value {
    let time = |ms: i64| UtcTime::from_unix(ms.div_euclid(1000)).to_string();
    json!({
        "SubmissionId": s.id,
        "Caller": s.caller,
        "RegionId": s.region,
        "DBInstanceId": s.instance,
        "Params": serde_json::from_str::<Value>(&s.params).unwrap_or(Value::Null),
        "State": s.state.as_str(),
        "Final": s.is_final(),
        "Code": s.code,
        "Message": s.message,
        "UpstreamRequestId": s.upstream_request_id,
        "BackupJobId": s.backup_job_id,
        "BackupStatus": s.job_status,
        "Process": s.job_progress,
        "BackupId": s.backup_id,
        "Reason": s.job_reason,
        "CreatedAt": time(s.created_ms),
        "CreatedMs": s.created_ms,
        "UpdatedAt": time(s.updated_ms),
        "FinishedAt": s.finished_ms.map(time),
        "DurationMs": s.finished_ms.unwrap_or(if s.is_final() { s.updated_ms } else { now_ms() }) - s.created_ms,
    })
}

/// Whether `caller` may see a submission: their own, or one of an instance they may
/// `rds:DescribeBackupTasks` on.
async fn may_see(app: &App, caller: &Caller, s: &Submission) -> bool {
    if !app.authz.is_configured() || s.caller == caller.user {
        return true;
    }
    let Ok(region) = Region::new(&s.region) else {
        return false;
    };
    let tags = if app.authz.needs_tags() {
        match app.instance(&region, &s.instance).await {
            Ok(i) => i.tags.clone(),
            Err(_) => return false,
        }
    } else {
        None
    };
    let resource = Resource {
        region,
        instance: s.instance.clone(),
        tags,
    };
    app.authz.allows(caller, DESCRIBE_TASKS_ACTION, &resource)
}

fn store_error(e: rds_backup_store::StoreError) -> ProxyError {
    ProxyError::StoreUnavailable(e.to_string())
}

/// `GET /api/history?instance=&caller=&state=&since=&limit=&before=`: submissions newest
/// first, the ones this caller may see, a page at a time (`Next` names the next page).
pub async fn history(
    State(app): State<Arc<App>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<Value>> {
    let state = q
        .state
        .as_deref()
        .map(|v| {
            rds_backup_store::State::parse(v).ok_or_else(|| {
                ProxyError::bad(
                    "InvalidInput.Query",
                    "state",
                    format!("state '{v}' is not sending, sent, refused, unknown or not-started"),
                )
            })
        })
        .transpose()?;
    let since_ms = q
        .since
        .as_deref()
        .map(|v| {
            UtcTime::parse(v).map(|t| t.unix() * 1000).ok_or_else(|| {
                ProxyError::bad(
                    "InvalidInput.Query",
                    "since",
                    format!("since '{v}' is not a time such as 2026-12-01T08:00:00Z"),
                )
            })
        })
        .transpose()?;
    let mut before = q
        .before
        .as_deref()
        .map(|v| {
            v.split_once('.')
                .and_then(|(t, id)| Some((t.parse::<i64>().ok()?, id.to_owned())))
                .ok_or_else(|| {
                    ProxyError::bad(
                        "InvalidInput.Query",
                        "before",
                        "before is not a Next of this history",
                    )
                })
        })
        .transpose()?;
    let limit = usize::try_from(q.limit.unwrap_or(20).clamp(1, 100)).unwrap_or(20);
    let mut items = Vec::new();
    let mut next = None;
    // Rows the caller may not see are skipped; a few batches at most per page.
    'pages: for _ in 0..10 {
        let filter = HistoryFilter {
            instance: q.instance.clone().filter(|v| !v.is_empty()),
            caller: q.caller.clone().filter(|v| !v.is_empty()),
            state,
            since_ms,
            before: before.clone(),
        };
        let batch = app
            .store
            .history(&filter, i64::try_from(limit * 2).unwrap_or(200))
            .await
            .map_err(store_error)?;
        let exhausted = batch.len() < limit * 2;
        for s in &batch {
            before = Some((s.created_ms, s.id.clone()));
            if may_see(&app, &caller, s).await {
                items.push(history_json(s));
                if items.len() == limit {
                    next = Some(format!("{}.{}", s.created_ms, s.id));
                    break 'pages;
                }
            }
        }
        if exhausted {
            break;
        }
        next = before.as_ref().map(|(t, id)| format!("{t}.{id}"));
    }
    Ok(Json(json!({"Items": items, "Next": next})))
}

/// `GET /api/history/{id}`: one submission, if this caller may see it.
pub async fn history_item(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let found = app.store.get(&id).await.map_err(store_error)?;
    match found {
        Some(s) if may_see(&app, &caller, &s).await => Ok(Json(history_json(&s))),
        _ => Err(ProxyError::NoSubmission(id)),
    }
}

/// Any other `/api/...` path.
pub async fn no_route(uri: axum::http::Uri) -> ProxyError {
    ProxyError::NoRoute(uri.path().to_owned())
}
