//! What operators watch: Prometheus metrics (the `metrics` crate and its Prometheus
//! exporter, served on `--metrics-listen`, never on the public listener), the request log
//! line (text or JSON), and the readiness checks.
//!
//! Labels are bounded: routes as templates, status classes, action names, outcomes and
//! the API's error codes; never a user name, an instance id or a request id.

use crate::App;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::Arc;
use std::time::Duration;

/// `rds_backup_proxy_requests_total{route, status_class}`.
pub const REQUESTS: &str = "rds_backup_proxy_requests_total";
/// `rds_backup_proxy_request_duration_seconds{route}`.
pub const REQUEST_SECONDS: &str = "rds_backup_proxy_request_duration_seconds";
/// `rds_backup_proxy_upstream_calls_total{action, outcome}`.
pub const UPSTREAM_CALLS: &str = "rds_backup_proxy_upstream_calls_total";
/// `rds_backup_proxy_upstream_call_duration_seconds{action}`.
pub const UPSTREAM_SECONDS: &str = "rds_backup_proxy_upstream_call_duration_seconds";
/// `rds_backup_proxy_create_backup_total{outcome, code}`.
pub const CREATE_BACKUP: &str = "rds_backup_proxy_create_backup_total";
/// `rds_backup_proxy_policy_denials_total{action}`.
pub const POLICY_DENIALS: &str = "rds_backup_proxy_policy_denials_total";
/// `rds_backup_proxy_credential_refreshes_total{result}`.
pub const CREDENTIAL_REFRESHES: &str = "rds_backup_proxy_credential_refreshes_total";
/// `rds_backup_proxy_credentials_expiry_seconds`: until the current key expires.
pub const CREDENTIALS_EXPIRY: &str = "rds_backup_proxy_credentials_expiry_seconds";
/// `rds_backup_proxy_store_operation_duration_seconds{operation}`.
pub const STORE_SECONDS: &str = "rds_backup_proxy_store_operation_duration_seconds";
/// `rds_backup_proxy_store_errors_total{operation}`.
pub const STORE_ERRORS: &str = "rds_backup_proxy_store_errors_total";
/// `rds_backup_proxy_backup_set_conflicts_total`: jobs that named a backup set the record
/// holds for another submission (recorded without it; each is a warning in the log).
pub const SET_CONFLICTS: &str = "rds_backup_proxy_backup_set_conflicts_total";
/// `rds_backup_proxy_jobs_in_flight`: submissions whose outcome or job has not ended.
pub const JOBS_IN_FLIGHT: &str = "rds_backup_proxy_jobs_in_flight";
/// `rds_backup_proxy_build_info{version}` = 1.
pub const BUILD_INFO: &str = "rds_backup_proxy_build_info";

/// Installs the process's metrics recorder (once); the handle renders the text format.
pub fn install() -> Result<PrometheusHandle, String> {
    let buckets = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    ];
    let handle = PrometheusBuilder::new()
        .set_buckets(&buckets)
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| format!("cannot install the metrics recorder: {e}"))?;
    describe();
    Ok(handle)
}

/// The `# HELP` of each metric.
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(REQUESTS, "Requests served, by route and status class.");
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer a request, by route."
    );
    describe_counter!(
        UPSTREAM_CALLS,
        "Calls to the RDS API, by action and outcome (ok, refused, timeout, unreachable, broken, no-credentials, invalid)."
    );
    describe_histogram!(
        UPSTREAM_SECONDS,
        Unit::Seconds,
        "Time for the RDS API to answer, by action."
    );
    describe_counter!(
        CREATE_BACKUP,
        "CreateBackup submissions, by outcome (sent, refused, denied, failed, unknown, not-started) and error code."
    );
    describe_counter!(POLICY_DENIALS, "Requests a policy refused, by action.");
    describe_counter!(
        CREDENTIAL_REFRESHES,
        "Refreshes of the proxy's temporary credentials, by result."
    );
    describe_gauge!(
        CREDENTIALS_EXPIRY,
        Unit::Seconds,
        "Seconds until the current temporary key expires."
    );
    describe_histogram!(
        STORE_SECONDS,
        Unit::Seconds,
        "Time for an operation on the record of submissions."
    );
    describe_counter!(STORE_ERRORS, "Operations on the record that failed.");
    describe_counter!(
        SET_CONFLICTS,
        "Backup jobs that named a backup set the record holds for another submission."
    );
    describe_gauge!(
        JOBS_IN_FLIGHT,
        "Submissions whose outcome is unknown or whose backup job has not ended."
    );
    describe_gauge!(BUILD_INFO, "Always 1; the version as a label.");
}

