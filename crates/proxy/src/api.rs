//! The JSON API under `/api/`. Handlers are short: read, check, call core and the upstream, answer.

use crate::App;
use crate::access::AuditRecord;
use crate::error::{Answered, ProxyError};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rds_backup_core::encode::parse_pairs;
use rds_backup_core::{
    Context, DbInstanceId, Engine, Input, Region, Report, StorageType, UtcTime, validate,
};
use serde_json::{Value, json};
use std::sync::Arc;

/// The largest JSON body accepted.
pub const BODY_LIMIT: usize = 16 * 1024;

type Result<T> = std::result::Result<T, ProxyError>;

fn query_map(raw: Option<&str>) -> Result<Vec<(String, String)>> {
    parse_pairs(raw.unwrap_or(""))
        .map_err(|e| ProxyError::bad("InvalidInput.Query", "", e.to_string()))
}

fn query_get<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn region_of(value: Option<&str>) -> Result<Region> {
    let r = value.ok_or_else(|| {
        ProxyError::bad(
            "InvalidInput.Missing",
            "RegionId",
            "RegionId is required: the region of the instance (e.g. cn-hangzhou)",
        )
    })?;
    Region::new(r).map_err(|e| ProxyError::bad("InvalidInput.Region", "RegionId", e.to_string()))
}

fn instance_id(value: Option<&str>) -> Result<String> {
    let id = value.ok_or_else(|| {
        ProxyError::bad(
            "RequiredParam.NotFound",
            "DBInstanceId",
            "DBInstanceId is required: the id of the instance",
        )
    })?;
    DbInstanceId::new(id).map_err(|m| ProxyError::bad("Parameters.Invalid", "DBInstanceId", m))?;
    Ok(id.to_owned())
}

fn user_of(app: &App, headers: &HeaderMap) -> Result<String> {
    app.access.user(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    )
}

/// A JSON answer, or the error with a fresh request id.
fn json_or_error(app: &App, result: Result<Value>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => Answered(e, app.request_id()).into_response(),
    }
}

