//! Serving the built console (Trunk's `dist/`): right content types, compression,
//! cache headers (hashed assets forever, `index.html` never).

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::get;
use std::path::PathBuf;
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

async fn cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let value = if path == "/" || path.ends_with(".html") || !path.contains('.') {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    if res.status().is_success() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// The static part of the site, for a router with state `S`.
pub fn router<S: Clone + Send + Sync + 'static>(dist: Option<PathBuf>) -> Router<S> {
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            let index = dir.join("index.html");
            let files = ServeDir::new(&dir)
                .precompressed_gzip()
                .precompressed_br()
                .fallback(ServeFile::new(index));
            Router::new()
                .fallback_service(files)
                .layer(middleware::from_fn(cache_headers))
                .layer(CompressionLayer::new())
        }
        None => Router::new()
            .fallback(get(|| async { Html(NOT_BUILT) }))
            .layer(middleware::from_fn(cache_headers)),
    }
}
