//! Core's reasons ([`Reason`]: a code with its arguments) in each language of the
//! console. English is core's own wording; the others are built here from the same
//! arguments and the catalogue's `r.*` words, with the API's names and values
//! (`BackupMethod`, `Snapshot`) left as they are written on the wire.

use crate::i18n::{Lang, fill, lookup};
use rds_backup_core::model::{BackupMethod, DbNameError, Engine, Field, StorageKind};
use rds_backup_core::reason::Reason;

/// The reason in `l`.
pub fn say(l: Lang, r: &Reason) -> String {
    match l {
        Lang::En => r.to_string(),
        Lang::Id | Lang::ZhCn => other(l, r),
    }
}

/// The catalogue's word for `key`.
fn w(l: Lang, key: &str) -> &'static str {
    lookup(l, key).unwrap_or_default()
}

/// "MySQL on cloud disk".
fn describe(l: Lang, engine: Engine, kind: StorageKind) -> String {
    let disk = w(
        l,
        match kind {
            StorageKind::Local => "r.disk.local",
            StorageKind::Cloud => "r.disk.cloud",
        },
    );
    fill(
        w(l, "r.describe"),
        &[("engine", engine.display_name()), ("disk", disk)],
    )
}

/// Which engines and storage a method supports (core's `method_reason`).
fn method_support(l: Lang, engine: Engine, method: BackupMethod) -> &'static str {
    w(
        l,
        match (engine, method) {
            (Engine::MariaDb, BackupMethod::Snapshot) => "r.method.mariadb.Snapshot",
            (Engine::MariaDb, BackupMethod::Physical) => "r.method.mariadb.Physical",
            (_, BackupMethod::Logical) => "r.method.Logical",
            (_, BackupMethod::Physical) => "r.method.Physical",
            (_, BackupMethod::Snapshot) => "r.method.Snapshot",
        },
    )
}

/// Where a parameter takes effect (core's `takes_effect`).
fn takes_effect(l: Lang, field: Field) -> &'static str {
    match field {
        Field::Engine | Field::StorageType | Field::RegionId => w(l, "r.effect.context"),
        f => w(l, &format!("r.effect.{}", f.as_str())),
    }
}

fn db_name_error(l: Lang, e: &DbNameError) -> String {
    let (key, name, found) = match e {
        DbNameError::Empty => ("r.db.empty", "", String::new()),
        DbNameError::TooLong(n) => ("r.db.long", n.as_str(), String::new()),
        DbNameError::BadStart(n) => ("r.db.start", n.as_str(), String::new()),
        DbNameError::BadEnd(n) => ("r.db.end", n.as_str(), String::new()),
        DbNameError::BadChar { name, found } => ("r.db.char", name.as_str(), format!("{found:?}")),
    };
    fill(w(l, key), &[("name", name), ("found", &found)])
}

