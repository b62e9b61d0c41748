//! Why a value is withheld or a request refused, as a code with its arguments, so that
//! each interface says it in its user's language. `Display` is the English the CLI, the
//! packages and the proxy print; the console renders the same reasons per locale.

use crate::model::{BackupMethod, DbNameError, Engine, Field, StorageKind};
use crate::rules::{RULES, method_reason, takes_effect};
use std::fmt;

/// A reason, with what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `method` is not supported on this engine and storage.
    MethodUnsupported {
        /// The method asked for.
        method: BackupMethod,
        /// The instance's engine.
        engine: Engine,
        /// Its storage kind.
        kind: StorageKind,
    },
    /// BackupMethod left out: its default, Physical, is not supported here.
    DefaultMethodUnsupported {
        /// The instance's engine.
        engine: Engine,
        /// Its storage kind.
        kind: StorageKind,
        /// The methods that are.
        usable: Vec<BackupMethod>,
    },
    /// The field must be given here; each value with the rule (its id) it selects.
    Required {
        /// The field.
        field: Field,
        /// `(value, rule id)`.
        options: Vec<(&'static str, &'static str)>,
    },
    /// DBName must name the databases (BackupStrategy=db).
    DbNameRequired,
    /// The field does not take effect here.
    NoEffect {
        /// The field.
        field: Field,
    },
    /// The value does not go with the values chosen before it.
    NotWithChosen {
        /// The field.
        field: Field,
        /// The value given.
        value: String,
        /// The values that would.
        allowed: Vec<&'static str>,
    },
    /// Not a value of the field at all.
    UnknownValue {
        /// The field.
        field: Field,
        /// What was typed.
        typed: String,
        /// Its values.
        valid: Vec<&'static str>,
        /// The value it differs from only in case.
        near: Option<&'static str>,
    },
    /// DBInstanceId is missing.
    InstanceIdRequired,
    /// DBInstanceId holds the documentation's `*` mask.
    InstanceIdMasked {
        /// What was typed.
        typed: String,
    },
    /// DBInstanceId is not shaped like an id.
    InstanceIdFormat {
        /// What was typed.
        typed: String,
    },
    /// A database is named twice.
    DbNameTwice {
        /// The name.
        name: String,
    },
    /// A database name breaks the format.
    DbName(DbNameError),
    /// BackupRetentionPeriod out of range.
    RetentionRange {
        /// The value given.
        value: i64,
    },
    /// A plan's intent has no rule on this engine and storage.
    IntentUnsupported {
        /// The intent's name (`full-physical`, ...).
        intent: &'static str,
        /// The method it needs.
        method: BackupMethod,
        /// The instance's engine.
        engine: Engine,
        /// Its storage kind.
        kind: StorageKind,
    },
    /// Anything else, in English.
    Other(String),
}

impl Default for Reason {
    fn default() -> Self {
        Reason::Other(String::new())
    }
}

/// `engine on kind` as the English messages say it ("MySQL on cloud disk").
pub fn describe(engine: Engine, kind: StorageKind) -> String {
    format!("{} on {}", engine.display_name(), kind.describe())
}

/// The summary of a rule of [`RULES`] by its id.
pub fn rule_summary(id: &str) -> &'static str {
    RULES.iter().find(|r| r.id == id).map_or("", |r| r.summary)
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::MethodUnsupported {
                method,
                engine,
                kind,
            } => write!(
                f,
                "{}; this instance is {}",
                method_reason(*engine, *method),
                describe(*engine, *kind)
            ),
            Reason::DefaultMethodUnsupported {
                engine,
                kind,
                usable,
            } => {
                let usable: Vec<&str> = usable.iter().map(|m| m.as_str()).collect();
                write!(
                    f,
                    "BackupMethod is not set and defaults to Physical, which this instance ({}) does not support ({}): set BackupMethod to {}",
                    describe(*engine, *kind),
                    method_reason(*engine, BackupMethod::Physical),
                    usable.join(" or ")
                )
            }
            Reason::Required { field, options } if options.is_empty() => {
                write!(f, "{field} is required here")
            }
            Reason::Required { field, options } => {
                let options: Vec<String> = options
                    .iter()
                    .map(|(v, rule)| format!("{v} ({})", rule_summary(rule)))
                    .collect();
                write!(f, "{field} is required here: {}", options.join(", or "))
            }
            Reason::DbNameRequired => f.write_str(
                "DBName is required with BackupStrategy=db: name the databases to back up",
            ),
            Reason::NoEffect { field } => f.write_str(takes_effect(*field)),
            Reason::NotWithChosen {
                field,
                value,
                allowed,
            } => write!(
                f,
                "{field}={value} is not available with the values chosen above; use {}",
                allowed.join(" or ")
            ),
            Reason::UnknownValue {
                field,
                typed,
                valid,
                near,
            } => {
                write!(
                    f,
                    "'{typed}' is not a valid {field}: use {}",
                    valid.join(", ")
                )?;
                match near {
                    Some(n) => write!(f, " (values are case-sensitive: did you mean {n}?)"),
                    None => Ok(()),
                }
            }
            Reason::InstanceIdRequired => {
                f.write_str("DBInstanceId is required: the id of the instance to back up")
            }
            Reason::InstanceIdMasked { typed } => write!(
                f,
                "'{typed}' contains '*': that is a masked example from the documentation, not a real instance id"
            ),
            Reason::InstanceIdFormat { typed } => write!(
                f,
                "'{typed}' is not an instance id: expected 2-64 lowercase letters, digits and '-', starting with a letter (e.g. rm-uf6wjk5xxxxxxx)"
            ),
            Reason::DbNameTwice { name } => write!(f, "'{name}' is listed twice in DBName"),
            Reason::DbName(e) => write!(f, "{e}"),
            Reason::RetentionRange { value } => write!(
                f,
                "BackupRetentionPeriod {value} is out of range: 7 to 730 days, or -1 to keep long-term"
            ),
            Reason::IntentUnsupported {
                intent,
                method,
                engine,
                kind,
            } => write!(
                f,
                "{intent} is not possible on {}: {}",
                describe(*engine, *kind),
                method_reason(*engine, *method)
            ),
            Reason::Other(s) => f.write_str(s),
        }
    }
}
