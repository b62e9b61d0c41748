//! Properties of signing: any parameter values sign and then verify; changing any
//! signed part (method, a parameter name or value, a signed header, the body, the
//! signature) makes verification fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rds_backup_core::encode::{canonical_query, parse_pairs};
use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, sign};
use rds_backup_core::verify::{KeyStatus, Received, verify};
use rds_backup_core::{Credentials, Endpoint, Secret, Signed, UtcTime, VerifyError};

const KEY_ID: &str = "testid";
const SECRET: &str = "testsecret";

fn keys(k: &str) -> KeyStatus {
    if k == KEY_ID || k == "STS.testid" {
        KeyStatus::Active(Secret::new(SECRET))
    } else {
        KeyStatus::Unknown
    }
}

/// The request as a server would receive it, with parts replaced.
#[derive(Clone)]
struct Wire {
    method: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    fn of(s: &Signed) -> Wire {
        Wire {
            method: s.request.method.as_str().into(),
            query: parse_pairs(&s.request.query).unwrap(),
            headers: s.request.headers.clone(),
            body: s.request.body.clone().into_bytes(),
        }
    }

    fn verify(&self) -> Result<(), VerifyError> {
        let query = canonical_query(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = Received {
            method: &self.method,
            path: "/",
            query: &query,
            headers: &self.headers,
            body: &self.body,
        };
        verify(&r, keys).map(|_| ())
    }
}

/// `s` with the character at `at` (mod its length) replaced by a different, non-space one.
fn change_char(s: &str, at: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return "x".into();
    }
    let i = at % chars.len();
    let replacement = if chars[i] == 'Z' { 'Y' } else { 'Z' };
    chars
        .iter()
        .enumerate()
        .map(|(j, c)| if j == i { replacement } else { *c })
        .collect()
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,16}",
        "[ *~+/,=&%a-z0-9]{0,16}",
        Just("a b,c*d~e+f/g=h&i%j,数据".to_owned()),
    ]
}

fn call_strategy() -> impl Strategy<Value = (Call, Option<String>)> {
    (
        prop::collection::vec(("[A-Za-z][A-Za-z0-9]{0,8}", value()), 0..5),
        prop::bool::ANY,
        0i64..4_000_000_000,
        "[0-9a-f]{32}",
        prop::option::of("[A-Za-z0-9+/=._-]{1,40}"),
    )
        .prop_map(|(params, get, t, nonce, token)| {
            let params = params
                .into_iter()
                .filter(|(k, _)| {
                    ![
                        "Signature",
                        "SignatureMethod",
                        "AccessKeyId",
                        "Timestamp",
                        "SignatureNonce",
                        "Action",
                        "Version",
                        "Format",
                        "SecurityToken",
                        "SignatureVersion",
                    ]
                    .contains(&k.as_str())
                })
                .collect();
            let call = Call {
                action: "CreateBackup".into(),
                version: RDS_VERSION.into(),
                params,
                method: if get { Method::Get } else { Method::Post },
                endpoint: Endpoint::parse_override("http://127.0.0.1:18080").unwrap(),
                time: UtcTime::from_unix(t),
                nonce,
            };
            (call, token)
        })
}

