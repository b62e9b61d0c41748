//! OpenID Connect bearer tokens: a JWT verified with `jsonwebtoken` against the issuer's
//! keys (JWKS, by discovery or from `--oidc-jwks`), RS256 and ES256 only.
//!
//! The keys are cached; a token with a key id the cache does not hold makes the proxy
//! fetch them again, at most once a minute, so a key the issuer adds is used without a
//! restart and a flood of made-up key ids costs one fetch a minute.

use super::{AuthError, Caller};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// The clock skew accepted on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 30;
/// The largest JWKS or discovery document read.
const DOCUMENT_LIMIT: usize = 1024 * 1024;

/// Where the keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwksSource {
    /// `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`.
    Discovery,
    /// A JWKS URL.
    Url(String),
    /// A JWKS file (read again at each refresh).
    File(PathBuf),
}

impl JwksSource {
    /// `--oidc-jwks FILE_OR_URL`.
    pub fn parse(s: &str) -> JwksSource {
        if s.starts_with("http://") || s.starts_with("https://") {
            JwksSource::Url(s.to_owned())
        } else {
            JwksSource::File(PathBuf::from(s))
        }
    }
}

/// What to expect of a token.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The `iss` to expect (and, for discovery, where the issuer is).
    pub issuer: String,
    /// The `aud` to expect.
    pub audience: String,
    /// Where the keys are.
    pub jwks: JwksSource,
    /// The claim naming the user (`None`: `preferred_username`, then `email`, then `sub`).
    pub user_claim: Option<String>,
    /// The claim listing the groups.
    pub groups_claim: String,
    /// The shortest time between two fetches caused by an unknown key id.
    pub refetch_interval: Duration,
}

struct Key {
    key: DecodingKey,
    alg: Algorithm,
}

#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, Key>,
    /// Keys without a `kid` (used only for tokens without one).
    anonymous: Vec<Key>,
    /// When an unknown key id last made us fetch.
    last_refetch: Option<Instant>,
}

/// Verifies bearer tokens for one issuer and audience.
pub struct Verifier {
    settings: Settings,
    client: reqwest::Client,
    keys: RwLock<Keys>,
    /// One fetch at a time.
    fetching: tokio::sync::Mutex<()>,
}

/// The key algorithms accepted: never `none`, never HMAC.
fn accepted(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::RS256 | Algorithm::ES256)
}

/// The algorithm a JWK is for, if it is one we accept.
fn algorithm_of(jwk: &Jwk) -> Option<Algorithm> {
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return None;
    }
    let by_type = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => Algorithm::ES256,
        _ => return None,
    };
    match jwk.common.key_algorithm {
        None => Some(by_type),
        Some(named) => (named == KeyAlgorithm::from(by_type)).then_some(by_type),
    }
}

/// Parses a JWKS document, keeping the keys we can use (others are skipped, not fatal).
fn parse_jwks(text: &[u8]) -> Result<Keys, String> {
    let doc: Value =
        serde_json::from_slice(text).map_err(|e| format!("the JWKS is not JSON: {e}"))?;
    let list = doc["keys"]
        .as_array()
        .ok_or("the JWKS has no \"keys\" list")?;
    let mut keys = Keys::default();
    for item in list {
        let Ok(jwk) = serde_json::from_value::<Jwk>(item.clone()) else {
            continue;
        };
        let Some(alg) = algorithm_of(&jwk) else {
            continue;
        };
        let Ok(key) = DecodingKey::from_jwk(&jwk) else {
            continue;
        };
        match jwk.common.key_id.clone() {
            Some(kid) => {
                keys.by_kid.insert(kid, Key { key, alg });
            }
            None => keys.anonymous.push(Key { key, alg }),
        }
    }
    Ok(keys)
}

fn refused(why: impl Into<String>) -> AuthError {
    AuthError::Refused(why.into())
}

impl Verifier {
    /// A verifier; call [`Verifier::load`] before serving.
    pub fn new(settings: Settings, client: reqwest::Client) -> Verifier {
        Verifier {
            settings,
            client,
            keys: RwLock::new(Keys::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let response = self
            .client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| format!("cannot fetch {url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!(
                "{url} answered HTTP {}",
                response.status().as_u16()
            ));
        }
        if response
            .content_length()
            .is_some_and(|n| n > DOCUMENT_LIMIT as u64)
        {
            return Err(format!("{url} is larger than {DOCUMENT_LIMIT} bytes"));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("cannot read {url}: {e}"))?;
        if bytes.len() > DOCUMENT_LIMIT {
            return Err(format!("{url} is larger than {DOCUMENT_LIMIT} bytes"));
        }
        Ok(bytes.to_vec())
    }

