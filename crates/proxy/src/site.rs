//! What a browser may make of the proxy: which `Host` names it answers (a DNS-rebinding
//! page cannot drive a proxy on a developer's loopback), which origins may change state,
//! and the headers of the console's pages.

use crate::App;
use crate::error::ProxyError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// An origin the proxy is reached at: `https://backup.example.com`, `http://10.0.0.5:8080`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    /// `http` or `https`.
    pub scheme: String,
    /// The host name, lower case (IPv6 in brackets).
    pub host: String,
    /// The port, if not the scheme's default.
    pub port: Option<u16>,
}

impl PublicUrl {
    /// Reads `--public-url URL` (a path after the host is allowed and ignored).
    pub fn parse(s: &str) -> Result<PublicUrl, String> {
        let bad = || format!("--public-url '{s}' is not an http(s)://host[:port] URL");
        let (scheme, rest) = s.split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') {
            return Err(bad());
        }
        let (host, port) = split_authority(authority).ok_or_else(bad)?;
        let default = if scheme == "https" { 443 } else { 80 };
        Ok(PublicUrl {
            scheme,
            host,
            port: port.filter(|p| *p != default),
        })
    }

    /// `scheme://host[:port]`, as a browser writes it in `Origin`.
    pub fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    fn serves(&self, host: &str, port: Option<u16>) -> bool {
        let default = if self.scheme == "https" { 443 } else { 80 };
        self.host == host && self.port.unwrap_or(default) == port.unwrap_or(default)
    }
}

/// `host[:port]` (IPv6 in brackets) to a lower-case host and the port.
fn split_authority(authority: &str) -> Option<(String, Option<u16>)> {
    let authority = authority.trim().to_ascii_lowercase();
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse().ok()?),
        };
        (format!("[{h}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p.parse().ok()?)),
            None => (authority.clone(), None),
        }
    };
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'[' | b']' | b':'));
    valid.then_some((host, port))
}

/// The names a proxy on loopback is always reached at.
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The browser-facing settings.
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// `--public-url`: the origins users reach the proxy at (besides loopback names).
    pub public_urls: Vec<PublicUrl>,
    /// `--allow-origin`: other sites that may call the API (CORS) and change state.
    pub allow_origins: Vec<String>,
    /// `--frame-ancestors`: origins that may embed the console in a frame (none: no one).
    pub frame_ancestors: Vec<String>,
}

impl Site {
    /// Whether a `Host` header names this proxy.
    pub fn serves_host(&self, host: &str) -> bool {
        let Some((name, port)) = split_authority(host) else {
            return false;
        };
        LOOPBACK_HOSTS.contains(&name.as_str())
            || name.ends_with(".localhost")
            || self.public_urls.iter().any(|u| u.serves(&name, port))
    }

    /// Whether a state-changing request may come from `origin` (the request's `Host` is
    /// `host`).
    pub fn allows_origin(&self, origin: &str, host: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        if self
            .allow_origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
        {
            return true;
        }
        if self
            .public_urls
            .iter()
            .any(|u| u.origin().eq_ignore_ascii_case(origin))
        {
            return true;
        }
        // Same origin: the page was served from the host it posts to.
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        authority
            .is_some_and(|a| split_authority(a) == split_authority(host) && self.serves_host(a))
    }

    /// The `Content-Security-Policy` of the console's pages: its own files only, wasm
    /// compiled from them, the inline bootstrap scripts by hash, framing as configured.
    pub fn content_security_policy(&self, script_hashes: &[String]) -> String {
        let mut script = String::from("'self' 'wasm-unsafe-eval'");
        for h in script_hashes {
            script.push_str(&format!(" 'sha256-{h}'"));
        }
        let connect = std::iter::once("'self'".to_owned())
            .chain(self.public_urls.iter().map(PublicUrl::origin))
            .collect::<Vec<_>>()
            .join(" ");
        let frames = if self.frame_ancestors.is_empty() {
            "'none'".to_owned()
        } else {
            self.frame_ancestors.join(" ")
        };
        format!(
            "default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; \
             connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors {frames}"
        )
    }
}

/// Health checks are answered for any `Host` (a load balancer or the kubelet probes by
/// address); they change nothing and tell nothing.
fn is_probe(path: &str) -> bool {
    path == "/api/health" || path.starts_with("/api/health/")
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The layer: a `Host` the proxy does not serve gets 421; a state-changing request from a
/// foreign origin (or a cross-site fetch) gets 403; every answer says `no-referrer`.
pub async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let host = header_text(req.headers(), header::HOST)
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or_default()
        .to_owned();
    let refusal = if !is_probe(req.uri().path()) && !app.site.serves_host(&host) {
        Some(ProxyError::MisdirectedHost(
            host.chars().take(100).collect(),
        ))
    } else if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let origin = header_text(req.headers(), header::ORIGIN);
        let cross_site = header_text(
            req.headers(),
            header::HeaderName::from_static("sec-fetch-site"),
        )
        .is_some_and(|s| s.eq_ignore_ascii_case("cross-site"));
        match origin {
            Some(o) if !app.site.allows_origin(o, &host) => {
                Some(ProxyError::ForeignOrigin(o.chars().take(100).collect()))
            }
            None if cross_site => Some(ProxyError::ForeignOrigin("(cross-site)".into())),
            _ => None,
        }
    } else {
        None
    };
    let mut response = match refusal {
        Some(e) => e.into_response(),
        None => next.run(req).await,
    };
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hosts_and_origins() {
        let site = Site {
            public_urls: vec![PublicUrl::parse("https://Backup.example.com/console").unwrap()],
            allow_origins: vec!["https://portal.example.com".into()],
            frame_ancestors: Vec::new(),
        };
        for ok in [
            "127.0.0.1:8080",
            "localhost",
            "LOCALHOST:1",
            "[::1]:8080",
            "backup.example.com",
            "backup.example.com:443",
            "app.localhost:3000",
        ] {
            assert!(site.serves_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "backup.example.com:8443",
            "",
            "127.0.0.1.evil.example",
            "[::1",
        ] {
            assert!(!site.serves_host(bad), "{bad}");
        }
        assert!(site.allows_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(!site.allows_origin("http://127.0.0.1:9999", "127.0.0.1:8080"));
        assert!(site.allows_origin("https://backup.example.com", "backup.example.com"));
        assert!(site.allows_origin("https://portal.example.com", "backup.example.com"));
        assert!(!site.allows_origin("https://evil.example", "127.0.0.1:8080"));
        assert!(!site.allows_origin("null", "127.0.0.1:8080"));
        assert!(!site.allows_origin("http://evil.example:8080", "evil.example:8080"));
        assert!(PublicUrl::parse("ftp://x").is_err() && PublicUrl::parse("https://u@x").is_err());
    }

    #[test]
    fn the_policy_names_self_wasm_hashes_and_framing() {
        let site = Site::default();
        let csp = site.content_security_policy(&["abc=".into()]);
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let portal = Site {
            frame_ancestors: vec!["https://portal.example.com".into()],
            ..Site::default()
        };
        assert!(
            portal
                .content_security_policy(&[])
                .ends_with("frame-ancestors https://portal.example.com")
        );
    }
}
