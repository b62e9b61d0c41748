//! The service's answers a plan reads, without I/O: which calls to make for a selection
//! (DescribeDBInstances, ListTagResources, DescribeBackups, DescribeBackupTasks,
//! DescribeDatabases) and what their answers say. The proxy and the CLI's direct mode
//! send the calls; both read the answers here, so a plan is judged the same way.

use crate::endpoint::Region;
use crate::model::{Engine, StorageType};
use crate::plan::{Candidate, Selection};
use crate::precondition::{Database, InstanceState};
use crate::time::UtcTime;
use serde_json::Value;
use std::collections::BTreeMap;

/// Instances asked for per DescribeDBInstances page.
pub const PAGE_SIZE: &str = "100";

/// Instance ids whose tags are asked for in one ListTagResources call.
pub const TAGS_PER_CALL: usize = 50;

/// The most ids the DescribeDBInstances `DBInstanceId` filter takes.
pub const IDS_PER_LISTING: usize = 30;

/// `outer.inner` of an answer (`Items.DBInstance`): the list, empty when absent, or what
/// is wrong with its shape.
pub fn list_of<'a>(body: &'a Value, outer: &str, inner: &str) -> Result<&'a [Value], String> {
    let Some(root) = body.as_object() else {
        return Err("the answer is not a JSON object".into());
    };
    let outer_value = match root.get(outer) {
        None | Some(Value::Null) => return Ok(&[]),
        Some(Value::Object(o)) => o,
        Some(_) => return Err(format!("{outer} is not an object")),
    };
    match outer_value.get(inner) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(items),
        Some(Value::Array(_)) => Err(format!(
            "{outer}.{inner} holds something other than objects"
        )),
        Some(_) => Err(format!("{outer}.{inner} is not a list")),
    }
}

