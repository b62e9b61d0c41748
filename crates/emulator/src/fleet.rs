//! The instances the emulator serves: read from a fleet file, or the built-in demo fleet.
//!
//! A fleet file is JSON: `{"Instances": [ {...}, ... ]}`, each instance with the
//! fields of DescribeDBInstanceAttribute under their API names (see the crate
//! README). Unknown keys are refused, so a typo never goes unnoticed.

use rds_backup_core::{DbInstanceId, DbName, Engine, Region, StorageType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Instance states, as `DBInstanceStatus` spells them.
pub use rds_backup_core::listing::INSTANCE_STATUSES as STATUSES;

/// Lock modes, as `LockMode` spells them.
pub const LOCK_MODES: &[&str] = &[
    "Unlock",
    "ManualLock",
    "LockByExpiration",
    "LockByRestoration",
    "LockByDiskQuota",
    "LockReadInstanceByDiskQuota",
];

/// Instance types, as `DBInstanceType` spells them.
pub const INSTANCE_TYPES: &[&str] = &["Primary", "Readonly", "Guard", "Temp"];

/// A database of an instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// The name.
    #[serde(rename = "DBName")]
    pub name: String,
    /// `Creating`, `Running` or `Deleting`.
    #[serde(rename = "DBStatus", default = "running")]
    pub status: String,
    /// The character set.
    #[serde(rename = "CharacterSetName", default = "utf8mb4")]
    pub charset: String,
    /// True when the database holds no data (a logical backup of it is refused).
    #[serde(rename = "Empty", default)]
    pub empty: bool,
}

fn running() -> String {
    "Running".into()
}

fn utf8mb4() -> String {
    "utf8mb4".into()
}

fn unlock() -> String {
    "Unlock".into()
}

fn primary() -> String {
    "Primary".into()
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// An instance, with the attributes the console and the rules need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// `DBInstanceId`.
    #[serde(rename = "DBInstanceId")]
    pub id: String,
    /// `RegionId`.
    #[serde(rename = "RegionId")]
    pub region: String,
    /// `ZoneId`.
    #[serde(rename = "ZoneId", default)]
    pub zone: String,
    /// `Engine`.
    #[serde(rename = "Engine")]
    pub engine: Engine,
    /// `EngineVersion`.
    #[serde(rename = "EngineVersion", default)]
    pub engine_version: String,
    /// `DBInstanceStorageType`.
    #[serde(rename = "DBInstanceStorageType")]
    pub storage: StorageType,
    /// `DBInstanceStatus`.
    #[serde(rename = "DBInstanceStatus", default = "running")]
    pub status: String,
    /// `LockMode`.
    #[serde(rename = "LockMode", default = "unlock")]
    pub lock_mode: String,
    /// `DBInstanceType`.
    #[serde(rename = "DBInstanceType", default = "primary")]
    pub instance_type: String,
    /// `MasterInstanceId` (read-only instances).
    #[serde(
        rename = "MasterInstanceId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub master: Option<String>,
    /// `DBInstanceDescription`.
    #[serde(rename = "DBInstanceDescription", default)]
    pub description: String,
    /// `DBInstanceClass`.
    #[serde(rename = "DBInstanceClass", default)]
    pub class: String,
    /// `Category`.
    #[serde(rename = "Category", default)]
    pub category: String,
    /// `PayType`.
    #[serde(rename = "PayType", default)]
    pub pay_type: String,
    /// The databases.
    #[serde(rename = "Databases", default)]
    pub databases: Vec<Database>,
    /// The tags (`{"team": "payments"}`), for `ListTagResources` and policy conditions.
    #[serde(rename = "Tags", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Backup sets the instance already made today when the emulator starts (the daily
    /// limit is 20).
    #[serde(rename = "BackupsToday", default, skip_serializing_if = "is_zero")]
    pub backups_today: u32,
    /// Makes the instance's next backup job end `Failed` with this reason (once).
    #[serde(
        rename = "FailNextBackup",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fail_next_backup: Option<String>,
}

impl Instance {
    /// A running primary instance with no databases, description or tags.
    pub fn new(id: &str, region: &str, engine: Engine, storage: StorageType) -> Instance {
        Instance {
            id: id.into(),
            region: region.into(),
            zone: format!("{region}-h"),
            engine,
            engine_version: String::new(),
            storage,
            status: running(),
            lock_mode: unlock(),
            instance_type: primary(),
            master: None,
            description: String::new(),
            class: String::new(),
            category: String::new(),
            pay_type: String::new(),
            databases: Vec::new(),
            tags: BTreeMap::new(),
            backups_today: 0,
            fail_next_backup: None,
        }
    }
}

/// The account the emulator's keys belong to (STS `GetCallerIdentity`, resource names).
pub const DEMO_ACCOUNT_ID: &str = "1234567890123456";

