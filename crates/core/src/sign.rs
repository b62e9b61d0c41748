//! The exact request on the wire, signed with V3 (`ACS3-HMAC-SHA256`, the default)
//! or V2 (HMAC-SHA1). Each step (canonical request, string to sign, signature) is a
//! separate function so that it can be shown and tested; the time and the nonce are
//! inputs, so a result always reproduces.

use crate::encode::{canonical_query, percent_encode};
use crate::endpoint::Endpoint;
use crate::secret::{Credentials, Secret};
use crate::time::UtcTime;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The API version of RDS.
pub const RDS_VERSION: &str = "2014-08-15";
/// The V3 algorithm name.
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// Shown instead of the AccessKey id in a preview (the documentation's own placeholder).
pub const KEY_ID_PLACEHOLDER: &str = "YourAccessKeyId";
/// Shown instead of the signature in a preview.
pub const SIGNATURE_PLACEHOLDER: &str = "YourSignature";

/// HTTP method. RPC calls take both; the official SDKs use POST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST (the default).
    #[default]
    Post,
}

impl Method {
    /// `"GET"` or `"POST"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }

    /// Reads `GET` or `POST` (any case).
    pub fn parse(s: &str) -> Option<Method> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            _ => None,
        }
    }
}

/// Which signature to compute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header (the default).
    #[default]
    V3,
    /// HMAC-SHA1 in the `Signature` parameter.
    V2,
}

/// One RPC call to sign: what, where, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The action, e.g. `CreateBackup`.
    pub action: String,
    /// The API version, e.g. `2014-08-15`.
    pub version: String,
    /// The business parameters, all sent in the query.
    pub params: Vec<(String, String)>,
    /// GET or POST (empty body either way).
    pub method: Method,
    /// Where it goes.
    pub endpoint: Endpoint,
    /// The signing time.
    pub time: UtcTime,
    /// A value never used before (the replay guard).
    pub nonce: String,
}

/// A request as it goes on the wire: method, URL, headers, body. `Debug` redacts the
/// `Authorization` header, the STS token and a V2 signature.
#[derive(Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// The method.
    pub method: Method,
    /// Scheme and host.
    pub endpoint: Endpoint,
    /// The path (`/` for RPC).
    pub path: String,
    /// The encoded query, without `?`.
    pub query: String,
    /// Header names (lower case) and values, in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The body (empty for these calls).
    pub body: String,
}

/// A signed (or previewed) request with the intermediate values, for display and debugging.
/// `Debug` redacts as the request's does, and leaves out the canonical form and the
/// string to sign (V2's carry the token) and the signature.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// The version used.
    pub version: SignatureVersion,
    /// The request to send.
    pub request: WireRequest,
    /// V3: the canonical request; V2: the canonicalized query string.
    pub canonical: String,
    /// The string that was signed.
    pub string_to_sign: String,
    /// V3: lowercase hex; V2: Base64 (before percent-encoding).
    pub signature: String,
}

/// Header and query parameter names whose values are credentials.
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-acs-security-token"];
const SECRET_PARAMS: [&str; 2] = ["SecurityToken", "Signature"];
const REDACTED: &str = "<redacted>";

impl std::fmt::Debug for WireRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s));
                (k.as_str(), if secret { REDACTED } else { v.as_str() })
            })
            .collect();
        let query: Vec<String> = self
            .query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if SECRET_PARAMS.contains(&k) => format!("{k}={REDACTED}"),
                _ => pair.to_owned(),
            })
            .collect();
        f.debug_struct("WireRequest")
            .field("method", &self.method)
            .field("endpoint", &self.endpoint)
            .field("path", &self.path)
            .field("query", &query.join("&"))
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signed")
            .field("version", &self.version)
            .field("request", &self.request)
            .field("canonical_len", &self.canonical.len())
            .field("string_to_sign_len", &self.string_to_sign.len())
            .field("signature", &REDACTED)
            .finish()
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

/// Lowercase hex of `bytes` (a table lookup per nibble; this is on every signature's path).
pub fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// V3 step by step.
pub mod v3 {
    use super::*;

