//! The durable record of every backup the proxy sends: a submission row is committed
//! before the CreateBackup call leaves (state `sending`), its outcome updates it (`sent`
//! with the job, `refused` with the service's code, `unknown`), and the job is followed to
//! its end. SQLite is the embedded default; PostgreSQL lets several proxy replicas share
//! one record. One interface over both (sqlx's `Any` driver, portable SQL), the schema
//! migrated at open.
//!
//! Work on a row (reconciling an unknown outcome, following a job) is done under a lease
//! held in the row: one replica at a time, taken over when the holder stops renewing it.
#![forbid(unsafe_code)]

use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::time::Duration;

/// The embedded migrations (`migrations/`), run at open.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached, read or written.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The URL names no database this store speaks.
    #[error(
        "'{0}' is not a database URL this proxy speaks (sqlite://PATH, postgres://..., or memory)"
    )]
    BadUrl(String),
    /// The schema could not be brought up to date.
    #[error("the store's schema could not be migrated: {0}")]
    Migration(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// An SQLite file (or memory).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Where a submission stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Committed; the call is on its way (or a crash left it here: it gets reconciled).
    Sending,
    /// The service created a job (or reconciliation found it).
    Sent,
    /// The service refused it (its code is kept); nothing was created.
    Refused,
    /// The call may or may not have been executed: being reconciled.
    Unknown,
    /// Nothing was created: the call never left, or no job appeared in the bounded wait.
    NotStarted,
}

impl State {
    /// The spelling in the store and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Sending => "sending",
            State::Sent => "sent",
            State::Refused => "refused",
            State::Unknown => "unknown",
            State::NotStarted => "not-started",
        }
    }

    /// Reads the spelling.
    pub fn parse(s: &str) -> Option<State> {
        [
            State::Sending,
            State::Sent,
            State::Refused,
            State::Unknown,
            State::NotStarted,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// Job statuses after which nothing changes (`Lost`: the service stopped reporting the
/// job; the proxy gave up following it).
pub const FINAL_JOB_STATUSES: [&str; 3] = ["Finished", "Failed", "Lost"];

/// A submission and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    /// Its id (the proxy's request id of the POST).
    pub id: String,
    /// When it was committed (ms since the epoch).
    pub created_ms: i64,
    /// When it last changed.
    pub updated_ms: i64,
    /// Who asked.
    pub caller: String,
    /// The instance's region.
    pub region: String,
    /// The instance.
    pub instance: String,
    /// The CreateBackup parameters sent, as JSON text.
    pub params: String,
    /// Where it stands.
    pub state: State,
    /// The service's (or the proxy's) code, when not a plain success.
    pub code: Option<String>,
    /// Its message.
    pub message: Option<String>,
    /// The service's RequestId of the CreateBackup answer.
    pub upstream_request_id: Option<String>,
    /// The job the service created.
    pub backup_job_id: Option<String>,
    /// The job's `BackupStatus` as last seen.
    pub job_status: Option<String>,
    /// Its `Process` (percent).
    pub job_progress: Option<i64>,
    /// The backup set, once finished.
    pub backup_id: Option<String>,
    /// Why the job failed, as the service says.
    pub job_reason: Option<String>,
    /// When the job was seen to end.
    pub finished_ms: Option<i64>,
}

impl Submission {
    /// Whether anything may still change.
    pub fn is_final(&self) -> bool {
        match self.state {
            State::Refused | State::NotStarted => true,
            State::Sending | State::Unknown => false,
            State::Sent => self
                .job_status
                .as_deref()
                .is_some_and(|s| FINAL_JOB_STATUSES.contains(&s)),
        }
    }
}

/// What is committed before a call leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSubmission {
    /// Its id.
    pub id: String,
    /// Now.
    pub created_ms: i64,
    /// Who asks.
    pub caller: String,
    /// The region.
    pub region: String,
    /// The instance.
    pub instance: String,
    /// The parameters, as JSON text.
    pub params: String,
}

/// What the CreateBackup call gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A job was created.
    Sent {
        /// `BackupJobId`.
        job_id: String,
        /// The service's `RequestId`.
        request_id: Option<String>,
    },
    /// The service refused; nothing was created.
    Refused {
        /// Its code.
        code: String,
        /// Its message.
        message: String,
        /// Its `RequestId`.
        request_id: Option<String>,
    },
    /// The call may have been executed (a timeout or a reset after it was written, an
    /// answer that is not JSON).
    Unknown {
        /// The proxy's code for why (`Proxy.OutcomeUnknown`).
        code: String,
        /// What happened.
        message: String,
    },
    /// Nothing was created (the call never left, or reconciliation found no job).
    NotStarted {
        /// Why.
        code: String,
        /// What happened.
        message: String,
    },
}

/// A job as last seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobUpdate {
    /// `BackupStatus`.
    pub status: String,
    /// `Process`.
    pub progress: Option<i64>,
    /// `BackupId`, once finished.
    pub backup_id: Option<String>,
    /// Why it failed.
    pub reason: Option<String>,
}

/// What [`Store::update_job`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobWrite {
    /// The job's state is recorded.
    Written,
    /// Nothing was written: the row is not this owner's any more, or no longer sent.
    NotHeld,
    /// The job named a backup set the record holds for another submission (`by`): the
    /// job's state is recorded without the set, and its reason says whose the set is.
    SetTaken {
        /// The set the service named.
        backup_id: String,
        /// The submission that holds it.
        by: Option<String>,
    },
}

