//! The whole request space, enumerated: engines x storage types x every value of
//! each parameter (absent and invalid ones included) x retention edges x DBName
//! forms. For every point: what `choices` offers validates, and what it withholds
//! is refused with a code naming that field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rds_backup_core::{
    Code, Context, Draft, Engine, Field, FieldChoices, StorageType, choices, validate,
};

const METHODS: &[Option<&str>] = &[
    None,
    Some("Logical"),
    Some("Physical"),
    Some("Snapshot"),
    Some("physical"),
    Some("Backup"),
];
const TYPES: &[Option<&str>] = &[None, Some("Auto"), Some("FullBackup"), Some("Full")];
const STRATEGIES: &[Option<&str>] = &[None, Some("db"), Some("instance"), Some("database")];
const RETENTIONS: &[Option<i64>] = &[
    None,
    Some(-2),
    Some(-1),
    Some(0),
    Some(6),
    Some(7),
    Some(730),
    Some(731),
];
const DB_NAMES: &[Option<&[&str]>] = &[
    None,
    Some(&["db1"]),
    Some(&["db1", "db_2"]),
    Some(&["Bad-Name"]),
];

/// The value `draft` holds for `field`, as `choices` spells it.
fn held(draft: &Draft, field: Field) -> Option<String> {
    match field {
        Field::BackupMethod => draft.backup_method.clone(),
        Field::BackupType => draft.backup_type.clone(),
        Field::BackupStrategy => draft.backup_strategy.clone(),
        f if draft.has(f) => Some(rds_backup_core::check::GIVEN.to_owned()),
        _ => None,
    }
}

fn is_offered(fc: &FieldChoices, value: &Option<String>) -> bool {
    fc.offered
        .iter()
        .any(|c| c.value.map(str::to_owned) == *value)
}

/// Problems that do not depend on the combination: a missing id, malformed values.
fn well_formed(draft: &Draft) -> bool {
    let names_ok = draft.db_name.as_ref().is_none_or(|names| {
        let mut seen = Vec::new();
        names.iter().all(|n| {
            let ok = rds_backup_core::DbName::new(n).is_ok() && !seen.contains(n);
            seen.push(n.clone());
            ok
        })
    });
    let retention_ok = draft
        .backup_retention_period
        .is_none_or(|v| rds_backup_core::Retention::new(v).is_some());
    let id_ok = draft
        .db_instance_id
        .as_deref()
        .is_some_and(|id| rds_backup_core::DbInstanceId::new(id).is_ok());
    names_ok && retention_ok && id_ok
}

/// The codes a withheld value of this field may be refused with.
fn codes_for(field: Field) -> &'static [Code] {
    match field {
        Field::BackupMethod => &[Code::InvalidBackupMethod],
        Field::BackupType => &[Code::BackupTypeNotSupport, Code::RequiredParamNotFound],
        _ => &[Code::ParametersInvalid, Code::RequiredParamNotFound],
    }
}

