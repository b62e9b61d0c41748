//! The command line, and from it the [`App`]: credentials or demo mode, the upstream,
//! who callers are (`--auth`), their policies (checked at load against the account),
//! the browser-facing settings and the limits. Every inconsistent combination is a
//! start-up error that says why, never a silent fallback.

use crate::audit::AuditLog;
use crate::identity::oidc::{JwksSource, Settings, Verifier};
use crate::identity::{Auth, AuthKind, Tokens};
use crate::policy::{Authorizer, Policies};
use crate::serve::Limits;
use crate::site::{PublicUrl, Site};
use crate::upstream::{SystemProxy, Target, Upstream, http_client};
use crate::{App, Mode};
use clap::Parser;
use rds_backup_core::{Credentials, Endpoint, endpoint::KNOWN_REGIONS};
use rds_backup_credentials as credentials;
use rds_backup_store::Store;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Serves the RDS backup console and signs its CreateBackup requests with V3.
///
/// Credentials: the official provider chain (the ALIBABA_CLOUD_* variables, RRSA,
/// ~/.aliyun/config.json, ~/.alibabacloud/credentials, the ECS RAM role on ECS,
/// ALIBABA_CLOUD_CREDENTIALS_URI), refreshed before they expire. Without any, or with
/// --demo, it starts a local emulator in the same process and says so.
#[derive(Parser, Debug)]
#[command(name = "rds-backup-proxy", version)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The built console (Trunk's output).
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Send every call to this endpoint (e.g. http://127.0.0.1:18080 for an emulator)
    /// instead of the region's official endpoint. Needs credentials.
    #[arg(long)]
    pub upstream: Option<String>,
    /// A profile of ~/.aliyun/config.json (that one, or an error).
    #[arg(long)]
    pub profile: Option<String>,
    /// Only this provider of the credential chain: env, oidc, cli-profile, profile,
    /// ecs-ram-role or credentials-uri.
    #[arg(long, value_name = "NAME")]
    pub credentials_provider: Option<String>,
    /// Use the embedded emulator even if credentials are configured.
    #[arg(long)]
    pub demo: bool,
    /// In demo mode: also serve the embedded emulator (the same instances and jobs the
    /// console shows) on this address, for the SDK snippets or the CLI. Off by default.
    #[arg(long, value_name = "ADDR")]
    pub emulator_listen: Option<String>,
    /// In demo mode: how long the emulator's backup jobs take, in seconds.
    #[arg(long, default_value_t = 4)]
    pub demo_job_seconds: u32,
    /// In demo mode: the emulator's instances, from a fleet file (see the emulator's
    /// README) instead of the built-in demo fleet.
    #[arg(long, value_name = "FILE")]
    pub demo_fleet: Option<PathBuf>,
    /// How callers sign in: none (loopback only; everyone is 'anonymous'), tokens
    /// (--tokens), trusted-header (an auth proxy's X-Forwarded-User, from --trusted-proxy
    /// peers only) or oidc (a JWT from --oidc-issuer). Default: tokens with --tokens, else none.
    #[arg(long, value_enum)]
    pub auth: Option<AuthKind>,
    /// Bearer tokens (--auth tokens): a JSON file {"<token>": "<user name>"}.
    #[arg(long)]
    pub tokens: Option<PathBuf>,
    /// A network whose peers may name the user in X-Forwarded-* headers (--auth
    /// trusted-header; repeatable), e.g. 10.0.0.0/8 or 127.0.0.1/32.
    #[arg(long = "trusted-proxy", value_name = "CIDR")]
    pub trusted_proxy: Vec<String>,
    /// The OIDC issuer (--auth oidc): the `iss` tokens must carry; its keys are found
    /// at <issuer>/.well-known/openid-configuration unless --oidc-jwks is given.
    #[arg(long, value_name = "URL")]
    pub oidc_issuer: Option<String>,
    /// The issuer's keys as a JWKS file or URL, instead of discovery.
    #[arg(long, value_name = "FILE_OR_URL")]
    pub oidc_jwks: Option<String>,
    /// The `aud` tokens must carry (--auth oidc).
    #[arg(long, value_name = "AUD")]
    pub oidc_audience: Option<String>,
    /// The claim naming the user (default: preferred_username, then email, then sub).
    #[arg(long, value_name = "CLAIM")]
    pub oidc_user_claim: Option<String>,
    /// The claim listing the user's groups.
    #[arg(long, value_name = "CLAIM", default_value = "groups")]
    pub oidc_groups_claim: String,
    /// RAM policies per user, group and everyone: a JSON file
    /// {"<user>" | "group:<name>" | "*": <policy>}.
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// The Alibaba Cloud account id resources are named with (default: asked of STS
    /// GetCallerIdentity at start in live mode; a fixed demo account in demo mode).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// An origin allowed to call the API from another site (repeatable; none by default).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// The URL users reach this proxy at, e.g. https://backup.example.com (repeatable).
    /// Other Host names than these and loopback get 421. Needed on a non-loopback --listen.
    #[arg(long = "public-url", value_name = "URL")]
    pub public_url: Vec<String>,
    /// An origin that may embed the console in a frame (repeatable; none by default).
    #[arg(long = "frame-ancestors", value_name = "ORIGIN")]
    pub frame_ancestors: Vec<String>,
    /// Append the audit log (JSON lines) to this file instead of stderr; `-` for stdout.
    #[arg(long)]
    pub audit_log: Option<PathBuf>,
    /// The record of submissions and jobs: postgres://USER@HOST:PORT/DB (several replicas
    /// share it), sqlite://PATH, or memory. Default: SQLite in --data-dir (demo mode
    /// without --data-dir: memory). From RDS_BACKUP_DATABASE_URL when not given, so a
    /// password need not be on the command line.
    #[arg(
        long,
        value_name = "URL",
        env = "RDS_BACKUP_DATABASE_URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// Where the SQLite record lives (rds-backup.db); created if missing. Default:
    /// $STATE_DIRECTORY (systemd), else ~/.local/state/rds-backup-proxy.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Seconds an unknown CreateBackup outcome is checked (DescribeBackupTasks,
    /// DescribeBackups) before it is reported as not started.
    #[arg(long, default_value_t = 60)]
    pub reconcile_window: u64,
    /// Fleet plans: the most items of a running plan in flight at once (a run may ask
    /// for fewer).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub plan_concurrency: u32,
    /// Fleet plans: the most items of a running plan in flight at once in one region.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub plan_region_concurrency: u32,
    /// Fleet plans: the most CreateBackup calls per second, all of this proxy's running
    /// plans together (a run may ask for fewer).
    #[arg(long, value_name = "PER_SECOND", default_value_t = 5.0)]
    pub plan_rate: f64,
    /// Seconds between two looks at a running job.
    #[arg(long, default_value_t = 2.0)]
    pub job_poll: f64,
    /// Seconds to wait for the RDS endpoint (to connect, and for the whole answer).
    #[arg(long, default_value_t = 10)]
    pub upstream_timeout: u64,
    /// Send upstream and issuer calls through HTTP_PROXY / HTTPS_PROXY from the
    /// environment (off: a signed request never passes through a system proxy).
    #[arg(long)]
    pub system_proxy: bool,
    /// Seconds a client has to send a request's headers.
    #[arg(long, default_value_t = 10)]
    pub header_read_timeout: u64,
    /// Seconds a request may take in all.
    #[arg(long, default_value_t = 60)]
    pub request_timeout: u64,
    /// Requests served at once; more get 503 Proxy.Overloaded.
    #[arg(long, default_value_t = 512)]
    pub max_concurrent_requests: usize,
    /// Connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    /// Seconds open requests may take to finish on shutdown.
    #[arg(long, default_value_t = 10)]
    pub shutdown_grace: u64,
    /// Worker threads (default: one per CPU; 1 runs everything on the main thread).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Serve Prometheus metrics at http://ADDR/metrics (a listener of its own, never the
    /// public one).
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<String>,
    /// Log lines as readable text or as one JSON object per line (RUST_LOG filters).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Do not serve: GET this health URL (for example
    /// http://127.0.0.1:8080/api/health/ready) and exit 0 when it answers 200, else 1.
    /// For a container's HEALTHCHECK, where there is no curl.
    #[arg(long, value_name = "URL")]
    pub healthcheck: Option<String>,
}

