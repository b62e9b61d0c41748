//! Plans: a selection of instances and a goal, judged instance by instance before
//! anything runs. Each item is the one valid CreateBackup for that instance or every
//! reason it cannot be done, in the words the form and the service use.

use crate::check::Context;
use crate::intent::{Goal, Refusal};
use crate::model::{DbInstanceId, Engine, StorageKind, StorageType};
use crate::precondition::{self, DAILY_LIMIT, InstanceState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A storage filter: a kind (`local`, `cloud`) or one storage type (`cloud_essd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum StorageFilter {
    /// Every storage type of the kind.
    Kind(StorageKind),
    /// Exactly this storage type.
    Type(StorageType),
}

impl StorageFilter {
    /// Reads `local`, `cloud` or a `DBInstanceStorageType` value.
    pub fn parse(s: &str) -> Result<StorageFilter, String> {
        match s {
            "local" => Ok(StorageFilter::Kind(StorageKind::Local)),
            "cloud" => Ok(StorageFilter::Kind(StorageKind::Cloud)),
            other => StorageType::parse(other)
                .map(StorageFilter::Type)
                .ok_or_else(|| {
                    let types: Vec<&str> = StorageType::ALL.iter().map(|t| t.as_str()).collect();
                    format!(
                        "'{other}' is not a storage kind: use local, cloud or one of {}",
                        types.join(", ")
                    )
                }),
        }
    }

    /// True when `storage` passes the filter.
    pub fn admits(self, storage: StorageType) -> bool {
        match self {
            StorageFilter::Kind(k) => storage.kind() == k,
            StorageFilter::Type(t) => storage == t,
        }
    }
}

impl TryFrom<String> for StorageFilter {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        StorageFilter::parse(&s)
    }
}

impl From<StorageFilter> for String {
    fn from(f: StorageFilter) -> String {
        f.to_string()
    }
}

impl fmt::Display for StorageFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageFilter::Kind(StorageKind::Local) => f.write_str("local"),
            StorageFilter::Kind(StorageKind::Cloud) => f.write_str("cloud"),
            StorageFilter::Type(t) => f.write_str(t.as_str()),
        }
    }
}

/// Which instances a plan covers: every criterion given must hold (an empty list is no
/// criterion). Under the API's names, as `POST /api/plans` takes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// `RegionIds`: the regions to look in (none: every region the proxy offers).
    #[serde(rename = "RegionIds", default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// `Engines`.
    #[serde(rename = "Engines", default, skip_serializing_if = "Vec::is_empty")]
    pub engines: Vec<Engine>,
    /// `StorageTypes`: kinds (`local`, `cloud`) or storage types.
    #[serde(
        rename = "StorageTypes",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub storage: Vec<StorageFilter>,
    /// `Tags`: every one must be on the instance with this value.
    #[serde(rename = "Tags", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// `Match`: a glob (`*`, `?`) over the id or the description.
    #[serde(rename = "Match", default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `DBInstanceIds`: exactly these instances.
    #[serde(
        rename = "DBInstanceIds",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub instances: Vec<String>,
}

/// An instance as the service describes it: what selection and judgement need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// `DBInstanceId`.
    pub id: String,
    /// Its real region.
    pub region: String,
    /// `Engine`.
    pub engine: Engine,
    /// `DBInstanceStorageType`.
    pub storage: StorageType,
    /// `DBInstanceDescription`.
    pub description: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// What the preconditions read (databases, tasks and today's sets when known).
    pub state: InstanceState,
}

impl Selection {
    /// True when the instance is in the selection.
    pub fn admits(&self, c: &Candidate) -> bool {
        (self.instances.is_empty() || self.instances.contains(&c.id))
            && (self.regions.is_empty() || self.regions.contains(&c.region))
            && (self.engines.is_empty() || self.engines.contains(&c.engine))
            && (self.storage.is_empty() || self.storage.iter().any(|f| f.admits(c.storage)))
            && self.tags.iter().all(|(k, v)| c.tags.get(k) == Some(v))
            && self.pattern.as_deref().is_none_or(|p| {
                let glob = wildmatch::WildMatch::new(p);
                glob.matches(&c.id) || glob.matches(&c.description)
            })
    }

    /// True when nothing narrows the selection: a plan over a whole account is refused
    /// unless asked for in so many words.
    pub fn is_everything(&self) -> bool {
        self.instances.is_empty()
            && self.engines.is_empty()
            && self.storage.is_empty()
            && self.tags.is_empty()
            && self.pattern.is_none()
    }
}

/// One instance of a plan: its request, or why there is none. Serialized as the CLI
/// prints it and `POST /api/plans` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// `DBInstanceId`.
    #[serde(rename = "DBInstanceId")]
    pub id: String,
    /// `RegionId`.
    #[serde(rename = "RegionId")]
    pub region: String,
    /// `Engine`.
    #[serde(rename = "Engine")]
    pub engine: Engine,
    /// `StorageType`.
    #[serde(rename = "StorageType")]
    pub storage: StorageType,
    /// True when the request can be sent.
    pub ok: bool,
    /// The CreateBackup parameters (without the region), when `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, String>>,
    /// Every reason it cannot be done, when not `ok`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Refusal>,
    /// Backup sets the instance may still make today, when known.
    #[serde(
        rename = "RemainingToday",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining_today: Option<u32>,
}

impl Goal {
    /// The plan's item for one instance: the rules, then the preconditions.
    pub fn judge(&self, c: &Candidate) -> PlanItem {
        let mut item = PlanItem {
            id: c.id.clone(),
            region: c.region.clone(),
            engine: c.engine,
            storage: c.storage,
            ok: false,
            params: None,
            errors: Vec::new(),
            remaining_today: c.state.sets_today.map(|n| DAILY_LIMIT.saturating_sub(n)),
        };
        let id = match DbInstanceId::new(&c.id) {
            Ok(id) => id,
            Err(e) => {
                item.errors.push(Refusal {
                    code: "InvalidDBInstanceId.Malformed".into(),
                    message: format!("DBInstanceId: {e}"),
                    submission: None,
                });
                return item;
            }
        };
        match self.request(&Context::new(c.engine, c.storage), &id) {
            Err(problems) => item.errors = problems.iter().map(Refusal::from).collect(),
            Ok(request) => {
                item.errors = precondition::unmet_all(&c.state, &request)
                    .into_iter()
                    .map(|u| Refusal {
                        code: u.code.to_owned(),
                        message: u.message,
                        submission: None,
                    })
                    .collect();
                if item.errors.is_empty() {
                    item.ok = true;
                    item.params = Some(
                        request
                            .params()
                            .pairs()
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .collect(),
                    );
                }
            }
        }
        item
    }
}

/// How many items can run and how many cannot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Items with a request.
    pub runnable: usize,
    /// Items with reasons.
    pub refused: usize,
}

