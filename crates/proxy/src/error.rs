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
    /// The caller could not be identified.
    #[error("{0}")]
    Unauthorized(crate::identity::AuthError),
    /// The caller's policies do not allow this.
    #[error("{user} may not {action} on {resource}: {why}")]
    Forbidden {
        /// The user.
        user: String,
        /// The action.
        action: String,
        /// The resource name.
        resource: String,
        /// Which statement denies it, or that none allows it.
        why: String,
    },
    /// The region the client named is not the instance's.
    #[error(
        "instance {id} is in {real}, not {claimed}: the request names the wrong region, so nothing was sent"
    )]
    RegionMismatch {
        /// The instance.
        id: String,
        /// The region the client named.
        claimed: String,
        /// The instance's region.
        real: String,
    },
    /// A `Host` this proxy does not serve (DNS rebinding, a wrong name).
    #[error("this proxy does not serve the host '{0}' (see --public-url)")]
    MisdirectedHost(String),
    /// A state-changing request from another site.
    #[error(
        "requests from the origin '{0}' are not allowed to change anything (see --allow-origin)"
    )]
    ForeignOrigin(String),
    /// Too many requests at once.
    #[error("the proxy is busy: try again in a moment")]
    Overloaded,
    /// The request took longer than `--request-timeout`.
    #[error("the request took longer than {0} s")]
    RequestTimeout(u64),
    /// `POST /api/backups`: the checks before sending (the instance, the policy, the
    /// credentials) took longer than `--request-timeout` allows; the submission was
    /// stopped before its record, so nothing was sent and nothing will be.
    #[error(
        "the checks and the record before sending took longer than the {0} s a request may take: nothing was sent"
    )]
    CheckTimeout(u64),
    /// The upstream answered 2xx JSON that is not shaped as the API documents.
    #[error("the RDS endpoint answered {action} with JSON of an unexpected shape: {what}")]
    UpstreamShape {
        /// The action.
        action: String,
        /// What was wrong.
        what: String,
    },
    /// The upstream did not answer in time.
    #[error("the RDS endpoint did not answer within {0} s")]
    UpstreamTimeout(u64),
    /// The upstream could not be reached: nothing was sent.
    #[error("the RDS endpoint could not be reached (nothing was sent): {0}")]
    UpstreamUnreachable(String),
    /// The connection broke after the request was written.
    #[error("the connection to the RDS endpoint broke after the request was sent: {0}")]
    UpstreamBroken(String),
    /// The proxy has no valid credentials (they expired and could not be refreshed).
    #[error("the proxy has no valid credentials right now, so nothing was sent: {0}")]
    CredentialsUnavailable(String),
    /// The record could not be written: nothing was sent.
    #[error("the proxy cannot write its record of backups, so nothing was sent: {0}")]
    StoreUnavailable(String),
    /// The CreateBackup may or may not have been executed; the proxy is finding out.
    #[error(
        "the RDS endpoint's answer was lost ({why}): the backup may have started. The proxy is checking; do not send again. Follow submission {submission}."
    )]
    OutcomeUnknown {
        /// The submission to follow.
        submission: String,
        /// What happened.
        why: String,
    },
    /// No such record (or not one this caller may see).
    #[error("no submission {0}")]
    NoSubmission(String),
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
        /// How long it asked to wait before a retry (`x-acs-retry-after`, throttling).
        retry_after_ms: Option<u64>,
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
            ProxyError::Unauthorized(_) => 401,
            ProxyError::Forbidden { .. } | ProxyError::ForeignOrigin(_) => 403,
            ProxyError::RegionMismatch { .. } => 400,
            ProxyError::MisdirectedHost(_) => 421,
            ProxyError::Overloaded
            | ProxyError::RequestTimeout(_)
            | ProxyError::CheckTimeout(_) => 503,
            ProxyError::UpstreamShape { .. } => 502,
            ProxyError::UpstreamTimeout(_) => 504,
            ProxyError::UpstreamUnreachable(_)
            | ProxyError::UpstreamBroken(_)
            | ProxyError::UpstreamNotJson { .. } => 502,
            ProxyError::StoreUnavailable(_) | ProxyError::CredentialsUnavailable(_) => 503,
            ProxyError::OutcomeUnknown { .. } => 202,
            ProxyError::NoSubmission(_) => 404,
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
            ProxyError::Unauthorized(_) => "Proxy.Unauthorized".into(),
            ProxyError::Forbidden { .. } => "Forbidden.RAM".into(),
            ProxyError::RegionMismatch { .. } => "Proxy.RegionMismatch".into(),
            ProxyError::MisdirectedHost(_) => "Proxy.MisdirectedRequest".into(),
            ProxyError::ForeignOrigin(_) => "Proxy.ForbiddenOrigin".into(),
            ProxyError::Overloaded => "Proxy.Overloaded".into(),
            ProxyError::RequestTimeout(_) => "Proxy.RequestTimeout".into(),
            ProxyError::CheckTimeout(_) => "Proxy.CheckTimeout".into(),
            ProxyError::UpstreamShape { .. } => "Proxy.UpstreamInvalidResponse".into(),
            ProxyError::UpstreamTimeout(_) => "Proxy.UpstreamTimeout".into(),
            ProxyError::UpstreamUnreachable(_) => "Proxy.UpstreamUnreachable".into(),
            ProxyError::UpstreamBroken(_) => "Proxy.UpstreamBroken".into(),
            ProxyError::StoreUnavailable(_) => "Proxy.StoreUnavailable".into(),
            ProxyError::CredentialsUnavailable(_) => "Proxy.CredentialsUnavailable".into(),
            ProxyError::OutcomeUnknown { .. } => "Proxy.OutcomeUnknown".into(),
            ProxyError::NoSubmission(_) => "Proxy.NotFound".into(),
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
            ProxyError::OutcomeUnknown { submission, .. } => json!({
                "RequestId": request_id,
                "HostId": HOST_ID,
                "Code": self.code(),
                "Message": self.to_string(),
                "SubmissionId": submission,
                "State": "unknown",
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

tokio::task_local! {
    /// The id of the request being served (set by the request layer, and for a submission's
    /// own task and the worker's calls about it), so that
    /// an error answers with the same id the logs and the audit line carry.
    pub static REQUEST_ID: String;
}

/// The id of the request being served, or `-` outside a request.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_owned())
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        let body = self.body(&current_request_id());
        let mut response = (status, axum::Json(body)).into_response();
        if matches!(self, ProxyError::Unauthorized(_)) {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response.extensions_mut().insert(ErrorCode(self.code()));
        response
    }
}

/// The code of an error answer, for the request log.
#[derive(Clone, Debug)]
pub struct ErrorCode(pub String);
