//! Checking a received request's signature, as the service does: decode what the
//! client sent, rebuild the canonical form, recompute, compare in constant time.
//! Every shape the official clients send is accepted (see the signing spec).
//! The clock window and nonce replay need state and a clock: the caller checks
//! them with [`check_clock`] and its own nonce store.

use crate::encode::{DecodeError, canonical_query, parse_pairs};
use crate::secret::Secret;
use crate::sign::{SignatureVersion, V3_ALGORITHM, sha256_hex, v2, v3};
use crate::time::UtcTime;
use base64::Engine as _;
use hmac::Mac;

/// A request as the server received it.
#[derive(Clone, Copy, Debug)]
pub struct Received<'a> {
    /// The method (`GET`, `POST`).
    pub method: &'a str,
    /// The path, e.g. `/`.
    pub path: &'a str,
    /// The raw query string, without `?` (as the client encoded it).
    pub query: &'a str,
    /// Headers (any case), in the order received.
    pub headers: &'a [(String, String)],
    /// The raw body.
    pub body: &'a [u8],
}

/// What the key store knows of an AccessKey id.
#[derive(Clone, Debug)]
pub enum KeyStatus {
    /// A key in use, with its secret.
    Active(Secret),
    /// A key that exists but is disabled.
    Inactive,
    /// No such key.
    Unknown,
}

/// A request whose signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Which signature it carried.
    pub version: SignatureVersion,
    /// The AccessKey id that signed it.
    pub access_key_id: String,
    /// The action (`x-acs-action` or `Action`).
    pub action: String,
    /// The API version (`x-acs-version` or `Version`).
    pub api_version: String,
    /// The signing time the client claimed.
    pub time: UtcTime,
    /// The nonce the client sent.
    pub nonce: String,
    /// The STS token, if any.
    pub security_token: Option<String>,
    /// V2 `Format` (`JSON`, `XML`, any case), if given.
    pub format: Option<String>,
    /// The business parameters (query and form body, common parameters removed), decoded, in order.
    pub params: Vec<(String, String)>,
}

/// Why a request was refused; each maps to the service's code and status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A required parameter or header is missing (`Missing<Name>`).
    #[error("{0} is mandatory for this action.")]
    Missing(&'static str),
    /// The V3 `Authorization` header is malformed or uses another algorithm.
    #[error("The request signature is incomplete: {0}")]
    IncompleteSignature(String),
    /// V2 `SignatureMethod` other than HMAC-SHA1.
    #[error("Specified signature method is not supported: {0}")]
    InvalidSignatureMethod(String),
    /// The timestamp is not `yyyy-MM-ddTHH:mm:ssZ`.
    #[error("Specified time stamp or date value is not well formatted: {0}")]
    TimestampFormat(String),
    /// The timestamp is too far from the server's clock.
    #[error(
        "Specified time stamp or date value is expired: {0} is more than {1} minutes from the server time"
    )]
    TimestampExpired(String, u64),
    /// The nonce was seen before.
    #[error("Specified signature nonce was used already: {0}")]
    NonceUsed(String),
    /// No such AccessKey id.
    #[error("Specified access key is not found: {0}")]
    KeyNotFound(String),
    /// The key is disabled.
    #[error("Specified access key is disabled: {0}")]
    KeyInactive(String),
    /// The signature does not match; carries the server's string to sign.
    #[error(
        "Specified signature is not matched with our calculation. server string to sign is:{0}"
    )]
    SignatureDoesNotMatch(String),
    /// The query or body is not valid form encoding.
    #[error("The request could not be decoded: {0}")]
    BadEncoding(#[from] DecodeError),
}

impl VerifyError {
    /// The service's error code.
    pub fn code(&self) -> String {
        match self {
            VerifyError::Missing(name) => format!("Missing{name}"),
            VerifyError::IncompleteSignature(_) => "IncompleteSignature".into(),
            VerifyError::InvalidSignatureMethod(_) => "InvalidSignatureMethod".into(),
            VerifyError::TimestampFormat(_) => "InvalidTimeStamp.Format".into(),
            VerifyError::TimestampExpired(..) => "InvalidTimeStamp.Expired".into(),
            VerifyError::NonceUsed(_) => "SignatureNonceUsed".into(),
            VerifyError::KeyNotFound(_) => "InvalidAccessKeyId.NotFound".into(),
            VerifyError::KeyInactive(_) => "InvalidAccessKeyId.Inactive".into(),
            VerifyError::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch".into(),
            VerifyError::BadEncoding(_) => "InvalidParameter".into(),
        }
    }

    /// The HTTP status the service answers with.
    pub const fn http_status(&self) -> u16 {
        match self {
            VerifyError::KeyNotFound(_) => 404,
            _ => 400,
        }
    }
}

/// The parameters common to every V2 call (not business parameters).
const V2_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "SecurityToken",
    "Signature",
];

