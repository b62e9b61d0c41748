//! Serving the built console (Trunk's `dist/`): right content types, compression (the
//! `.br` and `.gz` copies `scripts/precompress.sh` writes, served as they are, with
//! `Vary: Accept-Encoding`), cache headers (hashed assets forever, pages never), a
//! Content-Security-Policy on pages, and a 404 for a missing file (never the console's
//! page in its place).

use crate::site::Site;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

/// Shown at `/` when the console has not been built.
const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RDS backup console</title></head>
<body><h1>RDS backup console</h1>
<p>The console has not been built yet. Build it with <code>bash scripts/run.sh</code>,
or start the proxy with <code>--dist</code> pointing at Trunk's output.</p>
<p>The API is up: <a href="/api/config">/api/config</a>, <a href="/api/health">/api/health</a>.</p>
</body></html>"#;

/// The SHA-256 (base64) of every inline `<script>` of a page, for the CSP.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let open = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !open.contains("src=") && !body.is_empty() {
            hashes.push(
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())),
            );
        }
        rest = &after[body_start + close..];
    }
    hashes
}

/// A path whose last segment names a file (`/app-3f2a.js`), not a route of the console.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|seg| seg.contains('.'))
}

#[derive(Clone)]
struct PageHeaders {
    csp: HeaderValue,
    frame_options: Option<HeaderValue>,
}

async fn headers(page: PageHeaders, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let h = res.headers_mut();
    if is_page {
        h.insert(header::CONTENT_SECURITY_POLICY, page.csp.clone());
        if let Some(v) = &page.frame_options {
            h.insert(header::X_FRAME_OPTIONS, v.clone());
        }
    }
    let cache = if is_page || !names_a_file(&path) {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    if res.status().is_success() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        // The body depends on Accept-Encoding (a brotli, gzip or plain copy): a shared
        // cache must not hand one browser's copy to another.
        let varies = res
            .headers()
            .get_all(header::VARY)
            .iter()
            .any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding"));
        if !varies {
            res.headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    } else {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found\n",
    )
        .into_response()
}

/// The static part of the site, for a router with state `S`.
pub fn router<S: Clone + Send + Sync + 'static>(dist: Option<&Path>, site: &Site) -> Router<S> {
    let dir: Option<PathBuf> = dist
        .filter(|d| d.join("index.html").is_file())
        .map(Path::to_path_buf);
    let hashes = dir
        .as_ref()
        .and_then(|d| std::fs::read_to_string(d.join("index.html")).ok())
        .map(|html| inline_script_hashes(&html))
        .unwrap_or_default();
    let page = PageHeaders {
        csp: HeaderValue::from_str(&site.content_security_policy(&hashes)).unwrap_or_else(|_| {
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'")
        }),
        frame_options: site
            .frame_ancestors
            .is_empty()
            .then(|| HeaderValue::from_static("DENY")),
    };
    let layer =
        middleware::from_fn(move |req: Request, next: Next| headers(page.clone(), req, next));
    match dir {
        Some(dir) => {
            let index = ServeFile::new(dir.join("index.html"));
            // A console route gets the page; a missing file is a 404.
            let spa = tower::service_fn(move |req: Request| {
                let index = index.clone();
                async move {
                    if names_a_file(req.uri().path()) {
                        return Ok::<_, std::convert::Infallible>(not_found());
                    }
                    let res = match index.oneshot(req).await {
                        Ok(r) => r.map(Body::new),
                        Err(never) => match never {},
                    };
                    Ok(res)
                }
            });
            let files = ServeDir::new(&dir)
                .precompressed_gzip()
                .precompressed_br()
                .fallback(spa);
            Router::new()
                .fallback_service(files)
                .layer(layer)
                .layer(CompressionLayer::new())
        }
        None => Router::new()
            .fallback(get(|uri: axum::http::Uri| async move {
                if names_a_file(uri.path()) {
                    not_found()
                } else {
                    Html(NOT_BUILT).into_response()
                }
            }))
            .layer(layer),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let html = r#"<head><script src="/a.js"></script><script type="module">import x from '/x.js';</script></head><body><script>1</script></body>"#;
        let h = inline_script_hashes(html);
        assert_eq!(h.len(), 2);
        assert_eq!(
            h[1],
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"1"))
        );
        assert!(
            names_a_file("/web-3f2a.js") && !names_a_file("/backups/new") && !names_a_file("/")
        );
    }
}
