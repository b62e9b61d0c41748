//! The actions the emulator implements. Each takes the verified parameters and
//! returns the response body (without `RequestId`, which the server adds).

use crate::api::ApiError;
use crate::fleet::Instance;
use crate::state::{JobSpec, Stage, State};
use rds_backup_core::precondition;
use rds_backup_core::request::split_db_names;
use rds_backup_core::{Context, Draft, Engine, Problem, Region, UtcTime, validate};
use serde_json::{Map, Value, json};

/// The most backup sets one instance may create in a day.
pub const DAILY_LIMIT: usize = precondition::DAILY_LIMIT as usize;

/// The verified business parameters of a call, with typed access.
pub struct Args<'a>(pub &'a [(String, String)]);

impl Args<'_> {
    /// A parameter, if given once; given twice is refused.
    pub fn get(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::invalid(name, "it is given more than once"));
        }
        Ok(first)
    }

    /// A required parameter (`Missing<Name>` when absent).
    pub fn require(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)?.ok_or_else(|| ApiError::missing(name))
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)?
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::invalid(name, format!("'{v}' is not an integer")))
            })
            .transpose()
    }

    /// `PageSize` and `PageNumber` (1-100, default 30; from 1).
    fn paging(&self) -> Result<(usize, usize), ApiError> {
        let size = self.int("PageSize")?.unwrap_or(30);
        let number = self.int("PageNumber")?.unwrap_or(1);
        if !(1..=100).contains(&size) {
            return Err(ApiError::invalid("PageSize", "it must be 1 to 100"));
        }
        if number < 1 {
            return Err(ApiError::invalid("PageNumber", "it must be 1 or more"));
        }
        Ok((
            usize::try_from(size).unwrap_or(30),
            usize::try_from(number).unwrap_or(1),
        ))
    }
}

fn instance<'s>(
    state: &'s State,
    args: &Args,
    not_found_status: u16,
) -> Result<&'s Instance, ApiError> {
    let id = args.require("DBInstanceId")?;
    state
        .fleet
        .get(id)
        .ok_or_else(|| ApiError::no_instance(id, not_found_status))
}

/// An instance as DescribeDBInstances and DescribeDBInstanceAttribute show it.
fn instance_json(i: &Instance) -> Value {
    let mut v = serde_json::to_value(i).unwrap_or_else(|_| json!({}));
    if let Value::Object(m) = &mut v {
        m.remove("Databases");
        let tags: Vec<Value> = i
            .tags
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        m.insert("Tags".into(), json!({ "Tag": tags }));
        m.entry("MasterInstanceId").or_insert_with(|| "".into());
        m.insert("DBInstanceNetType".into(), "Intranet".into());
        m.insert("InstanceNetworkType".into(), "VPC".into());
    }
    v
}

/// The service answers a request that breaks a rule with the first problem's code;
/// the message lists them all, so nothing is hidden.
fn refusal(problems: &[Problem]) -> ApiError {
    let message = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ");
    match problems.first() {
        Some(p) => ApiError::new(p.code.http_status(), p.code.as_str(), message),
        None => ApiError::new(400, "Parameters.Invalid", "the request was refused"),
    }
}

