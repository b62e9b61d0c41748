//! `rds-backup-proxy`: serves the console and signs its requests. Without credentials it
//! runs a local emulator in the same process (demo mode).
#![forbid(unsafe_code)]

use clap::Parser;
use rds_backup_core::{Credentials, Endpoint, endpoint::KNOWN_REGIONS};
use rds_backup_credentials as credentials;
use rds_backup_proxy::access::{self, Access, AuditLog};
use rds_backup_proxy::upstream::{Target, Upstream};
use rds_backup_proxy::{App, Mode, router};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Serves the RDS backup console and signs its CreateBackup requests with V3.
///
/// Credentials: --profile NAME from ~/.aliyun/config.json (AK, StsToken), else
/// ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / ALIBABA_CLOUD_SECURITY_TOKEN. Without any,
/// or with --demo, it starts a local emulator in the same process and says so.
#[derive(Parser)]
#[command(name = "rds-backup-proxy", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// The built console (Trunk's output).
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Send every call to this endpoint (e.g. http://127.0.0.1:18080 for an emulator)
    /// instead of the region's official endpoint.
    #[arg(long)]
    upstream: Option<String>,
    /// A profile of ~/.aliyun/config.json.
    #[arg(long)]
    profile: Option<String>,
    /// Use the embedded emulator even if credentials are configured.
    #[arg(long)]
    demo: bool,
    /// In demo mode: also serve the embedded emulator (the same instances and jobs the
    /// console shows) on this address, for the SDK snippets or the CLI. Off by default.
    #[arg(long, value_name = "ADDR")]
    emulator_listen: Option<String>,
    /// In demo mode: how long the emulator's backup jobs take, in seconds.
    #[arg(long, default_value_t = 4)]
    demo_job_seconds: u32,
    /// An origin allowed to call the API from another site (repeatable; none by default).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// Bearer tokens: a JSON file {"<token>": "<user name>"}; without it no token is needed.
    #[arg(long)]
    tokens: Option<PathBuf>,
    /// Per-user RAM policies: a JSON file {"<user>": <policy>, "*": <policy>}.
    #[arg(long)]
    policies: Option<PathBuf>,
    /// Append the audit log (JSON lines) to this file instead of stderr.
    #[arg(long)]
    audit_log: Option<PathBuf>,
    /// Seconds to wait for the RDS endpoint (to connect, and for the whole answer).
    #[arg(long, default_value_t = 10)]
    upstream_timeout: u64,
    /// Worker threads (default: one per CPU; 1 runs everything on the main thread).
    #[arg(long)]
    threads: Option<usize>,
}

/// The host demo calls are signed for: they never leave the process.
const DEMO_ENDPOINT: &str = "http://emulator.localhost";

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

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
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config_path = credentials::default_config_path(home);
    let loaded = if args.demo {
        None
    } else {
        match credentials::load(
            args.profile.as_deref(),
            |k| std::env::var(k).ok(),
            config_path.as_deref(),
        ) {
            Ok(l) => Some(l),
            Err(credentials::Error::NotConfigured) if args.profile.is_none() => None,
            Err(e) => return Err(e.to_string()),
        }
    };
    if args.emulator_listen.is_some() && loaded.is_some() {
        return Err("--emulator-listen needs demo mode (no credentials, or --demo)".into());
    }
    let (mode, upstream, regions) = match loaded {
        Some(l) => {
            let target = match &args.upstream {
                Some(u) => Target::Fixed(Endpoint::parse_override(u).map_err(|e| e.to_string())?),
                None => Target::Regional,
            };
            eprintln!("rds-backup-proxy: live, credentials from {}", l.source);
            (
                Mode::Live,
                Upstream::new(
                    target,
                    l.credentials,
                    Duration::from_secs(args.upstream_timeout.max(1)),
                )?,
                KNOWN_REGIONS.iter().map(|s| (*s).to_owned()).collect(),
            )
        }
        None => {
            let state = rds_backup_emulator::Config {
                job_ms: i64::from(args.demo_job_seconds) * 1000,
                ..rds_backup_emulator::Config::default()
            }
            .into_state();
            eprintln!("rds-backup-proxy: demo mode, requests go to an emulator in this process");
            if let Some(listen) = &args.emulator_listen {
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
            let endpoint = Endpoint::parse_override(DEMO_ENDPOINT).map_err(|e| e.to_string())?;
            let demo = Credentials::new(
                rds_backup_emulator::DEMO_KEY_ID,
                rds_backup_emulator::DEMO_KEY_SECRET,
            );
            (
                Mode::Demo,
                Upstream::in_process(rds_backup_emulator::server::router(state), endpoint, demo),
                vec!["cn-hangzhou".into(), "ap-southeast-1".into()],
            )
        }
    };
    let access = Access {
        tokens: args
            .tokens
            .as_ref()
            .map(read)
            .transpose()?
            .map(|t| access::read_tokens(&t))
            .transpose()?,
        policies: args
            .policies
            .as_ref()
            .map(read)
            .transpose()?
            .map(|t| access::read_policies(&t))
            .transpose()?,
    };
    let audit: Box<dyn Write + Send> = match &args.audit_log {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot open {}: {e}", path.display()))?,
        ),
        None => Box::new(std::io::stderr()),
    };
    let mut app = App::new(upstream, access, AuditLog::new(audit), mode, regions);
    app.dist = Some(args.dist.clone());
    app.allow_origins = args.allow_origin.clone();
    if !args.dist.join("index.html").is_file() {
        eprintln!(
            "rds-backup-proxy: no console at {} (build it with scripts/run.sh); serving the API only",
            args.dist.display()
        );
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("console: http://{addr}/");
    let _ = std::io::stdout().flush();
    tokio::spawn(shutdown_signal(stop_tx));
    axum::serve(listener, router(Arc::new(app)))
        .with_graceful_shutdown(wait(stop_rx))
        .await
        .map_err(|e| e.to_string())
}

// Many small, short-lived allocations per call (headers, the signed request, JSON):
// mimalloc serves them faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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
