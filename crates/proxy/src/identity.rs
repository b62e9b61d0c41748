//! Who is calling: one [`Caller`] for every route, from the mode chosen with `--auth`.
//!
//! - `oidc`: `Authorization: Bearer <JWT>`, verified against the issuer's keys ([`oidc`]).
//! - `trusted-header`: oauth2-proxy's `X-Forwarded-*` headers, believed only from a peer
//!   inside `--trusted-proxy`; from any other peer they are a 401.
//! - `tokens`: bearer tokens from a file, for scripts and CI.
//! - `none`: everyone is `anonymous` (demo; only on loopback).

pub mod oidc;

use crate::App;
use crate::error::ProxyError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The user name when no authentication is configured.
pub const ANONYMOUS: &str = "anonymous";

/// The oauth2-proxy headers, in the order the user name is taken from them.
pub const FORWARDED_USER_HEADERS: [&str; 3] = [
    "x-forwarded-preferred-username",
    "x-forwarded-user",
    "x-forwarded-email",
];
/// The oauth2-proxy groups header (comma separated).
pub const FORWARDED_GROUPS_HEADER: &str = "x-forwarded-groups";

/// How callers prove who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthKind {
    /// Nobody is asked; every caller is `anonymous` (loopback only).
    None,
    /// Bearer tokens from `--tokens`.
    Tokens,
    /// An auth proxy's `X-Forwarded-*` headers, from `--trusted-proxy` peers only.
    TrustedHeader,
    /// An OpenID Connect ID or access token (JWT) as a bearer token.
    Oidc,
}

impl AuthKind {
    /// The name `--auth` takes and `/api/config` reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Tokens => "tokens",
            AuthKind::TrustedHeader => "trusted-header",
            AuthKind::Oidc => "oidc",
        }
    }
}

/// The authenticated caller of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The user name policies and the audit log use.
    pub user: String,
    /// The groups policies name as `group:<name>`.
    pub groups: Vec<String>,
}

impl Caller {
    /// The caller of demo mode and `--auth none`.
    pub fn anonymous() -> Caller {
        Caller {
            user: ANONYMOUS.into(),
            groups: Vec::new(),
        }
    }
}

/// Bearer tokens, kept as SHA-256 digests: compared in constant time over a fixed length,
/// so timing tells neither how much of a token matched nor how long tokens are.
pub struct Tokens(Vec<([u8; 32], String)>);

impl Tokens {
    /// Reads a tokens file: a JSON object `{"<token>": "<user name>", ...}`.
    pub fn read(text: &str) -> Result<Tokens, String> {
        let map: std::collections::BTreeMap<String, String> =
            serde_json::from_str(text).map_err(|e| {
                format!(
                    "tokens file: expected {{\"<token>\": \"<user>\"}} (line {} column {})",
                    e.line(),
                    e.column()
                )
            })?;
        if map.keys().any(|t| t.len() < 16) {
            return Err("tokens file: every token must be at least 16 characters".into());
        }
        if map
            .values()
            .any(|u| u.trim().is_empty() || u.starts_with("group:"))
        {
            return Err("tokens file: every token needs a user name (not a group:)".into());
        }
        Ok(Tokens(
            map.into_iter()
                .map(|(t, u)| (Sha256::digest(t.as_bytes()).into(), u))
                .collect(),
        ))
    }

    fn user(&self, token: &str) -> Option<String> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        // Every entry is compared, so the position of a match does not show either.
        let mut found = None;
        for (d, user) in &self.0 {
            if bool::from(d.ct_eq(&digest)) {
                found = Some(user.clone());
            }
        }
        found
    }
}

/// The identity configuration of the proxy.
pub enum Auth {
    /// `--auth none`.
    None,
    /// `--auth tokens`.
    Tokens(Tokens),
    /// `--auth trusted-header` with the peers believed.
    TrustedHeader(Vec<ipnet::IpNet>),
    /// `--auth oidc`.
    Oidc(Arc<oidc::Verifier>),
}

/// Why a caller was not identified (the message goes to the caller; no credential in it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// Nothing was presented.
    #[error("{0}")]
    Missing(&'static str),
    /// A credential was presented and refused.
    #[error("{0}")]
    Refused(String),
}

/// The bearer token of `Authorization: Bearer <token>` (the scheme in any case).
pub fn bearer(headers: &HeaderMap) -> Result<Option<&str>, AuthError> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| AuthError::Refused("the Authorization header is not readable text".into()))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::Refused(
            "the Authorization header must be 'Bearer <token>'".into(),
        ));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(AuthError::Refused("the bearer token is empty".into()));
    }
    Ok(Some(token))
}