impl Tally {
    /// Counts `items`.
    pub fn of(items: &[PlanItem]) -> Tally {
        let runnable = items.iter().filter(|i| i.ok).count();
        Tally {
            runnable,
            refused: items.len() - runnable,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::intent::Intent;
    use crate::precondition::Database;

    fn candidate(id: &str, engine: Engine, storage: StorageType) -> Candidate {
        Candidate {
            id: id.into(),
            region: "cn-hangzhou".into(),
            engine,
            storage,
            description: format!("payments prod {engine}"),
            tags: [("team".to_owned(), "payments".to_owned())].into(),
            state: InstanceState {
                instance_type: "Primary".into(),
                lock_mode: "Unlock".into(),
                status: "Running".into(),
                databases: None,
                task_running: Some(false),
                sets_today: Some(3),
            },
        }
    }

    fn goal(intent: Intent) -> Goal {
        Goal {
            intent,
            retention: None,
        }
    }

    #[test]
    fn a_selection_holds_when_every_criterion_given_holds() {
        let c = candidate("rm-plan-1", Engine::MySql, StorageType::CloudEssd);
        let all = Selection::default();
        assert!(all.admits(&c) && all.is_everything());
        let mut s = Selection {
            engines: vec![Engine::MySql],
            storage: vec![StorageFilter::parse("cloud").unwrap()],
            tags: [("team".to_owned(), "payments".to_owned())].into(),
            pattern: Some("rm-plan-*".into()),
            ..Selection::default()
        };
        assert!(s.admits(&c) && !s.is_everything());
        s.pattern = Some("*prod*".into());
        assert!(s.admits(&c), "the glob reads the description too");
        s.storage = vec![StorageFilter::parse("local_ssd").unwrap()];
        assert!(!s.admits(&c));
        s.storage.clear();
        s.tags.insert("env".into(), "prod".into());
        assert!(!s.admits(&c));
        let ids = Selection {
            instances: vec!["rm-plan-2".into()],
            ..Selection::default()
        };
        assert!(!ids.admits(&c));
        assert!(
            StorageFilter::parse("floppy")
                .unwrap_err()
                .contains("local, cloud")
        );
        let json: Selection =
            serde_json::from_str(r#"{"Engines":["MySQL"],"StorageTypes":["local","cloud_essd"]}"#)
                .unwrap();
        assert_eq!(json.storage[1], StorageFilter::Type(StorageType::CloudEssd));
        assert!(serde_json::from_str::<Selection>(r#"{"Engine":["MySQL"]}"#).is_err());
    }

    #[test]
    fn an_item_is_the_request_or_every_reason() {
        let ok = goal(Intent::WholeInstance).judge(&candidate(
            "rm-plan-1",
            Engine::MySql,
            StorageType::CloudEssd,
        ));
        assert!(ok.ok && ok.errors.is_empty());
        let params = ok.params.as_ref().unwrap();
        assert_eq!(params["BackupMethod"], "Snapshot");
        assert_eq!(ok.remaining_today, Some(17));

        let refused = goal(Intent::LogicalAllDatabases).judge(&candidate(
            "pgm-plan-1",
            Engine::PostgreSql,
            StorageType::CloudEssd,
        ));
        assert!(!refused.ok && refused.params.is_none());
        assert_eq!(
            refused.errors[0].code,
            "InvalidBackupMethod.ValueNotSupport"
        );

        let mut c = candidate("rm-plan-2", Engine::MySql, StorageType::LocalSsd);
        c.state.status = "Stopped".into();
        c.state.lock_mode = "ManualLock".into();
        c.state.sets_today = Some(20);
        let item = goal(Intent::WholeInstance).judge(&c);
        let codes: Vec<&str> = item.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "IncorrectDBInstanceLockMode.ValueNotSupported",
                "IncorrectDBInstanceState",
                "Exceeded.BackupTimes"
            ]
        );
        assert_eq!(item.remaining_today, Some(0));

        let mut c = candidate("rm-plan-3", Engine::MySql, StorageType::LocalSsd);
        c.state.databases = Some(vec![Database {
            name: "app".into(),
            status: "Running".into(),
            empty: false,
        }]);
        let named = goal(Intent::parse("logical-databases", Some("app,gone")).unwrap()).judge(&c);
        assert_eq!(named.errors[0].code, "InvalidDB.NotFound");
        assert!(named.errors[0].message.contains("gone"), "{named:?}");

        let text = serde_json::to_value(&ok).unwrap();
        assert_eq!(text["DBInstanceId"], "rm-plan-1");
        assert_eq!(text["StorageType"], "cloud_essd");
        assert!(text.get("errors").is_none());
        assert_eq!(
            Tally::of(&[ok, refused]),
            Tally {
                runnable: 1,
                refused: 1
            }
        );
    }
}
