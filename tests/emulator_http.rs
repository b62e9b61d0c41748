//! The emulator over real sockets on 127.0.0.1: the gateway's checks, every rule
//! and precondition error, job progress, paging, tampering and concurrency.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rds_backup_core::sign::{Method, SignatureVersion, sign};
use rds_backup_core::{Credentials, RULES, UtcTime};
use rds_backup_e2e::*;
use rds_backup_emulator::Fleet;

fn create(emu: &Emulator, params: &[(&str, &str)]) -> Reply {
    emu.rpc("CreateBackup", params)
}

fn assert_code(r: &Reply, status: u16, code: &str) {
    assert_eq!(
        (r.status, r.code().as_deref()),
        (status, Some(code)),
        "{}",
        r.body
    );
    let j = r.json();
    for key in ["RequestId", "HostId", "Message", "Recommend"] {
        assert!(j[key].is_string(), "{key} missing: {}", r.body);
    }
}

#[test]
fn every_rule_of_every_engine_creates_a_job() {
    let emu = Emulator::start();
    let fleet = Fleet::demo();
    for rule in RULES {
        let inst = fleet
            .instances
            .iter()
            .find(|i| {
                i.engine == rule.engine
                    && rule.storage.is_none_or(|s| s == i.storage.kind())
                    && i.status == "Running"
                    && i.lock_mode == "Unlock"
                    && i.instance_type == "Primary"
                    && i.databases.iter().all(|d| !d.empty)
            })
            .unwrap_or_else(|| panic!("no demo instance for {}", rule.id));
        let db = inst.databases[0].name.clone();
        let mut params = vec![
            ("DBInstanceId", inst.id.as_str()),
            ("BackupMethod", rule.method.as_str()),
        ];
        if let Some(t) = rule.backup_type {
            params.push(("BackupType", t.as_str()));
        }
        if let Some(s) = rule.strategy {
            params.push(("BackupStrategy", s.as_str()));
        }
        if rule.db_name {
            params.push(("DBName", &db));
        }
        if rule.retention {
            params.push(("BackupRetentionPeriod", "30"));
        }
        let r = create(&emu, &params);
        assert_eq!(r.status, 200, "{}: {}", rule.id, r.body);
        assert!(
            r.json()["BackupJobId"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .is_ok()
        );
        emu.advance(JOB_MS);
    }
}

#[test]
fn rule_errors_come_back_with_the_api_codes() {
    let emu = Emulator::start();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("DBInstanceId", "pgm-demo-pg-cloud"),
                ("BackupMethod", "Logical"),
            ],
            "InvalidBackupMethod.ValueNotSupport",
        ),
        (
            &[
                ("DBInstanceId", "rm-demo-mariadb-cloud"),
                ("BackupMethod", "Snapshot"),
            ],
            "InvalidBackupMethod.ValueNotSupport",
        ),
        (
            &[("DBInstanceId", "rm-demo-mysql-cloud")],
            "InvalidBackupMethod.ValueNotSupport",
        ),
        (
            &[
                ("DBInstanceId", "rm-demo-mysql-local"),
                ("BackupMethod", "Physical"),
                ("BackupType", "Auto"),
            ],
            "BackupType.NotSupport",
        ),
        (
            &[
                ("DBInstanceId", "rm-demo-mysql-local"),
                ("BackupMethod", "Logical"),
                ("BackupStrategy", "db"),
                ("DBName", "Orders"),
            ],
            "InvalidDBName.Format",
        ),
        (
            &[
                ("DBInstanceId", "rm-demo-mysql-local"),
                ("BackupMethod", "Logical"),
            ],
            "RequiredParam.NotFound",
        ),
        (
            &[
                ("DBInstanceId", "rm-demo-mssql-cloud"),
                ("BackupMethod", "Physical"),
                ("BackupType", "FullBackup"),
                ("BackupStrategy", "db"),
            ],
            "RequiredParam.NotFound",
        ),
        (
            &[
                ("DBInstanceId", "rm-demo-mysql-local"),
                ("BackupMethod", "Physical"),
                ("BackupRetentionPeriod", "731"),
            ],
            "Parameters.Invalid",
        ),
        (
            &[
                ("DBInstanceId", "rm-demo-mysql-local"),
                ("BackupMethod", "Physical"),
                ("BackupRetentionPeriod", "seven"),
            ],
            "Parameters.Invalid",
        ),
        (
            &[
                ("DBInstanceId", "pgm-demo-pg-cloud"),
                ("BackupMethod", "Physical"),
                ("DBName", "app"),
            ],
            "Parameters.Invalid",
        ),
    ];
    for (params, code) in cases {
        let r = create(&emu, params);
        assert_code(&r, 400, code);
    }
    // Every problem is in the message, not only the first one's code.
    let r = create(
        &emu,
        &[
            ("DBInstanceId", "pgm-demo-pg-cloud"),
            ("BackupMethod", "Logical"),
            ("BackupType", "Auto"),
        ],
    );
    let msg = r.json()["Message"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("BackupMethod") && msg.contains("BackupType"),
        "{msg}"
    );
}

