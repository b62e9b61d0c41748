//! The per-engine CreateBackup rules, written once, as data.
//!
//! [`RULES`] lists every valid combination of the optional parameters (the
//! "how to combine optional parameters" section of the API documentation).
//! `choices` and `validate` both read it, so what the form offers and what the
//! validator accepts cannot disagree. The texts below are the reasons users see.

use crate::model::{BackupMethod, BackupStrategy, BackupType, Engine, Field, StorageKind};

/// One valid combination of CreateBackup parameters for an engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// A stable id, used in tests, snippets and messages.
    pub id: &'static str,
    /// The engine this combination is for.
    pub engine: Engine,
    /// The storage it needs; `None` means any storage.
    pub storage: Option<StorageKind>,
    /// The value sent as `BackupMethod`.
    pub method: BackupMethod,
    /// What the form calls the method (MariaDB: "Snapshot", sent as `Physical`).
    pub method_label: &'static str,
    /// `BackupType`: `None` means it must be absent.
    pub backup_type: Option<BackupType>,
    /// `BackupStrategy`: `None` means it must be absent.
    pub strategy: Option<BackupStrategy>,
    /// `DBName` is required (`true`) or must be absent (`false`).
    pub db_name: bool,
    /// `BackupRetentionPeriod` may be given.
    pub retention: bool,
    /// What this combination does, in one line.
    pub summary: &'static str,
}

use BackupMethod::{Logical, Physical, Snapshot};
use BackupStrategy::{Db, Instance};
use BackupType::{Auto, FullBackup};
use Engine::{MariaDb, MySql, PostgreSql, SqlServer};
use StorageKind::{Cloud, Local};

/// Every valid combination, engine by engine, as the 2026 documentation lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "mysql-physical",
        engine: MySql,
        storage: Some(Local),
        method: Physical,
        method_label: "Physical",
        backup_type: None,
        strategy: None,
        db_name: false,
        retention: true,
        summary: "MySQL physical backup of every database (local disk)",
    },
    Rule {
        id: "mysql-snapshot",
        engine: MySql,
        storage: Some(Cloud),
        method: Snapshot,
        method_label: "Snapshot",
        backup_type: None,
        strategy: None,
        db_name: false,
        retention: true,
        summary: "MySQL snapshot backup of every database (cloud disk)",
    },
    Rule {
        id: "mysql-logical-db",
        engine: MySql,
        storage: Some(Local),
        method: Logical,
        method_label: "Logical",
        backup_type: None,
        strategy: Some(Db),
        db_name: true,
        retention: true,
        summary: "MySQL logical backup of the databases in DBName (local disk)",
    },
    Rule {
        id: "mysql-logical-instance",
        engine: MySql,
        storage: Some(Local),
        method: Logical,
        method_label: "Logical",
        backup_type: None,
        strategy: Some(Instance),
        db_name: false,
        retention: true,
        summary: "MySQL logical backup of the whole instance (local disk)",
    },
    Rule {
        id: "sqlserver-snapshot",
        engine: SqlServer,
        storage: None,
        method: Snapshot,
        method_label: "Snapshot",
        backup_type: None,
        strategy: None,
        db_name: false,
        retention: false,
        summary: "SQL Server snapshot backup of every database",
    },
    Rule {
        id: "sqlserver-full-db",
        engine: SqlServer,
        storage: None,
        method: Physical,
        method_label: "Physical",
        backup_type: Some(FullBackup),
        strategy: Some(Db),
        db_name: true,
        retention: true,
        summary: "SQL Server full physical backup of the databases in DBName",
    },
    Rule {
        id: "sqlserver-full-instance",
        engine: SqlServer,
        storage: None,
        method: Physical,
        method_label: "Physical",
        backup_type: Some(FullBackup),
        strategy: Some(Instance),
        db_name: false,
        retention: false,
        summary: "SQL Server full physical backup of the whole instance",
    },
    Rule {
        id: "sqlserver-auto",
        engine: SqlServer,
        storage: None,
        method: Physical,
        method_label: "Physical",
        backup_type: Some(Auto),
        strategy: None,
        db_name: false,
        retention: false,
        summary: "SQL Server physical backup, full or incremental as the service chooses",
    },
    Rule {
        id: "postgresql-physical",
        engine: PostgreSql,
        storage: None,
        method: Physical,
        method_label: "Physical",
        backup_type: None,
        strategy: None,
        db_name: false,
        retention: false,
        summary: "PostgreSQL physical backup of every database",
    },
    Rule {
        id: "postgresql-snapshot",
        engine: PostgreSql,
        storage: None,
        method: Snapshot,
        method_label: "Snapshot",
        backup_type: None,
        strategy: None,
        db_name: false,
        retention: false,
        summary: "PostgreSQL snapshot backup of every database",
    },
    Rule {
        id: "mariadb-snapshot",
        engine: MariaDb,
        storage: None,
        method: Physical,
        method_label: "Snapshot",
        backup_type: None,
        strategy: None,
        db_name: false,
        retention: false,
        summary: "MariaDB snapshot backup of every database (the API calls it Physical)",
    },
];