/// Filters of the history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// One instance.
    pub instance: Option<String>,
    /// One caller.
    pub caller: Option<String>,
    /// One state.
    pub state: Option<State>,
    /// Created at or after (ms).
    pub since_ms: Option<i64>,
    /// Older than this row (`created_ms`, `id`): the next page after it.
    pub before: Option<(i64, String)>,
}

/// The store.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

const COLUMNS: &str = "id, created_ms, updated_ms, caller, region, instance, params, state, code, message, \
     upstream_request_id, backup_job_id, job_status, job_progress, backup_id, job_reason, finished_ms";

/// A submission not yet ended: its call on its way, its outcome unknown, or its job running.
const OPEN: &str = "(state = 'unknown' OR state = 'sending' \
     OR (state = 'sent' AND (job_status IS NULL OR job_status NOT IN ('Finished', 'Failed', 'Lost'))))";

fn row(r: &AnyRow) -> Result<Submission, StoreError> {
    let state: String = r.try_get("state")?;
    Ok(Submission {
        id: r.try_get("id")?,
        created_ms: r.try_get("created_ms")?,
        updated_ms: r.try_get("updated_ms")?,
        caller: r.try_get("caller")?,
        region: r.try_get("region")?,
        instance: r.try_get("instance")?,
        params: r.try_get("params")?,
        state: State::parse(&state)
            .ok_or_else(|| StoreError::Unavailable(format!("a row has the state '{state}'")))?,
        code: r.try_get("code")?,
        message: r.try_get("message")?,
        upstream_request_id: r.try_get("upstream_request_id")?,
        backup_job_id: r.try_get("backup_job_id")?,
        job_status: r.try_get("job_status")?,
        job_progress: r.try_get("job_progress")?,
        backup_id: r.try_get("backup_id")?,
        job_reason: r.try_get("job_reason")?,
        finished_ms: r.try_get("finished_ms")?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Binds a job's status, progress, backup set, reason and end time (`now_ms` when the
/// status is final), in that order.
fn bind_job<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    job: &JobUpdate,
    now_ms: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let finished = FINAL_JOB_STATUSES
        .contains(&job.status.as_str())
        .then_some(now_ms);
    q.bind(job.status.clone())
        .bind(job.progress)
        .bind(job.backup_id.clone())
        .bind(job.reason.clone())
        .bind(finished)
}

impl Store {
    /// Runs a statement that writes one row: whether it did.
    async fn execute_one(
        &self,
        q: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<bool, sqlx::Error> {
        Ok(q.execute(&self.pool).await?.rows_affected() == 1)
    }

    /// As [`Store::execute_one`], and not written when another row already has the job or
    /// the backup set it names (a unique violation).
    async fn write_one(
        &self,
        q: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<bool, StoreError> {
        match self.execute_one(q).await {
            Err(e) if is_unique_violation(&e) => Ok(false),
            r => Ok(r?),
        }
    }

    /// Opens (creating it if needed) and migrates the store at `url`:
    /// `sqlite://PATH` (a file, WAL mode), `memory` (a private SQLite in memory), or
    /// `postgres://USER@HOST:PORT/DB`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend, max) = if url == "memory" || url == "sqlite::memory:" {
            // One connection: each SQLite memory connection is a database of its own.
            ("sqlite::memory:".to_owned(), Backend::Sqlite, 1)
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = if path.contains("mode=") {
                url.to_owned()
            } else {
                format!("{url}{sep}mode=rwc")
            };
            (url, Backend::Sqlite, 4)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (url.to_owned(), Backend::Postgres, 16)
        } else {
            return Err(StoreError::BadUrl(url.chars().take(40).collect()));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .min_connections(if url.contains(":memory:") { 1 } else { 0 })
            .idle_timeout(if url.contains(":memory:") {
                None
            } else {
                Some(Duration::from_secs(60))
            })
            .max_lifetime(None::<Duration>)
            .acquire_timeout(Duration::from_secs(3))
            .connect(&url)
            .await?;
        if backend == Backend::Sqlite {
            // Kept by the file: readers never wait for the writer, a crash loses nothing
            // committed.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await?;
        }
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Store { pool, backend })
    }

    /// SQLite or PostgreSQL.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Commits a new submission in state `sending`, leased to `owner` until
    /// `lease_until_ms` (the sender's time to get an answer).
    pub async fn insert_sending(
        &self,
        s: &NewSubmission,
        owner: &str,
        lease_until_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO submissions (id, created_ms, updated_ms, caller, region, instance, params, state, next_check_ms, lease_owner, lease_until_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'sending', $8, $9, $10)",
        )
        .bind(&s.id)
        .bind(s.created_ms)
        .bind(s.created_ms)
        .bind(&s.caller)
        .bind(&s.region)
        .bind(&s.instance)
        .bind(&s.params)
        .bind(lease_until_ms)
        .bind(owner)
        .bind(lease_until_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records what the call gave and releases the row: a sent job is followed next, an
    /// unknown outcome reconciled next. False if the row was taken over meanwhile (its
    /// lease expired and another replica reconciled it) or the job is claimed elsewhere.
    pub async fn record_outcome(
        &self,
        id: &str,
        owner: &str,
        outcome: &Outcome,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let (state, code, message, request_id, job_id) = match outcome {
            Outcome::Sent { job_id, request_id } => (
                State::Sent,
                None,
                None,
                request_id.clone(),
                Some(job_id.clone()),
            ),
            Outcome::Refused {
                code,
                message,
                request_id,
            } => (
                State::Refused,
                Some(code.clone()),
                Some(message.clone()),
                request_id.clone(),
                None,
            ),
            Outcome::Unknown { code, message } => (
                State::Unknown,
                Some(code.clone()),
                Some(message.clone()),
                None,
                None,
            ),
            Outcome::NotStarted { code, message } => (
                State::NotStarted,
                Some(code.clone()),
                Some(message.clone()),
                None,
                None,
            ),
        };
        let q = sqlx::query(
            "UPDATE submissions SET state = $1, code = $2, message = $3, upstream_request_id = $4, backup_job_id = $5, \
             job_status = $6, updated_ms = $7, next_check_ms = $8, lease_owner = NULL, lease_until_ms = NULL \
             WHERE id = $9 AND state = 'sending' AND lease_owner = $10",
        )
        .bind(state.as_str())
        .bind(code)
        .bind(message)
        .bind(request_id)
        .bind(job_id.clone())
        .bind(job_id.as_ref().map(|_| "NoStart".to_owned()))
        .bind(now_ms)
        .bind(now_ms)
        .bind(id)
        .bind(owner);
        self.write_one(q).await
    }

    /// Takes up to `limit` rows that need work and whose lease is free (or expired, or
    /// already `owner`'s), leasing them to `owner` until `now + lease`: unknown outcomes,
    /// jobs not yet ended, and `sending` rows whose sender stopped (a crash).
    pub async fn claim_work(
        &self,
        owner: &str,
        now_ms: i64,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Submission>, StoreError> {
        // Only constants are formatted into these statements; every value is bound.
        let candidates = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM submissions \
             WHERE {OPEN} \
               AND next_check_ms <= $1 AND (lease_until_ms IS NULL OR lease_until_ms < $2 OR lease_owner = $3) \
             ORDER BY next_check_ms LIMIT $4"
        )))
        .bind(now_ms)
        .bind(now_ms)
        .bind(owner)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let until = now_ms + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 4);
        let mut claimed = Vec::new();
        for r in &candidates {
            let s = row(r)?;
            let taken = sqlx::query(
                "UPDATE submissions SET lease_owner = $1, lease_until_ms = $2 \
                 WHERE id = $3 AND (lease_until_ms IS NULL OR lease_until_ms < $4 OR lease_owner = $5)",
            )
            .bind(owner)
            .bind(until)
            .bind(&s.id)
            .bind(now_ms)
            .bind(owner)
            .execute(&self.pool)
            .await?;
            if taken.rows_affected() == 1 {
                claimed.push(s);
            }
        }
        Ok(claimed)
    }

    /// A crash left this row in `sending`: its outcome is unknown from now on.
    pub async fn mark_unknown(
        &self,
        id: &str,
        owner: &str,
        message: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE submissions SET state = 'unknown', code = 'Proxy.OutcomeUnknown', message = $1, updated_ms = $2 \
             WHERE id = $3 AND state = 'sending' AND lease_owner = $4",
        )
        .bind(message)
        .bind(now_ms)
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Reconciled: the job (or the finished backup set) found for an unknown submission.
    /// False if another row already has it.
    pub async fn attribute(
        &self,
        id: &str,
        owner: &str,
        job_id: Option<&str>,
        job: &JobUpdate,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let q = sqlx::query(
            "UPDATE submissions SET state = 'sent', code = NULL, \
             message = 'the answer was lost; the backup was found by reconciliation', \
             backup_job_id = $1, job_status = $2, job_progress = $3, backup_id = $4, \
             job_reason = $5, finished_ms = $6, updated_ms = $7, next_check_ms = $8 \
             WHERE id = $9 AND state = 'unknown' AND lease_owner = $10",
        )
        .bind(job_id.map(str::to_owned));
        let q = bind_job(q, job, now_ms).bind(now_ms).bind(now_ms);
        self.write_one(q.bind(id).bind(owner)).await
    }

    /// Reconciled: no job appeared in the bounded wait; nothing was created.
    pub async fn not_started(
        &self,
        id: &str,
        owner: &str,
        message: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE submissions SET state = 'not-started', message = $1, updated_ms = $2, lease_owner = NULL, lease_until_ms = NULL \
             WHERE id = $3 AND state = 'unknown' AND lease_owner = $4",
        )
        .bind(message)
        .bind(now_ms)
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// The job as seen now; the row is looked at again at `next_check_ms`. A backup set
    /// is one submission's: a job naming a set the record holds for another submission is
    /// recorded without it, its reason saying whose it is ([`JobWrite::SetTaken`]).
    pub async fn update_job(
        &self,
        id: &str,
        owner: &str,
        job: &JobUpdate,
        now_ms: i64,
        next_check_ms: i64,
    ) -> Result<JobWrite, StoreError> {
        let write = async |job: &JobUpdate| {
            let q = sqlx::query(
                "UPDATE submissions SET job_status = $1, job_progress = $2, backup_id = $3, job_reason = $4, \
                 finished_ms = $5, updated_ms = $6, next_check_ms = $7 \
                 WHERE id = $8 AND state = 'sent' AND lease_owner = $9",
            );
            let q = bind_job(q, job, now_ms).bind(now_ms).bind(next_check_ms);
            self.execute_one(q.bind(id).bind(owner)).await
        };
        match write(job).await {
            Ok(true) => Ok(JobWrite::Written),
            Ok(false) => Ok(JobWrite::NotHeld),
            Err(e) if is_unique_violation(&e) => {
                let backup_id = job.backup_id.clone().unwrap_or_default();
                let by: Option<String> =
                    sqlx::query_scalar("SELECT id FROM submissions WHERE backup_id = $1")
                        .bind(&backup_id)
                        .fetch_optional(&self.pool)
                        .await?;
                let without = JobUpdate {
                    backup_id: None,
                    reason: Some(format!(
                        "the service names backup set {backup_id} for this job, but the record \
                         holds it for submission {}",
                        by.as_deref().unwrap_or("(another)")
                    )),
                    ..job.clone()
                };
                Ok(if write(&without).await? {
                    JobWrite::SetTaken { backup_id, by }
                } else {
                    JobWrite::NotHeld
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Nothing to do on this row before `next_check_ms`.
    pub async fn postpone(
        &self,
        id: &str,
        owner: &str,
        next_check_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE submissions SET next_check_ms = $1 WHERE id = $2 AND lease_owner = $3")
            .bind(next_check_ms)
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The jobs and backup sets of an instance already attributed to a submission.
    pub async fn claimed(&self, instance: &str) -> Result<Claimed, StoreError> {
        let rows = sqlx::query(
            "SELECT backup_job_id, backup_id, job_status FROM submissions \
             WHERE instance = $1 AND (backup_job_id IS NOT NULL OR backup_id IS NOT NULL)",
        )
        .bind(instance)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Claimed::default();
        for r in &rows {
            let job = r.try_get::<Option<String>, _>("backup_job_id")?;
            let set = r.try_get::<Option<String>, _>("backup_id")?;
            let status = r.try_get::<Option<String>, _>("job_status")?;
            if let Some(j) = job {
                // A job that may have made a set this record does not know yet.
                if set.is_none() && !matches!(status.as_deref(), Some("Failed" | "Lost")) {
                    claimed.sets_unknown.push(j.clone());
                }
                claimed.jobs.push(j);
            }
            if let Some(b) = set {
                claimed.sets.push(b);
            }
        }
        Ok(claimed)
    }

    /// The newest submission of an instance not yet ended: what this proxy has going on it.
    pub async fn open_on(&self, instance: &str) -> Result<Option<String>, StoreError> {
        // Only constants are formatted into this statement; the instance is bound.
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT id FROM submissions WHERE instance = $1 AND {OPEN} \
             ORDER BY created_ms DESC LIMIT 1"
        )))
        .bind(instance)
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.map(|r| r.try_get::<String, _>("id")).transpose()?)
    }

    /// Other submissions of the instance still on their way (a job that appears now may be theirs).
    pub async fn sending_on(&self, instance: &str, except: &str) -> Result<i64, StoreError> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM submissions WHERE instance = $1 AND state = 'sending' AND id <> $2",
        )
        .bind(instance)
        .bind(except)
        .fetch_one(&self.pool)
        .await?;
        Ok(r.try_get("n")?)
    }

    /// One submission.
    pub async fn get(&self, id: &str) -> Result<Option<Submission>, StoreError> {
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM submissions WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(row).transpose()
    }

    /// Submissions, newest first, matching `filter`, at most `limit`.
    pub async fn history(
        &self,
        filter: &HistoryFilter,
        limit: i64,
    ) -> Result<Vec<Submission>, StoreError> {
        // The conditions are built from the filters given (constants only), their values
        // bound in the order their placeholders appear.
        let mut conditions = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.instance.is_some() {
            conditions.push(format!("instance = {}", next()));
        }
        if filter.caller.is_some() {
            conditions.push(format!("caller = {}", next()));
        }
        if filter.state.is_some() {
            conditions.push(format!("state = {}", next()));
        }
        if filter.since_ms.is_some() {
            conditions.push(format!("created_ms >= {}", next()));
        }
        if filter.before.is_some() {
            let (a, b, c) = (next(), next(), next());
            conditions.push(format!(
                "(created_ms < {a} OR (created_ms = {b} AND id < {c}))"
            ));
        }
        let limit_param = next();
        let sql = format!(
            "SELECT {COLUMNS} FROM submissions {} ORDER BY created_ms DESC, id DESC LIMIT {limit_param}",
            if conditions.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", conditions.join(" AND "))
            }
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        if let Some(v) = &filter.instance {
            q = q.bind(v.clone());
        }
        if let Some(v) = &filter.caller {
            q = q.bind(v.clone());
        }
        if let Some(v) = filter.state {
            q = q.bind(v.as_str());
        }
        if let Some(v) = filter.since_ms {
            q = q.bind(v);
        }
        if let Some((t, id)) = &filter.before {
            q = q.bind(*t).bind(*t).bind(id.clone());
        }
        let rows = q.bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(row).collect()
    }

    /// Proves the store takes writes now (for readiness): a real write, the process's
    /// row in `probes`; rows of processes gone for a day are dropped.
    pub async fn check_writable(&self, owner: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO probes (owner, at_ms) VALUES ($1, $2) \
             ON CONFLICT (owner) DO UPDATE SET at_ms = excluded.at_ms",
        )
        .bind(owner)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM probes WHERE at_ms < $1")
            .bind(now_ms - 86_400_000)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Submissions whose outcome or job has not ended (`sending`, `unknown`, running jobs).
    pub async fn count_open(&self) -> Result<i64, StoreError> {
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM submissions WHERE {OPEN}"
        )))
        .fetch_one(&self.pool)
        .await?;
        Ok(r.try_get("n")?)
    }

    /// Every submission (tests and tools; newest first).
    pub async fn all(&self) -> Result<Vec<Submission>, StoreError> {
        self.history(&HistoryFilter::default(), i64::MAX).await
    }

    /// Commits a plan and all its items at once: a plan is never half stored.
    pub async fn insert_plan(&self, plan: &NewPlan) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO plans (id, created_ms, caller, spec, state) VALUES ($1, $2, $3, $4, 'planned')",
        )
        .bind(&plan.id)
        .bind(plan.created_ms)
        .bind(&plan.caller)
        .bind(&plan.spec)
        .execute(&mut *tx)
        .await?;
        // Many rows per statement: a thousand items are ten round trips, not a thousand.
        for (chunk_no, chunk) in plan.items.chunks(PLAN_ROWS_PER_INSERT).enumerate() {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let b = i * 6;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO plan_items (plan_id, position, instance, region, item, state) VALUES {}",
                values.join(", ")
            );
            // Only numbered placeholders are formatted in; every value is bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, item) in chunk.iter().enumerate() {
                let position =
                    i64::try_from(chunk_no * PLAN_ROWS_PER_INSERT + i).unwrap_or(i64::MAX);
                q = q
                    .bind(&plan.id)
                    .bind(position)
                    .bind(&item.instance)
                    .bind(&item.region)
                    .bind(&item.item)
                    .bind(if item.runnable { "planned" } else { "refused" });
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A plan and its items in their order, if there is one with this id.
    pub async fn plan(&self, id: &str) -> Result<Option<StoredPlan>, StoreError> {
        let Some(r) =
            sqlx::query("SELECT id, created_ms, caller, spec, state FROM plans WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT position, instance, region, item, state, submission_id FROM plan_items \
             WHERE plan_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(StoredPlanItem {
                    position: r.try_get("position")?,
                    instance: r.try_get("instance")?,
                    region: r.try_get("region")?,
                    item: r.try_get("item")?,
                    state: r.try_get("state")?,
                    submission_id: r.try_get("submission_id")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(StoredPlan {
            id: r.try_get("id")?,
            created_ms: r.try_get("created_ms")?,
            caller: r.try_get("caller")?,
            spec: r.try_get("spec")?,
            state: r.try_get("state")?,
            items,
        }))
    }
}