/// How log lines are written (to stderr).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line: time, level, target and the event's fields.
    Json,
}

/// The log target of what the proxy says as it starts (shown by default).
pub const START: &str = "rds_backup_proxy::start";

/// The host demo calls are signed for: they never leave the process.
const DEMO_ENDPOINT: &str = "http://emulator.localhost";

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Whether `--listen` is a loopback address (or `localhost`).
fn is_loopback(listen: &str) -> bool {
    match listen.parse::<SocketAddr>() {
        Ok(a) => a.ip().is_loopback(),
        Err(_) => listen
            .rsplit_once(':')
            .is_some_and(|(h, _)| h.eq_ignore_ascii_case("localhost")),
    }
}

/// What the proxy runs with, besides the app.
pub struct Started {
    /// The app.
    pub app: App,
    /// In demo mode, the embedded emulator's state (for `--emulator-listen`).
    pub emulator: Option<Arc<rds_backup_emulator::State>>,
}

fn auth_kind(args: &Args) -> Result<AuthKind, String> {
    let kind = args.auth.unwrap_or(if args.tokens.is_some() {
        AuthKind::Tokens
    } else {
        AuthKind::None
    });
    let misplaced = |flag: &str, needs: AuthKind| {
        Err(format!(
            "{flag} is for --auth {}, not --auth {}",
            needs.as_str(),
            kind.as_str()
        ))
    };
    if args.tokens.is_some() && kind != AuthKind::Tokens {
        return misplaced("--tokens", AuthKind::Tokens);
    }
    if !args.trusted_proxy.is_empty() && kind != AuthKind::TrustedHeader {
        return misplaced("--trusted-proxy", AuthKind::TrustedHeader);
    }
    if (args.oidc_issuer.is_some() || args.oidc_jwks.is_some() || args.oidc_audience.is_some())
        && kind != AuthKind::Oidc
    {
        return misplaced("--oidc-issuer/--oidc-jwks/--oidc-audience", AuthKind::Oidc);
    }
    if kind == AuthKind::None && !is_loopback(&args.listen) {
        return Err(format!(
            "--auth none lets anyone in as 'anonymous', so it is allowed only on a loopback address, not {}: \
             choose --auth oidc, trusted-header or tokens (or listen on 127.0.0.1)",
            args.listen
        ));
    }
    Ok(kind)
}

