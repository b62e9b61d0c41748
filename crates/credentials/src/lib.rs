//! Where the proxy and the CLI get Alibaba Cloud credentials: the provider chain in the
//! official order (as `credentials-go` and Python `alibabacloud_credentials` have it),
//! the first provider that yields credentials wins:
//!
//! 1. the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`);
//! 2. OIDC (RRSA): `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE` through STS `AssumeRoleWithOIDC`;
//! 3. the aliyun CLI's `~/.aliyun/config.json` (every mode the CLI writes);
//! 4. the INI file `~/.alibabacloud/credentials`;
//! 5. the ECS instance metadata service (IMDSv2, then v1), only on an ECS instance or when
//!    asked for;
//! 6. `ALIBABA_CLOUD_CREDENTIALS_URI`.
//!
//! Short-lived credentials are kept fresh by [`Live`]: refreshed in the background when
//! 180 s or less remain, one refresh at a time, the current key used until the new one is
//! in place. Secrets live in core's `Secret` (never printed, zeroized); no error message
//! here contains one.
#![forbid(unsafe_code)]

mod ecs;
mod external;
mod ini;
mod live;
mod profile;
mod sts;

pub use live::{Live, LiveStatus};
pub use sts::StsEndpoint;

use rds_backup_core::Credentials;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`.
pub const ENV_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET`.
pub const ENV_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// `ALIBABA_CLOUD_SECURITY_TOKEN`.
pub const ENV_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// `ALIBABA_CLOUD_PROFILE`: the profile to use when none is named.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// `ALIBABA_CLOUD_REGION_ID`.
pub const ENV_REGION: &str = "ALIBABA_CLOUD_REGION_ID";

/// Why no credentials came (no message holds a secret).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Nothing in the chain yielded credentials; what each provider said.
    #[error("no credentials: {}", .0.join("; "))]
    NotConfigured(Vec<String>),
    /// A provider is configured but unusable (a file, a field, an answer).
    #[error("{provider}: {message}")]
    Provider {
        /// The provider.
        provider: String,
        /// What went wrong.
        message: String,
    },
    /// `--credentials-provider` names no provider.
    #[error(
        "'{0}' is not a credentials provider (env, oidc, cli-profile, profile, ecs-ram-role, credentials-uri)"
    )]
    UnknownProvider(String),
    /// The key expired and no new one could be had.
    #[error(
        "the credentials from {provider} expired at {expired} and could not be refreshed: {why}"
    )]
    Expired {
        /// The provider.
        provider: String,
        /// When (UTC).
        expired: String,
        /// The last refresh's error.
        why: String,
    },
}

fn fail(provider: &str, message: impl Into<String>) -> Error {
    Error::Provider {
        provider: provider.to_owned(),
        message: message.into(),
    }
}

/// The environment the chain reads (a snapshot, so tests need not touch the process's).
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    /// The home folder (`~`).
    pub home: Option<PathBuf>,
    /// Where the DMI product name is read (`/sys/class/dmi/id/product_name`).
    pub dmi_product_name: PathBuf,
}

impl Env {
    /// The process's environment.
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars().collect(),
            home: std::env::var_os("HOME").map(PathBuf::from),
            dmi_product_name: PathBuf::from("/sys/class/dmi/id/product_name"),
        }
    }

    /// Variables given by a test; no home, no DMI.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            home: None,
            dmi_product_name: PathBuf::from("/nonexistent/dmi/product_name"),
        }
    }

    /// A variable, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A variable meaning true (`true`, any case).
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// `~/<rest>`, or `rest` when there is no home.
    fn home_path(&self, rest: &str) -> PathBuf {
        match &self.home {
            Some(h) => h.join(rest),
            None => PathBuf::from(rest),
        }
    }
}

/// Where a provider's credentials come from, for messages and `whoami`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The environment variables.
    Environment,
    /// OIDC (RRSA) through AssumeRoleWithOIDC.
    Oidc,
    /// A profile of the aliyun CLI's config.json.
    CliProfile,
    /// A section of the INI credentials file.
    Profile,
    /// The ECS instance metadata service.
    EcsRamRole,
    /// `ALIBABA_CLOUD_CREDENTIALS_URI`.
    CredentialsUri,
}