#[test]
fn preconditions_are_enforced() {
    let emu = Emulator::start();
    let physical = |id: &'static str| vec![("DBInstanceId", id), ("BackupMethod", "Physical")];
    assert_code(
        &create(
            &emu,
            &[
                ("DBInstanceId", "rm-demo-mysql-stopped"),
                ("BackupMethod", "Snapshot"),
            ],
        ),
        403,
        "IncorrectDBInstanceState",
    );
    assert_code(
        &create(&emu, &physical("rm-demo-mysql-locked")),
        400,
        "IncorrectDBInstanceLockMode.ValueNotSupported",
    );
    assert_code(
        &create(
            &emu,
            &[
                ("DBInstanceId", "rr-demo-mysql-readonly"),
                ("BackupMethod", "Snapshot"),
            ],
        ),
        400,
        "ReadDBInstanceNotSupport",
    );
    assert_code(
        &create(&emu, &physical("rm-nonexistent-1")),
        400,
        "InvalidDBInstanceId.NotFound",
    );
    assert_code(
        &create(&emu, &[("BackupMethod", "Physical")]),
        400,
        "MissingDBInstanceId",
    );
    assert_code(
        &create(
            &emu,
            &[
                ("DBInstanceId", "rm-demo-mysql-local"),
                ("BackupMethod", "Logical"),
                ("BackupStrategy", "db"),
                ("DBName", "nosuchdb"),
            ],
        ),
        404,
        "InvalidDB.NotFound",
    );
    for strategy in [
        vec![("BackupStrategy", "instance")],
        vec![("BackupStrategy", "db"), ("DBName", "staging")],
    ] {
        let mut p = vec![
            ("DBInstanceId", "rm-demo-mysql-emptydb"),
            ("BackupMethod", "Logical"),
        ];
        p.extend(strategy);
        assert_code(
            &create(&emu, &p),
            400,
            "InvalidBackupMethod.ValueNotSupport",
        );
    }
    // A physical backup of the empty-database instance is fine: only logical backups need data.
    assert_eq!(create(&emu, &physical("rm-demo-mysql-emptydb")).status, 200);

    // One running task per instance; the next one once it finished.
    assert_eq!(create(&emu, &physical("rm-demo-mysql-local")).status, 200);
    assert_code(
        &create(&emu, &physical("rm-demo-mysql-local")),
        400,
        "BackupJobExists",
    );
    emu.advance(JOB_MS);
    assert_eq!(create(&emu, &physical("rm-demo-mysql-local")).status, 200);
}

