//! What an operator wants of many instances, said once, and the one CreateBackup it
//! means for each: an [`Intent`] and an instance's engine and storage give a request
//! through the same rules table as the form (and then [`validate`], so it is valid
//! by construction), or the reason it cannot be done, in the form's words.

use crate::check::{Code, Context, Problem, validate};
use crate::model::StorageKind;
use crate::model::{BackupMethod, BackupStrategy, BackupType, DbInstanceId, DbName, Field};
use crate::request::{CreateBackup, Draft};
use crate::rules::Rule;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What to back up, whatever the engine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Intent {
    /// The instance's full data with the method its engine and storage support:
    /// Snapshot on cloud disk, Physical on local disk, MariaDB's Physical-as-snapshot.
    WholeInstance,
    /// A full physical backup of the whole instance (MySQL on local disk, SQL Server,
    /// PostgreSQL).
    FullPhysical,
    /// A logical backup of every database (MySQL on local disk).
    LogicalAllDatabases,
    /// A logical backup of these databases (MySQL on local disk).
    LogicalDatabases(Vec<DbName>),
}

/// The intents' names, as the CLI and the API take them.
pub const INTENT_NAMES: [&str; 4] = [
    "whole-instance",
    "full-physical",
    "logical-all-databases",
    "logical-databases",
];

/// Why an intent could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntentError {
    /// Not one of [`INTENT_NAMES`].
    Unknown(String),
    /// `logical-databases` without names, or names given to another intent.
    Databases(String),
}