/// Which engines and storage each backup method supports, as the documentation says it.
pub const fn method_support(method: BackupMethod) -> &'static str {
    match method {
        Logical => "Logical: MySQL on local disk only",
        Physical => "Physical: MySQL on local disk, SQL Server, PostgreSQL",
        Snapshot => "Snapshot: MySQL on cloud disk, SQL Server, PostgreSQL, MariaDB",
    }
}

/// Engine-specific notes that replace [`method_support`] where it would mislead.
pub const METHOD_NOTES: &[(Engine, BackupMethod, &str)] = &[
    (
        MariaDb,
        Snapshot,
        "Snapshot: MariaDB takes snapshots, but the request must say BackupMethod=Physical",
    ),
    (
        MariaDb,
        Physical,
        "Physical: on MariaDB, BackupMethod=Physical requests a snapshot",
    ),
];

/// Why `method` is not available for `engine`: the note if there is one, else the support line.
pub fn method_reason(engine: Engine, method: BackupMethod) -> &'static str {
    METHOD_NOTES
        .iter()
        .find(|(e, m, _)| *e == engine && *m == method)
        .map_or(method_support(method), |(_, _, note)| note)
}

/// Where a parameter takes effect, for messages about a parameter that does not apply.
pub const fn takes_effect(field: Field) -> &'static str {
    match field {
        Field::BackupStrategy => {
            "BackupStrategy takes effect only for MySQL logical backups and SQL Server full backups (BackupType=FullBackup)"
        }
        Field::DBName => "DBName takes effect only with BackupStrategy=db",
        Field::BackupType => "BackupType takes effect only for SQL Server physical backups",
        Field::BackupRetentionPeriod => {
            "BackupRetentionPeriod takes effect for MySQL backups and for SQL Server full backups of databases (BackupStrategy=db)"
        }
        Field::BackupMethod => "BackupMethod applies to every backup",
        Field::DBInstanceId => "DBInstanceId is always required",
        Field::Engine | Field::StorageType | Field::RegionId => {
            "this field is context, not a parameter"
        }
    }
}

/// The value the service uses when a field is omitted, where the documentation gives one.
pub const fn default_of(field: Field) -> Option<&'static str> {
    match field {
        Field::BackupMethod => Some(Physical.as_str()),
        Field::BackupType => Some(BackupType::Auto.as_str()),
        _ => None,
    }
}

/// The formats of free-text fields, for hints beside the inputs.
pub const fn format_hint(field: Field) -> Option<&'static str> {
    match field {
        Field::DBName => Some(
            "one or more names, comma separated; each 1-16 lowercase letters, digits or _, starting with a letter, ending with a letter or digit",
        ),
        Field::BackupRetentionPeriod => Some("7 to 730 days, or -1 to keep the backup long-term"),
        Field::DBInstanceId => Some("the instance id, e.g. rm-uf6wjk5xxxxxxx"),
        _ => None,
    }
}

impl Rule {
    /// The rules that apply to an engine on a storage kind, in table order.
    pub fn for_context(
        engine: Engine,
        storage: StorageKind,
    ) -> impl Iterator<Item = &'static Rule> {
        RULES
            .iter()
            .filter(move |r| r.engine == engine && r.storage.is_none_or(|s| s == storage))
    }

    /// The rules of an engine, whatever the storage.
    pub fn for_engine(engine: Engine) -> impl Iterator<Item = &'static Rule> {
        RULES.iter().filter(move |r| r.engine == engine)
    }

    /// Looks a rule up by its id.
    pub fn by_id(id: &str) -> Option<&'static Rule> {
        RULES.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn every_engine_and_storage_has_a_rule() {
        for e in Engine::ALL {
            for s in [Local, Cloud] {
                assert!(Rule::for_context(*e, s).next().is_some(), "{e} {s:?}");
            }
        }
    }

    #[test]
    fn db_name_only_with_db_strategy() {
        for r in RULES {
            assert_eq!(
                r.db_name,
                r.strategy == Some(BackupStrategy::Db),
                "{}",
                r.id
            );
        }
    }
}
