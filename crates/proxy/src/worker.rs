//! The server follows what was sent, whether or not a browser is open: a background task
//! that takes work from the store under a lease (one replica per row at a time) and
//!
//! - turns a `sending` row whose sender stopped (a crash) into `unknown`;
//! - reconciles an `unknown` outcome with DescribeBackupTasks and DescribeBackups: a
//!   manual job (or backup set) of the instance that no other submission has (nor made:
//!   the sets of other submissions' jobs are asked for) is attributed to it; if none
//!   appears within the reconcile window, it is `not-started`;
//! - follows a sent job with DescribeBackupTasks to `Finished` (its BackupId) or `Failed`
//!   (the service's reason).
//!
//! Nothing here sends a CreateBackup: a backup is never sent twice because of us.

use crate::App;
use crate::error::ProxyError;
use crate::lookup::list;
use rds_backup_core::{Region, UtcTime};
use rds_backup_store::{JobUpdate, JobWrite, State, Submission};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How the worker paces itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// How often the store is asked for work when nothing wakes the worker.
    pub poll: Duration,
    /// How long a row is the worker's once taken.
    pub lease: Duration,
    /// How long an unknown outcome is checked before it is `not-started`.
    pub reconcile_window: Duration,
    /// How often a running job is looked at.
    pub job_poll: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            poll: Duration::from_secs(1),
            lease: Duration::from_secs(30),
            reconcile_window: Duration::from_secs(60),
            job_poll: Duration::from_secs(2),
        }
    }
}

/// Wakes the worker when a handler has something for it.
#[derive(Default)]
pub struct Wake(Notify);