/// The whole fleet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// Every instance, in the order they are listed.
    #[serde(rename = "Instances")]
    pub instances: Vec<Instance>,
}

/// Why a fleet file was refused.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// Not JSON of the documented shape.
    #[error("fleet file: {0}")]
    Parse(#[from] serde_json::Error),
    /// A value out of its set, or a duplicate.
    #[error("fleet file, instance '{id}': {problem}")]
    Invalid {
        /// The instance.
        id: String,
        /// What is wrong.
        problem: String,
    },
}

impl Fleet {
    /// Reads and checks a fleet file's text.
    pub fn from_json(text: &str) -> Result<Fleet, FleetError> {
        let fleet: Fleet = serde_json::from_str(text)?;
        fleet.check()?;
        Ok(fleet)
    }

    fn check(&self) -> Result<(), FleetError> {
        let mut seen = std::collections::HashSet::new();
        for i in &self.instances {
            let bad = |problem: String| FleetError::Invalid {
                id: i.id.clone(),
                problem,
            };
            DbInstanceId::new(&i.id).map_err(&bad)?;
            Region::new(&i.region).map_err(|e| bad(e.to_string()))?;
            if !seen.insert(&i.id) {
                return Err(bad("listed twice".into()));
            }
            for (value, set, name) in [
                (&i.status, STATUSES, "DBInstanceStatus"),
                (&i.lock_mode, LOCK_MODES, "LockMode"),
                (&i.instance_type, INSTANCE_TYPES, "DBInstanceType"),
            ] {
                if !set.contains(&value.as_str()) {
                    return Err(bad(format!(
                        "{name} '{value}' is not one of {}",
                        set.join(", ")
                    )));
                }
            }
            for (k, v) in &i.tags {
                if k.is_empty() || k.len() > 128 || v.len() > 128 {
                    return Err(bad(format!(
                        "tag '{k}': keys are 1 to 128 characters, values at most 128"
                    )));
                }
            }
            for db in &i.databases {
                DbName::new(&db.name).map_err(|e| bad(format!("database: {e}")))?;
                if !["Creating", "Running", "Deleting"].contains(&db.status.as_str()) {
                    return Err(bad(format!(
                        "database {}: DBStatus '{}' is not Creating, Running or Deleting",
                        db.name, db.status
                    )));
                }
            }
        }
        Ok(())
    }