impl Kind {
    /// The name `--credentials-provider` takes.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Kind::Environment => "env",
            Kind::Oidc => "oidc",
            Kind::CliProfile => "cli-profile",
            Kind::Profile => "profile",
            Kind::EcsRamRole => "ecs-ram-role",
            Kind::CredentialsUri => "credentials-uri",
        }
    }

    /// Reads a name.
    pub fn parse(s: &str) -> Result<Kind, Error> {
        [
            Kind::Environment,
            Kind::Oidc,
            Kind::CliProfile,
            Kind::Profile,
            Kind::EcsRamRole,
            Kind::CredentialsUri,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| Error::UnknownProvider(s.to_owned()))
    }
}

/// How a provider gets credentials.
#[derive(Clone, Debug)]
pub enum Source {
    /// Given once (environment, `AK`/`StsToken` profiles, INI `access_key`).
    Static(Credentials),
    /// STS `AssumeRole`, signed with the credentials of `with`.
    AssumeRole {
        /// Whose credentials sign the call.
        with: Box<Source>,
        /// The role.
        role_arn: String,
        /// `RoleSessionName`.
        session: String,
        /// `DurationSeconds`.
        duration_secs: u32,
        /// An inline policy.
        policy: Option<String>,
        /// `ExternalId`.
        external_id: Option<String>,
        /// Where STS is.
        sts: StsEndpoint,
    },
    /// STS `AssumeRoleWithOIDC`, the token read from a file at every refresh.
    Oidc {
        /// The role.
        role_arn: String,
        /// The OIDC provider.
        provider_arn: String,
        /// The token file.
        token_file: PathBuf,
        /// `RoleSessionName`.
        session: String,
        /// `DurationSeconds`.
        duration_secs: u32,
        /// An inline policy.
        policy: Option<String>,
        /// Where STS is.
        sts: StsEndpoint,
    },
    /// The ECS metadata service.
    Ecs(ecs::Metadata),
    /// A URL that answers credentials as JSON.
    Uri(String),
    /// A command that prints credentials as JSON.
    External(String),
}

/// Credentials and, when they are temporary, when they expire.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The credentials.
    pub credentials: Credentials,
    /// Expiry (seconds since the epoch), for temporary credentials.
    pub expires: Option<i64>,
}

/// A provider of the chain, ready to fetch.
#[derive(Clone, Debug)]
pub struct Provider {
    /// Which step of the chain.
    pub kind: Kind,
    /// A longer name: `cli-profile default/RamRoleArn`, for messages.
    pub name: String,
    /// How it fetches.
    pub source: Source,
}

/// Options of the chain.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only this provider (`--credentials-provider`).
    pub only: Option<Kind>,
    /// A CLI profile named on the command line (`--profile`): that one, or an error.
    pub profile: Option<String>,
}

/// Seconds since the epoch.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The HTTP client the providers use: rustls, no redirects, no system proxy, short timeouts.
pub fn http_client() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!(
            "rds-backup-credentials/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .map_err(|e| fail("http", format!("cannot build the HTTP client: {e}")))
}

/// One step of the chain: the provider, if configured.
type Step<'a> = dyn Fn() -> Option<Result<Provider, Error>> + 'a;

/// The providers that are configured, in the chain's order (each an error if configured
/// but unusable). Reading files happens here; fetching from the network in [`resolve`].
pub fn providers(env: &Env, options: &Options) -> Vec<Result<Provider, Error>> {
    let uri = || {
        env.get("ALIBABA_CLOUD_CREDENTIALS_URI").map(|uri| {
            Ok(Provider {
                kind: Kind::CredentialsUri,
                name: "credentials-uri".into(),
                source: Source::Uri(uri.to_owned()),
            })
        })
    };
    // The chain, in order; with a profile named on the command line, only that profile.
    let named = options.profile.is_some();
    let steps: [(Kind, bool, &Step); 6] = [
        (Kind::Environment, !named, &|| environment(env)),
        (Kind::Oidc, !named, &|| oidc_from_env(env).map(Ok)),
        (Kind::CliProfile, true, &|| {
            profile::cli_profile(env, options.profile.as_deref())
        }),
        (Kind::Profile, !named, &|| ini::profile(env)),
        (Kind::EcsRamRole, !named, &|| ecs::provider(env).map(Ok)),
        (Kind::CredentialsUri, !named, &uri),
    ];
    steps
        .iter()
        .filter(|(kind, applies, _)| *applies && options.only.as_ref().is_none_or(|o| o == kind))
        .filter_map(|(_, _, step)| step())
        .collect()
}

