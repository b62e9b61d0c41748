//! The HTTP side: one RPC endpoint at `/`, as the gateway takes requests.

use crate::actions::{Args, dispatch};
use crate::api::{ApiError, Format, error_body, render};
use crate::state::{State, WINDOW_SECS};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State as AxState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rds_backup_core::encode::parse_pairs;
use rds_backup_core::sign::RDS_VERSION;
use rds_backup_core::verify::{KeyStatus, Received, check_clock, verify};
use serde_json::Value;
use std::sync::Arc;

/// The largest request body accepted (the gateway's RPC calls are small).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The router: every path and method goes to one handler, which answers as the service does.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// JSON for V3 and for V2 with `Format=JSON`; XML otherwise (the service's default).
fn format_of(headers: &[(String, String)], query: &str, body: &[u8]) -> Format {
    if headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
    {
        return Format::Json;
    }
    let from_body = std::str::from_utf8(body)
        .ok()
        .and_then(|b| parse_pairs(b).ok())
        .unwrap_or_default();
    let pairs = parse_pairs(query)
        .unwrap_or_default()
        .into_iter()
        .chain(from_body);
    match pairs.into_iter().find(|(k, _)| k == "Format") {
        Some((_, v)) if v.eq_ignore_ascii_case("json") => Format::Json,
        _ => Format::Xml,
    }
}

/// Verifies and runs one call; returns the action name and its body.
fn process(
    state: &State,
    method: &Method,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(String, Value), ApiError> {
    if method != Method::GET && method != Method::POST {
        return Err(ApiError::new(
            405,
            "UnsupportedHTTPMethod",
            format!("{method} is not supported: use GET or POST"),
        ));
    }
    if path != "/" {
        return Err(ApiError::no_api(path));
    }
    if let Some(anonymous) = anonymous_sts(state, headers, query, body) {
        return anonymous;
    }
    let received = Received {
        method: method.as_str(),
        path,
        query,
        headers,
        body,
    };
    let verified = verify(&received, |id| match state.keys.get(id) {
        Some(k) if k.active => KeyStatus::Active(k.secret.clone()),
        Some(_) => KeyStatus::Inactive,
        None => match state.sts.get(id) {
            Some(issued) => KeyStatus::Active(issued.secret),
            None => KeyStatus::Unknown,
        },
    })?;
    check_clock(verified.time, state.clock.now(), WINDOW_SECS)?;
    let issued = state.sts.get(&verified.access_key_id);
    let expected_token = match (&issued, state.keys.get(&verified.access_key_id)) {
        (Some(k), _) => Some(k.token.clone()),
        (None, Some(k)) => k.token.clone(),
        (None, None) => None,
    };
    match (&expected_token, verified.security_token.as_deref()) {
        (Some(_), None) => {
            return Err(ApiError::new(
                400,
                "MissingSecurityToken",
                "SecurityToken is mandatory for this action: the AccessKey is a temporary (STS) key.",
            ));
        }
        (Some(t), Some(given)) if t.expose() != given => {
            return Err(ApiError::new(
                400,
                "InvalidSecurityToken.MismatchWithAccessKey",
                "The security token does not match the AccessKey id.",
            ));
        }
        _ => {}
    }
    if let Some(k) = issued
        .as_ref()
        .filter(|k| k.expires_ms <= state.clock.now_ms())
    {
        return Err(ApiError::new(
            400,
            "InvalidSecurityToken.Expired",
            format!(
                "Specified SecurityToken is expired (at {}).",
                rds_backup_core::UtcTime::from_unix(k.expires_ms.div_euclid(1000))
            ),
        ));
    }
    if !state.fresh_nonce(&verified.access_key_id, &verified.nonce, verified.time) {
        return Err(rds_backup_core::VerifyError::NonceUsed(verified.nonce.clone()).into());
    }
    let args = Args(&verified.params);
    let found = match verified.api_version.as_str() {
        RDS_VERSION => dispatch(state, &verified.action, &args),
        crate::sts::STS_VERSION => {
            crate::sts::dispatch(state, &verified.action, &verified.access_key_id, &args)
        }
        other => {
            return Err(ApiError::new(
                400,
                "InvalidVersion",
                format!(
                    "Specified parameter Version is not valid: '{other}' (RDS is {RDS_VERSION}, STS {}).",
                    crate::sts::STS_VERSION
                ),
            ));
        }
    };
    match found {
        Some(result) => result.map(|body| (verified.action.clone(), body)),
        None => Err(ApiError::no_api(&verified.action)),
    }
}

/// `AssumeRoleWithOIDC` is called without a signature (the OIDC token is the proof), as
/// the credential libraries call it; `None` for every other request.
fn anonymous_sts(
    state: &State,
    headers: &[(String, String)],
    query: &str,
    body: &[u8],
) -> Option<Result<(String, Value), ApiError>> {
    if headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
    {
        return None;
    }
    let mut pairs = parse_pairs(query).unwrap_or_default();
    if let Ok(text) = std::str::from_utf8(body) {
        pairs.extend(parse_pairs(text).unwrap_or_default());
    }
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let oidc = get("Action") == Some("AssumeRoleWithOIDC")
        && get("Version") == Some(crate::sts::STS_VERSION)
        && get("Signature").is_none();
    if !oidc {
        return None;
    }
    let common = ["Action", "Version", "Format", "Timestamp", "SignatureNonce"];
    let params: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !common.contains(&k.as_str()))
        .cloned()
        .collect();
    Some(
        crate::sts::assume_role_with_oidc(state, &Args(&params))
            .map(|b| ("AssumeRoleWithOIDC".to_owned(), b)),
    )
}

async fn handle(
    AxState(state): AxState<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = state.request_id();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let query = uri.query().unwrap_or("");
    let format = format_of(&headers, query, &body);
    let mut retry_after = None;
    let (status, root, mut value) = match process(
        &state,
        &method,
        uri.path(),
        query,
        &headers,
        &body,
    ) {
        Ok((action, body)) => (200, format!("{action}Response"), body),
        Err(e) => {
            tracing::info!(target: "rds_emulator", request_id, code = %e.code, status = e.status, "refused");
            retry_after = e.retry_after_ms;
            (e.status, "Error".to_owned(), error_body(&e, &request_id))
        }
    };
    if let Value::Object(m) = &mut value {
        m.insert("RequestId".into(), request_id.clone().into());
    }
    let text = render(&value, &root, format);
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        text,
    )
        .into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-acs-request-id", v);
    }
    if let Some(ms) = retry_after {
        h.insert("x-acs-retry-after", HeaderValue::from(ms));
    }
    response
}