fn other(l: Lang, r: &Reason) -> String {
    let or = w(l, "r.or");
    let f = |key: &str, args: &[(&str, &str)]| fill(w(l, key), args);
    match r {
        Reason::MethodUnsupported {
            method,
            engine,
            kind,
        } => f(
            "r.MethodUnsupported",
            &[
                ("what", method_support(l, *engine, *method)),
                ("this", &describe(l, *engine, *kind)),
            ],
        ),
        Reason::DefaultMethodUnsupported {
            engine,
            kind,
            usable,
        } => {
            let usable: Vec<&str> = usable.iter().map(|m| m.as_str()).collect();
            f(
                "r.DefaultMethodUnsupported",
                &[
                    ("this", &describe(l, *engine, *kind)),
                    ("why", method_support(l, *engine, BackupMethod::Physical)),
                    ("usable", &usable.join(or)),
                ],
            )
        }
        Reason::Required { field, options } if options.is_empty() => {
            f("r.Required", &[("field", field.as_str())])
        }
        Reason::Required { field, options } => {
            let options: Vec<String> = options
                .iter()
                .map(|(v, rule)| format!("{v} ({})", w(l, &format!("r.rule.{rule}"))))
                .collect();
            f(
                "r.RequiredOptions",
                &[
                    ("field", field.as_str()),
                    ("options", &options.join(w(l, "r.RequiredJoin"))),
                ],
            )
        }
        Reason::DbNameRequired => w(l, "r.DbNameRequired").to_owned(),
        Reason::NoEffect { field } => takes_effect(l, *field).to_owned(),
        Reason::NotWithChosen {
            field,
            value,
            allowed,
        } => f(
            "r.NotWithChosen",
            &[
                ("field", field.as_str()),
                ("value", value),
                ("allowed", &allowed.join(or)),
            ],
        ),
        Reason::UnknownValue {
            field,
            typed,
            valid,
            near,
        } => {
            let mut s = f(
                "r.UnknownValue",
                &[
                    ("typed", typed),
                    ("field", field.as_str()),
                    ("valid", &valid.join(", ")),
                ],
            );
            if let Some(n) = near {
                s.push_str(&f("r.UnknownValueNear", &[("near", n)]));
            }
            s
        }
        Reason::InstanceIdRequired => w(l, "r.InstanceIdRequired").to_owned(),
        Reason::InstanceIdMasked { typed } => f("r.InstanceIdMasked", &[("typed", typed)]),
        Reason::InstanceIdFormat { typed } => f("r.InstanceIdFormat", &[("typed", typed)]),
        Reason::DbNameTwice { name } => f("r.DbNameTwice", &[("name", name)]),
        Reason::DbName(e) => db_name_error(l, e),
        Reason::RetentionRange { value } => f("r.RetentionRange", &[("value", &value.to_string())]),
        Reason::IntentUnsupported {
            intent,
            method,
            engine,
            kind,
        } => f(
            "r.IntentUnsupported",
            &[
                ("intent", intent),
                ("this", &describe(l, *engine, *kind)),
                ("why", method_support(l, *engine, *method)),
            ],
        ),
        Reason::Other(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rds_backup_core::{Context, Draft, StorageType, choices, validate};

    /// Every reason core gives for every engine and storage, empty or with each method,
    /// is said in Chinese and Indonesian, never left in core's English.
    #[test]
    fn every_reason_has_its_own_words_in_each_language() {
        crate::i18n::install_all();
        for engine in Engine::ALL {
            for storage in StorageType::ALL {
                let ctx = Context::new(*engine, *storage);
                for method in [
                    None,
                    Some("Logical"),
                    Some("Physical"),
                    Some("Snapshot"),
                    Some("physical"),
                ] {
                    let draft = Draft {
                        db_instance_id: Some("rm-1*".into()),
                        backup_method: method.map(str::to_owned),
                        backup_strategy: Some("db".into()),
                        db_name: Some(vec!["a".into(), "".into()]),
                        backup_retention_period: Some(3),
                        ..Draft::default()
                    };
                    let mut reasons: Vec<Reason> = validate(&ctx, &draft)
                        .err()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| p.reason)
                        .collect();
                    for c in choices(&ctx, &draft) {
                        reasons.extend(c.withheld.into_iter().filter_map(|w| w.why));
                    }
                    // A plan's intent that has no rule here.
                    for name in rds_backup_core::intent::INTENT_NAMES {
                        let dbs = (name == "logical-databases").then_some("a");
                        if let Ok(intent) = rds_backup_core::intent::Intent::parse(name, dbs) {
                            reasons.extend(intent.rule(&ctx).err().map(|p| p.reason));
                        }
                    }
                    for r in &reasons {
                        assert!(!matches!(r, Reason::Other(_)), "{r:?}");
                        for l in [Lang::Id, Lang::ZhCn] {
                            let said = say(l, r);
                            assert!(!said.is_empty() && said != r.to_string(), "{l:?} {r:?}");
                        }
                    }
                }
            }
        }
    }
}
