//! The signing proxy: the console's back end. The browser never holds credentials;
//! it posts the composed request here, the proxy re-validates it with core against
//! the instance's real engine and storage, checks the caller's policy, signs with V3
//! and forwards it once. It also serves the built console.
#![forbid(unsafe_code)]

pub mod access;
pub mod api;
pub mod assets;
pub mod error;
pub mod policy;
pub mod upstream;

use access::{Access, AuditLog};
use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::routing::{any, get, post};
use rds_backup_core::Region;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tower_http::cors::{AllowOrigin, CorsLayer};
use upstream::Upstream;

/// Demo (a local emulator) or live (Alibaba Cloud).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Requests go to a local emulator.
    Demo,
    /// Requests go to Alibaba Cloud.
    Live,
}

impl Mode {
    /// `"demo"` or `"live"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Demo => "demo",
            Mode::Live => "live",
        }
    }

    /// What the console shows.
    pub const fn message(self) -> &'static str {
        match self {
            Mode::Demo => "Demo mode: requests go to a local emulator",
            Mode::Live => "Live: requests go to Alibaba Cloud with the proxy's credentials",
        }
    }
}

/// Everything the handlers share.
pub struct App {
    /// The signing client.
    pub upstream: Upstream,
    /// Tokens and policies.
    pub access: Access,
    /// The audit log.
    pub audit: AuditLog,
    /// Demo or live.
    pub mode: Mode,
    /// The regions the console offers.
    pub regions: Vec<String>,
    /// The built console, if any.
    pub dist: Option<PathBuf>,
    /// Origins allowed to call the API from another site (none: same origin only).
    pub allow_origins: Vec<String>,
    /// How long an instance's attributes are trusted.
    pub cache_ttl: Duration,
    cache: Mutex<HashMap<(String, String), (Instant, Value)>>,
    seed: u64,
    counter: AtomicU64,
}

impl App {
    /// A new app.
    pub fn new(
        upstream: Upstream,
        access: Access,
        audit: AuditLog,
        mode: Mode,
        regions: Vec<String>,
    ) -> App {
        let mut seed = [0u8; 8];
        let _ = getrandom::fill(&mut seed);
        App {
            upstream,
            access,
            audit,
            mode,
            regions,
            dist: None,
            allow_origins: Vec::new(),
            cache_ttl: Duration::from_secs(10),
            cache: Mutex::new(HashMap::new()),
            seed: u64::from_le_bytes(seed),
            counter: AtomicU64::new(0),
        }
    }

    /// A request id for the proxy's own answers.
    pub fn request_id(&self) -> String {
        rds_backup_core::report::request_id(self.seed, self.counter.fetch_add(1, Ordering::Relaxed))
    }

    /// Seconds since the epoch (for audit records).
    pub fn now_secs(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    fn cached(&self, region: &Region, id: &str) -> Option<Value> {
        let cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .get(&(region.to_string(), id.to_owned()))
            .filter(|(at, _)| at.elapsed() < self.cache_ttl)
            .map(|(_, v)| v.clone())
    }

    fn remember(&self, region: &Region, id: &str, attr: Value) {
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < self.cache_ttl);
        }
        cache.insert((region.to_string(), id.to_owned()), (Instant::now(), attr));
    }
}

/// The router: the API, the console, CORS when origins are allowed, request tracing.
pub fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route("/api/health", get(api::health))
        .route("/api/config", get(api::config))
        .route("/api/backups", post(api::create_backup))
        .route("/api/instances", get(api::list_instances))
        .route("/api/instances/{id}", get(api::instance_detail))
        .route("/api/backup-tasks", get(api::backup_tasks))
        .route("/api/{*rest}", any(api::no_route));
    let mut router = api
        .merge(assets::router(app.dist.clone()))
        .with_state(app.clone());
    if !app.allow_origins.is_empty() {
        let origins: Vec<HeaderValue> = app
            .allow_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .max_age(Duration::from_secs(600)),
        );
    }
    router.layer(tower_http::trace::TraceLayer::new_for_http())
}
