//! The core of rds-backup-console: the CreateBackup model, the per-engine rules
//! as one table, validation with the API's own error codes, the exact request
//! that would be sent, and its V3/V2 signature (and the verifier the emulator
//! uses). No I/O: the clock, the nonce and the credentials are arguments, and the
//! same code runs natively and as wasm.
#![forbid(unsafe_code)]

pub mod check;
pub mod encode;
pub mod endpoint;
pub mod input;
pub mod intent;
pub mod listing;
pub mod model;
pub mod plan;
pub mod policy;
pub mod precondition;
pub mod reason;
pub mod report;
pub mod request;
pub mod rules;
pub mod secret;
pub mod sign;
pub mod snippet;
pub mod time;
pub mod verify;

pub use check::{Choice, Code, Context, FieldChoices, Problem, Settled, choices, settle, validate};
pub use endpoint::{Endpoint, Region};
pub use input::{Input, InputError};
pub use intent::{Goal, Intent};
pub use model::{
    BackupMethod, BackupStrategy, BackupType, DbInstanceId, DbName, Engine, Field, Retention,
    StorageKind, StorageType,
};
pub use report::{ErrorItem, Report};
pub use request::{CreateBackup, Draft, Params};
pub use rules::{RULES, Rule};
pub use secret::{Credentials, Secret};
pub use sign::{Call, Method, SignatureVersion, Signed, WireRequest, preview, sign};
pub use time::UtcTime;
pub use verify::{KeyStatus, Received, Verified, VerifyError, verify};