    /// The canonical request and the `SignedHeaders` value for `headers` (all of them are signed).
    pub fn canonical_request(
        method: &str,
        path: &str,
        canonical_query: &str,
        headers: &[(String, String)],
        payload_hash: &str,
    ) -> (String, String) {
        let normalized = headers
            .iter()
            .all(|(k, v)| !k.bytes().any(|b| b.is_ascii_uppercase()) && v.trim().len() == v.len())
            && headers.is_sorted();
        // What `sign` builds is already normalized: used as it is, without copies.
        let headers: std::borrow::Cow<'_, [(String, String)]> = if normalized {
            headers.into()
        } else {
            let mut hs: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            hs.sort();
            hs.into()
        };
        let signed = headers
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let mut out = String::with_capacity(256);
        for part in [method, "\n", path, "\n", canonical_query, "\n"] {
            out.push_str(part);
        }
        for (k, v) in headers.iter() {
            for part in [k.as_str(), ":", v.as_str(), "\n"] {
                out.push_str(part);
            }
        }
        for part in ["\n", signed.as_str(), "\n", payload_hash] {
            out.push_str(part);
        }
        (out, signed)
    }

    /// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
    pub fn string_to_sign(canonical_request: &str) -> String {
        format!(
            "{V3_ALGORITHM}\n{}",
            sha256_hex(canonical_request.as_bytes())
        )
    }

    /// Hex HMAC-SHA256 of the string to sign, keyed with the secret.
    pub fn signature(secret: &Secret, string_to_sign: &str) -> String {
        hex_lower(
            &mac(secret)
                .chain_update(string_to_sign.as_bytes())
                .finalize()
                .into_bytes(),
        )
    }

    /// The keyed MAC (for constant-time verification).
    pub(crate) fn mac(secret: &Secret) -> Hmac<Sha256> {
        // HMAC takes keys of any length: this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }

    /// The `Authorization` header value.
    pub fn authorization(key_id: &str, signed_headers: &str, signature: &str) -> String {
        format!(
            "{V3_ALGORITHM} Credential={key_id},SignedHeaders={signed_headers},Signature={signature}"
        )
    }
}

/// V2 step by step.
pub mod v2 {
    use super::*;
    use sha1::Sha1;

    /// `METHOD&%2F&` + percent-encode(canonicalized query).
    pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
        format!("{method}&%2F&{}", percent_encode(canonicalized_query))
    }

    /// Base64 HMAC-SHA1 keyed with `secret&`.
    pub fn signature(secret: &Secret, string_to_sign: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(
            mac(secret)
                .chain_update(string_to_sign.as_bytes())
                .finalize()
                .into_bytes(),
        )
    }

    /// The keyed MAC (for constant-time verification).
    pub(crate) fn mac(secret: &Secret) -> Hmac<Sha1> {
        let key = Secret::new(format!("{}&", secret.expose()));
        <Hmac<Sha1> as Mac>::new_from_slice(key.expose().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }
}

/// The empty-body SHA-256, the payload hash of every call here.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn sign_v3(call: &Call, key_id: &str, token: Option<&str>, secret: Option<&Secret>) -> Signed {
    let query = canonical_query(call.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), call.endpoint.host.clone()),
        ("x-acs-action".into(), call.action.clone()),
        ("x-acs-content-sha256".into(), EMPTY_SHA256.into()),
        ("x-acs-date".into(), call.time.to_string()),
        ("x-acs-signature-nonce".into(), call.nonce.clone()),
        ("x-acs-version".into(), call.version.clone()),
    ];
    if let Some(t) = token {
        headers.push(("x-acs-accesskey-id".into(), key_id.to_owned()));
        headers.push(("x-acs-security-token".into(), t.to_owned()));
    }
    headers.sort();
    let (canonical, signed_headers) =
        v3::canonical_request(call.method.as_str(), "/", &query, &headers, EMPTY_SHA256);
    let string_to_sign = v3::string_to_sign(&canonical);
    let signature = secret.map_or(SIGNATURE_PLACEHOLDER.to_owned(), |s| {
        v3::signature(s, &string_to_sign)
    });
    headers.push((
        "authorization".into(),
        v3::authorization(key_id, &signed_headers, &signature),
    ));
    Signed {
        version: SignatureVersion::V3,
        request: WireRequest {
            method: call.method,
            endpoint: call.endpoint.clone(),
            path: "/".into(),
            query,
            headers,
            body: String::new(),
        },
        canonical,
        string_to_sign,
        signature,
    }
}

