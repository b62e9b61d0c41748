//! The ECS instance metadata service: IMDSv2 first (a token from `PUT /latest/api/token`),
//! then v1 unless `ALIBABA_CLOUD_IMDSV1_DISABLED`; the role from
//! `/latest/meta-data/ram/security-credentials/` (or `ALIBABA_CLOUD_ECS_METADATA`), then
//! its credentials; 1 s timeouts. The chain probes it only on a machine that says it is an
//! ECS instance (the DMI product name, as cloud-init reads it), or when asked to
//! (`ALIBABA_CLOUD_ECS_METADATA`, `RDS_BACKUP_ECS_METADATA_URL`): off ECS it sends nothing.
//! Also the credentials URI (`ALIBABA_CLOUD_CREDENTIALS_URI`), which answers the same JSON.

use crate::{Env, Fetched, Kind, Provider, Source};
use rds_backup_core::{Credentials, UtcTime};
use serde_json::Value;
use std::time::Duration;

/// The metadata service's address on ECS.
pub const METADATA_URL: &str = "http://100.100.100.200";
/// What the DMI product name of an ECS instance says.
pub const ECS_PRODUCT_NAME: &str = "Alibaba Cloud ECS";
const TIMEOUT: Duration = Duration::from_secs(1);
/// The lifetime asked for an IMDSv2 token (the official libraries' 6 hours).
const TOKEN_TTL: &str = "21600";

/// How to reach the metadata service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// `http://100.100.100.200`, or `RDS_BACKUP_ECS_METADATA_URL`.
    pub base: String,
    /// The RAM role (`None`: ask the service).
    pub role: Option<String>,
    /// IMDSv1 (no token) is not allowed.
    pub imdsv1_disabled: bool,
}

impl Metadata {
    /// The service as the environment describes it, for a role (or the instance's).
    pub fn from_env(env: &Env, role: Option<String>) -> Metadata {
        Metadata {
            base: env
                .get("RDS_BACKUP_ECS_METADATA_URL")
                .unwrap_or(METADATA_URL)
                .trim_end_matches('/')
                .to_owned(),
            role: role.or_else(|| env.get("ALIBABA_CLOUD_ECS_METADATA").map(str::to_owned)),
            imdsv1_disabled: env.flag("ALIBABA_CLOUD_IMDSV1_DISABLED"),
        }
    }

