//! The instance's preconditions for CreateBackup, as data: what the service checks about
//! the instance itself once the parameters are valid (its type, lock, state, databases,
//! a task already running, the daily limit), in the order it checks them. The emulator
//! enforces this table, the console warns from it and a plan refuses with it: each rule
//! is written once, here.

use crate::model::{BackupMethod, BackupStrategy};
use crate::request::CreateBackup;
use serde::{Deserialize, Serialize};

/// At most this many backup sets per instance per day.
pub const DAILY_LIMIT: u32 = 20;

/// One database, as DescribeDatabases reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    /// `DBName`.
    pub name: String,
    /// `DBStatus` (`Running` can be backed up).
    pub status: String,
    /// Whether it holds no data (a logical backup of it is refused).
    pub empty: bool,
}

/// What is known of an instance; `None` is not known (its check is skipped, as the
/// service would decide it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceState {
    /// `DBInstanceType`: `Primary`, `Readonly`, ...
    pub instance_type: String,
    /// `LockMode`: `Unlock`, `ManualLock`, `LockByExpiration`, ...
    pub lock_mode: String,
    /// `DBInstanceStatus`: `Running`, `Stopped`, ...
    pub status: String,
    /// Its databases.
    pub databases: Option<Vec<Database>>,
    /// Whether a backup task is running on it now.
    pub task_running: Option<bool>,
    /// Backup sets made today.
    pub sets_today: Option<u32>,
}

/// Which precondition refused, with the service's code, status and message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unmet {
    /// The precondition's id in [`PRECONDITIONS`].
    pub id: &'static str,
    /// The API's code.
    pub code: &'static str,
    /// The HTTP status the service answers with.
    pub status: u16,
    /// The service's message.
    pub message: String,
}

/// One precondition.
pub struct Precondition {
    /// A stable id.
    pub id: &'static str,
    /// The API's code when it is not met.
    pub code: &'static str,
    /// The HTTP status the service answers with.
    pub status: u16,
    /// What it asks, in a few words (for documentation and warnings).
    pub what: &'static str,
    check: fn(&InstanceState, Option<&CreateBackup>) -> Option<String>,
}

impl std::fmt::Debug for Precondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Precondition")
            .field("id", &self.id)
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

fn read_only(s: &InstanceState, _: Option<&CreateBackup>) -> Option<String> {
    (s.instance_type == "Readonly")
        .then(|| "The operation is not permitted due to type of the instance.".into())
}

fn locked(s: &InstanceState, _: Option<&CreateBackup>) -> Option<String> {
    (!s.lock_mode.is_empty() && s.lock_mode != "Unlock").then(|| {
        format!(
            "The Current DB instance lock mode does not support this operation. (LockMode: {})",
            s.lock_mode
        )
    })
}

fn not_running(s: &InstanceState, _: Option<&CreateBackup>) -> Option<String> {
    (!s.status.is_empty() && s.status != "Running").then(|| {
        format!(
            "Current DB instance state does not support this operation. (DBInstanceStatus: {})",
            s.status
        )
    })
}

fn database_missing(s: &InstanceState, r: Option<&CreateBackup>) -> Option<String> {
    let (dbs, r) = (s.databases.as_ref()?, r?);
    r.db_names()
        .iter()
        .find(|n| {
            !dbs.iter()
                .any(|d| d.name == n.as_str() && d.status == "Running")
        })
        .map(|n| {
            format!(
                "Specified db does not exist or DB status does not support this operation. (DBName: {})",
                n.as_str()
            )
        })
}

fn logical_of_empty(s: &InstanceState, r: Option<&CreateBackup>) -> Option<String> {
    let (dbs, r) = (s.databases.as_ref()?, r?);
    if r.rule().method != BackupMethod::Logical {
        return None;
    }
    let targets: Vec<&Database> = if r.rule().strategy == Some(BackupStrategy::Db) {
        dbs.iter()
            .filter(|d| r.db_names().iter().any(|n| n.as_str() == d.name))
            .collect()
    } else {
        dbs.iter().collect()
    };
    if targets.is_empty() || targets.iter().all(|d| d.empty) {
        return Some(
            "Logical backups are not supported for an instance without data: its databases are empty or missing."
                .into(),
        );
    }
    targets.iter().find(|d| d.empty).map(|d| {
        format!(
            "Logical backup of an empty database is not supported. (DBName: {})",
            d.name
        )
    })
}

fn task_running(s: &InstanceState, _: Option<&CreateBackup>) -> Option<String> {
    (s.task_running == Some(true))
        .then(|| "A backup job already exists in the specified DB instance.".into())
}

fn daily_limit(s: &InstanceState, _: Option<&CreateBackup>) -> Option<String> {
    (s.sets_today? >= DAILY_LIMIT).then(|| {
        format!("The backup times exceeds: at most {DAILY_LIMIT} backup sets per instance per day.")
    })
}

