//! The `rds-backup-proxy` program: parse the flags, build the app, serve it with its
//! worker until SIGTERM. `main.rs` is only this call (and the allocator), so tests can run
//! the same program as a process of their own.

use crate::config::{Args, build};
use crate::{router, serve};
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

async fn shutdown_signal(tx: tokio::sync::watch::Sender<bool>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    let _ = tx.send(true);
}

async fn wait(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

async fn run(args: Args) -> Result<(), String> {
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
    tokio::spawn(crate::worker::run(app.clone(), stop_rx.clone()));
    if let Some(live) = app.upstream.live() {
        tokio::spawn(live.clone().run(stop_rx.clone()));
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("console: http://{addr}/");
    let _ = std::io::stdout().flush();
    tokio::spawn(shutdown_signal(stop_tx));
    serve::serve(listener, router(app), limits, wait(stop_rx))
        .await
        .map_err(|e| e.to_string())
}

/// Runs the proxy as the command line says; the exit code.
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
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
            eprintln!("rds-backup-proxy: {e}");
            ExitCode::from(2)
        }
    }
}