/// `CreateBackup`: the rules through core, then the instance's preconditions.
pub fn create_backup(state: &State, args: &Args) -> Result<Value, ApiError> {
    if let Some(t) = state.throttle {
        let n = state
            .create_calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if t.every > 0 && n % t.every == t.every - 1 {
            // Refused before anything is looked at: nothing was executed.
            return Err(ApiError {
                retry_after_ms: Some(t.retry_after_ms),
                ..ApiError::new(
                    400,
                    "Throttling.User",
                    "Request was denied due to user flow control.",
                )
            });
        }
    }
    let inst = instance(state, args, 400)?;
    let retention = args
        .get("BackupRetentionPeriod")?
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ApiError::new(
                    400,
                    "Parameters.Invalid",
                    format!("BackupRetentionPeriod '{v}' is not an integer"),
                )
            })
        })
        .transpose()?;
    let draft = Draft {
        db_instance_id: Some(inst.id.clone()),
        db_name: args.get("DBName")?.map(split_db_names),
        backup_strategy: args.get("BackupStrategy")?.map(str::to_owned),
        backup_method: args.get("BackupMethod")?.map(str::to_owned),
        backup_type: args.get("BackupType")?.map(str::to_owned),
        backup_retention_period: retention,
    };
    let request =
        validate(&Context::new(inst.engine, inst.storage), &draft).map_err(|p| refusal(&p))?;
    let rule = request.rule();

    // The instance's preconditions: core's table, in the service's order.
    let now = state.clock.now_ms();
    let today = now.div_euclid(86_400_000);
    let mut jobs = state.jobs();
    let mine: Vec<_> = jobs.all.iter().filter(|j| j.instance == inst.id).collect();
    let facts = precondition::InstanceState {
        instance_type: inst.instance_type.clone(),
        lock_mode: inst.lock_mode.clone(),
        status: inst.status.clone(),
        databases: Some(
            inst.databases
                .iter()
                .map(|d| precondition::Database {
                    name: d.name.clone(),
                    status: d.status.clone(),
                    empty: d.empty,
                })
                .collect(),
        ),
        task_running: Some(mine.iter().any(|j| !j.progress(now).0.ended())),
        sets_today: Some(
            u32::try_from(
                mine.iter()
                    .filter(|j| j.created_ms.div_euclid(86_400_000) == today)
                    .count(),
            )
            .unwrap_or(u32::MAX),
        ),
    };
    if let Err(unmet) = precondition::check(&facts, &request) {
        return Err(ApiError::new(unmet.status, unmet.code, unmet.message));
    }
    let backup_type = match rule.backup_type {
        Some(rds_backup_core::BackupType::Auto) if !mine.is_empty() => "IncrementalBackup",
        _ => "FullBackup",
    };
    let method = if inst.engine == Engine::MariaDb {
        "Snapshot"
    } else {
        rule.method.as_str()
    };
    let spec = JobSpec {
        params: request
            .params()
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        method: method.to_owned(),
        backup_type: backup_type.to_owned(),
        db_names: request
            .db_names()
            .iter()
            .map(|n| n.as_str().to_owned())
            .collect(),
    };
    let id = jobs.push(&inst.id, now, state.job_ms, spec, state.take_failure(inst));
    Ok(json!({ "BackupJobId": id.to_string() }))
}

/// `DescribeBackupTasks`: jobs in progress, or one job by id (finished included).
pub fn describe_backup_tasks(state: &State, args: &Args) -> Result<Value, ApiError> {
    let inst = instance(state, args, 404)?;
    let job_id = args.int("BackupJobId")?;
    let status = args.get("BackupJobStatus")?;
    if let Some(s) = status.filter(|s| !["NoStart", "Progressing"].contains(s)) {
        return Err(ApiError::invalid(
            "BackupJobStatus",
            format!("'{s}' is not NoStart or Progressing"),
        ));
    }
    let mode = args.get("BackupMode")?;
    if let Some(m) = mode.filter(|m| !["Automated", "Manual"].contains(m)) {
        return Err(ApiError::invalid(
            "BackupMode",
            format!("'{m}' is not Automated or Manual"),
        ));
    }
    let now = state.clock.now_ms();
    let jobs = state.jobs();
    let items: Vec<Value> = jobs
        .all
        .iter()
        .filter(|j| j.instance == inst.id && mode != Some("Automated"))
        .filter(|j| match job_id {
            Some(id) => i64::try_from(j.id).is_ok_and(|x| x == id),
            None => !j.progress(now).0.ended(),
        })
        .filter_map(|j| {
            let (stage, pct) = j.progress(now);
            let keep = match status {
                Some("NoStart") => stage == Stage::NoStart,
                Some(_) => stage != Stage::NoStart && !stage.ended(),
                None => true,
            };
            keep.then(|| {
                let mut item = json!({
                    "BackupJobId": j.id.to_string(),
                    "BackupStatus": stage.as_str(),
                    "BackupProgressStatus": stage.as_str(),
                    "Process": pct.to_string(),
                    "JobMode": "Manual",
                    "TaskAction": "TempBackupTask",
                });
                if stage == Stage::Finished && job_id.is_some() {
                    item["BackupId"] = j.backup_id().to_string().into();
                }
                if let (Stage::Failed, Some(reason)) = (stage, &j.fail_reason) {
                    item["FailedReason"] = reason.clone().into();
                }
                item
            })
        })
        .collect();
    Ok(json!({ "Items": { "BackupJob": items } }))
}