fn forwarded(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether any oauth2-proxy identity header is present.
fn has_forwarded_identity(headers: &HeaderMap) -> bool {
    FORWARDED_USER_HEADERS
        .iter()
        .chain(std::iter::once(&FORWARDED_GROUPS_HEADER))
        .any(|h| headers.contains_key(*h))
}

impl Auth {
    /// The kind, for `/api/config` and messages.
    pub fn kind(&self) -> AuthKind {
        match self {
            Auth::None => AuthKind::None,
            Auth::Tokens(_) => AuthKind::Tokens,
            Auth::TrustedHeader(_) => AuthKind::TrustedHeader,
            Auth::Oidc(_) => AuthKind::Oidc,
        }
    }

    /// Identifies the caller of a request from its headers and TCP peer.
    pub async fn identify(
        &self,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
    ) -> Result<Caller, AuthError> {
        match self {
            Auth::None => Ok(Caller::anonymous()),
            Auth::Tokens(tokens) => {
                let token = bearer(headers)?.ok_or(AuthError::Missing(
                    "a bearer token is required (Authorization: Bearer <token>)",
                ))?;
                let user = tokens
                    .user(token)
                    .ok_or_else(|| AuthError::Refused("the bearer token is not known".into()))?;
                Ok(Caller {
                    user,
                    groups: Vec::new(),
                })
            }
            Auth::TrustedHeader(proxies) => {
                let trusted = peer.is_some_and(|ip| {
                    let ip = canonical_ip(ip);
                    proxies.iter().any(|net| net.contains(&ip))
                });
                if !trusted {
                    return Err(if has_forwarded_identity(headers) {
                        AuthError::Refused(
                            "X-Forwarded-User is believed only from the auth proxy (--trusted-proxy); this peer is not one".into(),
                        )
                    } else {
                        AuthError::Missing(
                            "sign in through the company's auth proxy: this proxy takes callers from it only",
                        )
                    });
                }
                let user = FORWARDED_USER_HEADERS
                    .iter()
                    .find_map(|h| forwarded(headers, h))
                    .ok_or(AuthError::Missing(
                        "the auth proxy sent no X-Forwarded-User: is it set to pass the user on?",
                    ))?;
                let groups = forwarded(headers, FORWARDED_GROUPS_HEADER)
                    .map(|g| {
                        g.split(',')
                            .map(str::trim)
                            .filter(|g| !g.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(Caller { user, groups })
            }
            Auth::Oidc(verifier) => {
                let token = bearer(headers)?.ok_or(AuthError::Missing(
                    "sign in first: a bearer token from the company's identity provider is required",
                ))?;
                verifier.verify(token).await
            }
        }
    }
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:a.b.c.d`) as the IPv4 address.
fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// The TCP peer of a request, when the server recorded it.
pub fn peer_of(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = ProxyError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let caller = app
            .auth
            .identify(&parts.headers, peer_of(parts))
            .await
            .map_err(ProxyError::Unauthorized)?;
        if let Some(slot) = parts.extensions.get::<crate::CallerSlot>() {
            let _ = slot.0.set(caller.user.clone());
        }
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn block<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn bearer_is_matched_in_any_case_and_tokens_by_digest() {
        let tokens = Tokens::read(r#"{"alice-token-0123456789": "alice"}"#).unwrap();
        let auth = Auth::Tokens(tokens);
        for scheme in ["Bearer", "bearer", "BEARER"] {
            let h = headers(&[("authorization", &format!("{scheme} alice-token-0123456789"))]);
            assert_eq!(block(auth.identify(&h, None)).unwrap().user, "alice");
        }
        let wrong = headers(&[("authorization", "Bearer alice-token-012345678")]);
        assert!(matches!(
            block(auth.identify(&wrong, None)),
            Err(AuthError::Refused(_))
        ));
        let basic = headers(&[("authorization", "Basic YWxpY2U6eA==")]);
        assert!(block(auth.identify(&basic, None)).is_err());
        assert!(matches!(
            block(auth.identify(&HeaderMap::new(), None)),
            Err(AuthError::Missing(_))
        ));
        assert!(Tokens::read(r#"{"short": "alice"}"#).is_err());
    }

    #[test]
    fn forwarded_headers_are_believed_only_from_trusted_peers() {
        let auth = Auth::TrustedHeader(vec!["10.0.0.0/8".parse().unwrap()]);
        let h = headers(&[
            ("x-forwarded-user", "alice-sub"),
            ("x-forwarded-preferred-username", "alice"),
            ("x-forwarded-groups", "dba, ops,"),
        ]);
        let inside: IpAddr = "10.1.2.3".parse().unwrap();
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        let outside: IpAddr = "192.168.1.1".parse().unwrap();
        let c = block(auth.identify(&h, Some(inside))).unwrap();
        assert_eq!((c.user.as_str(), c.groups.len()), ("alice", 2));
        assert_eq!(block(auth.identify(&h, Some(mapped))).unwrap(), c);
        assert!(matches!(
            block(auth.identify(&h, Some(outside))),
            Err(AuthError::Refused(_))
        ));
        assert!(block(auth.identify(&h, None)).is_err());
        assert!(block(auth.identify(&HeaderMap::new(), Some(inside))).is_err());
    }
}