fn sign_v2(call: &Call, key_id: &str, token: Option<&str>, secret: Option<&Secret>) -> Signed {
    let time = call.time.to_string();
    let mut params: Vec<(&str, &str)> = vec![
        ("Action", &call.action),
        ("Version", &call.version),
        ("Format", "JSON"),
        ("AccessKeyId", key_id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", &call.nonce),
        ("Timestamp", &time),
    ];
    if let Some(t) = token {
        params.push(("SecurityToken", t));
    }
    params.extend(call.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let canonical = canonical_query(params);
    let string_to_sign = v2::string_to_sign(call.method.as_str(), &canonical);
    let signature = secret.map_or(SIGNATURE_PLACEHOLDER.to_owned(), |s| {
        v2::signature(s, &string_to_sign)
    });
    let query = format!("{canonical}&Signature={}", percent_encode(&signature));
    Signed {
        version: SignatureVersion::V2,
        request: WireRequest {
            method: call.method,
            endpoint: call.endpoint.clone(),
            path: "/".into(),
            query,
            headers: vec![("host".into(), call.endpoint.host.clone())],
            body: String::new(),
        },
        canonical,
        string_to_sign,
        signature,
    }
}

/// Signs a call.
pub fn sign(call: &Call, creds: &Credentials, version: SignatureVersion) -> Signed {
    let token = creds.security_token.as_ref().map(Secret::expose);
    let secret = Some(&creds.access_key_secret);
    match version {
        SignatureVersion::V3 => sign_v3(call, &creds.access_key_id, token, secret),
        SignatureVersion::V2 => sign_v2(call, &creds.access_key_id, token, secret),
    }
}

/// The same request without any credential: the key id and the signature are
/// visible placeholders, so a browser can show it without holding a secret.
pub fn preview(call: &Call, version: SignatureVersion) -> Signed {
    match version {
        SignatureVersion::V3 => sign_v3(call, KEY_ID_PLACEHOLDER, None, None),
        SignatureVersion::V2 => sign_v2(call, KEY_ID_PLACEHOLDER, None, None),
    }
}

/// Quotes a word for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b))
    {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl WireRequest {
    /// `/?query` (or `/`).
    pub fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// The full URL.
    pub fn url(&self) -> String {
        format!("{}{}", self.endpoint.base_url(), self.target())
    }

    /// The request as raw HTTP/1.1 text.
    pub fn to_http(&self) -> String {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method.as_str(), self.target());
        for (k, v) in &self.headers {
            let _ = write!(out, "{k}: {v}\r\n");
        }
        if self.method == Method::Post {
            let _ = write!(out, "content-length: {}\r\n", self.body.len());
        }
        out.push_str("\r\n");
        out.push_str(&self.body);
        out
    }

    /// The request as a `curl` command line.
    pub fn to_curl(&self) -> String {
        let mut out = format!(
            "curl -sS -X {} {}",
            self.method.as_str(),
            shell_quote(&self.url())
        );
        for (k, v) in self.headers.iter().filter(|(k, _)| k != "host") {
            let _ = write!(out, " \\\n  -H {}", shell_quote(&format!("{k}: {v}")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::Endpoint;

    fn call() -> Call {
        Call {
            action: "CreateBackup".into(),
            version: RDS_VERSION.into(),
            params: vec![
                ("DBInstanceId".into(), "rm-uf6wjk5xxxxxxx".into()),
                ("BackupMethod".into(), "Physical".into()),
            ],
            method: Method::Post,
            endpoint: Endpoint::parse_override("rds.aliyuncs.com").unwrap(),
            time: UtcTime::parse("2023-10-26T10:22:32Z").unwrap(),
            nonce: "3156853299f313e23d1673dc12e1703d".into(),
        }
    }

    #[test]
    fn debug_never_shows_the_authorization_the_token_or_the_signature() {
        let creds = Credentials::new("AKID", "sekret").with_token("sts-token-value");
        for version in [SignatureVersion::V3, SignatureVersion::V2] {
            let s = sign(&call(), &creds, version);
            let shown = format!("{s:?} {:?}", s.request);
            assert!(!shown.contains("sts-token-value"), "{shown}");
            assert!(!shown.contains(&s.signature), "{shown}");
            assert!(
                shown.contains("<redacted>") && shown.contains("CreateBackup"),
                "{shown}"
            );
        }
    }

    #[test]
    fn v3_matches_the_published_createbackup_vector() {
        let s = sign(
            &call(),
            &Credentials::new("YourAccessKeyId", "YourAccessKeySecret"),
            SignatureVersion::V3,
        );
        assert_eq!(
            s.signature,
            "83c92d9dcd8f14e891ba4fdb829ace2f49c10626640bc6d08fbb94d6d90ef245"
        );
    }

    #[test]
    fn preview_holds_no_secret_and_the_same_query() {
        let creds = Credentials::new("LTAIrealkeyid", "topsecret");
        for v in [SignatureVersion::V3, SignatureVersion::V2] {
            let p = preview(&call(), v);
            let s = sign(&call(), &creds, v);
            let text = format!("{}{}", p.request.to_http(), p.request.to_curl());
            assert!(text.contains(KEY_ID_PLACEHOLDER) && text.contains(SIGNATURE_PLACEHOLDER));
            assert!(!text.contains("LTAIrealkeyid") && !text.contains("topsecret"));
            if v == SignatureVersion::V3 {
                assert_eq!(p.request.query, s.request.query);
                assert_eq!(p.canonical, s.canonical);
            }
        }
    }

    #[test]
    fn canonical_request_normalizes_headers_given_in_any_case_order_or_padding() {
        let h = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let tidy = [
            h("host", "a.example"),
            h("x-acs-action", "X"),
            h("x-acs-date", "D"),
        ];
        let messy = [
            h("X-Acs-Date", "  D "),
            h("Host", "a.example"),
            h("x-acs-action", "X\t"),
        ];
        let expected = (
            "POST\n/\nA=1\nhost:a.example\nx-acs-action:X\nx-acs-date:D\n\nhost;x-acs-action;x-acs-date\nHASH"
                .to_owned(),
            "host;x-acs-action;x-acs-date".to_owned(),
        );
        assert_eq!(
            v3::canonical_request("POST", "/", "A=1", &tidy, "HASH"),
            expected
        );
        assert_eq!(
            v3::canonical_request("POST", "/", "A=1", &messy, "HASH"),
            expected
        );
        assert_eq!(
            v3::canonical_request("GET", "/", "", &[], "H"),
            ("GET\n/\n\n\n\nH".to_owned(), String::new())
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("abc"), "abc");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's $HOME"), r"'it'\''s $HOME'");
        assert_eq!(shell_quote(""), "''");
    }
}