impl Wake {
    /// There is work (a job sent, an outcome unknown).
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

/// Rows taken at once.
const BATCH: i64 = 64;

/// Runs until `stop` says so.
pub async fn run(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        let pace = app.pace;
        let work = match crate::telemetry::timed(
            "claim_work",
            app.store
                .claim_work(&app.owner, now_ms(), pace.lease, BATCH),
        )
        .await
        {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!("worker: the store is unavailable: {e}");
                Vec::new()
            }
        };
        let full = work.len() as i64 == BATCH;
        let mut tasks = tokio::task::JoinSet::new();
        for row in work {
            let app = app.clone();
            // The submission's id is the request's: the worker's calls log under it.
            let id = row.id.clone();
            tasks.spawn(crate::error::REQUEST_ID.scope(id.clone(), async move {
                if let Err(e) = process(&app, row).await {
                    tracing::warn!(submission = %id, "worker: {e}");
                }
            }));
        }
        while tasks.join_next().await.is_some() {}
        if full {
            continue;
        }
        tokio::select! {
            () = app.wake.0.notified() => {}
            () = tokio::time::sleep(pace.poll) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// Does the next step for one row.
async fn process(app: &App, row: Submission) -> Result<(), ProxyError> {
    let store_err = |e: rds_backup_store::StoreError| ProxyError::StoreUnavailable(e.to_string());
    match row.state {
        State::Sending => {
            // The sender's lease ran out without an outcome: it stopped mid-call.
            app.store
                .mark_unknown(
                    &row.id,
                    &app.owner,
                    "the proxy stopped before the answer arrived",
                    now_ms(),
                )
                .await
                .map_err(store_err)?;
            reconcile(app, &row).await
        }
        State::Unknown => reconcile(app, &row).await,
        State::Sent => follow(app, &row).await,
        State::Refused | State::NotStarted => Ok(()),
    }
}

/// The fields of a DescribeBackupTasks item, as the store keeps them.
fn job_of(item: &Value) -> JobUpdate {
    let job = rds_backup_core::listing::Job::from_task(item);
    JobUpdate {
        status: job.status,
        progress: job.progress.map(i64::from),
        backup_id: job.backup_id,
        reason: job.reason,
    }
}

async fn reconcile(app: &App, row: &Submission) -> Result<(), ProxyError> {
    let store_err = |e: rds_backup_store::StoreError| ProxyError::StoreUnavailable(e.to_string());
    let now = now_ms();
    let retry = now + ms(app.pace.poll);
    let region = Region::new(&row.region).map_err(|e| ProxyError::UpstreamShape {
        action: "reconcile".into(),
        what: e.to_string(),
    })?;
    // A job that shows now may be another submission's, still on its way: wait for it.
    if app
        .store
        .sending_on(&row.instance, &row.id)
        .await
        .map_err(store_err)?
        > 0
    {
        return app
            .store
            .postpone(&row.id, &app.owner, retry)
            .await
            .map_err(store_err);
    }
    let claimed = app.store.claimed(&row.instance).await.map_err(store_err)?;
    let jobs = &claimed.jobs;
    let id_param = ("DBInstanceId".to_owned(), row.instance.clone());
    let tasks = app
        .upstream
        .call(
            &region,
            "DescribeBackupTasks",
            vec![id_param.clone(), ("BackupMode".into(), "Manual".into())],
        )
        .await?
        .json();
    let running = list(&tasks, "DescribeBackupTasks", "Items", "BackupJob")?
        .iter()
        .filter(|j| j["JobMode"].as_str().is_none_or(|m| m == "Manual"))
        .find(|j| {
            j["BackupJobId"]
                .as_str()
                .is_some_and(|id| !jobs.iter().any(|c| c == id))
        });
    if let Some(job) = running {
        let job_id = job["BackupJobId"].as_str().unwrap_or_default();
        if app
            .store
            .attribute(&row.id, &app.owner, Some(job_id), &job_of(job), now)
            .await
            .map_err(store_err)?
        {
            tracing::info!(submission = %row.id, job = job_id, "reconciled: the backup started");
            app.wake.now();
            return Ok(());
        }
    }
    // Or it ran already: a manual backup set that started since the submission, and
    // that no other submission's job made. A set does not name its job, so the jobs of
    // others whose set the record does not know yet are asked for theirs.
    let mut sets = claimed.sets.clone();
    for job_id in &claimed.sets_unknown {
        match set_of(app, &region, &row.instance, job_id).await? {
            JobSet::Made(set) => sets.push(set),
            JobSet::NotYet => {}
            JobSet::Untold => {
                // Whose a new set is cannot be told yet: the outcome stays unknown.
                return app
                    .store
                    .postpone(&row.id, &app.owner, retry)
                    .await
                    .map_err(store_err);
            }
        }
    }
    let minute = UtcTime::from_unix((row.created_ms / 1000 - 60).max(0)).to_string();
    let start = format!("{}Z", &minute[..minute.len().saturating_sub(4)]);
    let backups = app
        .upstream
        .call(
            &region,
            "DescribeBackups",
            vec![
                id_param,
                ("BackupMode".into(), "Manual".into()),
                ("StartTime".into(), start),
            ],
        )
        .await?
        .json();
    let since = row.created_ms / 1000 - 60;
    let done = list(&backups, "DescribeBackups", "Items", "Backup")?
        .iter()
        .filter(|b| {
            b["BackupStartTime"]
                .as_str()
                .and_then(UtcTime::parse)
                .is_some_and(|t| t.unix() >= since)
        })
        .find(|b| {
            b["BackupId"]
                .as_str()
                .is_some_and(|id| !sets.iter().any(|c| c == id))
        });
    if let Some(set) = done {
        let finished = JobUpdate {
            status: "Finished".into(),
            progress: Some(100),
            backup_id: set["BackupId"].as_str().map(str::to_owned),
            reason: None,
        };
        if app
            .store
            .attribute(&row.id, &app.owner, None, &finished, now)
            .await
            .map_err(store_err)?
        {
            tracing::info!(submission = %row.id, "reconciled: the backup ran");
            return Ok(());
        }
    }
    if now - row.created_ms > ms(app.pace.reconcile_window) {
        let message = format!(
            "no backup job appeared within {} s: the backup did not start, it can be sent again",
            app.pace.reconcile_window.as_secs()
        );
        app.store
            .not_started(&row.id, &app.owner, &message, now)
            .await
            .map_err(store_err)?;
        tracing::info!(submission = %row.id, "reconciled: not started");
        return Ok(());
    }
    app.store
        .postpone(&row.id, &app.owner, retry)
        .await
        .map_err(store_err)
}

/// What the service says of a job's backup set.
enum JobSet {
    /// The job finished and made this set.
    Made(String),
    /// The job has made no set (still running, or failed).
    NotYet,
    /// The service does not report the job, or not the set it made.
    Untold,
}

async fn set_of(
    app: &App,
    region: &Region,
    instance: &str,
    job_id: &str,
) -> Result<JobSet, ProxyError> {
    let answer = describe_job(app, region, instance, job_id).await?.json();
    Ok(match first_job(&answer)? {
        Some(job) => match (job.backup_id, job.status.as_str()) {
            (Some(set), _) => JobSet::Made(set),
            // Finished, but the set it made is not said.
            (None, "Finished") => JobSet::Untold,
            (None, _) => JobSet::NotYet,
        },
        None => JobSet::Untold,
    })
}

/// DescribeBackupTasks for one job of an instance.
async fn describe_job(
    app: &App,
    region: &Region,
    instance: &str,
    job_id: &str,
) -> Result<crate::upstream::Reply, ProxyError> {
    app.upstream
        .call(
            region,
            "DescribeBackupTasks",
            vec![
                ("DBInstanceId".into(), instance.to_owned()),
                ("BackupJobId".into(), job_id.to_owned()),
            ],
        )
        .await
}

/// The job a DescribeBackupTasks answer reports first, if any.
fn first_job(answer: &Value) -> Result<Option<JobUpdate>, ProxyError> {
    Ok(list(answer, "DescribeBackupTasks", "Items", "BackupJob")?
        .first()
        .map(job_of))
}

async fn follow(app: &App, row: &Submission) -> Result<(), ProxyError> {
    let store_err = |e: rds_backup_store::StoreError| ProxyError::StoreUnavailable(e.to_string());
    let now = now_ms();
    let next = now + ms(app.pace.job_poll);
    let Some(job_id) = row.backup_job_id.as_deref() else {
        return Ok(());
    };
    let region = Region::new(&row.region).map_err(|e| ProxyError::UpstreamShape {
        action: "follow".into(),
        what: e.to_string(),
    })?;
    let answer = describe_job(app, &region, &row.instance, job_id).await;
    let body = match answer {
        Ok(r) => r.json(),
        // The service answers, but does not know the instance (any more).
        Err(ProxyError::Upstream { status, .. }) if (400..500).contains(&status) => {
            return not_reported(app, row, now).await;
        }
        Err(e) => {
            app.store
                .postpone(&row.id, &app.owner, next)
                .await
                .map_err(store_err)?;
            return Err(e);
        }
    };
    match first_job(&body)? {
        Some(job) => {
            let wrote = app
                .store
                .update_job(&row.id, &app.owner, &job, now, next)
                .await
                .map_err(store_err)?;
            if let JobWrite::SetTaken { backup_id, by } = wrote {
                crate::telemetry::set_conflict();
                tracing::warn!(
                    submission = %row.id,
                    job = job_id,
                    backup_set = %backup_id,
                    holder = by.as_deref().unwrap_or("?"),
                    "worker: the job names a backup set the record holds for another submission; recorded without it"
                );
            }
            Ok(())
        }
        None => not_reported(app, row, now).await,
    }
}

/// How long a job may go unreported by the service before the proxy stops following it.
const LOST_AFTER_MS: i64 = 10 * 60 * 1000;

/// The service does not report the job: looked at again less often, and after
/// [`LOST_AFTER_MS`] without news recorded as `Lost`.
async fn not_reported(app: &App, row: &Submission, now: i64) -> Result<(), ProxyError> {
    let store_err = |e: rds_backup_store::StoreError| ProxyError::StoreUnavailable(e.to_string());
    if now - row.updated_ms > LOST_AFTER_MS {
        let lost = JobUpdate {
            status: "Lost".into(),
            progress: row.job_progress,
            backup_id: None,
            reason: Some(format!(
                "the service has not reported job {} for {} minutes",
                row.backup_job_id.as_deref().unwrap_or("?"),
                LOST_AFTER_MS / 60_000
            )),
        };
        app.store
            .update_job(&row.id, &app.owner, &lost, now, now)
            .await
            .map_err(store_err)?;
        return Ok(());
    }
    app.store
        .postpone(&row.id, &app.owner, now + 10_000)
        .await
        .map_err(store_err)
}