async fn auth(args: &Args, kind: AuthKind, system_proxy: SystemProxy) -> Result<Auth, String> {
    Ok(match kind {
        AuthKind::None => Auth::None,
        AuthKind::Tokens => {
            let path = args
                .tokens
                .as_ref()
                .ok_or("--auth tokens needs --tokens FILE")?;
            Auth::Tokens(Tokens::read(&read(path)?)?)
        }
        AuthKind::TrustedHeader => {
            if args.trusted_proxy.is_empty() {
                return Err("--auth trusted-header needs --trusted-proxy CIDR: the address of the auth proxy whose X-Forwarded-User is believed".into());
            }
            let nets = args
                .trusted_proxy
                .iter()
                .map(|c| {
                    c.parse::<ipnet::IpNet>()
                        .or_else(|_| c.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| {
                            format!("--trusted-proxy '{c}' is not a CIDR such as 10.0.0.0/8")
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Auth::TrustedHeader(nets)
        }
        AuthKind::Oidc => {
            let issuer = args
                .oidc_issuer
                .clone()
                .ok_or("--auth oidc needs --oidc-issuer URL (the iss tokens carry)")?;
            let audience = args
                .oidc_audience
                .clone()
                .ok_or("--auth oidc needs --oidc-audience AUD (the aud tokens carry)")?;
            let settings = Settings {
                issuer,
                audience,
                jwks: args
                    .oidc_jwks
                    .as_deref()
                    .map_or(JwksSource::Discovery, JwksSource::parse),
                user_claim: args.oidc_user_claim.clone(),
                groups_claim: args.oidc_groups_claim.clone(),
                refetch_interval: Duration::from_secs(60),
            };
            let client = http_client(Duration::from_secs(5), system_proxy)?;
            let verifier = Verifier::new(settings, client);
            let n = verifier
                .load()
                .await
                .map_err(|e| format!("--auth oidc: the issuer's keys: {e}"))?;
            tracing::info!(
                target: START,
                "oidc: {n} signing key(s) of {}",
                verifier.settings().issuer
            );
            Auth::Oidc(Arc::new(verifier))
        }
    })
}

fn site(args: &Args) -> Result<Site, String> {
    let public_urls = args
        .public_url
        .iter()
        .map(|u| PublicUrl::parse(u))
        .collect::<Result<Vec<_>, _>>()?;
    if public_urls.is_empty() && !is_loopback(&args.listen) {
        return Err(format!(
            "listening on {} needs --public-url URL: the address users open (other Host names get 421)",
            args.listen
        ));
    }
    for o in args.allow_origin.iter().chain(&args.frame_ancestors) {
        PublicUrl::parse(o)
            .map_err(|_| format!("'{o}' is not an origin such as https://portal.example.com"))?;
    }
    Ok(Site {
        public_urls,
        allow_origins: args
            .allow_origin
            .iter()
            .map(|o| o.trim_end_matches('/').to_owned())
            .collect(),
        frame_ancestors: args
            .frame_ancestors
            .iter()
            .map(|o| o.trim_end_matches('/').to_owned())
            .collect(),
    })
}

/// Where the record lives when no flag says: systemd's `$STATE_DIRECTORY`, else
/// `~/.local/state/rds-backup-proxy`.
fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STATE_DIRECTORY").filter(|d| !d.is_empty()) {
        // systemd may list several, separated by ':'; the first is ours.
        let first = dir
            .to_string_lossy()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_owned();
        return PathBuf::from(first);
    }
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/state/rds-backup-proxy"),
        None => PathBuf::from("rds-backup-proxy-data"),
    }
}

/// The record the flags name: `--database`, else SQLite in `--data-dir`, else (demo
/// mode) memory, else SQLite in the default data folder.
async fn store(args: &Args, mode: Mode) -> Result<Store, String> {
    let url = match (&args.database, &args.data_dir, mode) {
        (Some(url), _, _) => url.clone(),
        (None, None, Mode::Demo) => "memory".to_owned(),
        (None, dir, _) => {
            let dir = dir.clone().unwrap_or_else(default_data_dir);
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create --data-dir {}: {e}", dir.display()))?;
            format!("sqlite://{}", dir.join("rds-backup.db").display())
        }
    };
    let store = Store::open(&url)
        .await
        .map_err(|e| format!("the record ({}): {e}", redact_url(&url)))?;
    tracing::info!(
        target: START,
        "record of submissions: {}",
        redact_url(&url)
    );
    Ok(store)
}

/// A database URL without its password.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Args {
    /// The limits the flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout.max(1)),
            request_timeout: Duration::from_secs(self.request_timeout.max(1)),
            max_concurrent_requests: self.max_concurrent_requests.max(1),
            max_connections: self.max_connections.max(1),
            shutdown_grace: Duration::from_secs(self.shutdown_grace),
        }
    }
}