/// Every precondition, in the order the service checks them.
pub const PRECONDITIONS: &[Precondition] = &[
    Precondition {
        id: "read-only",
        code: "ReadDBInstanceNotSupport",
        status: 400,
        what: "not a read-only instance",
        check: read_only,
    },
    Precondition {
        id: "locked",
        code: "IncorrectDBInstanceLockMode.ValueNotSupported",
        status: 400,
        what: "not locked",
        check: locked,
    },
    Precondition {
        id: "not-running",
        code: "IncorrectDBInstanceState",
        status: 403,
        what: "Running",
        check: not_running,
    },
    Precondition {
        id: "database-missing",
        code: "InvalidDB.NotFound",
        status: 404,
        what: "the databases named exist and are Running",
        check: database_missing,
    },
    Precondition {
        id: "logical-of-empty",
        code: "InvalidBackupMethod.ValueNotSupport",
        status: 400,
        what: "a logical backup has data to back up",
        check: logical_of_empty,
    },
    Precondition {
        id: "task-running",
        code: "BackupJobExists",
        status: 400,
        what: "no backup task running",
        check: task_running,
    },
    Precondition {
        id: "daily-limit",
        code: "Exceeded.BackupTimes",
        status: 403,
        what: "fewer than 20 backup sets today",
        check: daily_limit,
    },
];

/// The first precondition `request` does not meet on the instance, in the service's order.
pub fn check(state: &InstanceState, request: &CreateBackup) -> Result<(), Unmet> {
    first(state, Some(request))
}

/// Every precondition `request` does not meet on the instance, in the service's order
/// (a plan names them all; the service answers with the first).
pub fn unmet_all(state: &InstanceState, request: &CreateBackup) -> Vec<Unmet> {
    PRECONDITIONS
        .iter()
        .filter_map(|p| unmet(p, state, Some(request)))
        .collect()
}

/// The preconditions the instance itself fails, whatever the request (for warnings
/// before a request is composed): read-only, locked, not running, a task running, the
/// daily limit.
pub fn warnings(state: &InstanceState) -> Vec<Unmet> {
    PRECONDITIONS
        .iter()
        .filter_map(|p| unmet(p, state, None))
        .collect()
}

fn unmet(p: &Precondition, state: &InstanceState, request: Option<&CreateBackup>) -> Option<Unmet> {
    (p.check)(state, request).map(|message| Unmet {
        id: p.id,
        code: p.code,
        status: p.status,
        message,
    })
}

fn first(state: &InstanceState, request: Option<&CreateBackup>) -> Result<(), Unmet> {
    match PRECONDITIONS.iter().find_map(|p| unmet(p, state, request)) {
        Some(u) => Err(u),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::check::{Context, validate};
    use crate::model::{Engine, StorageType};
    use crate::request::Draft;

    fn running() -> InstanceState {
        InstanceState {
            instance_type: "Primary".into(),
            lock_mode: "Unlock".into(),
            status: "Running".into(),
            databases: Some(vec![Database {
                name: "app".into(),
                status: "Running".into(),
                empty: false,
            }]),
            task_running: Some(false),
            sets_today: Some(0),
        }
    }

    fn logical(db: &str) -> CreateBackup {
        let draft = Draft {
            db_instance_id: Some("rm-pre".into()),
            db_name: Some(vec![db.into()]),
            backup_strategy: Some("db".into()),
            backup_method: Some("Logical".into()),
            ..Draft::default()
        };
        validate(&Context::new(Engine::MySql, StorageType::LocalSsd), &draft).unwrap()
    }

    #[test]
    fn each_precondition_refuses_with_its_code_in_the_services_order() {
        let r = logical("app");
        assert_eq!(check(&running(), &r), Ok(()));
        type Change = fn(&mut InstanceState);
        let cases: [(&str, Change); 7] = [
            ("ReadDBInstanceNotSupport", |s| {
                s.instance_type = "Readonly".into()
            }),
            ("IncorrectDBInstanceLockMode.ValueNotSupported", |s| {
                s.lock_mode = "ManualLock".into()
            }),
            ("IncorrectDBInstanceState", |s| s.status = "Stopped".into()),
            ("InvalidDB.NotFound", |s| s.databases = Some(Vec::new())),
            ("InvalidBackupMethod.ValueNotSupport", |s| {
                if let Some(d) = s.databases.as_mut() {
                    d[0].empty = true;
                }
            }),
            ("BackupJobExists", |s| s.task_running = Some(true)),
            ("Exceeded.BackupTimes", |s| s.sets_today = Some(DAILY_LIMIT)),
        ];
        for (code, change) in cases {
            let mut s = running();
            change(&mut s);
            assert_eq!(check(&s, &r).unwrap_err().code, code);
        }
        // Read-only beats stopped, as the service checks the type first.
        let mut s = running();
        s.status = "Stopped".into();
        s.instance_type = "Readonly".into();
        assert_eq!(check(&s, &r).unwrap_err().id, "read-only");
        // What is not known is not refused.
        let unknown = InstanceState {
            status: "Running".into(),
            ..InstanceState::default()
        };
        assert_eq!(check(&unknown, &r), Ok(()));
    }

    #[test]
    fn warnings_name_what_the_instance_itself_fails() {
        let mut s = running();
        s.lock_mode = "LockByExpiration".into();
        s.sets_today = Some(25);
        let codes: Vec<&str> = warnings(&s).iter().map(|u| u.code).collect();
        assert_eq!(
            codes,
            [
                "IncorrectDBInstanceLockMode.ValueNotSupported",
                "Exceeded.BackupTimes"
            ]
        );
        assert!(warnings(&running()).is_empty());
    }
}
