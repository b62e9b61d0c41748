//! STS: where it is, and the two calls the chain makes. `AssumeRole` is signed as the
//! official credential libraries sign it (RPC, HMAC-SHA1, GET); `AssumeRoleWithOIDC` is
//! anonymous (the OIDC token is the proof).

use crate::{Env, Fetched};
use rds_backup_core::encode::canonical_query;
use rds_backup_core::sign::{Call, Method, SignatureVersion, sign};
use rds_backup_core::{Credentials, Endpoint, UtcTime};
use serde_json::Value;

/// The STS API version.
pub const VERSION: &str = "2015-04-01";

/// Where STS is: `sts.aliyuncs.com`; `ALIBABA_CLOUD_STS_REGION` gives
/// `sts.<region>.aliyuncs.com`, `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` `sts-vpc.<region>...`,
/// and `ALIBABA_CLOUD_STS_ENDPOINT` (as the aliyun CLI reads it) names the host or URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsEndpoint(pub Endpoint);

impl StsEndpoint {
    /// From the environment, and a profile's own `sts_region` / `enable_vpc`.
    pub fn from_env(env: &Env, region: Option<&str>, vpc: Option<bool>) -> StsEndpoint {
        if let Some(e) = env
            .get("ALIBABA_CLOUD_STS_ENDPOINT")
            .and_then(|e| Endpoint::parse_override(e).ok())
        {
            return StsEndpoint(e);
        }
        let vpc = vpc.unwrap_or_else(|| env.flag("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"));
        let prefix = if vpc { "sts-vpc" } else { "sts" };
        let region = region
            .filter(|r| !r.is_empty())
            .or_else(|| env.get("ALIBABA_CLOUD_STS_REGION"))
            .filter(|r| rds_backup_core::Region::new(r).is_ok());
        let host = match region {
            Some(r) => format!("{prefix}.{r}.aliyuncs.com"),
            None => "sts.aliyuncs.com".to_owned(),
        };
        let fallback = Endpoint {
            scheme: rds_backup_core::endpoint::Scheme::Https,
            host: host.clone(),
        };
        StsEndpoint(Endpoint::parse_override(&host).unwrap_or(fallback))
    }
}

fn nonce() -> String {
    let mut raw = [0u8; 16];
    let _ = getrandom::fill(&mut raw);
    rds_backup_core::sign::hex_lower(&raw)
}

/// Reads an STS answer's `Credentials`.
fn credentials_of(status: u16, body: &[u8]) -> Result<Fetched, String> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|_| format!("STS answered HTTP {status} without JSON"))?;
    if !(200..300).contains(&status) {
        // The service's code and message (they never hold a secret).
        return Err(format!(
            "STS refused (HTTP {status}): {} {}",
            v["Code"].as_str().unwrap_or("?"),
            v["Message"].as_str().unwrap_or_default()
        ));
    }
    let c = &v["Credentials"];
    let field = |k: &str| {
        c[k].as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("STS's answer has no Credentials.{k}"))
    };
    let expires = UtcTime::parse(field("Expiration")?)
        .ok_or("STS's Expiration is not yyyy-MM-ddTHH:mm:ssZ")?
        .unix();
    Ok(Fetched {
        credentials: Credentials::new(field("AccessKeyId")?, field("AccessKeySecret")?)
            .with_token(field("SecurityToken")?),
        expires: Some(expires),
    })
}

async fn get(http: &reqwest::Client, url: &str) -> Result<Fetched, String> {
    let response = http.get(url).send().await.map_err(|e| {
        format!(
            "STS could not be reached: {}",
            without_query(&e.to_string())
        )
    })?;
    let status = response.status().as_u16();
    // The answer holds the secret: wiped when dropped.
    let body = zeroize::Zeroizing::new(
        response
            .bytes()
            .await
            .map_err(|e| {
                format!(
                    "STS's answer could not be read: {}",
                    without_query(&e.to_string())
                )
            })?
            .to_vec(),
    );
    credentials_of(status, &body)
}

/// reqwest's messages quote the URL; a query holds the signature or the OIDC token.
fn without_query(message: &str) -> String {
    match message.find('?') {
        Some(i) => {
            let end = message[i..]
                .find([' ', ')'])
                .map_or(message.len(), |j| i + j);
            format!("{}{}", &message[..i], &message[end..])
        }
        None => message.to_owned(),
    }
}