impl Store {
    /// Starts a planned plan for its caller: `runner` (JSON) is who runs it, with its
    /// limits. False if there is no such planned plan of theirs.
    pub async fn start_plan(
        &self,
        id: &str,
        caller: &str,
        run: &PlanRun,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE plans SET state = 'running', runner = $1, concurrency = $2, region_concurrency = $3, rate_milli = $4 \
             WHERE id = $5 AND caller = $6 AND state = 'planned'",
        )
        .bind(&run.runner)
        .bind(run.concurrency)
        .bind(run.region_concurrency)
        .bind(run.rate_milli)
        .bind(id)
        .bind(caller)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Cancels what has not started: the plan ends `cancelled`, its planned items too
    /// (started ones go on to their end). False if it had ended already.
    pub async fn cancel_plan(&self, id: &str, caller: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE plans SET state = 'cancelled' WHERE id = $1 AND caller = $2 AND state IN ('planned', 'running')",
        )
        .bind(id)
        .bind(caller)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            sqlx::query("UPDATE plan_items SET state = 'cancelled' WHERE plan_id = $1 AND state = 'planned'")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes the running plans whose lease is free, expired or already `owner`'s.
    pub async fn claim_plans(
        &self,
        owner: &str,
        now_ms: i64,
        lease: Duration,
    ) -> Result<Vec<RunningPlan>, StoreError> {
        let until = now_ms + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 4);
        let rows = sqlx::query(
            "SELECT id, runner, concurrency, region_concurrency, rate_milli FROM plans \
             WHERE state = 'running' AND (lease_until_ms IS NULL OR lease_until_ms < $1 OR lease_owner = $2)",
        )
        .bind(now_ms)
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            let taken = sqlx::query(
                "UPDATE plans SET lease_owner = $1, lease_until_ms = $2 \
                 WHERE id = $3 AND state = 'running' AND (lease_until_ms IS NULL OR lease_until_ms < $4 OR lease_owner = $5)",
            )
            .bind(owner)
            .bind(until)
            .bind(&id)
            .bind(now_ms)
            .bind(owner)
            .execute(&self.pool)
            .await?;
            if taken.rows_affected() == 1 {
                out.push(RunningPlan {
                    id,
                    run: PlanRun {
                        runner: r
                            .try_get::<Option<String>, _>("runner")?
                            .unwrap_or_default(),
                        concurrency: r.try_get("concurrency")?,
                        region_concurrency: r.try_get("region_concurrency")?,
                        rate_milli: r.try_get("rate_milli")?,
                    },
                });
            }
        }
        Ok(out)
    }

    /// The plan's state, if there is such a plan.
    pub async fn plan_state(&self, id: &str) -> Result<Option<String>, StoreError> {
        let r = sqlx::query("SELECT state FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.map(|r| r.try_get("state"))
            .transpose()
            .map_err(StoreError::from)
    }

    /// Every item with what its submission says, in order.
    pub async fn plan_progress(&self, id: &str) -> Result<Vec<ItemProgress>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.position, i.instance, i.region, i.item, i.state, i.submission_id, i.attempt, i.next_try_ms, i.claimed_ms, \
                    s.state AS s_state, s.code AS s_code, s.message AS s_message, s.backup_job_id AS s_job, \
                    s.job_status AS s_job_status, s.backup_id AS s_backup_id, s.job_reason AS s_job_reason \
             FROM plan_items i LEFT JOIN submissions s ON s.id = i.submission_id \
             WHERE i.plan_id = $1 ORDER BY i.position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ItemProgress {
                    position: r.try_get("position")?,
                    instance: r.try_get("instance")?,
                    region: r.try_get("region")?,
                    item: r.try_get("item")?,
                    state: r.try_get("state")?,
                    submission_id: r.try_get("submission_id")?,
                    attempt: r.try_get("attempt")?,
                    next_try_ms: r.try_get("next_try_ms")?,
                    claimed_ms: r.try_get("claimed_ms")?,
                    submission_state: r.try_get("s_state")?,
                    code: r.try_get("s_code")?,
                    message: r.try_get("s_message")?,
                    backup_job_id: r.try_get("s_job")?,
                    job_status: r.try_get("s_job_status")?,
                    backup_id: r.try_get("s_backup_id")?,
                    job_reason: r.try_get("s_job_reason")?,
                })
            })
            .collect()
    }

    /// Marks a planned item started as `submission_id`; false if it was not planned any
    /// more (cancelled, or taken).
    pub async fn claim_item(
        &self,
        plan: &str,
        position: i64,
        submission_id: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE plan_items SET state = 'started', submission_id = $1, claimed_ms = $2 \
             WHERE plan_id = $3 AND position = $4 AND state = 'planned'",
        )
        .bind(submission_id)
        .bind(now_ms)
        .bind(plan)
        .bind(position)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a started item back to be tried again (its call was throttled, not
    /// executed) no earlier than `next_try_ms`, as its next attempt.
    pub async fn retry_item(
        &self,
        plan: &str,
        position: i64,
        next_try_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE plan_items SET state = 'planned', attempt = attempt + 1, next_try_ms = $1 \
             WHERE plan_id = $2 AND position = $3 AND state = 'started'",
        )
        .bind(next_try_ms)
        .bind(plan)
        .bind(position)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// An item the runner may not (or can no longer) send: `denied`, never sent.
    pub async fn deny_item(&self, plan: &str, position: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE plan_items SET state = 'denied' WHERE plan_id = $1 AND position = $2 AND state = 'started'",
        )
        .bind(plan)
        .bind(position)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a running plan (`finished`).
    pub async fn finish_plan(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE plans SET state = 'finished' WHERE id = $1 AND state = 'running'")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// How a plan runs: who runs it and its limits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanRun {
    /// The caller who runs it (JSON: user and groups).
    pub runner: String,
    /// Items in flight at once, overall.
    pub concurrency: i64,
    /// Items in flight at once, per region.
    pub region_concurrency: i64,
    /// CreateBackup calls per 1,000 seconds.
    pub rate_milli: i64,
}

/// What the record already gives to submissions on one instance: a job or backup set
/// in here is not free for another submission to take.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claimed {
    /// Jobs attributed to a submission.
    pub jobs: Vec<String>,
    /// Backup sets attributed to a submission.
    pub sets: Vec<String>,
    /// Those of `jobs` whose backup set is not recorded yet (running, or finished since
    /// last looked at): a set that appears may be theirs.
    pub sets_unknown: Vec<String>,
}