/// The `NextToken` of a paged answer; `None` on the last page.
pub fn next_token(body: &Value) -> Option<String> {
    body["NextToken"]
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// True for the service's throttling codes (`Throttling`, `Throttling.User`, ...): the
/// call was not executed and may be made again after `x-acs-retry-after`.
pub fn is_throttling(code: &str) -> bool {
    code == "Throttling" || code.starts_with("Throttling.")
}

impl Selection {
    /// The DescribeDBInstances parameters for one page in `region`: the filters the
    /// service applies itself (one engine, up to 30 ids, tags); core applies the rest.
    pub fn listing_params(&self, region: &Region, token: Option<&str>) -> Vec<(String, String)> {
        let mut params = vec![("RegionId".to_owned(), region.to_string())];
        if let [engine] = self.engines.as_slice() {
            params.push(("Engine".into(), engine.as_str().into()));
        }
        if !self.instances.is_empty() && self.instances.len() <= IDS_PER_LISTING {
            params.push(("DBInstanceId".into(), self.instances.join(",")));
        }
        if !self.tags.is_empty() {
            params.push((
                "Tags".into(),
                serde_json::to_string(&self.tags).unwrap_or_default(),
            ));
        }
        params.push(("MaxResults".into(), PAGE_SIZE.into()));
        if let Some(t) = token {
            params.push(("NextToken".into(), t.to_owned()));
        }
        params
    }
}

impl Candidate {
    /// An instance of a DescribeDBInstances answer as core judges it; `None` for an
    /// engine or storage type CreateBackup does not take.
    pub fn from_listing(item: &Value, region: &Region) -> Option<Candidate> {
        let s = |k: &str| item[k].as_str().unwrap_or_default().to_owned();
        let tags: BTreeMap<String, String> = item["Tags"]["Tag"]
            .as_array()
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| {
                        Some((
                            t["Key"].as_str()?.to_owned(),
                            t["Value"].as_str().unwrap_or_default().to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let region = match item["RegionId"].as_str() {
            Some(r) => Region::new(r).ok()?,
            None => region.clone(),
        };
        Some(Candidate {
            id: item["DBInstanceId"].as_str()?.to_owned(),
            region: region.to_string(),
            engine: Engine::parse(item["Engine"].as_str()?)?,
            storage: StorageType::parse(item["DBInstanceStorageType"].as_str()?)?,
            description: s("DBInstanceDescription"),
            tags,
            state: InstanceState {
                instance_type: s("DBInstanceType"),
                lock_mode: s("LockMode"),
                status: s("DBInstanceStatus"),
                ..InstanceState::default()
            },
        })
    }
}

/// Instance states, as DescribeDBInstances' `DBInstanceStatus` spells them (a search
/// word that names one becomes that filter; the emulator accepts these in a fleet file).
pub const INSTANCE_STATUSES: &[&str] = &[
    "Creating",
    "Running",
    "Deleting",
    "Rebooting",
    "Stopping",
    "Stopped",
    "DBInstanceClassChanging",
    "TRANSING",
    "EngineVersionUpgrading",
    "TransingToOthers",
    "GuardDBInstanceCreating",
    "Restoring",
    "Importing",
    "ImportingFromOthers",
    "DBInstanceNetTypeChanging",
    "GuardSwitching",
    "INS_CLONING",
    "Released",
];

/// What a user typed into the instance picker, read as DescribeDBInstances filters: an
/// engine name filters `Engine`, a status `DBInstanceStatus`, `key=value` a tag
/// (`Tags`), the first other word is the service's `SearchKey` (id or description);
/// a storage word (`local`, `cloud`, `cloud_essd`, ...) and the remaining words are
/// matched here on the page the service returns, over id, description, engine,
/// storage, status and tags, ignoring case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceSearch {
    /// `Engine`.
    pub engine: Option<Engine>,
    /// `DBInstanceStatus`.
    pub status: Option<String>,
    /// `Tags`.
    pub tags: BTreeMap<String, String>,
    /// Storage kinds or types, matched on the page.
    pub storage: Vec<crate::plan::StorageFilter>,
    /// Words: the first goes to the service, all are matched on the page.
    pub words: Vec<String>,
}

impl InstanceSearch {
    /// Reads the typed text.
    pub fn parse(text: &str) -> InstanceSearch {
        let mut s = InstanceSearch::default();
        for word in text.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            if let Some(e) = Engine::ALL
                .iter()
                .find(|e| e.as_str().eq_ignore_ascii_case(word))
                .filter(|_| s.engine.is_none())
            {
                s.engine = Some(*e);
            } else if let Some(st) = INSTANCE_STATUSES
                .iter()
                .find(|st| st.eq_ignore_ascii_case(word))
                .filter(|_| s.status.is_none())
            {
                s.status = Some((*st).to_owned());
            } else if let Some((k, v)) = word.split_once('=').filter(|(k, _)| !k.is_empty()) {
                s.tags.insert(k.to_owned(), v.to_owned());
            } else if let Ok(f) = crate::plan::StorageFilter::parse(&lower) {
                s.storage.push(f);
            } else {
                s.words.push(word.to_owned());
            }
        }
        s
    }

    /// The DescribeDBInstances parameters of one page of at most `max` instances.
    pub fn params(&self, region: &Region, max: u32, token: Option<&str>) -> Vec<(String, String)> {
        let mut params = vec![
            ("RegionId".to_owned(), region.to_string()),
            ("MaxResults".to_owned(), max.clamp(1, 100).to_string()),
        ];
        if let Some(e) = self.engine {
            params.push(("Engine".into(), e.as_str().into()));
        }
        if let Some(st) = &self.status {
            params.push(("DBInstanceStatus".into(), st.clone()));
        }
        if !self.tags.is_empty() {
            params.push((
                "Tags".into(),
                serde_json::to_string(&self.tags).unwrap_or_default(),
            ));
        }
        if let Some(w) = self.words.first() {
            params.push(("SearchKey".into(), w.clone()));
        }
        if let Some(t) = token {
            params.push(("NextToken".into(), t.to_owned()));
        }
        params
    }

    /// True when a listed instance matches what the service could not filter.
    pub fn admits(&self, item: &Value) -> bool {
        let text = |k: &str| item[k].as_str().unwrap_or_default();
        let storage = StorageType::parse(text("DBInstanceStorageType"));
        let storage_ok = self.storage.is_empty()
            || storage.is_some_and(|st| self.storage.iter().any(|f| f.admits(st)));
        let haystack = {
            let mut h = [
                "DBInstanceId",
                "DBInstanceDescription",
                "Engine",
                "DBInstanceStorageType",
                "DBInstanceStatus",
            ]
            .iter()
            .map(|k| text(k))
            .collect::<Vec<_>>()
            .join(" ");
            for t in item["Tags"]["Tag"].as_array().into_iter().flatten() {
                h.push(' ');
                h.push_str(t["Key"].as_str().unwrap_or_default());
                h.push('=');
                h.push_str(t["Value"].as_str().unwrap_or_default());
            }
            h.to_lowercase()
        };
        storage_ok
            && self
                .words
                .iter()
                .all(|w| haystack.contains(&w.to_lowercase()))
    }
}

/// The ListTagResources parameters for the tags of `ids` (at most [`TAGS_PER_CALL`]).
pub fn tag_params(region: &Region, ids: &[&str], token: Option<&str>) -> Vec<(String, String)> {
    let mut params = vec![
        ("RegionId".to_owned(), region.to_string()),
        ("ResourceType".to_owned(), "INSTANCE".to_owned()),
    ];
    for (i, id) in ids.iter().enumerate() {
        params.push((format!("ResourceId.{}", i + 1), (*id).to_owned()));
    }
    if let Some(t) = token {
        params.push(("NextToken".into(), t.to_owned()));
    }
    params
}

/// The `(instance, key, value)` tags of a ListTagResources answer.
pub fn read_tags(body: &Value) -> Result<Vec<(String, String, String)>, String> {
    Ok(list_of(body, "TagResources", "TagResource")?
        .iter()
        .filter_map(|t| {
            Some((
                t["ResourceId"].as_str()?.to_owned(),
                t["TagKey"].as_str()?.to_owned(),
                t["TagValue"].as_str().unwrap_or_default().to_owned(),
            ))
        })
        .collect())
}

/// One call a precondition needs, and which fact its answer gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactCall {
    /// The fact.
    pub fact: Fact,
    /// The action.
    pub action: &'static str,
    /// Its parameters.
    pub params: Vec<(String, String)>,
}

/// The facts of an instance the preconditions read from the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// Backup sets made today (DescribeBackups from midnight UTC).
    SetsToday,
    /// A backup task in progress (DescribeBackupTasks).
    TaskRunning,
    /// The databases (DescribeDatabases), for logical intents.
    Databases,
}

