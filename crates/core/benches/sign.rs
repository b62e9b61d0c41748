//! V3 signing, V2 signing, and verifying each, for a typical CreateBackup.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use rds_backup_core::sign::{Call, Method, RDS_VERSION, SignatureVersion, sign};
use rds_backup_core::verify::{KeyStatus, Received, verify};
use rds_backup_core::{Credentials, Endpoint, Secret, UtcTime};

fn call() -> Call {
    Call {
        action: "CreateBackup".into(),
        version: RDS_VERSION.into(),
        params: vec![
            ("DBInstanceId".into(), "rm-uf6wjk5xxxxxxx".into()),
            ("DBName".into(), "orders,users".into()),
            ("BackupStrategy".into(), "db".into()),
            ("BackupMethod".into(), "Logical".into()),
        ],
        method: Method::Post,
        endpoint: Endpoint::parse_override("rds.aliyuncs.com").unwrap(),
        time: UtcTime::parse("2024-01-02T03:04:05Z").unwrap(),
        nonce: "3f2c1a9e5b7d4e219c4a0123456789ab".into(),
    }
}

fn bench(c: &mut Criterion) {
    let call = call();
    let creds = Credentials::new("testid", "testsecret");
    c.bench_function("sign V3 (ACS3-HMAC-SHA256)", |b| {
        b.iter(|| sign(black_box(&call), black_box(&creds), SignatureVersion::V3))
    });
    c.bench_function("sign V2 (HMAC-SHA1)", |b| {
        b.iter(|| sign(black_box(&call), black_box(&creds), SignatureVersion::V2))
    });
    for (name, version) in [
        ("verify V3", SignatureVersion::V3),
        ("verify V2", SignatureVersion::V2),
    ] {
        let signed = sign(&call, &creds, version);
        let headers = signed.request.headers.clone();
        let r = Received {
            method: "POST",
            path: "/",
            query: &signed.request.query,
            headers: &headers,
            body: b"",
        };
        c.bench_function(name, |b| {
            b.iter(|| {
                verify(black_box(&r), |_| {
                    KeyStatus::Active(Secret::new("testsecret"))
                })
                .is_ok()
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