impl fmt::Display for IntentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntentError::Unknown(name) => write!(
                f,
                "'{name}' is not an intent: use one of {}",
                INTENT_NAMES.join(", ")
            ),
            IntentError::Databases(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for IntentError {}

impl Intent {
    /// Reads an intent by name; `logical-databases` takes its names (comma separated).
    pub fn parse(name: &str, databases: Option<&str>) -> Result<Intent, IntentError> {
        let names = databases.map(crate::request::split_db_names);
        let intent = match name {
            "whole-instance" => Intent::WholeInstance,
            "full-physical" => Intent::FullPhysical,
            "logical-all-databases" => Intent::LogicalAllDatabases,
            "logical-databases" => {
                let names = names.filter(|n| !n.is_empty()).ok_or_else(|| {
                    IntentError::Databases(
                        "logical-databases needs the databases' names (comma separated)".into(),
                    )
                })?;
                let parsed = names
                    .iter()
                    .map(|n| {
                        DbName::new(n).map_err(|e| {
                            IntentError::Databases(format!("database name '{n}': {e}"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(Intent::LogicalDatabases(parsed));
            }
            other => return Err(IntentError::Unknown(other.to_owned())),
        };
        if names.is_some_and(|n| !n.is_empty()) {
            return Err(IntentError::Databases(format!(
                "{name} backs up every database: database names go with logical-databases only"
            )));
        }
        Ok(intent)
    }

    /// Its name.
    pub const fn name(&self) -> &'static str {
        match self {
            Intent::WholeInstance => INTENT_NAMES[0],
            Intent::FullPhysical => INTENT_NAMES[1],
            Intent::LogicalAllDatabases => INTENT_NAMES[2],
            Intent::LogicalDatabases(_) => INTENT_NAMES[3],
        }
    }

    /// The databases it names (empty but for `logical-databases`).
    pub fn databases(&self) -> &[DbName] {
        match self {
            Intent::LogicalDatabases(names) => names,
            _ => &[],
        }
    }

    /// The rule this intent takes on `ctx`, or the reason there is none.
    pub fn rule(&self, ctx: &Context) -> Result<&'static Rule, Problem> {
        let storage = ctx.storage.kind();
        let rules = || Rule::for_context(ctx.engine, storage);
        let whole = |r: &&Rule| !r.db_name && r.strategy != Some(BackupStrategy::Db);
        let found = match self {
            Intent::WholeInstance => {
                // Snapshot on cloud disk, a full physical backup on local disk; any whole
                // backup the engine has otherwise (MariaDB: its one rule).
                let preferred = |r: &&Rule| match storage {
                    StorageKind::Cloud => r.method_label == "Snapshot",
                    StorageKind::Local => {
                        r.method == BackupMethod::Physical
                            && r.backup_type != Some(BackupType::Auto)
                    }
                };
                rules()
                    .filter(whole)
                    .find(preferred)
                    .or_else(|| rules().find(whole))
            }
            Intent::FullPhysical => rules().filter(whole).find(|r| {
                r.method == BackupMethod::Physical
                    && r.method_label == "Physical"
                    && r.backup_type != Some(BackupType::Auto)
            }),
            Intent::LogicalAllDatabases => rules().find(|r| {
                r.method == BackupMethod::Logical && r.strategy == Some(BackupStrategy::Instance)
            }),
            Intent::LogicalDatabases(_) => {
                rules().find(|r| r.method == BackupMethod::Logical && r.db_name)
            }
        };
        found.ok_or_else(|| {
            let method = match self {
                Intent::WholeInstance | Intent::FullPhysical => BackupMethod::Physical,
                Intent::LogicalAllDatabases | Intent::LogicalDatabases(_) => BackupMethod::Logical,
            };
            let reason = crate::reason::Reason::IntentUnsupported {
                intent: self.name(),
                method,
                engine: ctx.engine,
                kind: storage,
            };
            Problem {
                code: Code::InvalidBackupMethod,
                field: Field::BackupMethod,
                message: reason.to_string(),
                reason,
            }
        })
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        if let Intent::LogicalDatabases(names) = self {
            let names: Vec<&str> = names.iter().map(DbName::as_str).collect();
            write!(f, " {}", names.join(","))?;
        }
        Ok(())
    }
}

/// An intent with an optional retention period (days; `-1` keeps it long-term).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    /// What to back up.
    pub intent: Intent,
    /// `BackupRetentionPeriod`, when given (refused where the rule does not take one).
    pub retention: Option<i64>,
}

/// One instance's request for a goal, in the shape the API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The API's code.
    pub code: String,
    /// Why, in the form's words.
    pub message: String,
    /// For a job already running on the instance (`BackupJobExists`) that this proxy
    /// sent: its submission (a plan's item is `PLAN.POSITION.ATTEMPT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<String>,
}

impl From<&Problem> for Refusal {
    fn from(p: &Problem) -> Self {
        Refusal {
            code: p.code.as_str().to_owned(),
            message: format!("{}: {}", p.field, p.message),
            submission: None,
        }
    }
}

impl Goal {
    /// The one valid CreateBackup for this goal on an instance, or every reason it
    /// cannot be made (the rule, then the retention, as `validate` reports them).
    pub fn request(
        &self,
        ctx: &Context,
        instance: &DbInstanceId,
    ) -> Result<CreateBackup, Vec<Problem>> {
        let rule = self.intent.rule(ctx).map_err(|p| vec![p])?;
        let draft = Draft {
            db_instance_id: Some(instance.as_str().to_owned()),
            db_name: rule.db_name.then(|| {
                self.intent
                    .databases()
                    .iter()
                    .map(|d| d.as_str().to_owned())
                    .collect()
            }),
            backup_strategy: rule.strategy.map(|s| s.as_str().to_owned()),
            backup_method: Some(rule.method.as_str().to_owned()),
            backup_type: rule.backup_type.map(|t| t.as_str().to_owned()),
            backup_retention_period: self.retention,
        };
        validate(ctx, &draft)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Engine, StorageType};

    fn id() -> DbInstanceId {
        DbInstanceId::new("rm-plan-test").unwrap()
    }

    /// An intent with no rule is refused with a reason the console can say per locale,
    /// and the same English message as ever.
    #[test]
    fn an_impossible_intent_is_a_reason_with_its_arguments() {
        let ctx = Context::new(Engine::MySql, StorageType::CloudEssd);
        let p = Intent::LogicalAllDatabases.rule(&ctx).unwrap_err();
        assert_eq!(
            p.reason,
            crate::reason::Reason::IntentUnsupported {
                intent: "logical-all-databases",
                method: BackupMethod::Logical,
                engine: Engine::MySql,
                kind: StorageKind::Cloud,
            }
        );
        assert_eq!(
            p.message,
            format!(
                "logical-all-databases is not possible on MySQL on cloud disk: {}",
                crate::rules::method_reason(Engine::MySql, BackupMethod::Logical)
            )
        );
    }

    fn rule_of(
        intent: &Intent,
        engine: Engine,
        storage: StorageType,
    ) -> Result<&'static str, String> {
        let goal = Goal {
            intent: intent.clone(),
            retention: None,
        };
        goal.request(&Context::new(engine, storage), &id())
            .map(|r| r.rule().id)
            .map_err(|p| p[0].message.clone())
    }

    #[test]
    fn whole_instance_takes_the_method_each_engine_and_storage_support() {
        use Engine::*;
        use StorageType::*;
        let w = Intent::WholeInstance;
        assert_eq!(rule_of(&w, MySql, CloudEssd), Ok("mysql-snapshot"));
        assert_eq!(rule_of(&w, MySql, LocalSsd), Ok("mysql-physical"));
        assert_eq!(rule_of(&w, SqlServer, CloudEssd), Ok("sqlserver-snapshot"));
        assert_eq!(
            rule_of(&w, SqlServer, LocalSsd),
            Ok("sqlserver-full-instance")
        );
        assert_eq!(
            rule_of(&w, PostgreSql, CloudEssd),
            Ok("postgresql-snapshot")
        );
        assert_eq!(rule_of(&w, PostgreSql, LocalSsd), Ok("postgresql-physical"));
        assert_eq!(rule_of(&w, MariaDb, CloudEssd), Ok("mariadb-snapshot"));
    }

    #[test]
    fn every_intent_on_every_engine_and_storage_is_a_valid_request_or_a_reason() {
        let intents = [
            Intent::WholeInstance,
            Intent::FullPhysical,
            Intent::LogicalAllDatabases,
            Intent::parse("logical-databases", Some("app,orders")).unwrap(),
        ];
        for engine in Engine::ALL {
            for storage in StorageType::ALL {
                let ctx = Context::new(*engine, *storage);
                for intent in &intents {
                    for retention in [None, Some(30)] {
                        let goal = Goal {
                            intent: intent.clone(),
                            retention,
                        };
                        match goal.request(&ctx, &id()) {
                            // Valid by construction: validate made it.
                            Ok(r) => {
                                assert_eq!(r.db_names(), intent.databases(), "{intent} {ctx:?}");
                            }
                            Err(problems) => {
                                assert!(!problems.is_empty());
                                for p in &problems {
                                    assert!(!p.message.is_empty(), "{intent} {ctx:?}");
                                }
                            }
                        }
                    }
                }
            }
        }
        // Whole-instance never fails without a retention: every engine has a whole backup.
        for engine in Engine::ALL {
            for storage in StorageType::ALL {
                assert!(
                    rule_of(&Intent::WholeInstance, *engine, *storage).is_ok(),
                    "{engine} {storage:?}"
                );
            }
        }
    }

    #[test]
    fn an_impossible_intent_says_why_in_the_forms_words() {
        let why = rule_of(
            &Intent::LogicalAllDatabases,
            Engine::PostgreSql,
            StorageType::CloudEssd,
        )
        .unwrap_err();
        assert!(why.contains("Logical: MySQL on local disk only"), "{why}");
        let why =
            rule_of(&Intent::FullPhysical, Engine::MySql, StorageType::CloudEssd).unwrap_err();
        assert!(why.contains("MySQL on cloud disk"), "{why}");
        let why = rule_of(
            &Intent::FullPhysical,
            Engine::MariaDb,
            StorageType::CloudEssd,
        )
        .unwrap_err();
        assert!(why.contains("requests a snapshot"), "{why}");
        assert_eq!(
            rule_of(
                &Intent::parse("logical-databases", Some("app")).unwrap(),
                Engine::MySql,
                StorageType::LocalSsd
            ),
            Ok("mysql-logical-db")
        );
    }

    #[test]
    fn a_retention_where_the_rule_takes_none_is_refused_with_the_forms_reason() {
        let goal = Goal {
            intent: Intent::WholeInstance,
            retention: Some(30),
        };
        let ctx = Context::new(Engine::PostgreSql, StorageType::CloudEssd);
        let problems = goal.request(&ctx, &id()).unwrap_err();
        assert_eq!(problems[0].field, Field::BackupRetentionPeriod);
        let ok = Goal {
            intent: Intent::WholeInstance,
            retention: Some(30),
        }
        .request(&Context::new(Engine::MySql, StorageType::CloudEssd), &id())
        .unwrap();
        assert_eq!(ok.retention().map(|r| r.value()), Some(30));
    }

    #[test]
    fn intents_parse_by_name_and_refuse_what_does_not_fit() {
        assert_eq!(
            Intent::parse("whole-instance", None),
            Ok(Intent::WholeInstance)
        );
        assert!(matches!(
            Intent::parse("everything", None),
            Err(IntentError::Unknown(_))
        ));
        assert!(matches!(
            Intent::parse("logical-databases", None),
            Err(IntentError::Databases(_))
        ));
        assert!(matches!(
            Intent::parse("logical-databases", Some("Bad-Name")),
            Err(IntentError::Databases(_))
        ));
        assert!(matches!(
            Intent::parse("whole-instance", Some("app")),
            Err(IntentError::Databases(_))
        ));
        for name in INTENT_NAMES {
            let dbs = (name == "logical-databases").then_some("app");
            assert_eq!(Intent::parse(name, dbs).unwrap().name(), name);
        }
    }
}
