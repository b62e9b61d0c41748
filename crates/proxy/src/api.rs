//! The JSON API under `/api/`. Every handler takes the [`Caller`], typed query and path
//! values, and returns `Result<_, ProxyError>`; the error answers for itself.

use crate::App;
use crate::audit::AuditRecord;
use crate::error::ProxyError;
use crate::identity::{AuthError, Caller, peer_of};
use crate::lookup::list;
use crate::policy::Resource;
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
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

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

/// `GET /api/health`.
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
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
        "tokenRequired": auth != crate::identity::AuthKind::None,
    }))
}

async fn read_json_body(headers: &HeaderMap, body: Body) -> Result<String> {
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

/// The audit outcome of an error.
fn outcome_of(e: &ProxyError) -> &'static str {
    match e {
        ProxyError::Unauthorized(_)
        | ProxyError::Forbidden { .. }
        | ProxyError::RegionMismatch { .. } => "denied",
        ProxyError::Upstream { .. }
        | ProxyError::UpstreamTimeout(_)
        | ProxyError::UpstreamUnreachable(_)
        | ProxyError::UpstreamNotJson { .. }
        | ProxyError::UpstreamShape { .. } => "failed",
        _ => "refused",
    }
}

/// `POST /api/backups`: learn the instance, check the caller's policies on it, re-validate
/// against its real engine and storage, sign, send once. Every attempt is audited.
pub async fn create_backup(
    State(app): State<Arc<App>>,
    axum::Extension(RequestId(rid)): axum::Extension<RequestId>,
    caller: Result<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let mut record = AuditRecord {
        time: UtcTime::from_unix(app.now_secs()).to_string(),
        request_id: rid,
        outcome: "refused",
        ..AuditRecord::default()
    };
    let result = send_backup(&app, caller, &headers, body, &mut record).await;
    match &result {
        Ok((status, body)) => {
            record.outcome = "sent";
            record.status = *status;
            record.upstream_request_id = body["RequestId"].as_str().map(str::to_owned);
        }
        Err(e) => {
            record.outcome = outcome_of(e);
            record.status = e.status();
            record.code = Some(e.code());
            record.reason = Some(e.to_string());
            if let ProxyError::Upstream { body, .. } = e {
                record.upstream_request_id = body["RequestId"].as_str().map(str::to_owned);
            }
        }
    }
    app.audit.write(&record);
    let (status, body) = result?;
    Ok((
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Json(body),
    )
        .into_response())
}

async fn send_backup(
    app: &App,
    caller: Result<Caller>,
    headers: &HeaderMap,
    body: Body,
    record: &mut AuditRecord,
) -> Result<(u16, Value)> {
    let caller = caller?;
    record.user.clone_from(&caller.user);
    let text = read_json_body(headers, body).await?;
    let input = Input::from_json(&text).map_err(|e| ProxyError::input(&e))?;
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
        .precheck(&caller, CREATE_BACKUP_ACTION, &region, &id)?;
    let instance = app.instance(&region, &id).await?;
    instance.check_region(&region)?;
    app.authz
        .check(&caller, CREATE_BACKUP_ACTION, &instance.resource())?;
    let ctx = instance.context()?;
    let request = validate(&ctx, &input.draft)
        .map_err(|_| ProxyError::Refused(Report::check(&ctx, &input.draft).errors))?;
    let params: Vec<(String, String)> = request
        .params()
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    record.params = serde_json::to_value(request.params()).unwrap_or(Value::Null);
    let reply = app.upstream.call(&region, "CreateBackup", params).await?;
    Ok((reply.status, reply.json()))
}

/// `GET /api/instances?RegionId=`: the instances of the region the caller may see
/// (`rds:DescribeDBInstances` on each, with its tags), all pages.
pub async fn list_instances(
    State(app): State<Arc<App>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RegionQuery>,
) -> Result<Json<Value>> {
    let region = region_of(q.region.as_deref())?;
    let action = "DescribeDBInstances";
    let mut instances: Vec<Value> = Vec::new();
    for page in 1..=100 {
        let body = app
            .upstream
            .call(
                &region,
                action,
                vec![
                    ("RegionId".into(), region.to_string()),
                    ("PageSize".into(), "100".into()),
                    ("PageNumber".into(), page.to_string()),
                ],
            )
            .await?
            .json();
        let items = list(&body, action, "Items", "DBInstance")?;
        let total = body["TotalRecordCount"].as_u64().unwrap_or(0);
        instances.extend(items.iter().cloned());
        if items.is_empty() || instances.len() as u64 >= total {
            break;
        }
    }
    let visible = visible(&app, &caller, &region, instances).await?;
    Ok(Json(
        json!({"RegionId": region.as_str(), "TotalRecordCount": visible.len(), "Instances": visible}),
    ))
}

/// The instances `caller` may list, each judged in its own region with its tags.
async fn visible(
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

/// Any other `/api/...` path.
pub async fn no_route(uri: axum::http::Uri) -> ProxyError {
    ProxyError::NoRoute(uri.path().to_owned())
}