fn environment(env: &Env) -> Option<Result<Provider, Error>> {
    match (env.get(ENV_KEY_ID), env.get(ENV_SECRET)) {
        (None, None) => None,
        (Some(id), Some(secret)) => {
            let mut c = Credentials::new(id, secret);
            if let Some(t) = env.get(ENV_TOKEN) {
                c = c.with_token(t);
            }
            Some(Ok(Provider {
                kind: Kind::Environment,
                name: "env".into(),
                source: Source::Static(c),
            }))
        }
        (Some(_), None) => Some(Err(fail(
            "env",
            format!("{ENV_KEY_ID} is set but {ENV_SECRET} is not"),
        ))),
        (None, Some(_)) => Some(Err(fail(
            "env",
            format!("{ENV_SECRET} is set but {ENV_KEY_ID} is not"),
        ))),
    }
}

/// The RoleSessionName when none is given.
fn default_session() -> String {
    format!("rds-backup-{}", now_secs())
}

fn oidc_from_env(env: &Env) -> Option<Provider> {
    let role_arn = env.get("ALIBABA_CLOUD_ROLE_ARN")?;
    let provider_arn = env.get("ALIBABA_CLOUD_OIDC_PROVIDER_ARN")?;
    let token_file = env.get("ALIBABA_CLOUD_OIDC_TOKEN_FILE")?;
    Some(Provider {
        kind: Kind::Oidc,
        name: "oidc".into(),
        source: Source::Oidc {
            role_arn: role_arn.to_owned(),
            provider_arn: provider_arn.to_owned(),
            token_file: PathBuf::from(token_file),
            session: env
                .get("ALIBABA_CLOUD_ROLE_SESSION_NAME")
                .map_or_else(default_session, str::to_owned),
            duration_secs: 3600,
            policy: None,
            sts: StsEndpoint::from_env(env, None, None),
        },
    })
}

impl Provider {
    /// Fetches credentials (from the network, a file or a command, as the source says).
    pub async fn fetch(&self, http: &reqwest::Client) -> Result<Fetched, Error> {
        self.source.fetch(&self.name, http).await
    }
}

impl Source {
    /// Fetches credentials.
    pub fn fetch<'a>(
        &'a self,
        name: &'a str,
        http: &'a reqwest::Client,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Fetched, Error>> + Send + 'a>>
    {
        Box::pin(async move {
            match self {
                Source::Static(c) => Ok(Fetched {
                    credentials: c.clone(),
                    expires: None,
                }),
                Source::AssumeRole {
                    with,
                    role_arn,
                    session,
                    duration_secs,
                    policy,
                    external_id,
                    sts,
                } => {
                    let signer = with.fetch(name, http).await?;
                    sts::assume_role(
                        http,
                        sts,
                        &signer.credentials,
                        role_arn,
                        session,
                        *duration_secs,
                        policy.as_deref(),
                        external_id.as_deref(),
                    )
                    .await
                    .map_err(|m| fail(name, m))
                }
                Source::Oidc {
                    role_arn,
                    provider_arn,
                    token_file,
                    session,
                    duration_secs,
                    policy,
                    sts,
                } => {
                    // Read again at every refresh: the platform rotates the file.
                    let token = zeroize::Zeroizing::new(
                        std::fs::read_to_string(token_file).map_err(|e| {
                            fail(
                                name,
                                format!(
                                    "cannot read the OIDC token file {}: {e}",
                                    token_file.display()
                                ),
                            )
                        })?,
                    );
                    sts::assume_role_with_oidc(
                        http,
                        sts,
                        token.trim(),
                        role_arn,
                        provider_arn,
                        session,
                        *duration_secs,
                        policy.as_deref(),
                    )
                    .await
                    .map_err(|m| fail(name, m))
                }
                Source::Ecs(m) => m.fetch(http).await.map_err(|e| fail(name, e)),
                Source::Uri(uri) => ecs::from_uri(http, uri).await.map_err(|e| fail(name, e)),
                Source::External(cmd) => external::run(cmd).await.map_err(|e| fail(name, e)),
            }
        })
    }
}

