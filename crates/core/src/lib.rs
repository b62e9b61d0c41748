//! The core of rds-backup-console: the CreateBackup model, the per-engine rules
//! as one table, validation with the API's own error codes, and the exact
//! parameters that would be sent. No I/O: the same code runs natively and as wasm.
#![forbid(unsafe_code)]

pub mod check;
pub mod input;
pub mod model;
pub mod report;
pub mod request;
pub mod rules;

pub use check::{Choice, Code, Context, FieldChoices, Problem, choices, validate};
pub use input::{Input, InputError};
pub use model::{
    BackupMethod, BackupStrategy, BackupType, DbInstanceId, DbName, Engine, Field, Retention,
    StorageKind, StorageType,
};
pub use report::{ErrorItem, Report};
pub use request::{CreateBackup, Draft, Params};
pub use rules::{RULES, Rule};