    async fn fetch(&self) -> Result<Keys, String> {
        let text = match &self.settings.jwks {
            JwksSource::File(path) => std::fs::read(path)
                .map_err(|e| format!("cannot read the JWKS {}: {e}", path.display()))?,
            JwksSource::Url(url) => self.get(url).await?,
            JwksSource::Discovery => {
                let base = self.settings.issuer.trim_end_matches('/');
                let url = format!("{base}/.well-known/openid-configuration");
                let doc: Value = serde_json::from_slice(&self.get(&url).await?)
                    .map_err(|e| format!("{url} is not JSON: {e}"))?;
                if doc["issuer"].as_str() != Some(self.settings.issuer.as_str()) {
                    return Err(format!(
                        "{url} names issuer {}, not {}",
                        doc["issuer"], self.settings.issuer
                    ));
                }
                let jwks = doc["jwks_uri"]
                    .as_str()
                    .ok_or_else(|| format!("{url} has no jwks_uri"))?;
                self.get(jwks).await?
            }
        };
        parse_jwks(&text)
    }

    /// Fetches the keys (at start: a failure stops the start, saying why).
    pub async fn load(&self) -> Result<usize, String> {
        let keys = self.fetch().await?;
        let n = keys.by_kid.len() + keys.anonymous.len();
        if n == 0 {
            return Err("the JWKS holds no RS256 or ES256 signing key".into());
        }
        let mut cache = self
            .keys
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let last_refetch = cache.last_refetch;
        *cache = keys;
        cache.last_refetch = last_refetch;
        Ok(n)
    }

    /// The key for a token's `kid` and algorithm, if cached.
    fn cached(&self, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match kid {
            Some(kid) => keys
                .by_kid
                .get(kid)
                .filter(|k| k.alg == alg)
                .map(|k| k.key.clone()),
            None => match keys.anonymous.as_slice() {
                [only] if only.alg == alg => Some(only.key.clone()),
                _ => None,
            },
        }
    }

    /// Fetches the keys again because of an unknown key id, unless that happened less
    /// than a refetch interval ago.
    async fn refetch(&self) {
        let _one = self.fetching.lock().await;
        {
            let keys = self
                .keys
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if keys
                .last_refetch
                .is_some_and(|t| t.elapsed() < self.settings.refetch_interval)
            {
                return;
            }
        }
        let fetched = self.fetch().await;
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match fetched {
            Ok(new) => *keys = new,
            Err(e) => tracing::warn!("oidc: fetching the issuer's keys again failed: {e}"),
        }
        keys.last_refetch = Some(Instant::now());
    }

    /// Verifies a bearer token and names its caller.
    pub async fn verify(&self, token: &str) -> Result<Caller, AuthError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| refused("the bearer token is not a JWT this proxy accepts"))?;
        if !accepted(header.alg) {
            return Err(refused(format!(
                "tokens signed with {:?} are not accepted (RS256, ES256)",
                header.alg
            )));
        }
        let kid = header.kid.as_deref();
        let key = match self.cached(kid, header.alg) {
            Some(k) => k,
            None => {
                self.refetch().await;
                self.cached(kid, header.alg)
                    .ok_or_else(|| refused("the token's key id is not one of the issuer's keys"))?
            }
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| refused(explain(e.kind())))?;
        self.caller(&data.claims)
    }

    fn caller(&self, claims: &Map<String, Value>) -> Result<Caller, AuthError> {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let user = match &self.settings.user_claim {
            Some(claim) => text(claim),
            None => text("preferred_username")
                .or_else(|| text("email"))
                .or_else(|| text("sub")),
        }
        .ok_or_else(|| refused("the token names no user (preferred_username, email or sub)"))?;
        let groups = match claims.get(&self.settings.groups_claim) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        Ok(Caller { user, groups })
    }
}

/// What went wrong, in words a caller can act on (never the token).
fn explain(kind: &jsonwebtoken::errors::ErrorKind) -> &'static str {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::ExpiredSignature => "the token has expired: sign in again",
        K::ImmatureSignature => "the token is not valid yet (nbf)",
        K::InvalidAudience => "the token is for another audience",
        K::InvalidIssuer => "the token is from another issuer",
        K::InvalidSignature => "the token's signature does not verify",
        K::MissingRequiredClaim(_) => "the token lacks exp, iss or aud",
        K::InvalidAlgorithm => "the token's algorithm does not match its key",
        _ => "the bearer token is not a JWT this proxy accepts",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_rsa_and_p256_signing_keys_are_kept() {
        let jwks = br#"{"keys":[
            {"kty":"RSA","kid":"r1","use":"sig","alg":"RS256","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"},
            {"kty":"oct","kid":"h1","k":"c2VjcmV0"},
            {"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"},
            {"kty":"weird"}
        ]}"#;
        let keys = parse_jwks(jwks).unwrap();
        assert_eq!(keys.by_kid.len(), 1);
        assert!(keys.by_kid.contains_key("r1"));
        assert!(parse_jwks(b"[]").is_err());
        assert!(!accepted(Algorithm::HS256));
    }
}