    async fn token(&self, http: &reqwest::Client) -> Result<String, String> {
        let r = http
            .put(format!("{}/latest/api/token", self.base))
            .header("X-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL)
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(|e| format!("no IMDSv2 token: {e}"))?;
        if !r.status().is_success() {
            return Err(format!("no IMDSv2 token: HTTP {}", r.status().as_u16()));
        }
        r.text().await.map_err(|e| format!("no IMDSv2 token: {e}"))
    }

    async fn get(
        &self,
        http: &reqwest::Client,
        path: &str,
        token: Option<&str>,
    ) -> Result<String, String> {
        let mut req = http.get(format!("{}{path}", self.base)).timeout(TIMEOUT);
        if let Some(t) = token {
            req = req.header("X-aliyun-ecs-metadata-token", t);
        }
        let r = req
            .send()
            .await
            .map_err(|e| format!("the metadata service did not answer {path}: {e}"))?;
        let status = r.status().as_u16();
        // The answer holds the secret: wiped when dropped.
        let text = zeroize::Zeroizing::new(r.text().await.map_err(|e| e.to_string())?);
        if !(200..300).contains(&status) {
            return Err(format!(
                "the metadata service answered {path} with HTTP {status}"
            ));
        }
        Ok(text.to_string())
    }

    /// The role's credentials now.
    pub async fn fetch(&self, http: &reqwest::Client) -> Result<Fetched, String> {
        let token = match self.token(http).await {
            Ok(t) => Some(t),
            Err(e) if self.imdsv1_disabled => {
                return Err(format!(
                    "{e}, and IMDSv1 is disabled (ALIBABA_CLOUD_IMDSV1_DISABLED)"
                ));
            }
            Err(_) => None,
        };
        let root = "/latest/meta-data/ram/security-credentials/";
        let role = match &self.role {
            Some(r) => r.clone(),
            None => self
                .get(http, root, token.as_deref())
                .await?
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        if role.is_empty() || role.contains('/') {
            return Err("the instance has no RAM role".into());
        }
        let body = zeroize::Zeroizing::new(
            self.get(http, &format!("{root}{role}"), token.as_deref())
                .await?,
        );
        parse(&body).map_err(|e| format!("the role {role}: {e}"))
    }
}

/// The JSON the metadata service and a credentials URI answer.
pub fn parse(body: &str) -> Result<Fetched, String> {
    let v: Value = serde_json::from_str(body).map_err(|_| "the answer is not JSON".to_owned())?;
    if v["Code"].as_str().is_some_and(|c| c != "Success") {
        return Err(format!("the answer says {}", v["Code"]));
    }
    let field = |k: &str| {
        v[k].as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("the answer has no {k}"))
    };
    let expires = UtcTime::parse(field("Expiration")?)
        .ok_or("Expiration is not yyyy-MM-ddTHH:mm:ssZ")?
        .unix();
    Ok(Fetched {
        credentials: Credentials::new(field("AccessKeyId")?, field("AccessKeySecret")?)
            .with_token(field("SecurityToken")?),
        expires: Some(expires),
    })
}

/// The credentials a URI answers.
pub async fn from_uri(http: &reqwest::Client, uri: &str) -> Result<Fetched, String> {
    let r = http
        .get(uri)
        .send()
        .await
        .map_err(|e| format!("{uri} did not answer: {e}"))?;
    let status = r.status().as_u16();
    let body = zeroize::Zeroizing::new(r.text().await.map_err(|e| e.to_string())?);
    if !(200..300).contains(&status) {
        return Err(format!("{uri} answered HTTP {status}"));
    }
    parse(&body)
}

/// Whether this machine says it is an ECS instance.
fn on_ecs(env: &Env) -> bool {
    std::fs::read_to_string(&env.dmi_product_name)
        .is_ok_and(|n| n.trim().starts_with(ECS_PRODUCT_NAME))
}

/// The metadata step of the chain, when it applies.
pub fn provider(env: &Env) -> Option<Provider> {
    if env.flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
        return None;
    }
    let asked = env.get("ALIBABA_CLOUD_ECS_METADATA").is_some()
        || env.get("RDS_BACKUP_ECS_METADATA_URL").is_some();
    if !(asked || on_ecs(env)) {
        return None;
    }
    Some(Provider {
        kind: Kind::EcsRamRole,
        name: "ecs-ram-role".into(),
        source: Source::Ecs(Metadata::from_env(env, None)),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_on_ecs_or_when_asked() {
        assert!(provider(&Env::from_pairs([])).is_none());
        let tmp_dir = tempfile::Builder::new()
            .prefix("rds-cred-dmi-")
            .tempdir()
            .unwrap();
        let dir = tmp_dir.path();
        std::fs::write(dir.join("product_name"), "Alibaba Cloud ECS\n").unwrap();
        let mut ecs = Env::from_pairs([]);
        ecs.dmi_product_name = dir.join("product_name");
        let p = provider(&ecs).unwrap();
        assert!(
            matches!(p.source, Source::Ecs(ref m) if m.base == METADATA_URL && m.role.is_none())
        );
        let mut off = Env::from_pairs([("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")]);
        off.dmi_product_name = dir.join("product_name");
        assert!(provider(&off).is_none());
        let asked = Env::from_pairs([("RDS_BACKUP_ECS_METADATA_URL", "http://127.0.0.1:9/")]);
        assert!(
            matches!(provider(&asked).unwrap().source, Source::Ecs(ref m) if m.base == "http://127.0.0.1:9")
        );
    }

    #[test]
    fn answers_are_read() {
        let ok = r#"{"AccessKeyId":"STS.x","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z","Code":"Success"}"#;
        assert_eq!(parse(ok).unwrap().credentials.access_key_id, "STS.x");
        assert!(parse(r#"{"Code":"Failed"}"#).is_err());
        assert!(parse("nope").is_err());
    }
}
