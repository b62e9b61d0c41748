//! `sign` and `preview`: the exact request, signed or with placeholders.

use crate::commands::{Outcome, read_request};
use clap::{Args, ValueEnum};
use rds_backup_core::sign::{self, Call, Method, SignatureVersion, Signed};
use rds_backup_core::{CreateBackup, Endpoint, ErrorItem, Input, Region, Report, UtcTime};
use rds_backup_credentials as credentials;
use serde::Serialize;

/// How to print the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Raw HTTP/1.1 text.
    Http,
    /// A curl command line.
    Curl,
    /// The URL only (complete for V2; V3 also needs the headers).
    Url,
    /// JSON with the canonical request and the string to sign, for debugging.
    Json,
}

/// Arguments shared by `sign` and `preview`.
#[derive(Args)]
pub struct WireArgs {
    /// Sign with V2 (HMAC-SHA1) instead of V3 (ACS3-HMAC-SHA256).
    #[arg(long)]
    v2: bool,
    /// GET or POST (the official SDKs use POST).
    #[arg(long, default_value = "POST")]
    method: String,
    /// The region, which picks the endpoint (else RegionId in the input, else ALIBABA_CLOUD_REGION_ID).
    #[arg(long, conflicts_with = "endpoint")]
    region: Option<String>,
    /// An explicit endpoint: host, host:port, or http://host:port for a local emulator.
    #[arg(long)]
    endpoint: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "http")]
    format: Format,
    /// The signing time, yyyy-MM-ddTHH:mm:ssZ (default: now). With --nonce, output reproduces.
    #[arg(long)]
    timestamp: Option<String>,
    /// The signature nonce (default: 32 random hex digits).
    #[arg(long)]
    nonce: Option<String>,
}

/// Arguments of `sign`.
#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    wire: WireArgs,
    #[command(flatten)]
    creds: CredentialArgs,
}

/// Where credentials come from (the provider chain, unless narrowed).
#[derive(Args)]
pub struct CredentialArgs {
    /// A profile of ~/.aliyun/config.json (any mode the aliyun CLI writes) instead of the chain.
    #[arg(long)]
    pub profile: Option<String>,
    /// Only this provider of the chain: env, oidc, cli-profile, profile, ecs-ram-role,
    /// credentials-uri.
    #[arg(long, value_name = "NAME")]
    pub credentials_provider: Option<String>,
}

impl CredentialArgs {
    fn options(&self) -> Result<credentials::Options, String> {
        Ok(credentials::Options {
            only: self
                .credentials_provider
                .as_deref()
                .map(credentials::Kind::parse)
                .transpose()
                .map_err(|e| e.to_string())?,
            profile: self.profile.clone(),
        })
    }

    /// Runs the provider chain.
    pub fn resolve(&self) -> Result<(credentials::Provider, credentials::Fetched), String> {
        let env = credentials::Env::from_process();
        for w in credentials::warnings(&env) {
            eprintln!("rds-backup: warning: {w}");
        }
        let options = self.options()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start: {e}"))?;
        runtime.block_on(async {
            let http = credentials::http_client().map_err(|e| e.to_string())?;
            credentials::resolve(&env, &options, &http)
                .await
                .map_err(|e| e.to_string())
        })
    }

    /// The chain's credentials kept fresh in the background of the running runtime
    /// (short-lived keys are fetched again before they expire), for a long run.
    pub async fn live(&self) -> Result<std::sync::Arc<credentials::Live>, String> {
        let env = credentials::Env::from_process();
        for w in credentials::warnings(&env) {
            eprintln!("rds-backup: warning: {w}");
        }
        let options = self.options()?;
        let http = credentials::http_client().map_err(|e| e.to_string())?;
        let (provider, fetched) = credentials::resolve(&env, &options, &http)
            .await
            .map_err(|e| e.to_string())?;
        let live = credentials::Live::new(provider, http, fetched);
        let (stop, watch) = tokio::sync::watch::channel(false);
        // The refresher lives as long as the runtime; the sender goes with it.
        tokio::spawn({
            let live = live.clone();
            async move {
                let _stop = stop;
                live.run(watch).await;
            }
        });
        Ok(live)
    }

    /// The region of the CLI profile in use, if it names one.
    pub fn profile_region(&self) -> Option<String> {
        credentials::profile_region(&credentials::Env::from_process(), self.profile.as_deref())
    }
}

pub fn bad(field: &str, code: &str, message: impl Into<String>) -> Outcome {
    Outcome::of(
        &Report::refused(vec![ErrorItem {
            code: code.into(),
            field: field.into(),
            message: message.into(),
        }]),
        2,
    )
}

/// The region: the flag, else `RegionId` in the input, else `ALIBABA_CLOUD_REGION_ID`,
/// else the credential profile's region.
pub fn resolve_region(
    flag: Option<&str>,
    input: &Input,
    profile_region: Option<String>,
) -> Result<Region, Outcome> {
    let region = flag
        .map(str::to_owned)
        .or(input.region.clone())
        .or_else(|| std::env::var(credentials::ENV_REGION).ok().filter(|r| !r.is_empty()))
        .or(profile_region)
        .ok_or_else(|| {
            bad(
                "RegionId",
                "InvalidInput.Missing",
                "a region is needed to pick the endpoint: --region, RegionId in the input, or ALIBABA_CLOUD_REGION_ID",
            )
        })?;
    Region::new(&region).map_err(|e| bad("RegionId", "InvalidInput.Region", e.to_string()))
}

