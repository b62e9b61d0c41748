//! The signing proxy: the console's back end. The browser never holds credentials; it
//! posts the composed request here, the proxy learns who is calling, looks the instance
//! up, checks the caller's policies on the real instance, re-validates the request with
//! core against its real engine and storage, signs with V3 and forwards it once. It also
//! serves the built console.
#![forbid(unsafe_code)]

pub mod api;
pub mod assets;
pub mod audit;
pub mod cli;
pub mod config;
pub mod error;
pub mod identity;
pub mod lookup;
pub mod plan_run;
pub mod plans;
pub mod policy;
pub mod serve;
pub mod site;
pub mod telemetry;
pub mod upstream;
pub mod worker;

use audit::AuditLog;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use error::{ProxyError, REQUEST_ID};
use identity::Auth;
use lookup::InstanceCache;
use policy::Authorizer;
use rds_backup_store::Store;
use serve::Limits;
use site::Site;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use upstream::Upstream;
use worker::{Pace, Wake};

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
    /// How callers are identified.
    pub auth: Auth,
    /// What they may do.
    pub authz: Authorizer,
    /// The audit log.
    pub audit: AuditLog,
    /// Demo or live.
    pub mode: Mode,
    /// The regions the console offers.
    pub regions: Vec<String>,
    /// The built console, if any.
    pub dist: Option<PathBuf>,
    /// What browsers may do: hosts, origins, framing.
    pub site: Site,
    /// Timeouts and limits.
    pub limits: Limits,
    /// How long an instance's attributes are trusted.
    pub cache_ttl: Duration,
    /// The record of submissions and jobs.
    pub store: Store,
    /// This process, as the holder of leases in the store.
    pub owner: String,
    /// How the background worker paces itself.
    pub pace: Pace,
    /// Wakes the worker.
    pub wake: Wake,
    /// The most a plan's run may ask for.
    pub plan_limits: plan_run::PlanLimits,
    /// The pace of all running plans' CreateBackup calls together.
    pub plan_pacer: plan_run::Pacer,
    /// The plans this process drives now.
    pub driving: std::sync::Mutex<std::collections::HashSet<String>>,
    cache: InstanceCache,
    /// Pages of instances per caller (`GET /api/instances`).
    pub searches: lookup::SearchCache,
    seed: u64,
    counter: AtomicU64,
}

impl App {
    /// A new app: no authentication, no policies, default limits.
    pub fn new(
        upstream: Upstream,
        store: Store,
        audit: AuditLog,
        mode: Mode,
        regions: Vec<String>,
    ) -> App {
        let mut seed = [0u8; 8];
        let _ = getrandom::fill(&mut seed);
        let seed = u64::from_le_bytes(seed);
        App {
            upstream,
            auth: Auth::None,
            authz: Authorizer(None),
            audit,
            mode,
            regions,
            dist: None,
            site: Site::default(),
            limits: Limits::default(),
            cache_ttl: Duration::from_secs(10),
            cache: InstanceCache::default(),
            searches: lookup::SearchCache::default(),
            store,
            owner: format!("proxy-{}-{seed:016x}", std::process::id()),
            plan_limits: plan_run::PlanLimits::default(),
            plan_pacer: plan_run::Pacer::default(),
            driving: std::sync::Mutex::default(),
            pace: Pace::default(),
            wake: Wake::default(),
            seed,
            counter: AtomicU64::new(0),
        }
    }

    /// A new request id (shaped like the service's).
    pub fn request_id(&self) -> String {
        rds_backup_core::report::request_id(self.seed, self.counter.fetch_add(1, Ordering::Relaxed))
    }

    /// Seconds since the epoch (for audit records).
    pub fn now_secs(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// Where the caller a request turned out to have is written, for its log line.
#[derive(Clone, Debug, Default)]
pub struct CallerSlot(pub Arc<std::sync::OnceLock<String>>);

/// Gives every request an id (in its extensions for handlers and the audit, for the error
/// body through the task-local [`REQUEST_ID`], in the `x-request-id` answer header), then
/// counts it (metrics) and logs one line: id, method, route, status, duration, caller.
async fn observe(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let id = app.request_id();
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = telemetry::route_label(req.uri().path());
    let slot = CallerSlot::default();
    req.extensions_mut().insert(api::RequestId(id.clone()));
    req.extensions_mut().insert(api::RequestStarted(started));
    req.extensions_mut().insert(slot.clone());
    let mut response = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    telemetry::request(route, status, elapsed);
    let code = response
        .extensions()
        .get::<error::ErrorCode>()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    tracing::info!(
        target: "rds_backup_proxy::access",
        request_id = %id,
        method = %method,
        route,
        status,
        duration_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3,
        caller = slot.0.get().map_or("-", String::as_str),
        code = %code,
        "request"
    );
    response
}

/// The refusals of the limit layers, as the proxy's errors.
async fn limit_error(app: Arc<App>, err: tower::BoxError) -> Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        ProxyError::RequestTimeout(app.limits.request_timeout.as_secs()).into_response()
    } else {
        ProxyError::Overloaded.into_response()
    }
}

/// The router: the API and the console behind the request id, the limits, the
/// Host/Origin guard and CORS when origins are allowed.
pub fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route("/api/health", get(api::ready))
        .route("/api/health/live", get(api::live))
        .route("/api/health/ready", get(api::ready))
        .route("/api/config", get(api::config))
        .route("/api/backups", post(api::create_backup))
        .route("/api/instances", get(api::list_instances))
        .route("/api/instances/{id}", get(api::instance_detail))
        .route("/api/backup-tasks", get(api::backup_tasks))
        .route("/api/history", get(api::history))
        .route("/api/history/{id}", get(api::history_item))
        .route("/api/plans", post(plans::create_plan))
        .route(
            "/api/plans/{id}",
            get(plans::get_plan).delete(plans::cancel_plan),
        )
        .route("/api/plans/{id}/run", post(plans::run_plan))
        .route("/api/plans/{id}/events", get(plans::plan_events))
        .route("/api/{*rest}", any(api::no_route));
    let mut router = api
        .merge(assets::router(app.dist.as_deref(), &app.site))
        .with_state(app.clone());
    if !app.site.allow_origins.is_empty() {
        let origins: Vec<HeaderValue> = app
            .site
            .allow_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::DELETE])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .expose_headers([header::HeaderName::from_static("x-request-id")])
                .max_age(Duration::from_secs(600)),
        );
    }
    let on_limit = {
        let app = app.clone();
        move |err: tower::BoxError| limit_error(app.clone(), err)
    };
    router
        .layer(middleware::from_fn_with_state(app.clone(), site::guard))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(on_limit))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    app.limits.max_concurrent_requests.max(1),
                ))
                .timeout(app.limits.request_timeout),
        )
        .layer(middleware::from_fn_with_state(app.clone(), observe))
}