/// Runs the chain: the first configured provider that yields credentials wins.
pub async fn resolve(
    env: &Env,
    options: &Options,
    http: &reqwest::Client,
) -> Result<(Provider, Fetched), Error> {
    let mut said = Vec::new();
    for candidate in providers(env, options) {
        match candidate {
            Ok(p) => match p.fetch(http).await {
                Ok(f) => return Ok((p, f)),
                Err(e) => said.push(e.to_string()),
            },
            Err(e @ Error::Provider { .. }) if options.profile.is_some() => return Err(e),
            Err(e) => said.push(e.to_string()),
        }
    }
    if said.is_empty() {
        said.push(match &options.only {
            Some(k) => format!("the {} provider is not configured", k.as_str()),
            None => format!(
                "set {ENV_KEY_ID} and {ENV_SECRET}, or configure ~/.aliyun/config.json, ~/.alibabacloud/credentials, an ECS RAM role or RRSA"
            ),
        });
    }
    Err(Error::NotConfigured(said))
}

/// The region of the CLI profile the chain would use, if it names one.
pub fn profile_region(env: &Env, profile: Option<&str>) -> Option<String> {
    profile::region(env, profile)
}

/// Files with secrets that other users can read (a warning each; never fatal).
pub fn warnings(env: &Env) -> Vec<String> {
    let files = [
        env.get("ALIBABA_CLOUD_CONFIG_FILE")
            .map_or_else(|| env.home_path(".aliyun/config.json"), PathBuf::from),
        env.get("ALIBABA_CLOUD_CREDENTIALS_FILE")
            .map_or_else(|| env.home_path(".alibabacloud/credentials"), PathBuf::from),
    ];
    files
        .iter()
        .filter(|f| f.is_file())
        .filter_map(|f| profile::readable_by_others(f))
        .collect()
}

/// The first 4 characters of a key id, for `whoami` and `/api/config` (never more).
pub fn key_prefix(id: &str) -> String {
    id.chars().take(4).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn kinds(env: &Env, options: &Options) -> Vec<String> {
        providers(env, options)
            .into_iter()
            .map(|p| match p {
                Ok(p) => p.kind.as_str().to_owned(),
                Err(e) => format!("error: {e}"),
            })
            .collect()
    }

    #[test]
    fn the_chain_is_in_the_official_order_and_configured_steps_only() {
        let env = Env::from_pairs([
            (ENV_KEY_ID, "id"),
            (ENV_SECRET, "sec"),
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/p",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/tmp/token"),
            (
                "ALIBABA_CLOUD_CREDENTIALS_URI",
                "http://127.0.0.1:1/credentials",
            ),
            ("ALIBABA_CLOUD_ECS_METADATA", "role"),
            ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
        ]);
        assert_eq!(
            kinds(&env, &Options::default()),
            ["env", "oidc", "ecs-ram-role", "credentials-uri"]
        );
        let only = Options {
            only: Some(Kind::CredentialsUri),
            ..Options::default()
        };
        assert_eq!(kinds(&env, &only), ["credentials-uri"]);
        let half = Env::from_pairs([(ENV_KEY_ID, "id-only")]);
        let said = kinds(&half, &Options::default());
        assert!(
            said[0].contains("is set but") && !said[0].contains("id-only"),
            "{said:?}"
        );
        // Off ECS and not asked for: the metadata address is never probed.
        assert!(kinds(&Env::from_pairs([]), &Options::default()).is_empty());
    }

    #[test]
    fn nothing_configured_says_what_to_set() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let e = rt
            .block_on(resolve(
                &Env::from_pairs([]),
                &Options::default(),
                &http_client().unwrap(),
            ))
            .unwrap_err();
        assert!(e.to_string().contains(ENV_KEY_ID), "{e}");
        assert_eq!(key_prefix("LTAI5tAbCdEf"), "LTAI");
        assert!(Kind::parse("nope").is_err());
    }
}