fn header<'a>(req: &'a Received, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Every value of a header, joined with `,` (HTTP's rule for repeated headers).
fn header_joined(req: &Received, name: &str) -> Option<String> {
    let values: Vec<&str> = req
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

fn is_form(req: &Received) -> bool {
    header(req, "content-type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    })
}

/// Decoded `(name, value)` pairs.
type Pairs = Vec<(String, String)>;

/// Query parameters, then form-body parameters, decoded.
fn all_params(req: &Received) -> Result<(Pairs, Pairs), VerifyError> {
    let query = parse_pairs(req.query)?;
    let body = if is_form(req) {
        let text = std::str::from_utf8(req.body)
            .map_err(|_| VerifyError::BadEncoding(DecodeError::NotUtf8("the form body".into())))?;
        parse_pairs(text)?
    } else {
        Vec::new()
    };
    Ok((query, body))
}

fn lookup(status: KeyStatus, key_id: &str) -> Result<Secret, VerifyError> {
    match status {
        KeyStatus::Active(s) => Ok(s),
        KeyStatus::Inactive => Err(VerifyError::KeyInactive(key_id.to_owned())),
        KeyStatus::Unknown => Err(VerifyError::KeyNotFound(key_id.to_owned())),
    }
}

fn parse_time(s: &str) -> Result<UtcTime, VerifyError> {
    UtcTime::parse(s).ok_or_else(|| VerifyError::TimestampFormat(s.to_owned()))
}

/// Verifies a received request: V3 when it carries an `Authorization` header, else V2.
pub fn verify(req: &Received, keys: impl Fn(&str) -> KeyStatus) -> Result<Verified, VerifyError> {
    match header(req, "authorization") {
        Some(auth) => verify_v3(req, auth, keys),
        None => verify_v2(req, keys),
    }
}

/// The V3 algorithms verified: HMAC over SHA-256, or over SM3 (which the official SDKs
/// send when `signatureAlgorithm` is `ACS3-HMAC-SM3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Sha256,
    Sm3,
}

/// `ACS3-HMAC-SM3`.
pub const V3_SM3_ALGORITHM: &str = "ACS3-HMAC-SM3";

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => V3_ALGORITHM,
            Algorithm::Sm3 => V3_SM3_ALGORITHM,
        }
    }

    fn hash_hex(self, data: &[u8]) -> String {
        use sha2::Digest;
        match self {
            Algorithm::Sha256 => sha256_hex(data),
            Algorithm::Sm3 => crate::sign::hex_lower(&sm3::Sm3::digest(data)),
        }
    }

    fn verify(self, secret: &Secret, message: &[u8], claimed: &[u8]) -> bool {
        match self {
            Algorithm::Sha256 => v3::mac(secret)
                .chain_update(message)
                .verify_slice(claimed)
                .is_ok(),
            Algorithm::Sm3 => hmac::Hmac::<sm3::Sm3>::new_from_slice(secret.expose().as_bytes())
                .is_ok_and(|m| m.chain_update(message).verify_slice(claimed).is_ok()),
        }
    }
}

struct Authorization<'a> {
    algorithm: Algorithm,
    credential: &'a str,
    signed_headers: Vec<String>,
    signature: &'a str,
}

fn parse_authorization(auth: &str) -> Result<Authorization<'_>, VerifyError> {
    let incomplete = |why: &str| VerifyError::IncompleteSignature(why.to_owned());
    let (algorithm, rest) = auth
        .trim()
        .split_once(' ')
        .ok_or_else(|| incomplete("the Authorization header has no algorithm"))?;
    let algorithm = match algorithm {
        V3_ALGORITHM => Algorithm::Sha256,
        V3_SM3_ALGORITHM => Algorithm::Sm3,
        other => {
            return Err(incomplete(&format!(
                "algorithm '{other}' is not supported, use {V3_ALGORITHM} or {V3_SM3_ALGORITHM}"
            )));
        }
    };
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {
                return Err(incomplete(&format!(
                    "unexpected '{}' in Authorization",
                    part.trim()
                )));
            }
        }
    }
    let credential = credential
        .filter(|c| !c.is_empty())
        .ok_or_else(|| incomplete("Credential is missing"))?;
    let signed = signed
        .filter(|s| !s.is_empty())
        .ok_or_else(|| incomplete("SignedHeaders is missing"))?;
    let signature = signature
        .filter(|s| !s.is_empty())
        .ok_or_else(|| incomplete("Signature is missing"))?;
    let mut signed_headers: Vec<String> = signed
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    signed_headers.sort();
    signed_headers.dedup();
    Ok(Authorization {
        algorithm,
        credential,
        signed_headers,
        signature,
    })
}