#[test]
fn twenty_backup_sets_per_instance_per_day() {
    let emu = Emulator::start();
    // Start at 00:00:10 UTC of the emulator's day, so 20 jobs fit in the same day.
    use rds_backup_emulator::Clock;
    let day_start = emu.clock.now_ms().div_euclid(86_400_000) * 86_400_000;
    emu.clock.set_ms(day_start + 10_000);
    let p = [
        ("DBInstanceId", "pgm-demo-pg-cloud"),
        ("BackupMethod", "Snapshot"),
    ];
    for i in 0..20 {
        let r = create(&emu, &p);
        assert_eq!(r.status, 200, "backup {i}: {}", r.body);
        emu.advance(JOB_MS);
    }
    assert_code(&create(&emu, &p), 403, "Exceeded.BackupTimes");
    // The next day the count starts again.
    emu.clock.set_ms(day_start + 86_400_000 + 10_000);
    assert_eq!(create(&emu, &p).status, 200);
}

#[test]
fn a_job_moves_through_its_stages_to_a_backup_set() {
    let emu = Emulator::start();
    let r = create(
        &emu,
        &[
            ("DBInstanceId", "rm-demo-mssql-cloud"),
            ("BackupMethod", "Physical"),
            ("BackupType", "FullBackup"),
            ("BackupStrategy", "db"),
            ("DBName", "crm,sales"),
        ],
    );
    let job = r.json()["BackupJobId"].as_str().unwrap().to_owned();
    let mut seen = Vec::new();
    let mut last = -1;
    for _ in 0..12 {
        let t = emu.rpc(
            "DescribeBackupTasks",
            &[
                ("DBInstanceId", "rm-demo-mssql-cloud"),
                ("BackupJobId", &job),
            ],
        );
        assert_eq!(t.status, 200, "{}", t.body);
        let item = t.json()["Items"]["BackupJob"][0].clone();
        let status = item["BackupStatus"].as_str().unwrap().to_owned();
        let process: i64 = item["Process"].as_str().unwrap().parse().unwrap();
        assert!(process >= last, "Process went back: {process} after {last}");
        assert_eq!(item["JobMode"], "Manual");
        assert_eq!(item["TaskAction"], "TempBackupTask");
        last = process;
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "Finished" {
            assert_eq!(process, 100);
            let backup_id = item["BackupId"].as_str().unwrap().to_owned();
            let b = emu.rpc(
                "DescribeBackups",
                &[
                    ("DBInstanceId", "rm-demo-mssql-cloud"),
                    ("BackupId", &backup_id),
                ],
            );
            let set = &b.json()["Items"]["Backup"][0];
            assert_eq!(set["BackupStatus"], "Success");
            assert_eq!(set["BackupDBNames"], "crm,sales");
            assert_eq!(set["BackupType"], "FullBackup");
            break;
        }
        emu.advance(JOB_MS / 10);
    }
    assert_eq!(seen, ["NoStart", "Preparing", "Uploading", "Finished"]);
    // Without a job id, only tasks in progress are listed.
    let t = emu.rpc(
        "DescribeBackupTasks",
        &[("DBInstanceId", "rm-demo-mssql-cloud")],
    );
    assert_eq!(t.json()["Items"]["BackupJob"], serde_json::json!([]));
}

#[test]
fn concurrent_creates_for_one_instance_make_one_job() {
    let emu = Emulator::start();
    let calls: Vec<_> = (0..16)
        .map(|_| {
            sign(
                &emu.call(
                    "CreateBackup",
                    &[
                        ("DBInstanceId", "pgm-demo-pg-local"),
                        ("BackupMethod", "Physical"),
                    ],
                ),
                &test_creds(),
                SignatureVersion::V3,
            )
        })
        .collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(calls.len()));
    let addr = emu.addr;
    let replies: Vec<Reply> = calls
        .into_iter()
        .map(|signed| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                send_raw(addr, &signed.request.to_http())
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    let ok = replies.iter().filter(|r| r.status == 200).count();
    let exists = replies
        .iter()
        .filter(|r| r.code().as_deref() == Some("BackupJobExists"))
        .count();
    assert_eq!((ok, exists), (1, 15), "{replies:?}");
}