fn random_nonce() -> Result<String, String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness for the nonce: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn now() -> UtcTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    UtcTime::from_unix(secs)
}

/// Builds the call from the input and the flags, or the outcome to print instead.
fn build_call(
    args: &WireArgs,
    input: &Input,
    request: &CreateBackup,
    profile_region: Option<String>,
) -> Result<Call, Outcome> {
    let method = Method::parse(&args.method).ok_or_else(|| {
        bad(
            "method",
            "InvalidInput.UnknownValue",
            format!("--method takes GET or POST, not '{}'", args.method),
        )
    })?;
    let endpoint = match &args.endpoint {
        Some(e) => Endpoint::parse_override(e)
            .map_err(|e| bad("endpoint", "InvalidInput.Endpoint", e.to_string()))?,
        None => Endpoint::for_region(&resolve_region(
            args.region.as_deref(),
            input,
            profile_region,
        )?),
    };
    let time = match &args.timestamp {
        Some(t) => UtcTime::parse(t).ok_or_else(|| {
            bad(
                "timestamp",
                "InvalidInput.Timestamp",
                format!("--timestamp takes yyyy-MM-ddTHH:mm:ssZ, not '{t}'"),
            )
        })?,
        None => now(),
    };
    let nonce = match &args.nonce {
        Some(n) if n.is_empty() => {
            return Err(bad(
                "nonce",
                "InvalidInput.Nonce",
                "--nonce must not be empty",
            ));
        }
        Some(n) => n.clone(),
        None => random_nonce().map_err(|e| bad("nonce", "Internal", e))?,
    };
    Ok(request.call(method, endpoint, time, nonce))
}

#[derive(Serialize)]
struct SignedJson<'a> {
    version: &'static str,
    method: &'static str,
    url: String,
    headers: &'a [(String, String)],
    body: &'a str,
    canonical: &'a str,
    string_to_sign: &'a str,
    signature: &'a str,
}

fn render(signed: &Signed, format: Format) -> Outcome {
    let r = &signed.request;
    let body = match format {
        Format::Http => r.to_http(),
        Format::Curl => r.to_curl(),
        Format::Url => {
            if signed.version == SignatureVersion::V3 {
                eprintln!(
                    "note: a V3 signature travels in headers; this URL alone will not authenticate (use --format http or curl, or --v2)"
                );
            }
            r.url()
        }
        Format::Json => {
            let json = SignedJson {
                version: match signed.version {
                    SignatureVersion::V3 => "V3",
                    SignatureVersion::V2 => "V2",
                },
                method: r.method.as_str(),
                url: r.url(),
                headers: &r.headers,
                body: &r.body,
                canonical: &signed.canonical,
                string_to_sign: &signed.string_to_sign,
                signature: &signed.signature,
            };
            return Outcome::of(&json, 0);
        }
    };
    Outcome::text(body, 0)
}

fn version(args: &WireArgs) -> SignatureVersion {
    if args.v2 {
        SignatureVersion::V2
    } else {
        SignatureVersion::V3
    }
}

/// `sign`: validate, load credentials, sign, print.
pub fn sign(args: &SignArgs, stdin: &Result<String, String>) -> Outcome {
    // The request first: an invalid one is refused whatever the credentials.
    let (input, request) = match read_request(stdin) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let (_, fetched) = match args.creds.resolve() {
        Ok(l) => l,
        Err(e) => return bad("credentials", "InvalidInput.Credentials", e),
    };
    match build_call(&args.wire, &input, &request, args.creds.profile_region()) {
        Ok(call) => render(
            &sign::sign(&call, &fetched.credentials, version(&args.wire)),
            args.wire.format,
        ),
        Err(outcome) => outcome,
    }
}

/// `whoami`: which provider the chain picks, the first 4 characters of its key id, and
/// when the key expires; never a secret.
pub fn whoami(args: &CredentialArgs) -> Outcome {
    match args.resolve() {
        Ok((provider, fetched)) => Outcome::of(
            &serde_json::json!({
                "provider": provider.name,
                "kind": provider.kind.as_str(),
                "keyId": format!("{}…", credentials::key_prefix(&fetched.credentials.access_key_id)),
                "temporary": fetched.credentials.security_token.is_some(),
                "expires": fetched.expires.map(|e| UtcTime::from_unix(e).to_string()),
            }),
            0,
        ),
        Err(e) => bad("credentials", "InvalidInput.Credentials", e),
    }
}

/// `preview`: the same request with placeholders instead of the key id and the signature.
pub fn preview(args: &WireArgs, stdin: &Result<String, String>) -> Outcome {
    let call =
        read_request(stdin).and_then(|(input, request)| build_call(args, &input, &request, None));
    match call {
        Ok(call) => render(&sign::preview(&call, version(args)), args.format),
        Err(outcome) => outcome,
    }
}