fn minute_time(name: &str, v: Option<&str>) -> Result<Option<i64>, ApiError> {
    v.map(|s| {
        // yyyy-MM-ddTHH:mmZ
        let full = s.strip_suffix('Z').map(|p| format!("{p}:00Z"));
        full.as_deref()
            .and_then(UtcTime::parse)
            .map(|t| t.unix() * 1000)
            .ok_or_else(|| ApiError::invalid(name, format!("'{s}' is not yyyy-MM-ddTHH:mmZ")))
    })
    .transpose()
}

/// `DescribeBackups`: the finished backup sets.
pub fn describe_backups(state: &State, args: &Args) -> Result<Value, ApiError> {
    let inst = instance(state, args, 404)?;
    let backup_id = args.get("BackupId")?;
    let status = args.get("BackupStatus")?;
    let mode = args.get("BackupMode")?;
    let start = minute_time("StartTime", args.get("StartTime")?)?;
    let end = minute_time("EndTime", args.get("EndTime")?)?;
    let (size, number) = args.paging()?;
    let now = state.clock.now_ms();
    let jobs = state.jobs();
    let sets: Vec<Value> = jobs
        .all
        .iter()
        .filter(|j| {
            j.instance == inst.id && j.progress(now - state.backup_list_lag_ms).0 == Stage::Finished
        })
        .filter(|j| backup_id.is_none_or(|b| b == j.backup_id().to_string()))
        .filter(|_| status.is_none_or(|s| s == "Success") && mode.is_none_or(|m| m == "Manual"))
        .filter(|j| {
            start.is_none_or(|s| j.created_ms >= s) && end.is_none_or(|e| j.created_ms <= e)
        })
        .map(|j| {
            let t = |ms: i64| UtcTime::from_unix(ms.div_euclid(1000)).to_string();
            json!({
                "BackupId": j.backup_id().to_string(),
                "DBInstanceId": inst.id,
                "BackupStatus": "Success",
                "BackupMethod": j.spec.method,
                "BackupType": j.spec.backup_type,
                "BackupMode": "Manual",
                "BackupScale": if j.spec.db_names.is_empty() { "Instance" } else { "Database" },
                "BackupDBNames": j.spec.db_names.join(","),
                "BackupStartTime": t(j.created_ms),
                "BackupEndTime": t(j.created_ms + j.duration_ms),
                "BackupSize": 1_048_576 * (1 + (j.id % 97)),
                "Engine": inst.engine.as_str(),
                "EngineVersion": inst.engine_version,
                "BackupLocation": "OSS",
                "StoreStatus": "Disabled",
            })
        })
        .collect();
    let total = sets.len();
    let page: Vec<Value> = sets
        .into_iter()
        .skip((number - 1) * size)
        .take(size)
        .collect();
    Ok(json!({
        "Items": { "Backup": page },
        "TotalRecordCount": total.to_string(),
        "PageNumber": number.to_string(),
        "PageRecordCount": page.len().to_string(),
    }))
}

