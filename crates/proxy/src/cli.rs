//! The `rds-backup-proxy` program: parse the flags, build the app, serve it with its
//! worker until SIGTERM. `main.rs` is only this call (and the allocator), so tests can run
//! the same program as a process of their own.

use crate::config::{Args, LogFormat, build};
use crate::{router, serve};
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

async fn wait(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

async fn run(args: Args) -> Result<(), String> {
    // Before any address is printed (see the emulator's `shutdown_signal`).
    let signalled = rds_backup_emulator::cli::shutdown_signal();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let started = build(&args).await?;
    if let (Some(listen), Some(state)) = (&args.emulator_listen, &started.emulator) {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen} for the emulator: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (state, stop) = (state.clone(), wait(stop_rx.clone()));
        tokio::spawn(async move {
            if let Err(e) = rds_backup_emulator::serve(listener, state, stop).await {
                tracing::error!("the embedded emulator's listener stopped: {e}");
            }
        });
        // The demo key is public (documented), not a secret.
        println!(
            "emulator: http://{addr} (key {} / {})",
            rds_backup_emulator::DEMO_KEY_ID,
            rds_backup_emulator::DEMO_KEY_SECRET
        );
    }
    let limits = started.app.limits;
    let app = Arc::new(started.app);
    if let Some(listen) = &args.metrics_listen {
        let handle = crate::telemetry::install()?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen} for metrics: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let metrics = crate::telemetry::router(app.clone(), handle);
        let stop = wait(stop_rx.clone());
        tokio::spawn(async move {
            let served = axum::serve(listener, metrics)
                .with_graceful_shutdown(stop)
                .await;
            if let Err(e) = served {
                tracing::error!("the metrics listener stopped: {e}");
            }
        });
        println!("metrics: http://{addr}/metrics");
    }
    tokio::spawn(crate::worker::run(app.clone(), stop_rx.clone()));
    tokio::spawn(crate::plan_run::run(app.clone(), stop_rx.clone()));
    if let Some(live) = app.upstream.live() {
        tokio::spawn(live.clone().run(stop_rx.clone()));
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("console: http://{addr}/");
    let _ = std::io::stdout().flush();
    tokio::spawn(async move {
        signalled.await;
        let _ = stop_tx.send(true);
    });
    serve::serve(listener, router(app), limits, wait(stop_rx))
        .await
        .map_err(|e| e.to_string())
}

/// `--healthcheck URL`: 0 when the URL answers 200 within 3 s, else 1; the answer (or why
/// there is none) on stdout.
async fn healthcheck(url: &str) -> ExitCode {
    let client = match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .no_proxy()
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            println!("healthcheck: {e}");
            return ExitCode::from(1);
        }
    };
    match client.get(url).send().await {
        Ok(r) => {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            println!("{} {body}", status.as_u16());
            if status == reqwest::StatusCode::OK {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            println!("healthcheck: {url}: {e}");
            ExitCode::from(1)
        }
    }
}

/// What is logged without RUST_LOG: warnings, and one line per request and per call to
/// the service.
const DEFAULT_LOG_FILTER: &str = "warn,rds_backup_proxy::start=info,\
    rds_backup_proxy::access=info,rds_backup_proxy::upstream=info";

/// Logs to stderr as text or as JSON lines, filtered by RUST_LOG. Lines are written by a
/// thread of their own (never lost: a full buffer waits), so a request does not wait for
/// stderr; the guard flushes them when the program ends.
fn init_logs(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    // An empty RUST_LOG is no RUST_LOG; one that does not parse is said, not ignored.
    let asked = std::env::var("RUST_LOG")
        .ok()
        .filter(|f| !f.trim().is_empty());
    let (filter, bad) = match asked.map(|f| (tracing_subscriber::EnvFilter::try_new(&f), f)) {
        Some((Ok(filter), _)) => (filter, None),
        Some((Err(e), f)) => (DEFAULT_LOG_FILTER.into(), Some(format!("{f:?}: {e}"))),
        None => (DEFAULT_LOG_FILTER.into(), None),
    };
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("rds-backup-proxy-logs")
        .finish(std::io::stderr());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        // Colours only on a terminal: never escape codes in journald or a file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
    if let Some(bad) = bad {
        tracing::warn!(target: crate::config::START, "RUST_LOG {bad}; logging with the default filter");
    }
    guard
}

/// Runs the proxy as the command line says; the exit code.
pub fn main() -> ExitCode {
    let args = Args::parse();
    let _logs = init_logs(args.log_format);
    let json = args.log_format == LogFormat::Json;
    if let Some(url) = &args.healthcheck {
        return match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(healthcheck(url)),
            Err(e) => {
                println!("healthcheck: cannot start the runtime: {e}");
                ExitCode::from(1)
            }
        };
    }
    let mut builder = match args.threads {
        // One thread: no work stealing and no wake-ups across threads.
        Some(1) => tokio::runtime::Builder::new_current_thread(),
        Some(n) => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(n.max(1));
            b
        }
        None => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rds-backup-proxy: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                tracing::error!(target: crate::config::START, "{e}");
            } else {
                eprintln!("rds-backup-proxy: {e}");
            }
            ExitCode::from(2)
        }
    }
}