    /// Looks an instance up by id.
    pub fn get(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.id == id)
    }

    /// A generated fleet of `count` instances for load and plan tests, the same for the
    /// same count: every engine and storage kind over four regions, tagged by team and
    /// environment; of every 50, one stopped, one locked, one read-only, one whose
    /// databases are empty, one at the daily limit of backup sets and one a set short.
    pub fn generated(count: usize) -> Fleet {
        use Engine::{MariaDb, MySql, PostgreSql, SqlServer};
        use StorageType::{
            CloudEssd, CloudEssd2, CloudEssd3, CloudSsd, EphemeralSsd, GeneralEssd, LocalSsd,
        };
        const REGIONS: [&str; 4] = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1"];
        const TEAMS: [&str; 5] = ["payments", "search", "ledger", "growth", "infra"];
        const ENVS: [&str; 3] = ["prod", "staging", "dev"];
        // Engine and storage pairs the service sells, cloud disks the most common.
        const KINDS: [(Engine, StorageType, &str); 10] = [
            (MySql, CloudEssd, "8.0"),
            (MySql, LocalSsd, "5.7"),
            (MySql, CloudSsd, "8.0"),
            (PostgreSql, CloudEssd, "16.0"),
            (PostgreSql, LocalSsd, "13.0"),
            (SqlServer, CloudEssd, "2019_std_ha"),
            (SqlServer, LocalSsd, "2016_ent_ha"),
            (MariaDb, CloudEssd, "10.3"),
            (MySql, GeneralEssd, "8.0"),
            (PostgreSql, CloudEssd2, "15.0"),
        ];
        const MORE: [(Engine, StorageType, &str); 3] = [
            (MySql, EphemeralSsd, "5.6"),
            (MySql, CloudEssd3, "8.0"),
            (SqlServer, CloudSsd, "2017_std_ha"),
        ];
        let instances = (0..count)
            .map(|n| {
                // Now and then a rarer pair, so every storage type is seen.
                let (engine, storage, version) = if n % 97 == 96 {
                    MORE[(n / 97) % MORE.len()]
                } else {
                    KINDS[n % KINDS.len()]
                };
                let region = REGIONS[(n / KINDS.len()) % REGIONS.len()];
                let team = TEAMS[(n / 3) % TEAMS.len()];
                let env = ENVS[n % ENVS.len()];
                let prefix = if engine == PostgreSql { "pgm" } else { "rm" };
                let id = format!("{prefix}-fleet-{n:05}");
                let mut inst = Instance {
                    engine_version: version.into(),
                    description: format!("{team} {env} {engine} {version}"),
                    class: "rds.mysql.s2.large".into(),
                    category: "HighAvailability".into(),
                    pay_type: "Postpaid".into(),
                    databases: ["app", "orders", "reports"]
                        .iter()
                        .map(|d| Database {
                            name: (*d).into(),
                            status: running(),
                            charset: utf8mb4(),
                            empty: false,
                        })
                        .collect(),
                    tags: [("team", team), ("env", env)]
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                    ..Instance::new(&id, region, engine, storage)
                };
                match n % 50 {
                    7 => inst.status = "Stopped".into(),
                    13 => inst.lock_mode = "ManualLock".into(),
                    19 => {
                        inst.instance_type = "Readonly".into();
                        inst.master = Some(format!("{prefix}-fleet-{:05}", n - 19));
                    }
                    23 => inst.databases.iter_mut().for_each(|d| d.empty = true),
                    31 => inst.backups_today = 20,
                    37 => inst.backups_today = 19,
                    _ => {}
                }
                inst
            })
            .collect();
        Fleet { instances }
    }

    /// The built-in demo fleet: in cn-hangzhou one instance per engine and storage kind,
    /// a read-only, a locked, a stopped one and one whose databases are empty; in
    /// ap-southeast-1 one cloud-disk instance per engine.
    pub fn demo() -> Fleet {
        fn db(name: &str) -> Database {
            Database {
                name: name.into(),
                status: running(),
                charset: utf8mb4(),
                empty: false,
            }
        }
        fn inst(
            id: &str,
            region: &str,
            engine: Engine,
            version: &str,
            storage: StorageType,
            description: &str,
            dbs: &[&str],
        ) -> Instance {
            Instance {
                engine_version: version.into(),
                description: description.into(),
                class: "rds.mysql.s2.large".into(),
                category: "HighAvailability".into(),
                pay_type: "Postpaid".into(),
                databases: dbs.iter().map(|n| db(n)).collect(),
                ..Instance::new(id, region, engine, storage)
            }
        }
        use Engine::{MariaDb, MySql, PostgreSql, SqlServer};
        use StorageType::{CloudEssd, CloudSsd, LocalSsd};
        let hz = "cn-hangzhou";
        let sg = "ap-southeast-1";
        let mut instances = vec![
            inst(
                "rm-demo-mysql-local",
                hz,
                MySql,
                "8.0",
                LocalSsd,
                "MySQL 8.0 on local SSD",
                &["orders", "users", "audit_log"],
            ),
            inst(
                "rm-demo-mysql-cloud",
                hz,
                MySql,
                "8.0",
                CloudEssd,
                "MySQL 8.0 on ESSD",
                &["shop", "inventory"],
            ),
            inst(
                "pgm-demo-pg-local",
                hz,
                PostgreSql,
                "13.0",
                LocalSsd,
                "PostgreSQL 13 on local SSD",
                &["app", "reports"],
            ),
            inst(
                "pgm-demo-pg-cloud",
                hz,
                PostgreSql,
                "16.0",
                CloudEssd,
                "PostgreSQL 16 on ESSD",
                &["app", "billing"],
            ),
            inst(
                "rm-demo-mssql-local",
                hz,
                SqlServer,
                "2019_ent",
                LocalSsd,
                "SQL Server 2019 on local SSD",
                &["erp", "hr"],
            ),
            inst(
                "rm-demo-mssql-cloud",
                hz,
                SqlServer,
                "2022_std_ha",
                CloudEssd,
                "SQL Server 2022 on ESSD",
                &["crm", "sales", "finance"],
            ),
            inst(
                "rm-demo-mariadb-cloud",
                hz,
                MariaDb,
                "10.3",
                CloudSsd,
                "MariaDB 10.3 on cloud SSD",
                &["wiki", "forum"],
            ),
            inst(
                "rr-demo-mysql-readonly",
                hz,
                MySql,
                "8.0",
                CloudEssd,
                "Read-only replica of rm-demo-mysql-cloud",
                &["shop", "inventory"],
            ),
            inst(
                "rm-demo-mysql-locked",
                hz,
                MySql,
                "5.7",
                LocalSsd,
                "Locked: disk quota exceeded",
                &["legacy"],
            ),
            inst(
                "rm-demo-mysql-stopped",
                hz,
                MySql,
                "8.0",
                CloudEssd,
                "Stopped instance",
                &["archive"],
            ),
            inst(
                "rm-demo-mysql-emptydb",
                hz,
                MySql,
                "8.0",
                LocalSsd,
                "Databases created but empty",
                &["staging", "scratch"],
            ),
            inst(
                "rm-demo-sg-mysql",
                sg,
                MySql,
                "8.0",
                CloudEssd,
                "MySQL 8.0, Singapore",
                &["shop"],
            ),
            inst(
                "pgm-demo-sg-pg",
                sg,
                PostgreSql,
                "15.0",
                CloudEssd,
                "PostgreSQL 15, Singapore",
                &["app"],
            ),
            inst(
                "rm-demo-sg-mssql",
                sg,
                SqlServer,
                "2019_std_ha",
                CloudEssd,
                "SQL Server 2019, Singapore",
                &["erp"],
            ),
            inst(
                "rm-demo-sg-mariadb",
                sg,
                MariaDb,
                "10.3",
                CloudEssd,
                "MariaDB 10.3, Singapore",
                &["wiki"],
            ),
        ];
        for i in &mut instances {
            let (team, env) = match i.id.as_str() {
                "rm-demo-mysql-local" | "rm-demo-mysql-locked" => ("orders", "prod"),
                "pgm-demo-pg-local" => ("reports", "dev"),
                "pgm-demo-pg-cloud" => ("payments", "prod"),
                "rm-demo-mssql-local" => ("erp", "prod"),
                "rm-demo-mssql-cloud" => ("payments", "staging"),
                "rm-demo-mariadb-cloud" | "rm-demo-sg-mariadb" => ("wiki", "dev"),
                "rm-demo-mysql-emptydb" => ("orders", "staging"),
                "rm-demo-mysql-stopped" => ("archive", "prod"),
                "pgm-demo-sg-pg" | "rm-demo-sg-mssql" => ("apps", "prod"),
                _ => ("shop", "prod"),
            };
            i.tags.insert("team".into(), team.into());
            i.tags.insert("env".into(), env.into());
            match i.id.as_str() {
                "rr-demo-mysql-readonly" => {
                    i.instance_type = "Readonly".into();
                    i.master = Some("rm-demo-mysql-cloud".into());
                }
                "rm-demo-mysql-locked" => i.lock_mode = "LockByDiskQuota".into(),
                "rm-demo-mysql-stopped" => i.status = "Stopped".into(),
                "rm-demo-mysql-emptydb" => i.databases.iter_mut().for_each(|d| d.empty = true),
                _ => {}
            }
        }
        Fleet { instances }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_generated_fleet_is_a_valid_fleet_file_with_every_kind() {
        let fleet = Fleet::generated(5000);
        let text = serde_json::to_string(&fleet).unwrap();
        assert_eq!(Fleet::from_json(&text).unwrap(), fleet);
        assert_eq!(fleet.instances.len(), 5000);
        for engine in Engine::ALL {
            assert!(fleet.instances.iter().any(|i| i.engine == *engine));
        }
        for storage in StorageType::ALL {
            assert!(
                fleet.instances.iter().any(|i| i.storage == *storage),
                "{storage:?}"
            );
        }
        let count = |f: &dyn Fn(&Instance) -> bool| fleet.instances.iter().filter(|i| f(i)).count();
        assert_eq!(count(&|i| i.status == "Stopped"), 100);
        assert_eq!(count(&|i| i.lock_mode != "Unlock"), 100);
        assert_eq!(count(&|i| i.instance_type == "Readonly"), 100);
        assert_eq!(count(&|i| i.backups_today == 20), 100);
        assert_eq!(Fleet::generated(10), Fleet::generated(10));
    }

    #[test]
    fn the_demo_fleet_is_a_valid_fleet_file() {
        let demo = Fleet::demo();
        let text = serde_json::to_string_pretty(&demo).unwrap();
        assert_eq!(Fleet::from_json(&text).unwrap(), demo);
        for engine in Engine::ALL {
            assert!(
                demo.instances
                    .iter()
                    .any(|i| i.engine == *engine && i.region == "cn-hangzhou")
            );
        }
    }

    #[test]
    fn fleet_files_are_checked() {
        let e = Fleet::from_json(r#"{"Instances":[{"DBInstanceId":"rm-1a","RegionId":"cn-hangzhou","Engine":"MySQL","DBInstanceStorageType":"local_ssd","DBInstanceStatus":"running"}]}"#).unwrap_err();
        assert!(e.to_string().contains("DBInstanceStatus 'running'"), "{e}");
        let e = Fleet::from_json(r#"{"Instances":[{"DBInstanceId":"rm-1a","RegionId":"cn-hangzhou","Engine":"Oracle","DBInstanceStorageType":"local_ssd"}]}"#).unwrap_err();
        assert!(e.to_string().contains("Oracle"), "{e}");
        let e = Fleet::from_json(r#"{"Instances":[{"DBInstanceId":"rm-1a","RegionId":"cn-hangzhou","Engine":"MySQL","DBInstanceStorageType":"local_ssd","Disk":1}]}"#).unwrap_err();
        assert!(e.to_string().contains("Disk"), "{e}");
    }
}
