//! The STS side (API version 2015-04-01) on the same address, as the gateway dispatches
//! by version: `AssumeRole` (signed with a key the emulator knows), `AssumeRoleWithOIDC`
//! (anonymous; the token checked against a JWKS the emulator is given) and
//! `GetCallerIdentity`. The keys it issues expire; the RDS side accepts them, with their
//! token, until then (`InvalidSecurityToken.Expired` after).

use crate::actions::Args;
use crate::api::ApiError;
use crate::fleet::DEMO_ACCOUNT_ID;
use crate::state::State;
use rds_backup_core::{Secret, UtcTime};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

/// The STS API version.
pub const STS_VERSION: &str = "2015-04-01";

/// A key STS issued.
#[derive(Clone, Debug)]
pub struct Issued {
    /// `STS.…`.
    pub id: String,
    /// Its secret.
    pub secret: Secret,
    /// The token that must come with it.
    pub token: Secret,
    /// When it stops working (ms).
    pub expires_ms: i64,
    /// The role it acts as.
    pub role_arn: String,
}

/// The keys STS has issued, and how long new ones last.
pub struct Sts {
    issued: Mutex<HashMap<String, Issued>>,
    /// The longest a key lives (`--sts-duration`, to shorten it in tests), in seconds.
    pub max_duration_secs: Option<i64>,
    /// The identity provider's keys, for AssumeRoleWithOIDC.
    pub oidc_keys: Vec<(
        Option<String>,
        jsonwebtoken::DecodingKey,
        jsonwebtoken::Algorithm,
    )>,
    /// Keys derived from what was asked (role, session) instead of random ones, so that
    /// two clients asking the same get the same key id (`--sts-deterministic`, for tests
    /// that compare credential libraries).
    pub deterministic: bool,
    counter: std::sync::atomic::AtomicU64,
}