/// Builds the app the flags describe (reading files, loading the issuer's keys, asking
/// STS for the account), or says why it cannot start.
pub async fn build(args: &Args) -> Result<Started, String> {
    let system_proxy = if args.system_proxy {
        SystemProxy::Use
    } else {
        SystemProxy::Ignore
    };
    let kind = auth_kind(args)?;
    let site = site(args)?;
    let loaded = if args.demo {
        None
    } else {
        let env = credentials::Env::from_process();
        for w in credentials::warnings(&env) {
            tracing::warn!(target: START, "{w}");
        }
        let options = credentials::Options {
            only: args
                .credentials_provider
                .as_deref()
                .map(credentials::Kind::parse)
                .transpose()
                .map_err(|e| e.to_string())?,
            profile: args.profile.clone(),
        };
        let http = credentials::http_client().map_err(|e| e.to_string())?;
        match credentials::resolve(&env, &options, &http).await {
            Ok((provider, fetched)) => Some(credentials::Live::new(provider, http, fetched)),
            Err(credentials::Error::NotConfigured(why))
                if options.profile.is_none() && options.only.is_none() =>
            {
                if let Some(u) = &args.upstream {
                    return Err(format!(
                        "--upstream {u} needs credentials to sign with, and none were found ({}); \
                         without --upstream the proxy runs in demo mode",
                        why.join("; ")
                    ));
                }
                None
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    if args.emulator_listen.is_some() && loaded.is_some() {
        return Err("--emulator-listen needs demo mode (no credentials, or --demo)".into());
    }
    if args.demo_fleet.is_some() && loaded.is_some() {
        return Err("--demo-fleet needs demo mode (no credentials, or --demo)".into());
    }
    let (mode, upstream, regions, emulator) = match loaded {
        Some(l) => {
            let target = match &args.upstream {
                Some(u) => Target::Fixed(Endpoint::parse_override(u).map_err(|e| e.to_string())?),
                None => Target::Regional,
            };
            let status = l.status();
            tracing::info!(
                target: START,
                "live, credentials from {} (key {}…{})",
                status.provider,
                status.key_prefix,
                status
                    .expires
                    .map(|e| format!(", expires {}", rds_backup_core::UtcTime::from_unix(e)))
                    .unwrap_or_default()
            );
            let client = http_client(
                Duration::from_secs(args.upstream_timeout.max(1)),
                system_proxy,
            )?;
            (
                Mode::Live,
                Upstream::with_live(
                    target,
                    l,
                    client,
                    Duration::from_secs(args.upstream_timeout.max(1)),
                ),
                KNOWN_REGIONS.iter().map(|s| (*s).to_owned()).collect(),
                None,
            )
        }
        None => {
            let fleet = match &args.demo_fleet {
                Some(path) => rds_backup_emulator::Fleet::from_json(&read(path)?)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
                None => rds_backup_emulator::Fleet::demo(),
            };
            let mut regions: Vec<String> = Vec::new();
            for i in &fleet.instances {
                if !regions.contains(&i.region) {
                    regions.push(i.region.clone());
                }
            }
            let state = rds_backup_emulator::Config {
                fleet,
                job_ms: i64::from(args.demo_job_seconds) * 1000,
                ..rds_backup_emulator::Config::default()
            }
            .into_state();
            tracing::info!(
                target: START,
                "demo mode, requests go to an emulator in this process"
            );
            let endpoint = Endpoint::parse_override(DEMO_ENDPOINT).map_err(|e| e.to_string())?;
            let demo = Credentials::new(
                rds_backup_emulator::DEMO_KEY_ID,
                rds_backup_emulator::DEMO_KEY_SECRET,
            );
            (
                Mode::Demo,
                Upstream::in_process(
                    rds_backup_emulator::server::router(state.clone()),
                    endpoint,
                    demo,
                ),
                regions,
                Some(state),
            )
        }
    };
    let policies = match &args.policies {
        None => None,
        Some(path) => {
            let account = match (&args.account_id, mode) {
                (Some(a), _) => a.clone(),
                (None, Mode::Demo) => rds_backup_emulator::DEMO_ACCOUNT_ID.to_owned(),
                (None, Mode::Live) => upstream.account_id().await.map_err(|e| {
                    format!("--policies needs the account id: STS GetCallerIdentity failed ({e}); give --account-id")
                })?,
            };
            if account.is_empty() || !account.bytes().all(|c| c.is_ascii_digit()) {
                return Err(format!(
                    "--account-id '{account}' is not an account id (digits)"
                ));
            }
            Some(Policies::read(&read(path)?, &account)?)
        }
    };
    let audit: Box<dyn Write + Send> = match &args.audit_log {
        Some(path) if path.as_os_str() == "-" => Box::new(std::io::stdout()),
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot open {}: {e}", path.display()))?,
        ),
        None => Box::new(std::io::stderr()),
    };
    let store = store(args, mode).await?;
    let mut app = App::new(upstream, store, AuditLog::new(audit), mode, regions);
    app.pace.reconcile_window = Duration::from_secs(args.reconcile_window.max(1));
    if args.plan_concurrency == 0 || args.plan_region_concurrency == 0 {
        return Err("--plan-concurrency and --plan-region-concurrency must be at least 1".into());
    }
    if !(args.plan_rate.is_finite() && args.plan_rate > 0.0 && args.plan_rate <= 10_000.0) {
        return Err("--plan-rate must be above 0 and at most 10000 calls a second".into());
    }
    app.plan_limits = crate::plan_run::PlanLimits {
        concurrency: args.plan_concurrency,
        region_concurrency: args.plan_region_concurrency,
        rate: args.plan_rate,
    };
    if !(args.job_poll.is_finite() && (0.05..=3600.0).contains(&args.job_poll)) {
        return Err("--job-poll must be between 0.05 and 3600 seconds".into());
    }
    app.pace.job_poll = Duration::from_secs_f64(args.job_poll);
    app.pace.poll = app.pace.poll.min(app.pace.job_poll);
    app.auth = auth(args, kind, system_proxy).await?;
    app.authz = Authorizer(policies);
    app.dist = Some(args.dist.clone());
    app.site = site;
    app.limits = args.limits();
    if !args.dist.join("index.html").is_file() {
        tracing::warn!(
            target: START,
            "no console at {} (build it with scripts/run.sh); serving the API only",
            args.dist.display()
        );
    }
    Ok(Started { app, emulator })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args(extra: &[&str]) -> Args {
        let mut v = vec!["rds-backup-proxy"];
        v.extend_from_slice(extra);
        Args::try_parse_from(v).unwrap()
    }

    #[test]
    fn auth_none_only_on_loopback_and_flags_only_with_their_mode() {
        assert_eq!(auth_kind(&args(&[])).unwrap(), AuthKind::None);
        assert_eq!(
            auth_kind(&args(&["--listen", "[::1]:8080"])).unwrap(),
            AuthKind::None
        );
        let e = auth_kind(&args(&["--listen", "0.0.0.0:8080"])).unwrap_err();
        assert!(e.contains("only on a loopback address"), "{e}");
        assert_eq!(
            auth_kind(&args(&["--tokens", "t.json"])).unwrap(),
            AuthKind::Tokens
        );
        assert!(auth_kind(&args(&["--auth", "oidc", "--tokens", "t.json"])).is_err());
        assert!(auth_kind(&args(&["--trusted-proxy", "10.0.0.0/8"])).is_err());
        assert!(site(&args(&["--listen", "0.0.0.0:8080", "--auth", "tokens"])).is_err());
        assert!(
            site(&args(&[
                "--listen",
                "0.0.0.0:8080",
                "--public-url",
                "https://b.example.com"
            ]))
            .is_ok()
        );
    }
}
