//! Arbitrary bytes into the request parsing: query strings, JSON bodies, header values and
//! bearer JWTs, through the whole router (the emulator in process behind it). Nothing
//! panics and nothing is a 500: every bad input is a clear 4xx.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderValue, Request};
use proptest::prelude::*;
use rds_backup_core::{Credentials, Endpoint};
use rds_backup_proxy::audit::AuditLog;
use rds_backup_proxy::identity::Auth;
use rds_backup_proxy::identity::oidc::{JwksSource, Settings, Verifier};
use rds_backup_proxy::upstream::{SystemProxy, Upstream, http_client};
use rds_backup_proxy::{App, Mode, router};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower::ServiceExt;

const JWKS: &str = r#"{"keys":[{"kty":"RSA","kid":"r1","use":"sig","alg":"RS256","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}"#;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fn app(oidc: bool) -> axum::Router {
    let state = rds_backup_emulator::Config::default().into_state();
    let upstream = Upstream::in_process(
        rds_backup_emulator::server::router(state),
        Endpoint::parse_override("http://emulator.localhost").unwrap(),
        Credentials::new(
            rds_backup_emulator::DEMO_KEY_ID,
            rds_backup_emulator::DEMO_KEY_SECRET,
        ),
    );
    let store = runtime()
        .block_on(rds_backup_store::Store::open("memory"))
        .unwrap();
    let mut app = App::new(
        upstream,
        store,
        AuditLog::new(Box::new(std::io::sink())),
        Mode::Demo,
        vec!["cn-hangzhou".into()],
    );
    if oidc {
        let file = tempfile::Builder::new()
            .prefix("rds-fuzz-jwks-")
            .suffix(".json")
            .tempfile()
            .unwrap();
        let path = file.path().to_path_buf();
        std::fs::write(&path, JWKS).unwrap();
        let verifier = Verifier::new(
            Settings {
                issuer: "https://issuer.example".into(),
                audience: "aud".into(),
                jwks: JwksSource::File(path),
                user_claim: None,
                groups_claim: "groups".into(),
                refetch_interval: Duration::from_secs(3600),
            },
            http_client(Duration::from_secs(1), SystemProxy::Ignore).unwrap(),
        );
        runtime().block_on(verifier.load()).unwrap();
        app.auth = Auth::Oidc(Arc::new(verifier));
    }
    router(Arc::new(app))
}

fn routers() -> &'static (axum::Router, axum::Router) {
    static R: OnceLock<(axum::Router, axum::Router)> = OnceLock::new();
    R.get_or_init(|| (app(false), app(true)))
}

/// Sends a request through the router and returns its status.
fn status(router: &axum::Router, req: Request<Body>) -> u16 {
    let res = runtime().block_on(router.clone().oneshot(req)).unwrap();
    res.status().as_u16()
}

/// Bytes as a query string: URI-safe bytes as they are, others percent-encoded (with some
/// broken escapes left in, on purpose).
fn query_of(bytes: &[u8]) -> String {
    let mut q = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"=&%-._~+".contains(&b) {
            q.push(b as char);
        } else {
            q.push_str(&format!("%{b:02X}"));
        }
    }
    q
}

fn request(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:8080")
}

fn not_a_server_error(code: u16) -> Result<(), TestCaseError> {
    prop_assert!(code < 500 || code == 502 || code == 503, "status {code}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_query_string(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        let q = query_of(&bytes);
        for path in ["/api/instances", "/api/backup-tasks", "/api/instances/rm-demo-mysql-local", "/api/config"] {
            let Ok(req) = request("GET", &format!("{path}?{q}")).body(Body::empty()) else { continue };
            not_a_server_error(status(&routers().0, req))?;
        }
    }

    #[test]
    fn any_json_body(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let req = request("POST", "/api/backups")
            .header("content-type", "application/json")
            .body(Body::from(bytes))
            .unwrap();
        not_a_server_error(status(&routers().0, req))?;
    }

    #[test]
    fn any_json_shaped_body(
        keys in proptest::collection::vec("[A-Za-z]{1,20}", 0..6),
        values in proptest::collection::vec(prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            ".{0,30}".prop_map(serde_json::Value::from),
            Just(serde_json::json!(["a", 1])),
            Just(serde_json::json!({"x": {}})),
        ], 0..6),
    ) {
        let mut body = serde_json::Map::new();
        body.insert("RegionId".into(), "cn-hangzhou".into());
        body.insert("DBInstanceId".into(), "rm-demo-mysql-local".into());
        for (k, v) in keys.into_iter().zip(values) {
            body.insert(k, v);
        }
        let req = request("POST", "/api/backups")
            .header("content-type", "application/json")
            .body(Body::from(serde_json::Value::Object(body).to_string()))
            .unwrap();
        not_a_server_error(status(&routers().0, req))?;
    }

    #[test]
    fn any_header_values(auth in proptest::collection::vec(any::<u8>(), 0..200), other in proptest::collection::vec(any::<u8>(), 0..60)) {
        let (Ok(auth), Ok(other)) = (HeaderValue::from_bytes(&auth), HeaderValue::from_bytes(&other)) else {
            return Ok(());
        };
        for router in [&routers().0, &routers().1] {
            let mut req = request("POST", "/api/backups")
                .header("content-type", other.clone())
                .body(Body::from("{}"))
                .unwrap();
            req.headers_mut().insert("authorization", auth.clone());
            req.headers_mut().insert("origin", other.clone());
            req.headers_mut().insert("x-forwarded-user", other.clone());
            req.headers_mut().insert("host", other.clone());
            not_a_server_error(status(router, req))?;
        }
    }

    #[test]
    fn any_bearer_jwt(
        header in "[A-Za-z0-9_-]{0,80}",
        payload in "[A-Za-z0-9_-]{0,200}",
        signature in "[A-Za-z0-9_-]{0,120}",
        json_header in proptest::option::of(prop_oneof![
            Just(r#"{"alg":"RS256","kid":"r1"}"#),
            Just(r#"{"alg":"none"}"#),
            Just(r#"{"alg":"HS256","kid":"r1"}"#),
            Just(r#"{"alg":"ES256"}"#),
            Just(r#"{"alg":"RS256","kid":"r1","crit":["x"]}"#),
            Just("[]"),
        ]),
    ) {
        use base64::Engine as _;
        let header = json_header
            .map(|h| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h))
            .unwrap_or(header);
        let token = format!("{header}.{payload}.{signature}");
        let req = request("GET", "/api/instances?RegionId=cn-hangzhou")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let code = status(&routers().1, req);
        prop_assert_eq!(code, 401, "{}", token);
    }
}