fn creds(token: &Option<String>) -> Credentials {
    match token {
        Some(t) => Credentials::new("STS.testid", SECRET).with_token(t.clone()),
        None => Credentials::new(KEY_ID, SECRET),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_values_sign_then_verify((call, token) in call_strategy(), v2 in prop::bool::ANY) {
        let version = if v2 { SignatureVersion::V2 } else { SignatureVersion::V3 };
        let signed = sign(&call, &creds(&token), version);
        // As sent (the signer's own encoding) ...
        let r = Received {
            method: signed.request.method.as_str(),
            path: "/",
            query: &signed.request.query,
            headers: &signed.request.headers,
            body: signed.request.body.as_bytes(),
        };
        let verified = verify(&r, keys).map_err(|e| TestCaseError::fail(format!("{}: {e}", e.code())))?;
        for (k, v) in &call.params {
            prop_assert!(verified.params.iter().any(|(pk, pv)| pk == k && pv == v), "{k} lost");
        }
        prop_assert_eq!(verified.security_token, token);
        // ... and decoded then re-encoded, as a different client would send it.
        prop_assert!(Wire::of(&signed).verify().is_ok());
    }

    #[test]
    fn changing_any_signed_part_fails((call, token) in call_strategy(), v2 in prop::bool::ANY, which in 0usize..1000, at in 0usize..1000) {
        let version = if v2 { SignatureVersion::V2 } else { SignatureVersion::V3 };
        let signed = sign(&call, &creds(&token), version);
        let wire = Wire::of(&signed);
        prop_assert!(wire.verify().is_ok());

        let signed_headers: Vec<usize> = match version {
            SignatureVersion::V3 => (0..wire.headers.len()).collect(),
            SignatureVersion::V2 => Vec::new(),
        };
        let parts = 2 + 2 * wire.query.len() + signed_headers.len() + 2;
        let pick = which % parts;
        let mut t = wire.clone();
        let what;
        if pick == 0 {
            t.method = if t.method == "GET" { "POST".into() } else { "GET".into() };
            what = "method".to_owned();
        } else if pick == 1 {
            t.query.push(("Extra".into(), "1".into()));
            what = "an added parameter".to_owned();
        } else if pick < 2 + 2 * wire.query.len() {
            let i = (pick - 2) / 2;
            if (pick - 2).is_multiple_of(2) {
                t.query[i].0 = change_char(&t.query[i].0, at);
                what = format!("parameter name {}", wire.query[i].0);
            } else {
                t.query[i].1 = change_char(&t.query[i].1, at);
                what = format!("parameter value {}", wire.query[i].0);
            }
        } else if pick < 2 + 2 * wire.query.len() + signed_headers.len() {
            let i = signed_headers[pick - 2 - 2 * wire.query.len()];
            let (name, value) = t.headers[i].clone();
            if name == "authorization" {
                // The signature itself: change one of its hex digits.
                let pos = value.rfind('=').unwrap() + 1 + at % 64;
                let mut b = value.into_bytes();
                b[pos] = if b[pos] == b'0' { b'1' } else { b'0' };
                t.headers[i].1 = String::from_utf8(b).unwrap();
            } else {
                t.headers[i].1 = change_char(&value, at);
            }
            what = format!("header {name}");
        } else if pick == parts - 2 {
            t.body = b"x".to_vec();
            t.headers.push(("content-type".into(), "application/octet-stream".into()));
            what = "the body".to_owned();
        } else {
            t.query.retain(|(k, _)| k != "Signature");
            let mut sig = signed.signature.clone().into_bytes();
            let i = at % sig.len();
            sig[i] = if sig[i] == b'A' { b'B' } else { b'A' };
            if version == SignatureVersion::V2 {
                t.query.push(("Signature".into(), String::from_utf8(sig).unwrap()));
                what = "the V2 signature".to_owned();
            } else {
                // V3 with the body case above covered; here drop a query parameter instead.
                if let Some(first) = wire.query.first() {
                    t = wire.clone();
                    t.query.retain(|p| p != first);
                } else {
                    t.method = if t.method == "GET" { "POST".into() } else { "GET".into() };
                }
                what = "a removed parameter".to_owned();
            }
        }
        if version == SignatureVersion::V2 && what == "the body" {
            // V2 does not sign a non-form body; nothing signed changed.
            return Ok(());
        }
        prop_assert!(t.verify().is_err(), "changing {} still verified", what);
    }
}

#[test]
fn replayed_and_stale_requests_are_the_callers_to_refuse() {
    use rds_backup_core::verify::check_clock;
    let now = UtcTime::parse("2024-01-02T03:04:05Z").unwrap();
    assert!(check_clock(UtcTime::from_unix(now.unix() - 900), now, 900).is_ok());
    let e = check_clock(UtcTime::from_unix(now.unix() + 901), now, 900).unwrap_err();
    assert_eq!(e.code(), "InvalidTimeStamp.Expired");
}
