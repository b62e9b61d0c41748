//! Every signature vector reproduced byte for byte, and every captured request
//! accepted by the verifier. The vectors are data: the files in `tests/vectors/`
//! (a copy of the shared set) and, when present, the shared set itself
//! (`../shared/vectors/` beside the repository). A vector added to either is
//! tested without a code change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use rds_backup_core::encode::canonical_query;
use rds_backup_core::sign::{
    self, Call, Method, RDS_VERSION, SignatureVersion, sha256_hex, v2, v3,
};
use rds_backup_core::verify::{KeyStatus, Received, verify};
use rds_backup_core::{Credentials, Endpoint, Secret, UtcTime};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The vector files: the repository's copy, then the shared set if it exists.
fn vector_files() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [
        here.join("tests/vectors"),
        here.join("../../../shared/vectors"),
    ];
    let mut files = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        found.sort();
        files.extend(found);
    }
    assert!(!files.is_empty());
    files
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn pairs(obj: &Value) -> Vec<(String, String)> {
    obj.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

fn refs(p: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    p.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

/// One V2 vector, in either file's layout.
struct V2Case {
    name: String,
    method: String,
    secret: String,
    params: Vec<(String, String)>,
    canonical: Option<String>,
    string_to_sign: Option<String>,
    signature: String,
}

/// One V3 vector, in either file's layout.
struct V3Case {
    name: String,
    method: String,
    path: String,
    key_id: String,
    secret: String,
    token: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    expect: Value,
}

fn collect() -> (Vec<V2Case>, Vec<V3Case>, Vec<Value>) {
    let (mut v2s, mut v3s, mut sdk) = (Vec::new(), Vec::new(), Vec::new());
    for file in vector_files() {
        let doc = load(&file);
        for v in doc["v2"].as_array().into_iter().flatten() {
            v2s.push(V2Case {
                name: s(v, "name").into(),
                method: s(v, "method").into(),
                secret: s(v, "secret").into(),
                params: pairs(&v["params"]),
                canonical: v["canonicalized_query"].as_str().map(Into::into),
                string_to_sign: v["string_to_sign"].as_str().map(Into::into),
                signature: s(v, "signature").into(),
            });
        }
        for v in doc["v3"].as_array().into_iter().flatten() {
            v3s.push(V3Case {
                name: s(v, "name").into(),
                method: s(v, "method").into(),
                path: "/".into(),
                key_id: s(v, "access_key_id").into(),
                secret: s(v, "secret").into(),
                token: v["security_token"].as_str().map(Into::into),
                query: pairs(&v["query"]),
                headers: pairs(&v["headers"]),
                body: s(v, "body").into(),
                expect: serde_json::json!({
                    "canonical_request": v["canonical_request"],
                    "canonical_query": v["canonical_query"],
                    "hashed_canonical_request": v["hashed_canonical_request"],
                    "signed_headers": v["signed_headers"],
                    "string_to_sign": v["string_to_sign"],
                    "signature": v["signature"],
                    "authorization": v["authorization"],
                }),
            });
        }
        for v in doc["vectors"].as_array().into_iter().flatten() {
            let i = &v["inputs"];
            if s(v, "signature_version") == "v2" {
                v2s.push(V2Case {
                    name: s(v, "id").into(),
                    method: s(i, "method").into(),
                    secret: s(i, "access_key_secret").into(),
                    params: pairs(&i["signed_params"]),
                    canonical: v["canonicalized_query_string"].as_str().map(Into::into),
                    string_to_sign: v["string_to_sign"].as_str().map(Into::into),
                    signature: s(v, "expected_signature").into(),
                });
                assert_eq!(s(v, "hmac_key"), format!("{}&", s(i, "access_key_secret")));
            } else {
                v3s.push(V3Case {
                    name: s(v, "id").into(),
                    method: s(i, "method").into(),
                    path: i["pathname"].as_str().unwrap_or("/").into(),
                    key_id: s(i, "access_key_id").into(),
                    secret: s(i, "access_key_secret").into(),
                    token: i["security_token"].as_str().map(Into::into),
                    query: pairs(&i["query"]),
                    headers: pairs(&i["headers"]),
                    body: s(i, "body").into(),
                    expect: serde_json::json!({
                        "canonical_request": v["canonical_request"],
                        "canonical_query": v["canonical_query_string"],
                        "canonical_headers": v["canonical_headers"],
                        "hashed_payload": v["hashed_payload"],
                        "signed_headers": v["signed_headers"],
                        "string_to_sign": v["string_to_sign"],
                        "signature": v["expected_signature"],
                        "authorization": v["expected_authorization"],
                    }),
                });
            }
            sdk.push(v.clone());
        }
    }
    (v2s, v3s, sdk)
}

#[test]
fn every_v2_vector_reproduces() {
    let (v2s, _, _) = collect();
    assert!(
        v2s.len() >= 11,
        "expected the published and SDK V2 vectors, found {}",
        v2s.len()
    );
    for c in &v2s {
        let canonical = canonical_query(refs(&c.params));
        if let Some(want) = &c.canonical {
            assert_eq!(&canonical, want, "{}: canonicalized query", c.name);
        }
        let sts = v2::string_to_sign(&c.method, &canonical);
        if let Some(want) = &c.string_to_sign {
            assert_eq!(&sts, want, "{}: string to sign", c.name);
        }
        assert_eq!(
            v2::signature(&Secret::new(c.secret.clone()), &sts),
            c.signature,
            "{}: signature",
            c.name
        );
    }
}

#[test]
fn every_v3_vector_reproduces() {
    let (_, v3s, _) = collect();
    assert!(
        v3s.len() >= 13,
        "expected the published and SDK V3 vectors, found {}",
        v3s.len()
    );
    for c in &v3s {
        let payload = sha256_hex(c.body.as_bytes());
        let mut headers = c.headers.clone();
        if !headers.iter().any(|(k, _)| k == "x-acs-content-sha256") {
            headers.push(("x-acs-content-sha256".into(), payload.clone()));
        }
        let query = canonical_query(refs(&c.query));
        let (canonical, signed) =
            v3::canonical_request(&c.method, &c.path, &query, &headers, &payload);
        let sts = v3::string_to_sign(&canonical);
        let signature = v3::signature(&Secret::new(c.secret.clone()), &sts);
        let e = &c.expect;
        let check = |key: &str, got: &str| {
            if let Some(want) = e[key].as_str() {
                assert_eq!(got, want, "{}: {key}", c.name);
            }
        };
        check("canonical_request", &canonical);
        check("canonical_query", &query);
        check("hashed_payload", &payload);
        check(
            "hashed_canonical_request",
            &sha256_hex(canonical.as_bytes()),
        );
        check("signed_headers", &signed);
        check("string_to_sign", &sts);
        check("signature", &signature);
        check(
            "authorization",
            &v3::authorization(&c.key_id, &signed, &signature),
        );
        if let Some(want) = e["canonical_headers"].as_str() {
            assert!(canonical.contains(want), "{}: canonical headers", c.name);
        }
        assert!(
            c.token.is_none() || signed.contains("x-acs-security-token"),
            "{}",
            c.name
        );
    }
}

/// Where a vector has exactly the shape `sign()` produces (CreateBackup, the header or
/// parameter set of the minimal clients, empty body), the high-level signer reproduces it.
#[test]
fn the_signer_reproduces_vectors_of_its_own_shape() {
    let (v2s, v3s, _) = collect();
    let mut matched = 0;
    for c in v3s.iter().filter(|c| c.body.is_empty()) {
        let header = |k: &str| {
            c.headers
                .iter()
                .find(|(h, _)| h == k)
                .map(|(_, v)| v.clone())
        };
        let mut names: Vec<&str> = c
            .headers
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| *k != "x-acs-content-sha256")
            .collect();
        names.sort_unstable();
        let mut ours = vec![
            "host",
            "x-acs-action",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-version",
        ];
        if c.token.is_some() {
            ours.extend(["x-acs-accesskey-id", "x-acs-security-token"]);
            ours.sort_unstable();
        }
        if names != ours || header("x-acs-action").as_deref() != Some("CreateBackup") {
            continue;
        }
        let call = Call {
            action: "CreateBackup".into(),
            version: header("x-acs-version").unwrap(),
            params: c.query.clone(),
            method: Method::parse(&c.method).unwrap(),
            endpoint: Endpoint::parse_override(&header("host").unwrap()).unwrap(),
            time: UtcTime::parse(&header("x-acs-date").unwrap()).unwrap(),
            nonce: header("x-acs-signature-nonce").unwrap(),
        };
        let mut creds = Credentials::new(c.key_id.clone(), c.secret.clone());
        if let Some(t) = &c.token {
            creds = creds.with_token(t.clone());
        }
        let signed = sign::sign(&call, &creds, SignatureVersion::V3);
        assert_eq!(
            Some(signed.signature.as_str()),
            c.expect["signature"].as_str(),
            "{}",
            c.name
        );
        matched += 1;
    }
    for c in v2s
        .iter()
        .filter(|c| c.params.iter().any(|(k, v)| k == "Format" && v == "JSON"))
    {
        let get = |k: &str| {
            c.params
                .iter()
                .find(|(p, _)| p == k)
                .map(|(_, v)| v.clone())
        };
        let common = [
            "Action",
            "Version",
            "Format",
            "AccessKeyId",
            "SignatureMethod",
            "SignatureVersion",
            "SignatureNonce",
            "Timestamp",
            "SecurityToken",
        ];
        if get("Action").as_deref() != Some("CreateBackup")
            || get("RegionId").is_some()
            || get("SignatureType").is_some()
        {
            continue;
        }
        let call = Call {
            action: "CreateBackup".into(),
            version: RDS_VERSION.into(),
            params: c
                .params
                .iter()
                .filter(|(k, _)| !common.contains(&k.as_str()))
                .cloned()
                .collect(),
            method: Method::parse(&c.method).unwrap(),
            endpoint: Endpoint::parse_override("rds.aliyuncs.com").unwrap(),
            time: UtcTime::parse(&get("Timestamp").unwrap()).unwrap(),
            nonce: get("SignatureNonce").unwrap(),
        };
        let mut creds = Credentials::new(get("AccessKeyId").unwrap(), c.secret.clone());
        if let Some(t) = get("SecurityToken") {
            creds = creds.with_token(t);
        }
        assert_eq!(
            sign::sign(&call, &creds, SignatureVersion::V2).signature,
            c.signature,
            "{}",
            c.name
        );
        matched += 1;
    }
    assert!(
        matched >= 8,
        "only {matched} vectors had the signer's shape"
    );
}

#[test]
fn every_capture_is_accepted_by_the_verifier() {
    let (_, _, sdk) = collect();
    assert!(sdk.len() >= 15);
    for v in &sdk {
        let c = &v["capture"];
        let id = s(v, "id");
        let inputs = &v["inputs"];
        let target = s(c, "target");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let headers: Vec<(String, String)> = c["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let body = base64::engine::general_purpose::STANDARD
            .decode(s(c, "body_b64"))
            .unwrap();
        let received = Received {
            method: s(c, "method"),
            path,
            query,
            headers: &headers,
            body: &body,
        };
        let key_id = s(inputs, "access_key_id").to_owned();
        let secret = s(inputs, "access_key_secret").to_owned();
        let verified = verify(&received, |k| {
            if k == key_id {
                KeyStatus::Active(Secret::new(secret.clone()))
            } else {
                KeyStatus::Unknown
            }
        })
        .unwrap_or_else(|e| panic!("{id}: {} {e}", e.code()));
        assert_eq!(verified.action, "CreateBackup", "{id}");
        assert_eq!(
            verified.security_token.as_deref(),
            inputs["security_token"].as_str(),
            "{id}"
        );
        for (k, want) in pairs(&inputs["business_params"]) {
            let got = verified
                .params
                .iter()
                .find(|(p, _)| *p == k)
                .map(|(_, v)| v.as_str());
            assert_eq!(got, Some(want.as_str()), "{id}: {k}");
        }

        // A wrong secret is refused, with the server's string to sign in the message.
        let err = verify(&received, |_| KeyStatus::Active(Secret::new("wrong"))).unwrap_err();
        assert_eq!(err.code(), "SignatureDoesNotMatch", "{id}");
        assert!(
            err.to_string().contains("server string to sign is:"),
            "{id}"
        );
        assert_eq!(
            verify(&received, |_| KeyStatus::Unknown)
                .unwrap_err()
                .code(),
            "InvalidAccessKeyId.NotFound"
        );
        assert_eq!(
            verify(&received, |_| KeyStatus::Inactive)
                .unwrap_err()
                .code(),
            "InvalidAccessKeyId.Inactive"
        );
    }
}