/// A running plan taken under lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningPlan {
    /// Its id.
    pub id: String,
    /// How it runs.
    pub run: PlanRun,
}

/// One item and what its submission says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemProgress {
    /// Its place.
    pub position: i64,
    /// The instance.
    pub instance: String,
    /// Its region.
    pub region: String,
    /// The item as judged (JSON).
    pub item: String,
    /// `planned`, `refused`, `started` or `cancelled`.
    pub state: String,
    /// Its current submission.
    pub submission_id: Option<String>,
    /// Attempts made before this one (throttled calls).
    pub attempt: i64,
    /// Not tried again before this time.
    pub next_try_ms: i64,
    /// When it was last started.
    pub claimed_ms: Option<i64>,
    /// The submission's state (`sending`, `sent`, `refused`, ...), once there is a row.
    pub submission_state: Option<String>,
    /// Its code.
    pub code: Option<String>,
    /// Its message.
    pub message: Option<String>,
    /// The job.
    pub backup_job_id: Option<String>,
    /// The job's status.
    pub job_status: Option<String>,
    /// The backup set.
    pub backup_id: Option<String>,
    /// Why the job failed.
    pub job_reason: Option<String>,
}

/// Rows per INSERT of plan items (six parameters each, far under every driver's limit).
const PLAN_ROWS_PER_INSERT: usize = 100;