impl Default for Sts {
    fn default() -> Self {
        Sts {
            issued: Mutex::default(),
            max_duration_secs: None,
            oidc_keys: Vec::new(),
            deterministic: false,
            counter: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

fn random_text(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    let _ = getrandom::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

impl Sts {
    /// Reads a JWKS (RS256 and ES256 keys) for AssumeRoleWithOIDC.
    pub fn with_jwks(mut self, text: &str) -> Result<Sts, String> {
        let set: jsonwebtoken::jwk::JwkSet =
            serde_json::from_str(text).map_err(|e| format!("the JWKS: {e}"))?;
        for jwk in &set.keys {
            let alg = match &jwk.algorithm {
                jsonwebtoken::jwk::AlgorithmParameters::RSA(_) => jsonwebtoken::Algorithm::RS256,
                jsonwebtoken::jwk::AlgorithmParameters::EllipticCurve(_) => {
                    jsonwebtoken::Algorithm::ES256
                }
                _ => continue,
            };
            let key =
                jsonwebtoken::DecodingKey::from_jwk(jwk).map_err(|e| format!("the JWKS: {e}"))?;
            self.oidc_keys.push((jwk.common.key_id.clone(), key, alg));
        }
        Ok(self)
    }

    /// Issues a key for `role_arn` lasting `duration_secs` (capped by `--sts-duration`);
    /// `seed` (the session, the caller) picks the key when keys are deterministic.
    pub fn issue(&self, role_arn: &str, seed: &str, now_ms: i64, duration_secs: i64) -> Issued {
        let secs = self
            .max_duration_secs
            .map_or(duration_secs, |cap| duration_secs.min(cap));
        let (id, secret, token) = if self.deterministic {
            use sha2::Digest;
            let h = |part: &str| {
                rds_backup_core::sign::hex_lower(&sha2::Sha256::digest(format!(
                    "{part}|{role_arn}|{seed}"
                )))
            };
            (
                format!("STS.{}", &h("id")[..24]),
                h("secret")[..30].to_owned(),
                format!("CAIS{}", h("token")),
            )
        } else {
            let n = self
                .counter
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (
                format!("STS.{}{n:04}", random_text(20)),
                random_text(30),
                format!("CAIS{}", random_text(120)),
            )
        };
        let key = Issued {
            id,
            secret: Secret::new(secret),
            token: Secret::new(token),
            expires_ms: now_ms + secs * 1000,
            role_arn: role_arn.to_owned(),
        };
        let mut issued = self
            .issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Keys expired for a day are forgotten.
        issued.retain(|_, k| k.expires_ms > now_ms - 86_400_000);
        issued.insert(key.id.clone(), key.clone());
        key
    }

    /// An issued key, expired or not.
    pub fn get(&self, id: &str) -> Option<Issued> {
        self.issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
            .cloned()
    }
}

/// The `Credentials` object of an answer.
pub fn credentials_json(k: &Issued) -> Value {
    json!({
        "AccessKeyId": k.id,
        "AccessKeySecret": k.secret.expose(),
        "SecurityToken": k.token.expose(),
        "Expiration": UtcTime::from_unix(k.expires_ms.div_euclid(1000)).to_string(),
    })
}

fn duration(args: &Args) -> Result<i64, ApiError> {
    let d = args.int("DurationSeconds")?.unwrap_or(3600);
    if !(900..=43_200).contains(&d) {
        return Err(ApiError::new(
            400,
            "InvalidParameter.DurationSeconds",
            format!("The DurationSeconds {d} is not in the range 900 to 43200."),
        ));
    }
    Ok(d)
}

fn role_of(args: &Args) -> Result<(String, String), ApiError> {
    let arn = args.require("RoleArn")?;
    let name = arn
        .strip_prefix(&format!("acs:ram::{DEMO_ACCOUNT_ID}:role/"))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                404,
                "EntityNotExist.Role",
                format!("The role not exists: {arn}."),
            )
        })?;
    Ok((arn.to_owned(), name.to_owned()))
}

fn assumed(state: &State, args: &Args, caller: &str) -> Result<Value, ApiError> {
    let (arn, role) = role_of(args)?;
    let session = args.require("RoleSessionName")?;
    if args
        .get("Policy")?
        .is_some_and(|p| serde_json::from_str::<Value>(p).is_err())
    {
        return Err(ApiError::new(
            400,
            "InvalidParameter.PolicyGrammar",
            "The parameter Policy has not passed grammar check.",
        ));
    }
    let key = state.sts.issue(
        &arn,
        &format!("{session}|{caller}"),
        state.clock.now_ms(),
        duration(args)?,
    );
    Ok(json!({
        "AssumedRoleUser": {
            "Arn": format!("acs:ram::{DEMO_ACCOUNT_ID}:assumed-role/{role}/{session}"),
            "AssumedRoleId": format!("3{}:{session}", &key.id[4..16]),
        },
        "Credentials": credentials_json(&key),
    }))
}

/// `AssumeRole`, by a caller whose signature checked out.
pub fn assume_role(state: &State, args: &Args, key_id: &str) -> Result<Value, ApiError> {
    if args
        .get("ExternalId")?
        .is_some_and(|e| e.len() < 2 || e.len() > 96)
    {
        return Err(ApiError::new(
            400,
            "InvalidParameter.ExternalId",
            "The ExternalId is 2 to 96 characters.",
        ));
    }
    assumed(state, args, key_id)
}

/// `AssumeRoleWithOIDC`: anonymous; the OIDC token is the proof.
pub fn assume_role_with_oidc(state: &State, args: &Args) -> Result<Value, ApiError> {
    let provider = args.require("OIDCProviderArn")?;
    if !provider.starts_with(&format!("acs:ram::{DEMO_ACCOUNT_ID}:oidc-provider/")) {
        return Err(ApiError::new(
            404,
            "EntityNotExist.OIDCProvider",
            format!("The OIDC provider not exists: {provider}."),
        ));
    }
    let token = args.require("OIDCToken")?;
    let refused = |why: &str| {
        ApiError::new(
            400,
            "AuthenticationFail.OIDCToken.Invalid",
            format!("The OIDC token is invalid: {why}."),
        )
    };
    let header = jsonwebtoken::decode_header(token).map_err(|_| refused("not a JWT"))?;
    let key = state
        .sts
        .oidc_keys
        .iter()
        .find(|(kid, _, alg)| *alg == header.alg && (header.kid.is_none() || *kid == header.kid))
        .ok_or_else(|| refused("no key of the provider signed it"))?;
    let mut validation = jsonwebtoken::Validation::new(key.2);
    validation.validate_aud = false;
    validation.leeway = 30;
    jsonwebtoken::decode::<Value>(token, &key.1, &validation).map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::ExpiredSignature => ApiError::new(
            400,
            "AuthenticationFail.OIDCToken.Expired",
            "The OIDC token has expired.",
        ),
        _ => refused("its signature or claims do not check out"),
    })?;
    let mut body = assumed(state, args, provider)?;
    body["OIDCTokenInfo"] = json!({"Issuer": "emulator", "ClientIds": "sts.aliyuncs.com"});
    Ok(body)
}

/// `GetCallerIdentity`: the account and identity of the signing key.
pub fn get_caller_identity(state: &State, key_id: &str) -> Result<Value, ApiError> {
    let (kind, arn) = match state.sts.get(key_id) {
        Some(k) => (
            "AssumedRoleUser",
            format!(
                "{}/session",
                k.role_arn.replacen(":role/", ":assumed-role/", 1)
            ),
        ),
        None => ("Account", format!("acs:ram::{DEMO_ACCOUNT_ID}:root")),
    };
    Ok(json!({
        "AccountId": DEMO_ACCOUNT_ID,
        "UserId": DEMO_ACCOUNT_ID,
        "PrincipalId": DEMO_ACCOUNT_ID,
        "IdentityType": kind,
        "Arn": arn,
    }))
}

/// Runs a signed STS action by name; `None` when the emulator does not know it.
pub fn dispatch(
    state: &State,
    action: &str,
    key_id: &str,
    args: &Args,
) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "GetCallerIdentity" => get_caller_identity(state, key_id),
        "AssumeRole" => assume_role(state, args, key_id),
        _ => return None,
    })
}