/// A request path as a bounded route label.
pub fn route_label(path: &str) -> &'static str {
    const ROUTES: &[&str] = &[
        "/api/backups",
        "/api/instances",
        "/api/backup-tasks",
        "/api/history",
        "/api/plans",
        "/api/config",
        "/api/health",
        "/api/health/live",
        "/api/health/ready",
    ];
    if let Some(r) = ROUTES.iter().find(|r| **r == path) {
        return r;
    }
    if path.starts_with("/api/instances/") {
        "/api/instances/{id}"
    } else if path.starts_with("/api/history/") {
        "/api/history/{id}"
    } else if let Some(rest) = path.strip_prefix("/api/plans/") {
        if rest.ends_with("/run") {
            "/api/plans/{id}/run"
        } else if rest.ends_with("/events") {
            "/api/plans/{id}/events"
        } else {
            "/api/plans/{id}"
        }
    } else if path.starts_with("/api/") {
        "/api/other"
    } else {
        "static"
    }
}

/// `2xx`, `4xx`, ...
pub fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// One request served.
pub fn request(route: &'static str, status: u16, elapsed: Duration) {
    metrics::counter!(REQUESTS, "route" => route, "status_class" => status_class(status))
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route).record(elapsed.as_secs_f64());
}

/// One call to the service (the action is one of the few the proxy makes).
pub fn upstream(action: &str, outcome: &'static str, elapsed: Duration) {
    metrics::counter!(UPSTREAM_CALLS, "action" => action.to_owned(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!(UPSTREAM_SECONDS, "action" => action.to_owned())
        .record(elapsed.as_secs_f64());
}

/// One CreateBackup attempt's outcome and code (the API's codes are a bounded set).
pub fn create_backup(outcome: &'static str, code: Option<&str>) {
    let code: String = code
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .take(64)
        .collect();
    metrics::counter!(CREATE_BACKUP, "outcome" => outcome, "code" => code).increment(1);
}

/// A policy said no.
pub fn denial(action: &str) {
    metrics::counter!(POLICY_DENIALS, "action" => action.to_owned()).increment(1);
}

/// One store operation, how long it took and whether it failed.
pub fn store(operation: &'static str, elapsed: Duration, ok: bool) {
    metrics::histogram!(STORE_SECONDS, "operation" => operation).record(elapsed.as_secs_f64());
    if !ok {
        metrics::counter!(STORE_ERRORS, "operation" => operation).increment(1);
    }
}

/// A job named a backup set the record holds for another submission.
pub fn set_conflict() {
    metrics::counter!(SET_CONFLICTS).increment(1);
}

/// Runs one store operation, timing it.
pub async fn timed<T, E>(
    operation: &'static str,
    op: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = std::time::Instant::now();
    let r = op.await;
    store(operation, started.elapsed(), r.is_ok());
    r
}

/// Samples what is read, not counted, just before a scrape.
async fn sample(app: &App) {
    metrics::gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    if let Some(live) = app.upstream.live() {
        let s = live.status();
        metrics::counter!(CREDENTIAL_REFRESHES, "result" => "ok").absolute(s.refreshes);
        metrics::counter!(CREDENTIAL_REFRESHES, "result" => "failed").absolute(s.failures);
        if let Some(left) = s.seconds_left() {
            #[allow(clippy::cast_precision_loss)]
            metrics::gauge!(CREDENTIALS_EXPIRY).set(left as f64);
        }
    }
    if let Ok(n) = app.store.count_open().await {
        #[allow(clippy::cast_precision_loss)]
        metrics::gauge!(JOBS_IN_FLIGHT).set(n as f64);
    }
}

async fn scrape(State((app, handle)): State<(Arc<App>, PrometheusHandle)>) -> impl IntoResponse {
    sample(&app).await;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
}

/// `GET /metrics`, for the metrics listener.
pub fn router(app: Arc<App>, handle: PrometheusHandle) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state((app, handle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_statuses_are_bounded_labels() {
        assert_eq!(
            route_label("/api/instances/rm-secret-id"),
            "/api/instances/{id}"
        );
        assert_eq!(route_label("/api/history/ABC"), "/api/history/{id}");
        assert_eq!(route_label("/api/whatever/x"), "/api/other");
        assert_eq!(route_label("/api/plans/P-1/run"), "/api/plans/{id}/run");
        assert_eq!(route_label("/api/plans/P-1"), "/api/plans/{id}");
        assert_eq!(route_label("/app-1.js"), "static");
        assert_eq!(status_class(503), "5xx");
    }
}