/// The array at `v`, moved out (empty if `v` is not an array).
fn take_array(v: &mut Value) -> Vec<Value> {
    match v.take() {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// `GET /api/health`.
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /api/config`: demo or live, the regions, what this user may do.
pub async fn config(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> std::result::Result<Json<Value>, Answered> {
    let rid = app.request_id();
    let user = user_of(&app, &headers).map_err(|e| Answered(e, rid))?;
    Ok(Json(json!({
        "mode": app.mode.as_str(),
        "message": app.mode.message(),
        "regions": app.regions,
        "user": user,
        "permissions": app.access.summary(&user),
        "tokenRequired": app.access.tokens.is_some(),
    })))
}

/// The instance's attributes, from a short-lived cache or DescribeDBInstanceAttribute.
async fn attribute(app: &App, region: &Region, id: &str) -> Result<Value> {
    if let Some(v) = app.cached(region, id) {
        return Ok(v);
    }
    let reply = app
        .upstream
        .call(
            region,
            "DescribeDBInstanceAttribute",
            vec![("DBInstanceId".into(), id.into())],
        )
        .await?;
    let body = reply.json();
    let attr = body["Items"]["DBInstanceAttribute"][0].clone();
    if !attr.is_object() {
        return Err(ProxyError::Upstream {
            status: 404,
            body: json!({"Code": "InvalidDBInstanceId.NotFound", "Message": format!("no attributes for {id}"), "RequestId": body["RequestId"]}),
        });
    }
    app.remember(region, id, attr.clone());
    Ok(attr)
}

/// The engine and storage an instance really has.
fn context_of(id: &str, attr: &Value) -> Result<Context> {
    let unsupported = |what: String| ProxyError::UnsupportedInstance {
        id: id.into(),
        what,
    };
    let engine = attr["Engine"].as_str().unwrap_or_default();
    let storage = attr["DBInstanceStorageType"].as_str().unwrap_or_default();
    let engine = Engine::parse(engine).ok_or_else(|| {
        unsupported(format!(
            "engine '{engine}' does not support CreateBackup here"
        ))
    })?;
    let storage = StorageType::parse(storage).ok_or_else(|| {
        unsupported(format!(
            "storage type '{storage}' is not one the rules know"
        ))
    })?;
    Ok(Context::new(engine, storage))
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

/// What the audit log records of a refused request: the parameters as given.
fn given(input: Option<&Input>) -> Value {
    input
        .and_then(|i| serde_json::to_value(&i.draft).ok())
        .unwrap_or(Value::Null)
}

/// `POST /api/backups`: re-validate against the instance's real engine and storage, sign, send once.
pub async fn create_backup(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let rid = app.request_id();
    let mut record = AuditRecord {
        time: UtcTime::from_unix(app.now_secs()).to_string(),
        user: String::new(),
        region: None,
        params: Value::Null,
        upstream_request_id: None,
        outcome: "refused",
        status: 0,
        code: None,
    };
    let mut input_seen: Option<Input> = None;
    let result = create_backup_inner(&app, &headers, body, &mut record, &mut input_seen).await;
    let response = match result {
        Ok((status, body)) => {
            record.outcome = "sent";
            record.status = status;
            record.upstream_request_id = body["RequestId"].as_str().map(str::to_owned);
            (
                axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK),
                Json(body),
            )
                .into_response()
        }
        Err(e) => {
            record.outcome = match &e {
                ProxyError::Unauthorized | ProxyError::Forbidden { .. } => "denied",
                ProxyError::Upstream { .. }
                | ProxyError::UpstreamTimeout(_)
                | ProxyError::UpstreamUnreachable(_)
                | ProxyError::UpstreamNotJson { .. } => "failed",
                _ => "refused",
            };
            record.status = e.status();
            record.code = Some(e.code());
            if let ProxyError::Upstream { body, .. } = &e {
                record.upstream_request_id = body["RequestId"].as_str().map(str::to_owned);
            }
            if record.params.is_null() {
                record.params = given(input_seen.as_ref());
            }
            Answered(e, rid).into_response()
        }
    };
    app.audit.write(&record);
    response
}

async fn create_backup_inner(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    record: &mut AuditRecord,
    input_seen: &mut Option<Input>,
) -> Result<(u16, Value)> {
    record.user = user_of(app, headers)?;
    let text = read_json_body(headers, body).await?;
    let input = Input::from_json(&text).map_err(|e| ProxyError::input(&e))?;
    *input_seen = Some(input.clone());
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
    app.access.check_create(&record.user, &region, &id)?;
    let attr = attribute(app, &region, &id).await?;
    let ctx = context_of(&id, &attr)?;
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

/// `GET /api/instances?RegionId=`: every instance of the region (all pages).
pub async fn list_instances(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    json_or_error(
        &app,
        list_instances_inner(&app, &headers, q.as_deref()).await,
    )
}

async fn list_instances_inner(app: &App, headers: &HeaderMap, q: Option<&str>) -> Result<Value> {
    user_of(app, headers)?;
    let q = query_map(q)?;
    let region = region_of(query_get(&q, "RegionId"))?;
    let mut instances: Vec<Value> = Vec::new();
    for page in 1..=100 {
        let reply = app
            .upstream
            .call(
                &region,
                "DescribeDBInstances",
                vec![
                    ("RegionId".into(), region.to_string()),
                    ("PageSize".into(), "100".into()),
                    ("PageNumber".into(), page.to_string()),
                ],
            )
            .await?;
        let mut body = reply.json();
        let items = take_array(&mut body["Items"]["DBInstance"]);
        let total = body["TotalRecordCount"].as_u64().unwrap_or(0);
        let done = items.is_empty();
        instances.extend(items);
        if done || instances.len() as u64 >= total {
            break;
        }
    }
    Ok(
        json!({"RegionId": region.as_str(), "TotalRecordCount": instances.len(), "Instances": instances}),
    )
}

/// `GET /api/instances/{id}?RegionId=`: the instance's attributes and databases.
pub async fn instance_detail(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let result = async {
        user_of(&app, &headers)?;
        let q = query_map(q.as_deref())?;
        let region = region_of(query_get(&q, "RegionId"))?;
        let id = instance_id(Some(&id))?;
        let attr = attribute(&app, &region, &id).await?;
        let dbs = app
            .upstream
            .call(
                &region,
                "DescribeDatabases",
                vec![("DBInstanceId".into(), id.clone())],
            )
            .await?;
        Ok::<Value, ProxyError>(json!({
            "Instance": attr,
            "Databases": take_array(&mut dbs.json()["Databases"]["Database"]),
        }))
    }
    .await;
    json_or_error(&app, result)
}

/// `GET /api/backup-tasks?RegionId=&DBInstanceId=&BackupJobId=`: the job's progress,
/// the service's JSON passed on as received.
pub async fn backup_tasks(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let result = async {
        user_of(&app, &headers)?;
        let q = query_map(q.as_deref())?;
        let region = region_of(query_get(&q, "RegionId"))?;
        let id = instance_id(query_get(&q, "DBInstanceId"))?;
        let mut params = vec![("DBInstanceId".to_owned(), id)];
        if let Some(job) = query_get(&q, "BackupJobId") {
            if job.parse::<u64>().is_err() {
                return Err(ProxyError::bad(
                    "InvalidInput.WrongType",
                    "BackupJobId",
                    format!("BackupJobId must be a number, not '{job}'"),
                ));
            }
            params.push(("BackupJobId".into(), job.into()));
        }
        app.upstream
            .call(&region, "DescribeBackupTasks", params)
            .await
    }
    .await;
    match result {
        Ok(reply) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            reply.raw,
        )
            .into_response(),
        Err(e) => Answered(e, app.request_id()).into_response(),
    }
}

/// Any other `/api/...` path.
pub async fn no_route(State(app): State<Arc<App>>, uri: axum::http::Uri) -> Response {
    Answered(ProxyError::NoRoute(uri.path().to_owned()), app.request_id()).into_response()
}