/// `DescribeDBInstances`: the instances of a region, filtered, one page at a time.
pub fn describe_db_instances(state: &State, args: &Args) -> Result<Value, ApiError> {
    let region = args.require("RegionId")?;
    Region::new(region).map_err(|e| ApiError::invalid("RegionId", e))?;
    let engine = args.get("Engine")?;
    let status = args.get("DBInstanceStatus")?;
    let kind = args.get("DBInstanceType")?;
    let ids: Option<Vec<&str>> = args.get("DBInstanceId")?.map(|v| v.split(',').collect());
    let search = args.get("SearchKey")?;
    let tags: Option<std::collections::BTreeMap<String, String>> = args
        .get("Tags")?
        .map(|t| {
            serde_json::from_str(t).map_err(|_| {
                ApiError::invalid(
                    "Tags",
                    "it must be a JSON object such as {\"team\":\"payments\"}",
                )
            })
        })
        .transpose()?;
    let matching: Vec<&Instance> = state
        .fleet
        .instances
        .iter()
        .filter(|i| i.region == region)
        .filter(|i| engine.is_none_or(|e| e == i.engine.as_str()))
        .filter(|i| status.is_none_or(|s| s == i.status))
        .filter(|i| kind.is_none_or(|k| k == i.instance_type))
        .filter(|i| ids.as_ref().is_none_or(|ids| ids.contains(&i.id.as_str())))
        .filter(|i| search.is_none_or(|s| i.id.contains(s) || i.description.contains(s)))
        .filter(|i| {
            tags.as_ref()
                .is_none_or(|t| t.iter().all(|(k, v)| i.tags.get(k) == Some(v)))
        })
        .collect();
    let total = matching.len();
    let mut body = Map::new();
    if let Some(max) = args.int("MaxResults")? {
        if !(1..=100).contains(&max) {
            return Err(ApiError::invalid("MaxResults", "it must be 1 to 100"));
        }
        let max = usize::try_from(max).unwrap_or(100);
        let offset = match args.get("NextToken")? {
            None | Some("") => 0,
            Some(t) => t.parse::<usize>().map_err(|_| {
                ApiError::invalid("NextToken", "it is not a token this service issued")
            })?,
        };
        let page: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(max)
            .map(|i| instance_json(i))
            .collect();
        let next = offset + page.len();
        body.insert("PageRecordCount".into(), page.len().into());
        body.insert(
            "NextToken".into(),
            if next < total {
                next.to_string()
            } else {
                String::new()
            }
            .into(),
        );
        body.insert("Items".into(), json!({ "DBInstance": page }));
    } else {
        let (size, number) = args.paging()?;
        let page: Vec<Value> = matching
            .iter()
            .skip((number - 1) * size)
            .take(size)
            .map(|i| instance_json(i))
            .collect();
        body.insert("PageNumber".into(), number.into());
        body.insert("PageRecordCount".into(), page.len().into());
        body.insert("Items".into(), json!({ "DBInstance": page }));
    }
    body.insert("TotalRecordCount".into(), total.into());
    Ok(Value::Object(body))
}

/// `DescribeDBInstanceAttribute`: one instance's engine, storage and state.
pub fn describe_db_instance_attribute(state: &State, args: &Args) -> Result<Value, ApiError> {
    let inst = instance(state, args, 404)?;
    Ok(json!({ "Items": { "DBInstanceAttribute": [instance_json(inst)] } }))
}

/// `DescribeDatabases`: an instance's databases.
pub fn describe_databases(state: &State, args: &Args) -> Result<Value, ApiError> {
    let inst = instance(state, args, 404)?;
    let name = args.get("DBName")?;
    let status = args.get("DBStatus")?;
    let dbs: Vec<Value> = inst
        .databases
        .iter()
        .filter(|d| name.is_none_or(|n| n == d.name) && status.is_none_or(|s| s == d.status))
        .map(|d| {
            json!({
                "DBName": d.name,
                "DBStatus": d.status,
                "Engine": inst.engine.as_str(),
                "CharacterSetName": d.charset,
                "DBInstanceId": inst.id,
                "DBDescription": "",
            })
        })
        .collect();
    Ok(json!({ "Databases": { "Database": dbs } }))
}