/// `AssumeRole` signed with `signer`.
#[allow(clippy::too_many_arguments)]
pub async fn assume_role(
    http: &reqwest::Client,
    sts: &StsEndpoint,
    signer: &Credentials,
    role_arn: &str,
    session: &str,
    duration_secs: u32,
    policy: Option<&str>,
    external_id: Option<&str>,
) -> Result<Fetched, String> {
    let mut params = vec![
        ("DurationSeconds".to_owned(), duration_secs.to_string()),
        ("RoleArn".to_owned(), role_arn.to_owned()),
        ("RoleSessionName".to_owned(), session.to_owned()),
    ];
    if let Some(p) = policy {
        params.push(("Policy".into(), p.to_owned()));
    }
    if let Some(e) = external_id {
        params.push(("ExternalId".into(), e.to_owned()));
    }
    let call = Call {
        action: "AssumeRole".into(),
        version: VERSION.into(),
        params,
        method: Method::Get,
        endpoint: sts.0.clone(),
        time: UtcTime::from_unix(crate::now_secs()),
        nonce: nonce(),
    };
    let signed = sign(&call, signer, SignatureVersion::V2);
    get(http, &signed.request.url()).await
}

/// `AssumeRoleWithOIDC`, anonymous.
#[allow(clippy::too_many_arguments)]
pub async fn assume_role_with_oidc(
    http: &reqwest::Client,
    sts: &StsEndpoint,
    token: &str,
    role_arn: &str,
    provider_arn: &str,
    session: &str,
    duration_secs: u32,
    policy: Option<&str>,
) -> Result<Fetched, String> {
    let time = UtcTime::from_unix(crate::now_secs()).to_string();
    let duration = duration_secs.to_string();
    let mut params: Vec<(&str, &str)> = vec![
        ("Action", "AssumeRoleWithOIDC"),
        ("Format", "JSON"),
        ("Version", VERSION),
        ("DurationSeconds", &duration),
        ("RoleArn", role_arn),
        ("OIDCProviderArn", provider_arn),
        ("OIDCToken", token),
        ("RoleSessionName", session),
        ("Timestamp", &time),
    ];
    if let Some(p) = policy {
        params.push(("Policy", p));
    }
    let url = format!(
        "{}/?{}",
        sts.0.base_url(),
        canonical_query(params.into_iter())
    );
    get(http, &url).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_endpoint_follows_the_environment() {
        let host = |pairs: &[(&str, &str)]| {
            StsEndpoint::from_env(&Env::from_pairs(pairs.iter().copied()), None, None)
                .0
                .base_url()
        };
        assert_eq!(host(&[]), "https://sts.aliyuncs.com");
        assert_eq!(
            host(&[("ALIBABA_CLOUD_STS_REGION", "cn-shanghai")]),
            "https://sts.cn-shanghai.aliyuncs.com"
        );
        assert_eq!(
            host(&[
                ("ALIBABA_CLOUD_STS_REGION", "cn-shanghai"),
                ("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true")
            ]),
            "https://sts-vpc.cn-shanghai.aliyuncs.com"
        );
        assert_eq!(
            host(&[("ALIBABA_CLOUD_STS_ENDPOINT", "http://127.0.0.1:9")]),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            host(&[("ALIBABA_CLOUD_STS_REGION", "../evil")]),
            "https://sts.aliyuncs.com"
        );
    }

    #[test]
    fn answers_are_read_without_quoting_secrets() {
        let ok = br#"{"Credentials":{"AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}"#;
        let f = credentials_of(200, ok).unwrap();
        assert_eq!(f.credentials.access_key_id, "STS.a");
        assert!(f.expires.is_some());
        let e = credentials_of(403, br#"{"Code":"NoPermission","Message":"no"}"#).unwrap_err();
        assert!(e.contains("NoPermission"), "{e}");
        assert!(credentials_of(200, b"<html>").is_err());
        assert_eq!(
            without_query(
                "error sending request for url (https://sts.aliyuncs.com/?Signature=abc&OIDCToken=x)"
            ),
            "error sending request for url (https://sts.aliyuncs.com/)"
        );
    }
}