/// The calls that give `c`'s facts at `now_secs`: today's sets, the running task and,
/// when `databases`, its databases.
pub fn fact_calls(c: &Candidate, databases: bool, now_secs: i64) -> Vec<FactCall> {
    let id = || ("DBInstanceId".to_owned(), c.id.clone());
    let region = || ("RegionId".to_owned(), c.region.clone());
    let minute = |secs: i64| {
        let t = UtcTime::from_unix(secs).to_string();
        format!("{}Z", t.get(..16).unwrap_or_default())
    };
    let mut calls = vec![
        FactCall {
            fact: Fact::SetsToday,
            action: "DescribeBackups",
            params: vec![
                region(),
                id(),
                (
                    "StartTime".into(),
                    minute(now_secs - now_secs.rem_euclid(86_400)),
                ),
                ("EndTime".into(), minute(now_secs + 60)),
            ],
        },
        FactCall {
            fact: Fact::TaskRunning,
            action: "DescribeBackupTasks",
            params: vec![region(), id()],
        },
    ];
    if databases {
        calls.push(FactCall {
            fact: Fact::Databases,
            action: "DescribeDatabases",
            params: vec![id()],
        });
    }
    calls
}

/// `state` with the fact an answer gives, or what is wrong with the answer.
pub fn read_fact(state: &mut InstanceState, fact: Fact, body: &Value) -> Result<(), String> {
    match fact {
        Fact::SetsToday => {
            let total = &body["TotalRecordCount"];
            let n = total
                .as_u64()
                .or_else(|| total.as_str().and_then(|t| t.parse().ok()))
                .ok_or("TotalRecordCount is not a number")?;
            state.sets_today = Some(u32::try_from(n).unwrap_or(u32::MAX));
        }
        Fact::TaskRunning => {
            state.task_running = Some(!list_of(body, "Items", "BackupJob")?.is_empty());
        }
        Fact::Databases => {
            state.databases = Some(
                list_of(body, "Databases", "Database")?
                    .iter()
                    .map(|d| Database {
                        name: d["DBName"].as_str().unwrap_or_default().to_owned(),
                        status: d["DBStatus"].as_str().unwrap_or_default().to_owned(),
                        // The service does not say whether a database holds data.
                        empty: false,
                    })
                    .collect(),
            );
        }
    }
    Ok(())
}

/// A backup job as DescribeBackupTasks reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// `BackupStatus`: `NoStart`, `Checking`, `Preparing`, `Running`, `Finished`, `Failed`.
    pub status: String,
    /// `Process`, in percent.
    pub progress: Option<u8>,
    /// `BackupId`, once finished.
    pub backup_id: Option<String>,
    /// Why it failed.
    pub reason: Option<String>,
}