#[test]
fn instances_are_listed_page_by_page() {
    let emu = Emulator::start();
    let all = emu
        .rpc("DescribeDBInstances", &[("RegionId", "cn-hangzhou")])
        .json();
    let total = all["TotalRecordCount"].as_u64().unwrap();
    assert_eq!(total, 11);
    let mut ids = Vec::new();
    for page in 1..=6 {
        let p = emu
            .rpc(
                "DescribeDBInstances",
                &[
                    ("RegionId", "cn-hangzhou"),
                    ("PageSize", "2"),
                    ("PageNumber", &page.to_string()),
                ],
            )
            .json();
        assert_eq!(p["TotalRecordCount"].as_u64(), Some(total));
        for i in p["Items"]["DBInstance"].as_array().unwrap() {
            ids.push(i["DBInstanceId"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(ids.len(), 11);
    // Token paging.
    let mut token = String::new();
    let mut count = 0;
    loop {
        let p = emu
            .rpc(
                "DescribeDBInstances",
                &[
                    ("RegionId", "cn-hangzhou"),
                    ("MaxResults", "4"),
                    ("NextToken", &token),
                ],
            )
            .json();
        count += p["Items"]["DBInstance"].as_array().unwrap().len();
        token = p["NextToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(count, 11);
    let sg = emu
        .rpc(
            "DescribeDBInstances",
            &[("RegionId", "ap-southeast-1"), ("Engine", "MariaDB")],
        )
        .json();
    assert_eq!(
        sg["Items"]["DBInstance"][0]["DBInstanceId"],
        "rm-demo-sg-mariadb"
    );
    assert_code(&emu.rpc("DescribeDBInstances", &[]), 400, "MissingRegionId");
    assert_code(
        &emu.rpc(
            "DescribeDBInstances",
            &[("RegionId", "cn-hangzhou"), ("PageSize", "101")],
        ),
        400,
        "InvalidParameter",
    );

    let a = emu
        .rpc(
            "DescribeDBInstanceAttribute",
            &[("DBInstanceId", "rr-demo-mysql-readonly")],
        )
        .json();
    let attr = &a["Items"]["DBInstanceAttribute"][0];
    assert_eq!(
        (
            attr["DBInstanceType"].as_str(),
            attr["MasterInstanceId"].as_str()
        ),
        (Some("Readonly"), Some("rm-demo-mysql-cloud"))
    );
    assert_eq!(attr["DBInstanceStorageType"], "cloud_essd");
    let d = emu
        .rpc(
            "DescribeDatabases",
            &[("DBInstanceId", "rm-demo-mysql-local")],
        )
        .json();
    assert_eq!(d["Databases"]["Database"].as_array().unwrap().len(), 3);
    assert_code(
        &emu.rpc("DescribeDatabases", &[("DBInstanceId", "rm-nope-1")]),
        404,
        "InvalidDBInstanceId.NotFound",
    );
}

#[test]
fn the_gateway_checks_signatures_clock_and_nonces() {
    let emu = Emulator::start();
    let params = [
        ("DBInstanceId", "rm-demo-mysql-local"),
        ("BackupMethod", "Physical"),
    ];

    let wrong = sign(
        &emu.call("CreateBackup", &params),
        &Credentials::new(TEST_KEY_ID, "not-the-secret"),
        SignatureVersion::V3,
    );
    let r = emu.send_signed(&wrong);
    assert_code(&r, 400, "SignatureDoesNotMatch");
    assert!(r.json()["Message"].as_str().unwrap().starts_with("Specified signature is not matched with our calculation. server string to sign is:ACS3-HMAC-SHA256\n"));

    let unknown = sign(
        &emu.call("CreateBackup", &params),
        &Credentials::new("nobody", TEST_SECRET),
        SignatureVersion::V3,
    );
    assert_code(
        &emu.send_signed(&unknown),
        404,
        "InvalidAccessKeyId.NotFound",
    );
    let inactive = sign(
        &emu.call("CreateBackup", &params),
        &Credentials::new(INACTIVE_KEY_ID, TEST_SECRET),
        SignatureVersion::V3,
    );
    assert_code(
        &emu.send_signed(&inactive),
        400,
        "InvalidAccessKeyId.Inactive",
    );

    let mut stale = emu.call("CreateBackup", &params);
    stale.time = UtcTime::from_unix(stale.time.unix() - 16 * 60);
    assert_code(&emu.send(&stale), 400, "InvalidTimeStamp.Expired");
    let mut future = emu.call("CreateBackup", &params);
    future.time = UtcTime::from_unix(future.time.unix() + 16 * 60);
    assert_code(&emu.send(&future), 400, "InvalidTimeStamp.Expired");

    let once = sign(
        &emu.call(
            "DescribeDBInstanceAttribute",
            &[("DBInstanceId", "rm-demo-mysql-local")],
        ),
        &test_creds(),
        SignatureVersion::V3,
    );
    assert_eq!(emu.send_signed(&once).status, 200);
    assert_code(&emu.send_signed(&once), 400, "SignatureNonceUsed");

    // STS: the token must be the key's.
    let sts = Credentials::new(STS_KEY_ID, TEST_SECRET).with_token(STS_TOKEN);
    let ok = sign(
        &emu.call(
            "DescribeDatabases",
            &[("DBInstanceId", "rm-demo-mysql-local")],
        ),
        &sts,
        SignatureVersion::V3,
    );
    assert_eq!(emu.send_signed(&ok).status, 200);
    let bad = sign(
        &emu.call(
            "DescribeDatabases",
            &[("DBInstanceId", "rm-demo-mysql-local")],
        ),
        &Credentials::new(STS_KEY_ID, TEST_SECRET).with_token("other"),
        SignatureVersion::V2,
    );
    assert_code(
        &emu.send_signed(&bad),
        400,
        "InvalidSecurityToken.MismatchWithAccessKey",
    );

    assert_code(
        &emu.rpc(
            "DeleteDBInstance",
            &[("DBInstanceId", "rm-demo-mysql-local")],
        ),
        404,
        "InvalidApi.NotFound",
    );
    let mut v = emu.call(
        "DescribeDatabases",
        &[("DBInstanceId", "rm-demo-mysql-local")],
    );
    v.version = "2020-01-01".into();
    assert_code(&emu.send(&v), 400, "InvalidVersion");

    // Unsigned and half-signed requests.
    assert_code(
        &send_raw(
            emu.addr,
            "GET /?Action=CreateBackup&Format=JSON HTTP/1.1\r\nhost: x\r\n\r\n",
        ),
        400,
        "MissingSignature",
    );
    let bad_alg = format!(
        "POST /?DBInstanceId=rm-demo-mysql-local HTTP/1.1\r\nhost: {}\r\nx-acs-action: CreateBackup\r\nx-acs-version: 2014-08-15\r\nx-acs-date: 2024-01-01T00:00:00Z\r\nx-acs-signature-nonce: n\r\nauthorization: ACS4-HMAC-SHA512 Credential=testid,SignedHeaders=host,Signature=00\r\ncontent-length: 0\r\n\r\n",
        emu.host()
    );
    assert_code(&send_raw(emu.addr, &bad_alg), 400, "IncompleteSignature");
}

#[test]
fn v2_gets_xml_unless_it_asks_for_json() {
    let emu = Emulator::start();
    // The signer always asks for JSON; ask for XML instead, signing through the V2 steps.
    let mut signed = sign(
        &emu.call(
            "DescribeDatabases",
            &[("DBInstanceId", "rm-demo-mysql-local")],
        ),
        &test_creds(),
        SignatureVersion::V2,
    );
    let pairs: Vec<(String, String)> = rds_backup_core::encode::parse_pairs(&signed.request.query)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| {
            if k == "Format" {
                (k, "XML".to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    let canonical = rds_backup_core::encode::canonical_query(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let sig = rds_backup_core::sign::v2::signature(
        &secret(TEST_SECRET),
        &rds_backup_core::sign::v2::string_to_sign("POST", &canonical),
    );
    signed.request.query = format!(
        "{canonical}&Signature={}",
        rds_backup_core::encode::percent_encode(&sig)
    );
    let r = emu.send_signed(&signed);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/xml"));
    assert!(
        r.body.starts_with("<?xml")
            && r.body
                .contains("<DescribeDatabasesResponse><Databases><Database>")
            && r.body.contains("<DBName>orders</DBName>"),
        "{}",
        r.body
    );

    // Errors in XML too.
    let bad = signed
        .request
        .query
        .replace("rm-demo-mysql-local", "rm-demo-mysql-cloud");
    signed.request.query = bad;
    let r = emu.send_signed(&signed);
    assert!(
        r.body.contains("<Error>") && r.body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{}",
        r.body
    );

    // GET works as well as POST.
    let mut get = emu.call(
        "DescribeDatabases",
        &[("DBInstanceId", "rm-demo-mysql-local")],
    );
    get.method = Method::Get;
    let r = emu.send_signed(&sign(&get, &test_creds(), SignatureVersion::V2));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
}

/// For a valid signed request, changing any single signed part is refused.
#[test]
fn tampering_with_any_signed_part_is_refused() {
    let emu = Emulator::start();
    let params = [
        ("DBInstanceId", "rm-demo-mysql-local"),
        ("BackupMethod", "Logical"),
        ("BackupStrategy", "db"),
        ("DBName", "orders,users"),
        ("BackupRetentionPeriod", "30"),
    ];
    for version in [SignatureVersion::V3, SignatureVersion::V2] {
        let base = sign(&emu.call("CreateBackup", &params), &test_creds(), version);
        let raw = base.request.to_http();
        let (head, _) = raw.split_once("\r\n\r\n").unwrap();
        let lines: Vec<&str> = head.split("\r\n").collect();
        let mut variants: Vec<(String, String)> = Vec::new();
        // The method.
        variants.push(("method".into(), raw.replacen("POST ", "GET ", 1)));
        // Each query parameter's value and name.
        let target = lines[0].split(' ').nth(1).unwrap();
        let query = target.trim_start_matches("/?");
        for (i, pair) in query.split('&').enumerate() {
            let (k, v) = pair.split_once('=').unwrap();
            let mut changed: Vec<String> = query.split('&').map(str::to_owned).collect();
            changed[i] = format!("{k}={}X", v);
            variants.push((
                format!("value of {k}"),
                raw.replacen(query, &changed.join("&"), 1),
            ));
            changed[i] = format!("{k}X={v}");
            variants.push((
                format!("name of {k}"),
                raw.replacen(query, &changed.join("&"), 1),
            ));
        }
        // Each signed header (V3 signs every header the signer sent; V2 signs none).
        for line in lines[1..]
            .iter()
            .filter(|_| version == SignatureVersion::V3)
        {
            let (name, value) = line.split_once(": ").unwrap();
            if name == "content-length" {
                continue;
            }
            let changed = if name == "authorization" {
                let flip = if value.ends_with('0') { '1' } else { '0' };
                format!("{name}: {}{flip}", &value[..value.len() - 1])
            } else {
                format!("{name}: {value}X")
            };
            variants.push((format!("header {name}"), raw.replacen(line, &changed, 1)));
        }
        if version == SignatureVersion::V3 {
            variants.push((
                "body".into(),
                raw.replacen("content-length: 0\r\n\r\n", "content-length: 1\r\n\r\nx", 1),
            ));
        }
        assert!(variants.len() >= 10);
        for (what, text) in &variants {
            let r = send_raw(emu.addr, text);
            assert_ne!(
                r.status, 200,
                "{version:?}: changing {what} was accepted: {text}"
            );
        }
        // And the untouched request goes through.
        let ok = send_raw(emu.addr, &raw);
        assert_eq!(ok.status, 200, "{}", ok.body);
        emu.advance(JOB_MS);
    }
}

/// The legacy `@alicloud/pop-core` POST: every parameter, Signature included, in a form
/// body, sent chunked (as its older releases do) or with a length.
#[test]
fn a_v2_form_body_is_read_chunked_or_not() {
    let emu = Emulator::start();
    for (i, chunked) in [(0, true), (1, false)] {
        let signed = sign(
            &emu.call(
                "CreateBackup",
                &[
                    (
                        "DBInstanceId",
                        if i == 0 {
                            "rm-demo-mysql-cloud"
                        } else {
                            "pgm-demo-pg-cloud"
                        },
                    ),
                    ("BackupMethod", "Snapshot"),
                ],
            ),
            &test_creds(),
            SignatureVersion::V2,
        );
        let body = signed.request.query.clone();
        let head = format!(
            "POST / HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\nconnection: close\r\n",
            emu.host()
        );
        let raw = if chunked {
            let (a, b) = body.split_at(body.len() / 2);
            format!(
                "{head}transfer-encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
                a.len(),
                b.len()
            )
        } else {
            format!("{head}content-length: {}\r\n\r\n{body}", body.len())
        };
        let r = send_bytes(emu.addr, raw.as_bytes());
        assert_eq!(r.status, 200, "chunked={chunked}: {}", r.body);
        assert!(r.json()["BackupJobId"].is_string());
    }
}

/// A V3 request signed over exactly `signed` of its headers (as a careless client might).
fn v3_signed_over(emu: &Emulator, call: &rds_backup_core::Call, signed: &[&str]) -> String {
    use rds_backup_core::sign::v3;
    let full = sign(call, &test_creds(), SignatureVersion::V3).request;
    let headers: Vec<(String, String)> = full
        .headers
        .iter()
        .filter(|(k, _)| k != "authorization")
        .cloned()
        .collect();
    let chosen: Vec<(String, String)> = headers
        .iter()
        .filter(|(k, _)| signed.contains(&k.as_str()))
        .cloned()
        .collect();
    let (canonical, names) = v3::canonical_request(
        "POST",
        "/",
        &full.query,
        &chosen,
        rds_backup_core::sign::EMPTY_SHA256,
    );
    let signature = v3::signature(
        &rds_backup_core::Secret::new(TEST_SECRET),
        &v3::string_to_sign(&canonical),
    );
    let mut text = format!("POST /?{} HTTP/1.1\r\n", full.query);
    for (k, v) in &headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str(&format!(
        "authorization: {}\r\ncontent-length: 0\r\n\r\n",
        v3::authorization(TEST_KEY_ID, &names, &signature)
    ));
    let _ = emu;
    text
}

#[test]
fn a_v3_request_must_sign_host_and_every_x_acs_header() {
    let emu = Emulator::start();
    let call = emu.call(
        "DescribeDatabases",
        &[("DBInstanceId", "rm-demo-mysql-local")],
    );
    let all = [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ];
    assert_eq!(
        send_raw(emu.addr, &v3_signed_over(&emu, &call, &all)).status,
        200
    );
    for left_out in ["host", "x-acs-action", "x-acs-signature-nonce"] {
        let call = emu.call(
            "DescribeDatabases",
            &[("DBInstanceId", "rm-demo-mysql-local")],
        );
        let some: Vec<&str> = all.iter().copied().filter(|h| *h != left_out).collect();
        let r = send_raw(emu.addr, &v3_signed_over(&emu, &call, &some));
        assert_code(&r, 400, "IncompleteSignature");
        assert!(r.body.contains(left_out), "{left_out}: {}", r.body);
    }
}

#[test]
fn a_nonce_signed_in_the_future_stays_refused_until_that_time_plus_the_window() {
    let emu = Emulator::start();
    let mut call = emu.call(
        "DescribeDatabases",
        &[("DBInstanceId", "rm-demo-mysql-local")],
    );
    call.time = UtcTime::from_unix(call.time.unix() + 14 * 60);
    let signed = sign(&call, &test_creds(), SignatureVersion::V3);
    assert_eq!(emu.send_signed(&signed).status, 200);
    // 16 minutes on, the arrival is out of any 15-minute memory, but the signed time is
    // 2 minutes ago: still within the window, so the replay must be refused.
    emu.advance(16 * 60 * 1000);
    assert_code(&emu.send_signed(&signed), 400, "SignatureNonceUsed");
    // Once the signed time plus the window has passed, the clock check refuses it anyway.
    emu.advance(14 * 60 * 1000);
    assert_code(&emu.send_signed(&signed), 400, "InvalidTimeStamp.Expired");
}