fn verify_v3(
    req: &Received,
    auth: &str,
    keys: impl Fn(&str) -> KeyStatus,
) -> Result<Verified, VerifyError> {
    let auth = parse_authorization(auth)?;
    let action = header(req, "x-acs-action").ok_or(VerifyError::Missing("Action"))?;
    let api_version = header(req, "x-acs-version").ok_or(VerifyError::Missing("Version"))?;
    let date = header(req, "x-acs-date").ok_or(VerifyError::Missing("Timestamp"))?;
    let nonce =
        header(req, "x-acs-signature-nonce").ok_or(VerifyError::Missing("SignatureNonce"))?;
    let time = parse_time(date.trim())?;
    let (query, body) = all_params(req)?;

    // As the gateway requires: `host` and every `x-acs-*` header sent are signed.
    for name in std::iter::once("host").chain(
        req.headers
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| k.len() > 6 && k[..6].eq_ignore_ascii_case("x-acs-")),
    ) {
        let name = name.to_ascii_lowercase();
        if !auth.signed_headers.contains(&name) {
            return Err(VerifyError::IncompleteSignature(format!(
                "header '{name}' is not in SignedHeaders: host and every x-acs-* header must be signed"
            )));
        }
    }
    let mut headers = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = header_joined(req, name).ok_or_else(|| {
            VerifyError::IncompleteSignature(format!(
                "header '{name}' is in SignedHeaders but was not sent"
            ))
        })?;
        headers.push((name.clone(), value));
    }
    let payload_hash = auth.algorithm.hash_hex(req.body);
    let canonical_q = canonical_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (canonical, _) = v3::canonical_request(
        &req.method.to_ascii_uppercase(),
        req.path,
        &canonical_q,
        &headers,
        &payload_hash,
    );
    let string_to_sign = match auth.algorithm {
        Algorithm::Sha256 => v3::string_to_sign(&canonical),
        other => format!("{}\n{}", other.name(), other.hash_hex(canonical.as_bytes())),
    };

    let secret = lookup(keys(auth.credential), auth.credential)?;
    let mismatch = || VerifyError::SignatureDoesNotMatch(string_to_sign.clone());
    let claimed = hex::decode(auth.signature).map_err(|_| mismatch())?;
    if !auth
        .algorithm
        .verify(&secret, string_to_sign.as_bytes(), &claimed)
    {
        return Err(mismatch());
    }
    if header(req, "x-acs-content-sha256")
        .is_some_and(|h| !h.trim().eq_ignore_ascii_case(&payload_hash))
    {
        return Err(mismatch());
    }

    Ok(Verified {
        version: SignatureVersion::V3,
        access_key_id: auth.credential.to_owned(),
        action: action.trim().to_owned(),
        api_version: api_version.trim().to_owned(),
        time,
        nonce: nonce.trim().to_owned(),
        security_token: header(req, "x-acs-security-token").map(|t| t.trim().to_owned()),
        format: None,
        params: query.into_iter().chain(body).collect(),
    })
}

fn verify_v2(req: &Received, keys: impl Fn(&str) -> KeyStatus) -> Result<Verified, VerifyError> {
    let (query, body) = all_params(req)?;
    let all: Vec<(String, String)> = query.into_iter().chain(body).collect();
    let get = |name: &str| all.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let signature = get("Signature").ok_or(VerifyError::Missing("Signature"))?;
    let key_id = get("AccessKeyId").ok_or(VerifyError::Missing("AccessKeyId"))?;
    let method = get("SignatureMethod").ok_or(VerifyError::Missing("SignatureMethod"))?;
    if method != "HMAC-SHA1" {
        return Err(VerifyError::InvalidSignatureMethod(method.to_owned()));
    }
    let timestamp = get("Timestamp").ok_or(VerifyError::Missing("Timestamp"))?;
    let nonce = get("SignatureNonce").ok_or(VerifyError::Missing("SignatureNonce"))?;
    let action = get("Action").ok_or(VerifyError::Missing("Action"))?;
    let api_version = get("Version").ok_or(VerifyError::Missing("Version"))?;
    let time = parse_time(timestamp)?;

    let canonical = canonical_query(
        all.iter()
            .filter(|(k, _)| k != "Signature")
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let string_to_sign = v2::string_to_sign(&req.method.to_ascii_uppercase(), &canonical);
    let secret = lookup(keys(key_id), key_id)?;
    let mismatch = || VerifyError::SignatureDoesNotMatch(string_to_sign.clone());
    let claimed = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .map_err(|_| mismatch())?;
    v2::mac(&secret)
        .chain_update(string_to_sign.as_bytes())
        .verify_slice(&claimed)
        .map_err(|_| mismatch())?;

    Ok(Verified {
        version: SignatureVersion::V2,
        access_key_id: key_id.to_owned(),
        action: action.to_owned(),
        api_version: api_version.to_owned(),
        time,
        nonce: nonce.to_owned(),
        security_token: get("SecurityToken").map(str::to_owned),
        format: get("Format").map(str::to_owned),
        params: all
            .iter()
            .filter(|(k, _)| !V2_COMMON.contains(&k.as_str()))
            .cloned()
            .collect(),
    })
}

/// Refuses a signing time more than `window_secs` away from `now`.
pub fn check_clock(time: UtcTime, now: UtcTime, window_secs: u64) -> Result<(), VerifyError> {
    if time.distance(now) > window_secs {
        Err(VerifyError::TimestampExpired(
            time.to_string(),
            window_secs / 60,
        ))
    } else {
        Ok(())
    }
}
