//! `rds-emulator`: a local RDS endpoint that behaves like the real service for CreateBackup
//! and the calls around it.
#![forbid(unsafe_code)]

use clap::Parser;
use rds_backup_emulator::{AccessKey, Config, DEMO_KEY_ID, Fleet, serve};
use std::io::Write;
use std::process::ExitCode;

/// A local Alibaba Cloud RDS endpoint: verifies V3/V2 signatures, enforces the CreateBackup
/// rules and preconditions, and runs backup jobs in memory.
#[derive(Parser)]
#[command(name = "rds-emulator", version, after_help = AFTER_HELP)]
struct Args {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:18080")]
    listen: String,
    /// A fleet file (JSON, see the emulator's README); default: the built-in demo fleet.
    #[arg(long)]
    fleet: Option<std::path::PathBuf>,
    /// An accepted AccessKey as ID:SECRET or ID:SECRET:STS_TOKEN (repeatable).
    /// Default: RDS_EMULATOR_ACCESS_KEYS=id:secret,..., else the demo pair.
    #[arg(long = "access-key", value_name = "ID:SECRET")]
    access_keys: Vec<String>,
    /// How long a backup job takes, in seconds.
    #[arg(long, default_value_t = 4.0)]
    job_seconds: f64,
    /// How long after its job ends a backup set shows in DescribeBackups, in seconds.
    #[arg(long, default_value_t = 2.0)]
    backup_list_lag_seconds: f64,
    /// Accept a replayed nonce, so a load generator can repeat one signed request.
    /// For load benchmarks only: it turns off replay protection.
    #[arg(long)]
    bench_allow_replay: bool,
}

const AFTER_HELP: &str = "\
Without keys it accepts the demo pair:
  AccessKey id     emulator-demo-key-id
  AccessKey secret emulator-demo-key-secret

Point an official SDK at it with endpoint '127.0.0.1:18080' and protocol 'http'.
When ready it prints one line: listening on http://ADDR";

fn keys(args: &Args) -> Result<Vec<AccessKey>, String> {
    let from_env = std::env::var("RDS_EMULATOR_ACCESS_KEYS").unwrap_or_default();
    let specs: Vec<String> = if args.access_keys.is_empty() {
        from_env
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_owned())
            .collect()
    } else {
        args.access_keys.clone()
    };
    specs.iter().map(|s| AccessKey::parse(s)).collect()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

// The same allocator as the proxy, so that benchmarks compare like with like.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let fail = |msg: String| {
        eprintln!("rds-emulator: {msg}");
        ExitCode::from(2)
    };
    let keys = match keys(&args) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let fleet = match &args.fleet {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match Fleet::from_json(&text) {
                Ok(f) => f,
                Err(e) => return fail(format!("{}: {e}", path.display())),
            },
            Err(e) => return fail(format!("cannot read {}: {e}", path.display())),
        },
        None => Fleet::demo(),
    };
    if !(args.job_seconds.is_finite() && args.job_seconds >= 0.0 && args.job_seconds <= 86_400.0) {
        return fail("--job-seconds must be between 0 and 86400".into());
    }
    if !(args.backup_list_lag_seconds.is_finite()
        && (0.0..=3600.0).contains(&args.backup_list_lag_seconds))
    {
        return fail("--backup-list-lag-seconds must be between 0 and 3600".into());
    }
    let demo = keys.is_empty();
    let config = Config {
        fleet,
        keys,
        // Bounded above: the cast cannot overflow.
        job_ms: (args.job_seconds * 1000.0).round() as i64,
        check_replay: !args.bench_allow_replay,
        // Bounded above: the cast cannot overflow.
        backup_list_lag_ms: (args.backup_list_lag_seconds * 1000.0).round() as i64,
        ..Config::default()
    };
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {}: {e}", args.listen)),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return fail(e.to_string()),
    };
    if args.bench_allow_replay {
        eprintln!(
            "rds-emulator: replay protection is OFF (--bench-allow-replay): for load benchmarks only"
        );
    }
    if demo {
        eprintln!("rds-emulator: accepting the demo key {DEMO_KEY_ID} (its secret is in --help)");
    }
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    match serve(listener, config.into_state(), shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e.to_string()),
    }
}
