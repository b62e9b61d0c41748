//! The `rds-emulator` program: flags, keys, fleet, STS, metadata, TLS, serve. `main.rs` is
//! only this call (and the allocator), so tests can run it as a process of their own.

use crate::{AccessKey, Config, DEMO_KEY_ID, Fleet, serve};
use clap::Parser;
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
    #[arg(long, conflicts_with = "generate_fleet")]
    fleet: Option<std::path::PathBuf>,
    /// Serve a generated fleet of N instances (every engine and storage kind, four
    /// regions; some stopped, locked, read-only, empty, at the daily limit).
    #[arg(long, value_name = "N")]
    generate_fleet: Option<usize>,
    /// Print the generated fleet of N instances as a fleet file and exit (for
    /// `rds-backup-proxy --demo-fleet`).
    #[arg(long, value_name = "N")]
    write_fleet: Option<usize>,
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
    /// STS: the longest a key it issues lives, in seconds (shorter than asked, for tests).
    #[arg(long, value_name = "SECONDS")]
    sts_duration: Option<i64>,
    /// STS: derive the keys it issues from what was asked (role, session, caller), so two
    /// clients asking the same get the same key id. For tests that compare libraries.
    #[arg(long)]
    sts_deterministic: bool,
    /// STS: the identity provider's keys (a JWKS file) that AssumeRoleWithOIDC trusts.
    #[arg(long, value_name = "FILE")]
    oidc_jwks: Option<std::path::PathBuf>,
    /// Also serve an ECS instance metadata service (IMDSv2 and v1, the role's
    /// credentials, and a credentials URI at /credentials) on this address.
    #[arg(long, value_name = "ADDR")]
    metadata_listen: Option<String>,
    /// The metadata service's RAM role.
    #[arg(long, default_value = "EcsRamRoleDemo")]
    metadata_role: String,
    /// How long the metadata service's credentials last, in seconds.
    #[arg(long, default_value_t = 3600)]
    metadata_credential_seconds: i64,
    /// The metadata service refuses requests without an IMDSv2 token.
    #[arg(long)]
    metadata_imdsv1_disabled: bool,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// Throttle a share of CreateBackup calls (0 to 1, e.g. 0.2: one in five), answered
    /// `Throttling.User` with `x-acs-retry-after` and not executed.
    #[arg(long, value_name = "SHARE")]
    throttle_share: Option<f64>,
    /// The `x-acs-retry-after` of a throttled call, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    throttle_retry_after_ms: u64,
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

/// SIGINT or SIGTERM. The handlers are in place when this returns, not when the future is
/// first polled: a signal sent as soon as the address is printed is not lost (before, a
/// SIGTERM sent right after the first answer could be, and the emulator ran on). The
/// proxy's program waits on it too.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        let wait = |s: Option<Signal>| async move {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        async move {
            tokio::select! { () = wait(interrupt) => {}, () = wait(terminate) => {} }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the emulator as the command line says; the exit code.
#[tokio::main]
pub async fn main() -> ExitCode {
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
    if let Some(n) = args.write_fleet {
        return match serde_json::to_string_pretty(&Fleet::generated(n)) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e.to_string()),
        };
    }
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
        None => match args.generate_fleet {
            Some(n) => Fleet::generated(n),
            None => Fleet::demo(),
        },
    };
    if !(args.job_seconds.is_finite() && args.job_seconds >= 0.0 && args.job_seconds <= 86_400.0) {
        return fail("--job-seconds must be between 0 and 86400".into());
    }
    if !(args.backup_list_lag_seconds.is_finite()
        && (0.0..=3600.0).contains(&args.backup_list_lag_seconds))
    {
        return fail("--backup-list-lag-seconds must be between 0 and 3600".into());
    }
    let throttle = match args.throttle_share {
        None => None,
        Some(s) if s.is_finite() && s > 0.0 && s <= 1.0 => Some(crate::state::Throttle {
            // Bounded: 1 / share is at least 1 and finite.
            every: (1.0 / s).round().max(1.0) as u64,
            retry_after_ms: args.throttle_retry_after_ms,
        }),
        Some(_) => return fail("--throttle-share must be above 0 and at most 1".into()),
    };
    let demo = keys.is_empty();
    let config = Config {
        fleet,
        keys,
        // Bounded above: the cast cannot overflow.
        job_ms: (args.job_seconds * 1000.0).round() as i64,
        check_replay: !args.bench_allow_replay,
        // Bounded above: the cast cannot overflow.
        backup_list_lag_ms: (args.backup_list_lag_seconds * 1000.0).round() as i64,
        throttle,
        ..Config::default()
    };
    let mut sts = crate::sts::Sts::default();
    sts.max_duration_secs = args.sts_duration;
    sts.deterministic = args.sts_deterministic;
    if let Some(path) = &args.oidc_jwks {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return fail(format!("cannot read {}: {e}", path.display())),
        };
        sts = match sts.with_jwks(&text) {
            Ok(s) => s,
            Err(e) => return fail(format!("{}: {e}", path.display())),
        };
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match crate::tls::acceptor(cert, key) {
            Ok(a) => Some(a),
            Err(e) => return fail(e),
        },
        _ => None,
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
    let state = Config { sts, ..config }.into_state();
    // Before any address is printed: see `shutdown_signal`.
    let shutdown = shutdown_signal();
    if let Some(listen) = &args.metadata_listen {
        let meta_listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(l) => l,
            Err(e) => {
                return fail(format!(
                    "cannot listen on {listen} for the metadata service: {e}"
                ));
            }
        };
        let mut meta = crate::metadata::Metadata::new(
            &args.metadata_role,
            args.metadata_credential_seconds.max(1),
        );
        meta.require_token = args.metadata_imdsv1_disabled;
        let router = crate::metadata::router(state.clone(), std::sync::Arc::new(meta));
        if let Ok(a) = meta_listener.local_addr() {
            println!("metadata on http://{a}");
        }
        tokio::spawn(async move {
            let _ = axum::serve(meta_listener, router).await;
        });
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{addr}");
    let _ = std::io::stdout().flush();
    let served = match tls {
        Some(tls) => crate::tls::serve(listener, tls, crate::server::router(state), shutdown).await,
        None => serve(listener, state, shutdown).await,
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e.to_string()),
    }
}