fn check_point(ctx: &Context, draft: &Draft) {
    let verdict = validate(ctx, draft);
    let fields = choices(ctx, draft);
    let mut all_offered = true;
    for fc in &fields {
        let value = held(draft, fc.field);
        if is_offered(fc, &value) {
            continue;
        }
        all_offered = false;
        let problems = verdict.as_ref().err().unwrap_or_else(|| {
            panic!(
                "{ctx:?} {draft:?}: {} {value:?} is withheld but the request validates",
                fc.field
            )
        });
        assert!(
            problems
                .iter()
                .any(|p| p.field == fc.field && codes_for(fc.field).contains(&p.code)),
            "{ctx:?} {draft:?}: {} {value:?} withheld ({:?}) but not refused: {problems:?}",
            fc.field,
            fc.withheld
        );
    }
    match &verdict {
        Ok(req) => {
            assert!(
                all_offered && well_formed(draft),
                "{ctx:?} {draft:?} validated"
            );
            let params = req.params();
            for fc in &fields {
                let sent = params.get(fc.field).map(str::to_owned);
                let given = held(draft, fc.field);
                match (&given, &sent) {
                    (None, None) => {}
                    (None, Some(v)) => assert_eq!(
                        fc.default,
                        Some(v.as_str()),
                        "{draft:?}: {} sent unasked",
                        fc.field
                    ),
                    (Some(_), None) => panic!("{draft:?}: {} given but dropped", fc.field),
                    (Some(g), Some(v)) => {
                        if g != rds_backup_core::check::GIVEN {
                            assert_eq!(g, v, "{draft:?}");
                        }
                    }
                }
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            assert!(
                !all_offered || !well_formed(draft),
                "{ctx:?} {draft:?}: everything offered, yet {problems:?}"
            );
            for p in problems {
                assert!(!p.message.is_empty());
            }
        }
    }
}

#[test]
fn choices_and_validate_agree_on_the_whole_space() {
    let mut points = 0usize;
    let (mut valid, mut refused) = (0usize, 0usize);
    for engine in Engine::ALL {
        for storage in StorageType::ALL {
            let ctx = Context::new(*engine, *storage);
            for method in METHODS {
                for ty in TYPES {
                    for strategy in STRATEGIES {
                        for retention in RETENTIONS {
                            for names in DB_NAMES {
                                let draft = Draft {
                                    db_instance_id: Some("rm-uf6wjk5xxxxxxx".into()),
                                    db_name: names
                                        .map(|n| n.iter().map(|s| (*s).to_owned()).collect()),
                                    backup_strategy: strategy.map(str::to_owned),
                                    backup_method: method.map(str::to_owned),
                                    backup_type: ty.map(str::to_owned),
                                    backup_retention_period: *retention,
                                };
                                check_point(&ctx, &draft);
                                points += 1;
                                if validate(&ctx, &draft).is_ok() {
                                    valid += 1;
                                } else {
                                    refused += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    println!("space: {points} combinations, {valid} valid, {refused} refused");
    assert_eq!(points, 4 * 7 * 6 * 4 * 4 * 8 * 4);
    assert!(valid > 0 && refused > 0);
}

/// A field's options depend only on the fields before it: filling in later
/// fields never changes what an earlier one offers.
#[test]
fn later_fields_do_not_change_earlier_choices() {
    let order = [
        Field::BackupMethod,
        Field::BackupType,
        Field::BackupStrategy,
        Field::DBName,
        Field::BackupRetentionPeriod,
    ];
    let full = Draft {
        db_instance_id: Some("rm-1a".into()),
        db_name: Some(vec!["db1".into()]),
        backup_strategy: Some("db".into()),
        backup_method: Some("Physical".into()),
        backup_type: Some("FullBackup".into()),
        backup_retention_period: Some(7),
    };
    for engine in Engine::ALL {
        for storage in StorageType::ALL {
            let ctx = Context::new(*engine, *storage);
            let with_all = choices(&ctx, &full);
            for (i, _) in order.iter().enumerate() {
                let mut partial = full.clone();
                for later in &order[i + 1..] {
                    partial.set(*later, "").unwrap();
                }
                assert_eq!(
                    choices(&ctx, &partial)[..=i],
                    with_all[..=i],
                    "{ctx:?} step {i}"
                );
            }
        }
    }
}

fn any_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        "\\PC{0,12}".prop_map(Some),
        prop::sample::select(vec![
            "Logical",
            "Physical",
            "Snapshot",
            "Auto",
            "FullBackup",
            "db",
            "instance"
        ])
        .prop_map(|s| Some(s.to_owned())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary values never panic, and the agreement holds for them too.
    #[test]
    fn arbitrary_values_never_panic(
        e in 0usize..4, s in 0usize..7,
        id in any_text(), method in any_text(), ty in any_text(), strategy in any_text(),
        names in prop::option::of(prop::collection::vec("\\PC{0,20}", 0..4)),
        retention in prop::option::of(any::<i64>()),
    ) {
        let ctx = Context::new(Engine::ALL[e], StorageType::ALL[s]);
        let draft = Draft { db_instance_id: id, db_name: names, backup_strategy: strategy, backup_method: method, backup_type: ty, backup_retention_period: retention };
        check_point(&ctx, &draft);
    }
}