/// A plan to commit: what was asked and every item as judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlan {
    /// Its id.
    pub id: String,
    /// When it was made.
    pub created_ms: i64,
    /// Who asked.
    pub caller: String,
    /// The selection and the goal, as JSON.
    pub spec: String,
    /// The items, in order.
    pub items: Vec<NewPlanItem>,
}

/// One instance of a plan to commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlanItem {
    /// The instance.
    pub instance: String,
    /// Its region.
    pub region: String,
    /// The item as judged (JSON: the request or the reasons).
    pub item: String,
    /// True when it can run (`planned`), false when refused.
    pub runnable: bool,
}

/// A stored plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPlan {
    /// Its id.
    pub id: String,
    /// When it was made.
    pub created_ms: i64,
    /// Who asked.
    pub caller: String,
    /// The selection and the goal, as JSON.
    pub spec: String,
    /// `planned`.
    pub state: String,
    /// The items, in order.
    pub items: Vec<StoredPlanItem>,
}

/// A stored item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPlanItem {
    /// Its place in the plan.
    pub position: i64,
    /// The instance.
    pub instance: String,
    /// Its region.
    pub region: String,
    /// The item as judged (JSON).
    pub item: String,
    /// `planned` or `refused`.
    pub state: String,
    /// The submission that started it, once started.
    pub submission_id: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn block<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn new(id: &str, at: i64, instance: &str) -> NewSubmission {
        NewSubmission {
            id: id.into(),
            created_ms: at,
            caller: "alice".into(),
            region: "cn-hangzhou".into(),
            instance: instance.into(),
            params: r#"{"DBInstanceId":"rm-a"}"#.into(),
        }
    }

    /// A job that finished with backup set `set`.
    fn finished(set: &str) -> JobUpdate {
        JobUpdate {
            status: "Finished".into(),
            progress: Some(100),
            backup_id: Some(set.into()),
            reason: None,
        }
    }

    #[test]
    fn a_submission_goes_from_sending_to_its_end_under_leases() {
        block(async {
            let s = Store::open("memory").await.unwrap();
            s.insert_sending(&new("a", 1000, "rm-a"), "p1", 6000)
                .await
                .unwrap();
            // The sender holds it: nobody else works on it before the lease ends.
            assert!(
                s.claim_work("p2", 2000, Duration::from_secs(5), 10)
                    .await
                    .unwrap()
                    .is_empty()
            );
            let sent = Outcome::Sent {
                job_id: "7".into(),
                request_id: Some("R1".into()),
            };
            assert!(!s.record_outcome("a", "p2", &sent, 2000).await.unwrap());
            assert!(s.record_outcome("a", "p1", &sent, 2000).await.unwrap());
            let got = s.get("a").await.unwrap().unwrap();
            assert_eq!(
                (got.state, got.backup_job_id.as_deref()),
                (State::Sent, Some("7"))
            );
            assert!(!got.is_final());
            // One follower at a time.
            let work = s
                .claim_work("p2", 3000, Duration::from_secs(5), 10)
                .await
                .unwrap();
            assert_eq!(work.len(), 1);
            assert!(
                s.claim_work("p3", 4000, Duration::from_secs(5), 10)
                    .await
                    .unwrap()
                    .is_empty()
            );
            let done = finished("b7");
            assert_eq!(
                s.update_job("a", "p3", &done, 4000, 5000).await.unwrap(),
                JobWrite::NotHeld
            );
            assert_eq!(
                s.update_job("a", "p2", &done, 4000, 5000).await.unwrap(),
                JobWrite::Written
            );
            let got = s.get("a").await.unwrap().unwrap();
            assert!(got.is_final() && got.finished_ms == Some(4000));
            // An expired lease is taken over; a finished job needs no work.
            assert!(
                s.claim_work("p3", 99_000, Duration::from_secs(5), 10)
                    .await
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn a_job_naming_a_set_another_submission_holds_ends_without_it_saying_whose_it_is() {
        block(async {
            let s = Store::open("memory").await.unwrap();
            for (id, job) in [("a", "7"), ("b", "8")] {
                s.insert_sending(&new(id, 1000, "rm-a"), "p1", 6000)
                    .await
                    .unwrap();
                let sent = Outcome::Sent {
                    job_id: job.into(),
                    request_id: None,
                };
                assert!(s.record_outcome(id, "p1", &sent, 2000).await.unwrap());
            }
            let work = s
                .claim_work("p2", 3000, Duration::from_secs(5), 10)
                .await
                .unwrap();
            assert_eq!(work.len(), 2);
            let taken = JobWrite::SetTaken {
                backup_id: "s1".into(),
                by: Some("b".into()),
            };
            // b's job names s1 first; a's then finds it b's; p3 holds no lease: nothing.
            for (id, owner, wrote) in [
                ("b", "p2", JobWrite::Written),
                ("a", "p2", taken),
                ("a", "p3", JobWrite::NotHeld),
            ] {
                let got = s.update_job(id, owner, &finished("s1"), 4000, 5000).await;
                assert_eq!(got.unwrap(), wrote, "{id} by {owner}");
            }
            let a = s.get("a").await.unwrap().unwrap();
            assert!(a.is_final() && a.backup_id.is_none(), "{a:?}");
            let reason = a.job_reason.unwrap_or_default();
            assert!(
                reason.contains("s1") && reason.contains("submission b"),
                "{reason}"
            );
            assert_eq!(
                s.get("b").await.unwrap().unwrap().backup_id.as_deref(),
                Some("s1")
            );
        });
    }

    #[test]
    fn a_crash_in_sending_is_reconciled_and_a_job_is_attributed_once() {
        block(async {
            let s = Store::open("memory").await.unwrap();
            s.insert_sending(&new("a", 1000, "rm-a"), "dead", 6000)
                .await
                .unwrap();
            s.insert_sending(&new("b", 1100, "rm-a"), "dead", 6000)
                .await
                .unwrap();
            let work = s
                .claim_work("p1", 7000, Duration::from_secs(5), 10)
                .await
                .unwrap();
            assert_eq!(work.len(), 2);
            assert!(s.mark_unknown("a", "p1", "crashed", 7000).await.unwrap());
            assert!(s.mark_unknown("b", "p1", "crashed", 7000).await.unwrap());
            assert_eq!(s.sending_on("rm-a", "a").await.unwrap(), 0);
            let job = JobUpdate {
                status: "Uploading".into(),
                ..JobUpdate::default()
            };
            assert!(s.attribute("a", "p1", Some("9"), &job, 7100).await.unwrap());
            // The same job cannot be given to a second row.
            assert!(!s.attribute("b", "p1", Some("9"), &job, 7100).await.unwrap());
            assert!(
                s.not_started("b", "p1", "no job appeared", 7200)
                    .await
                    .unwrap()
            );
            let claimed = s.claimed("rm-a").await.unwrap();
            assert_eq!(claimed.jobs, vec!["9".to_owned()]);
            // Its set is not known yet: a set that appears may be its.
            assert_eq!(claimed.sets_unknown, vec!["9".to_owned()]);
            let done = JobUpdate {
                progress: None,
                ..finished("1009")
            };
            assert_eq!(
                s.update_job("a", "p1", &done, 7300, 7300).await.unwrap(),
                JobWrite::Written
            );
            let claimed = s.claimed("rm-a").await.unwrap();
            assert_eq!(claimed.sets, vec!["1009".to_owned()]);
            assert!(claimed.sets_unknown.is_empty());
            let b = s.get("b").await.unwrap().unwrap();
            assert!(b.is_final() && b.state == State::NotStarted);
        });
    }

    #[test]
    fn history_filters_and_pages_newest_first() {
        block(async {
            let s = Store::open("memory").await.unwrap();
            for i in 0..5 {
                let mut n = new(
                    &format!("s{i}"),
                    1000 + i,
                    if i % 2 == 0 { "rm-a" } else { "rm-b" },
                );
                if i == 4 {
                    n.caller = "bob".into();
                }
                s.insert_sending(&n, "p", 0).await.unwrap();
            }
            let all = s.history(&HistoryFilter::default(), 10).await.unwrap();
            let ids: Vec<&str> = all.iter().map(|x| x.id.as_str()).collect();
            assert_eq!(ids, ["s4", "s3", "s2", "s1", "s0"]);
            let f = HistoryFilter {
                instance: Some("rm-a".into()),
                caller: Some("alice".into()),
                ..HistoryFilter::default()
            };
            let ids: Vec<String> = s
                .history(&f, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|x| x.id)
                .collect();
            assert_eq!(ids, ["s2", "s0"]);
            let page = HistoryFilter {
                before: Some((1003, "s3".into())),
                since_ms: Some(1001),
                state: Some(State::Sending),
                ..HistoryFilter::default()
            };
            let ids: Vec<String> = s
                .history(&page, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|x| x.id)
                .collect();
            assert_eq!(ids, ["s2", "s1"]);
            s.check_writable("test", 1).await.unwrap();
            s.check_writable("test", 2).await.unwrap();
        });
    }

    #[test]
    fn a_plan_is_stored_whole_and_read_back_in_order() {
        block(async {
            let store = Store::open("memory").await.unwrap();
            let items: Vec<NewPlanItem> = (0..250)
                .map(|i| NewPlanItem {
                    instance: format!("rm-plan-{i:03}"),
                    region: "cn-hangzhou".into(),
                    item: format!("{{\"n\":{i}}}"),
                    runnable: i % 5 != 0,
                })
                .collect();
            let plan = NewPlan {
                id: "P1".into(),
                created_ms: 7,
                caller: "alice".into(),
                spec: "{}".into(),
                items,
            };
            store.insert_plan(&plan).await.unwrap();
            let back = store.plan("P1").await.unwrap().unwrap();
            assert_eq!(back.caller, "alice");
            assert_eq!(back.items.len(), 250);
            assert_eq!(back.items[249].instance, "rm-plan-249");
            assert_eq!(back.items[249].position, 249);
            assert_eq!(back.items[5].state, "refused");
            assert_eq!(back.items[6].state, "planned");
            assert!(store.plan("P2").await.unwrap().is_none());
            // The same id again is refused as a whole: nothing of the second is kept.
            assert!(store.insert_plan(&plan).await.is_err());
            assert_eq!(store.plan("P1").await.unwrap().unwrap().items.len(), 250);
        });
    }

    #[test]
    fn urls_are_checked() {
        block(async {
            assert!(matches!(
                Store::open("mysql://x").await,
                Err(StoreError::BadUrl(_))
            ));
            let tmp_dir = tempfile::Builder::new()
                .prefix("rds-store-")
                .tempdir()
                .unwrap();
            let dir = tmp_dir.path();
            let url = format!("sqlite://{}", dir.join("t.db").display());
            let s = Store::open(&url).await.unwrap();
            s.insert_sending(&new("x", 1, "rm-a"), "p", 0)
                .await
                .unwrap();
            drop(s);
            // Reopened (and migrated again: nothing to do), the row is there.
            let s = Store::open(&url).await.unwrap();
            assert!(s.get("x").await.unwrap().is_some());
            assert_eq!(s.backend(), Backend::Sqlite);
        });
    }
}
