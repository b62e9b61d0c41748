//! An ECS instance metadata service (`--metadata-listen`): IMDSv2 tokens
//! (`PUT /latest/api/token`) and v1, the instance's RAM role and its STS credentials,
//! which rotate before they expire; and a credentials URI (`GET /credentials`, for
//! `ALIBABA_CLOUD_CREDENTIALS_URI`). The credentials are keys the emulator's STS issued:
//! its RDS side accepts them until they expire. Counts what it served, so tests can see
//! how many refreshes ran and whether two ever overlapped.

use crate::state::State;
use crate::sts::Issued;
use axum::Router;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use rds_backup_core::UtcTime;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The IMDSv2 token header.
pub const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
/// The header asking for a token's lifetime.
pub const TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";

/// What the metadata service counted.
#[derive(Debug, Default)]
pub struct Stats {
    /// Credential requests served (role credentials and the URI).
    pub credential_requests: AtomicU64,
    /// IMDSv2 tokens handed out.
    pub tokens: AtomicU64,
    /// Credential requests being served right now.
    pub in_flight: AtomicI64,
    /// The most that were ever served at once.
    pub max_in_flight: AtomicI64,
    /// Keys issued (rotations).
    pub issued: AtomicU64,
}

/// The instance's metadata.
pub struct Metadata {
    /// The instance's RAM role.
    pub role: String,
    /// How long the role's credentials last, in seconds.
    pub credential_secs: i64,
    /// Refuse requests without an IMDSv2 token (IMDSv1 off).
    pub require_token: bool,
    /// Milliseconds each credential request takes (to make overlapping refreshes visible).
    pub delay_ms: AtomicI64,
    /// Counts.
    pub stats: Stats,
    tokens: Mutex<HashMap<String, i64>>,
    current: Mutex<Option<Issued>>,
}

impl Metadata {
    /// The metadata of an instance with `role`, whose credentials last `credential_secs`.
    pub fn new(role: &str, credential_secs: i64) -> Metadata {
        Metadata {
            role: role.to_owned(),
            credential_secs,
            require_token: false,
            delay_ms: AtomicI64::new(0),
            stats: Stats::default(),
            tokens: Mutex::default(),
            current: Mutex::new(None),
        }
    }

    /// The role's credentials now: the current key, or a new one when a third or less
    /// of its life is left (the old one stays valid until it expires).
    fn credentials(&self, state: &State) -> Issued {
        let now = state.clock.now_ms();
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh = current
            .as_ref()
            .is_some_and(|k| k.expires_ms - now > self.credential_secs * 1000 / 3);
        if !fresh {
            let arn = format!(
                "acs:ram::{}:role/{}",
                crate::fleet::DEMO_ACCOUNT_ID,
                self.role
            );
            let n = self.stats.issued.fetch_add(1, Ordering::Relaxed);
            *current = Some(
                state
                    .sts
                    .issue(&arn, &format!("ecs|{n}"), now, self.credential_secs),
            );
        }
        current
            .clone()
            .unwrap_or_else(|| state.sts.issue("role", "none", now, 1))
    }

    fn token_ok(&self, state: &State, headers: &HeaderMap) -> bool {
        let now = state.clock.now_ms();
        match headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()) {
            Some(t) => self
                .tokens
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(t)
                .is_some_and(|exp| *exp > now),
            None => !self.require_token,
        }
    }
}

type Shared = (Arc<State>, Arc<Metadata>);

async fn token(AxState((state, meta)): AxState<Shared>, headers: HeaderMap) -> Response {
    let ttl = headers
        .get(TTL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let Some(ttl) = ttl.filter(|t| (1..=21_600).contains(t)) else {
        return (
            StatusCode::BAD_REQUEST,
            "the token ttl must be 1 to 21600 seconds",
        )
            .into_response();
    };
    let mut raw = [0u8; 16];
    let _ = getrandom::fill(&mut raw);
    let t = rds_backup_core::sign::hex_lower(&raw);
    meta.tokens
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(t.clone(), state.clock.now_ms() + ttl * 1000);
    meta.stats.tokens.fetch_add(1, Ordering::Relaxed);
    t.into_response()
}

async fn role(AxState((state, meta)): AxState<Shared>, headers: HeaderMap) -> Response {
    if !meta.token_ok(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    meta.role.clone().into_response()
}

/// Serves one credential request, counting overlaps.
async fn credentials_body(state: &State, meta: &Metadata) -> serde_json::Value {
    let now_in = meta.stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    meta.stats.max_in_flight.fetch_max(now_in, Ordering::SeqCst);
    meta.stats
        .credential_requests
        .fetch_add(1, Ordering::Relaxed);
    let delay = meta.delay_ms.load(Ordering::Relaxed);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay.unsigned_abs())).await;
    }
    let k = meta.credentials(state);
    meta.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    json!({
        "AccessKeyId": k.id,
        "AccessKeySecret": k.secret.expose(),
        "SecurityToken": k.token.expose(),
        "Expiration": UtcTime::from_unix(k.expires_ms.div_euclid(1000)).to_string(),
        "LastUpdated": UtcTime::from_unix(state.clock.now_ms().div_euclid(1000)).to_string(),
        "Code": "Success",
    })
}

async fn role_credentials(
    AxState((state, meta)): AxState<Shared>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !meta.token_ok(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if name != meta.role {
        return (StatusCode::NOT_FOUND, "no such role").into_response();
    }
    axum::Json(credentials_body(&state, &meta).await).into_response()
}

async fn uri(AxState((state, meta)): AxState<Shared>) -> Response {
    axum::Json(credentials_body(&state, &meta).await).into_response()
}

async fn stats(AxState((_, meta)): AxState<Shared>) -> Response {
    let s = &meta.stats;
    axum::Json(json!({
        "credential_requests": s.credential_requests.load(Ordering::Relaxed),
        "tokens": s.tokens.load(Ordering::Relaxed),
        "max_in_flight": s.max_in_flight.load(Ordering::Relaxed),
        "issued": s.issued.load(Ordering::Relaxed),
    }))
    .into_response()
}

/// The metadata service's routes.
pub fn router(state: Arc<State>, meta: Arc<Metadata>) -> Router {
    Router::new()
        .route("/latest/api/token", put(token))
        .route("/latest/meta-data/ram/security-credentials/", get(role))
        .route(
            "/latest/meta-data/ram/security-credentials/{name}",
            get(role_credentials),
        )
        .route("/credentials", get(uri))
        .route("/__stats", get(stats))
        .with_state((state, meta))
}
