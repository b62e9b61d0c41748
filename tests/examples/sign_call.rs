//! Prints one signed RDS call as wrk/curl arguments, for the load benchmark
//! (`scripts/bench-proxy.sh`): `sign_call ENDPOINT KEY_ID SECRET ACTION [Name=Value ...]`.
//! GET, V3, signed now with a random nonce. Output: the URL on the first line, then one
//! `name: value` header per line.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, sign};
use rds_backup_core::{Credentials, Endpoint, UtcTime};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    assert!(
        args.len() >= 4,
        "usage: sign_call ENDPOINT KEY_ID SECRET ACTION [Name=Value ...]"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let call = Call {
        action: args[3].clone(),
        version: RDS_VERSION.into(),
        params: args[4..]
            .iter()
            .map(|p| {
                p.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .unwrap()
            })
            .collect(),
        method: Method::Get,
        endpoint: Endpoint::parse_override(&args[0]).unwrap(),
        time: UtcTime::from_unix(i64::try_from(now).unwrap()),
        nonce: format!("bench-{now}-{}", std::process::id()),
    };
    let signed = sign(
        &call,
        &Credentials::new(args[1].clone(), args[2].clone()),
        SignatureVersion::V3,
    );
    println!("{}", signed.request.url());
    for (k, v) in signed.request.headers.iter().filter(|(k, _)| k != "host") {
        println!("{k}: {v}");
    }
}