/// `ListTagResources`: the tags of instances (`ResourceId.N`, up to 50), or the instances
/// with the tags `Tag.N.Key`/`Tag.N.Value`, paged by `NextToken`.
pub fn list_tag_resources(state: &State, args: &Args) -> Result<Value, ApiError> {
    let region = args.require("RegionId")?;
    Region::new(region).map_err(|e| ApiError::invalid("RegionId", e))?;
    let kind = args.require("ResourceType")?;
    if !kind.eq_ignore_ascii_case("INSTANCE") {
        return Err(ApiError::invalid(
            "ResourceType",
            format!("'{kind}' is not INSTANCE"),
        ));
    }
    let mut ids = Vec::new();
    let mut wanted = Vec::new();
    for n in 1..=50 {
        if let Some(id) = args.get(&format!("ResourceId.{n}"))? {
            ids.push(id);
        }
        if let Some(k) = args.get(&format!("Tag.{n}.Key"))? {
            wanted.push((k, args.get(&format!("Tag.{n}.Value"))?));
        }
    }
    if ids.is_empty() && wanted.is_empty() {
        return Err(ApiError::missing("ResourceId.1"));
    }
    let rows: Vec<Value> = state
        .fleet
        .instances
        .iter()
        .filter(|i| i.region == region)
        .filter(|i| ids.is_empty() || ids.contains(&i.id.as_str()))
        .filter(|i| {
            wanted.iter().all(|(k, v)| {
                i.tags
                    .get(*k)
                    .is_some_and(|have| v.is_none_or(|v| v == have))
            })
        })
        .flat_map(|i| {
            i.tags.iter().map(|(k, v)| {
                json!({
                    "ResourceType": "ALIYUN::RDS::INSTANCE",
                    "ResourceId": i.id,
                    "TagKey": k,
                    "TagValue": v,
                })
            })
        })
        .collect();
    let offset = match args.get("NextToken")? {
        None | Some("") => 0,
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| ApiError::invalid("NextToken", "it is not a token this service issued"))?,
    };
    const PAGE: usize = 50;
    let page: Vec<Value> = rows.iter().skip(offset).take(PAGE).cloned().collect();
    let next = offset + page.len();
    Ok(json!({
        "TagResources": { "TagResource": page },
        "NextToken": if next < rows.len() { next.to_string() } else { String::new() },
    }))
}

/// `DescribeRegions`: the regions and zones of the fleet's instances (the proxy's
/// readiness uses it as its cheap call).
pub fn describe_regions(state: &State) -> Result<Value, ApiError> {
    let pairs: std::collections::BTreeSet<(&str, &str)> = state
        .fleet
        .instances
        .iter()
        .map(|i| (i.region.as_str(), i.zone.as_str()))
        .collect();
    let regions: Vec<Value> = pairs
        .into_iter()
        .map(|(region, zone)| {
            json!({
                "RegionId": region,
                "ZoneId": zone,
                "RegionEndpoint": "rds.aliyuncs.com",
            })
        })
        .collect();
    Ok(json!({ "Regions": { "RDSRegion": regions } }))
}

/// Runs an action by name; `None` when the emulator does not know it.
pub fn dispatch(state: &State, action: &str, args: &Args) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "CreateBackup" => create_backup(state, args),
        "DescribeBackupTasks" => describe_backup_tasks(state, args),
        "DescribeBackups" => describe_backups(state, args),
        "DescribeDBInstances" => describe_db_instances(state, args),
        "DescribeDBInstanceAttribute" => describe_db_instance_attribute(state, args),
        "DescribeDatabases" => describe_databases(state, args),
        "ListTagResources" => list_tag_resources(state, args),
        "DescribeRegions" => describe_regions(state),
        _ => return None,
    })
}
