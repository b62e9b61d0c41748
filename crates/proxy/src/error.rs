//! The proxy's one error type: every refusal becomes an Alibaba-style JSON body
//! (`RequestId`, `Code`, `Message`, plus `Errors` when there are several), never a secret.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rds_backup_core::ErrorItem;
use serde_json::{Value, json};

/// The name the proxy gives itself in error bodies.
pub const HOST_ID: &str = "rds-backup-proxy";

/// Why a request was not (or not fully) served.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// Unusable input (not JSON, unknown field, wrong type, missing region ...).
    #[error("{message}")]
    BadInput {
        /// An `InvalidInput.*` code.
        code: String,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The request breaks a CreateBackup rule for the instance's real engine and storage.
    #[error("the request breaks {} rule(s)", .0.len())]
    Refused(Vec<ErrorItem>),
    /// The body is over the limit.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// Not `application/json`.
    #[error("the request body must be application/json")]
    NotJson,
    /// No or an unknown bearer token.
    #[error("a valid bearer token is required (Authorization: Bearer <token>)")]
    Unauthorized,
    /// The user's policy does not allow this.
    #[error("{user} may not rds:CreateBackup on {resource}: {why}")]
    Forbidden {
        /// The user.
        user: String,
        /// The resource name.
        resource: String,
        /// Explicit or implicit deny.
        why: &'static str,
    },
    /// The upstream did not answer in time.
    #[error("the RDS endpoint did not answer within {0} s")]
    UpstreamTimeout(u64),
    /// The upstream could not be reached.
    #[error("the RDS endpoint could not be reached: {0}")]
    UpstreamUnreachable(String),
    /// The upstream answered something that is not JSON.
    #[error("the RDS endpoint answered HTTP {status} with {content_type}, not JSON")]
    UpstreamNotJson {
        /// Its status.
        status: u16,
        /// Its content type.
        content_type: String,
    },
    /// The upstream refused: its status and body, passed on unchanged.
    #[error("the RDS endpoint refused the call")]
    Upstream {
        /// Its status.
        status: u16,
        /// Its JSON body.
        body: Value,
    },
    /// An instance the rules do not know (engine or storage outside the API's sets).
    #[error("instance {id}: {what}")]
    UnsupportedInstance {
        /// The instance.
        id: String,
        /// What is unknown.
        what: String,
    },
    /// No such API route.
    #[error("no such API: {0}")]
    NoRoute(String),
}

impl ProxyError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ProxyError::BadInput { .. } | ProxyError::Refused(_) => 400,
            ProxyError::TooLarge(_) => 413,
            ProxyError::NotJson => 415,
            ProxyError::Unauthorized => 401,
            ProxyError::Forbidden { .. } => 403,
            ProxyError::UpstreamTimeout(_) => 504,
            ProxyError::UpstreamUnreachable(_) | ProxyError::UpstreamNotJson { .. } => 502,
            ProxyError::Upstream { status, .. } => *status,
            ProxyError::UnsupportedInstance { .. } => 403,
            ProxyError::NoRoute(_) => 404,
        }
    }

    /// The code clients key on.
    pub fn code(&self) -> String {
        match self {
            ProxyError::BadInput { code, .. } => code.clone(),
            ProxyError::Refused(items) => items
                .first()
                .map_or("Parameters.Invalid".into(), |e| e.code.clone()),
            ProxyError::TooLarge(_) => "Proxy.PayloadTooLarge".into(),
            ProxyError::NotJson => "Proxy.UnsupportedMediaType".into(),
            ProxyError::Unauthorized => "Proxy.Unauthorized".into(),
            ProxyError::Forbidden { .. } => "Forbidden.RAM".into(),
            ProxyError::UpstreamTimeout(_) => "Proxy.UpstreamTimeout".into(),
            ProxyError::UpstreamUnreachable(_) => "Proxy.UpstreamUnreachable".into(),
            ProxyError::UpstreamNotJson { .. } => "Proxy.UpstreamInvalidResponse".into(),
            ProxyError::Upstream { body, .. } => body["Code"]
                .as_str()
                .unwrap_or("Proxy.UpstreamError")
                .into(),
            ProxyError::UnsupportedInstance { .. } => "IncorrectDBInstanceEngine".into(),
            ProxyError::NoRoute(_) => "Proxy.NotFound".into(),
        }
    }

    /// The body, with this proxy's request id (an upstream body is passed on as is).
    pub fn body(&self, request_id: &str) -> Value {
        match self {
            ProxyError::Upstream { body, .. } => body.clone(),
            ProxyError::Refused(items) => json!({
                "RequestId": request_id,
                "HostId": HOST_ID,
                "Code": self.code(),
                "Message": items.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "),
                "Errors": items,
            }),
            ProxyError::BadInput {
                code,
                field,
                message,
            } => json!({
                "RequestId": request_id,
                "HostId": HOST_ID,
                "Code": code,
                "Message": message,
                "Errors": [{"code": code, "field": field, "message": message}],
            }),
            other => json!({
                "RequestId": request_id,
                "HostId": HOST_ID,
                "Code": other.code(),
                "Message": other.to_string(),
            }),
        }
    }

    /// Unusable input from core's reader.
    pub fn input(errors: &[rds_backup_core::InputError]) -> ProxyError {
        match errors.first() {
            Some(e) if errors.len() == 1 => ProxyError::BadInput {
                code: e.code().into(),
                field: e.field(),
                message: e.to_string(),
            },
            _ => ProxyError::Refused(
                errors
                    .iter()
                    .map(rds_backup_core::InputError::report)
                    .collect(),
            ),
        }
    }

    /// One unusable field.
    pub fn bad(code: &str, field: &str, message: impl Into<String>) -> ProxyError {
        ProxyError::BadInput {
            code: code.into(),
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An error with the id of the request it answers.
pub struct Answered(pub ProxyError, pub String);

impl IntoResponse for Answered {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        (status, axum::Json(self.0.body(&self.1))).into_response()
    }
}