impl Job {
    /// The job of a DescribeBackupTasks item.
    pub fn from_task(item: &Value) -> Job {
        let text = |k: &str| {
            item[k]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Job {
            status: text("BackupStatus").unwrap_or_else(|| "NoStart".into()),
            progress: text("Process").and_then(|p| p.parse().ok()),
            backup_id: text("BackupId"),
            reason: ["FailedReason", "Reason", "ErrorMessage", "Message"]
                .iter()
                .find_map(|k| text(k)),
        }
    }

    /// True once the job has ended (`Finished` or `Failed`).
    pub fn ended(&self) -> bool {
        matches!(self.status.as_str(), "Finished" | "Failed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn region() -> Region {
        Region::new("cn-hangzhou").unwrap()
    }

    #[test]
    fn a_list_is_read_or_its_shape_named() {
        let body = json!({"Items": {"DBInstance": [{"DBInstanceId": "rm-1"}]}});
        assert_eq!(list_of(&body, "Items", "DBInstance").unwrap().len(), 1);
        assert!(
            list_of(&json!({}), "Items", "DBInstance")
                .unwrap()
                .is_empty()
        );
        let bad = json!({"Items": {"DBInstance": 3}});
        let err = list_of(&bad, "Items", "DBInstance");
        assert_eq!(err.unwrap_err(), "Items.DBInstance is not a list");
        assert!(list_of(&json!([1]), "Items", "DBInstance").is_err());
    }

    #[test]
    fn a_listed_instance_becomes_a_candidate() {
        let item = json!({
            "DBInstanceId": "rm-1", "Engine": "MySQL", "DBInstanceStorageType": "cloud_essd",
            "DBInstanceDescription": "orders", "DBInstanceStatus": "Running",
            "Tags": {"Tag": [{"Key": "team", "Value": "pay"}]}
        });
        let c = Candidate::from_listing(&item, &region()).unwrap();
        assert_eq!(c.region, "cn-hangzhou");
        assert_eq!(c.tags["team"], "pay");
        assert_eq!(c.state.status, "Running");
        let redis = json!({"DBInstanceId": "r-1", "Engine": "Redis", "DBInstanceStorageType": "cloud_essd"});
        assert!(Candidate::from_listing(&redis, &region()).is_none());
    }

    #[test]
    fn the_service_filters_what_it_can() {
        let s = Selection {
            engines: vec![Engine::MySql],
            instances: vec!["rm-1".into(), "rm-2".into()],
            ..Selection::default()
        };
        let p = s.listing_params(&region(), Some("t2"));
        assert!(p.contains(&("Engine".into(), "MySQL".into())));
        assert!(p.contains(&("DBInstanceId".into(), "rm-1,rm-2".into())));
        assert!(p.contains(&("NextToken".into(), "t2".into())));
    }

    #[test]
    fn facts_are_read_from_their_answers() {
        let c = Candidate::from_listing(
            &json!({"DBInstanceId": "rm-1", "Engine": "MySQL", "DBInstanceStorageType": "local_ssd"}),
            &region(),
        )
        .unwrap();
        let calls = fact_calls(&c, true, 86_400 * 3 + 100);
        assert_eq!(calls.len(), 3);
        assert!(
            calls[0]
                .params
                .contains(&("StartTime".into(), "1970-01-04T00:00Z".into()))
        );
        let mut s = InstanceState::default();
        read_fact(&mut s, Fact::SetsToday, &json!({"TotalRecordCount": "4"})).unwrap();
        read_fact(
            &mut s,
            Fact::TaskRunning,
            &json!({"Items": {"BackupJob": [{}]}}),
        )
        .unwrap();
        read_fact(
            &mut s,
            Fact::Databases,
            &json!({"Databases": {"Database": [{"DBName": "a", "DBStatus": "Running"}]}}),
        )
        .unwrap();
        assert_eq!(s.sets_today, Some(4));
        assert_eq!(s.task_running, Some(true));
        assert_eq!(s.databases.unwrap()[0].name, "a");
        assert!(read_fact(&mut InstanceState::default(), Fact::SetsToday, &json!({})).is_err());
    }

    #[test]
    fn a_search_goes_to_the_service_where_it_can() {
        let s = InstanceSearch::parse("mysql running team=pay orders cloud east");
        assert_eq!(s.engine, Some(Engine::MySql));
        assert_eq!(s.status.as_deref(), Some("Running"));
        assert_eq!(s.tags["team"], "pay");
        assert_eq!(s.words, ["orders", "east"]);
        let p = s.params(&region(), 50, None);
        assert!(p.contains(&("SearchKey".into(), "orders".into())));
        assert!(p.contains(&("Engine".into(), "MySQL".into())));
        assert!(p.contains(&("DBInstanceStatus".into(), "Running".into())));
        let item = json!({"DBInstanceId": "rm-1", "DBInstanceDescription": "Orders East",
            "Engine": "MySQL", "DBInstanceStorageType": "cloud_essd", "DBInstanceStatus": "Running"});
        assert!(s.admits(&item));
        let local = json!({"DBInstanceId": "rm-1", "DBInstanceDescription": "orders east",
            "DBInstanceStorageType": "local_ssd"});
        assert!(!s.admits(&local));
        assert_eq!(InstanceSearch::parse("  "), InstanceSearch::default());
    }

    #[test]
    fn a_job_ends_finished_or_failed() {
        let j = Job::from_task(&json!({"BackupStatus": "Failed", "FailedReason": "disk"}));
        assert!(j.ended());
        assert_eq!(j.reason.as_deref(), Some("disk"));
        assert!(!Job::from_task(&json!({})).ended());
        assert!(is_throttling("Throttling.User") && !is_throttling("ThrottlingX"));
    }
}
