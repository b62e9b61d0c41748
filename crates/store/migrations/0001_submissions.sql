-- One row per CreateBackup the proxy sends (written before it is sent), and what came of
-- it: the service's answer, then the job until it ends. Portable SQL: SQLite and
-- PostgreSQL run the same statements. Times are milliseconds since the epoch.
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    caller TEXT NOT NULL,
    region TEXT NOT NULL,
    instance TEXT NOT NULL,
    params TEXT NOT NULL,
    state TEXT NOT NULL,
    code TEXT,
    message TEXT,
    upstream_request_id TEXT,
    backup_job_id TEXT,
    job_status TEXT,
    job_progress BIGINT,
    backup_id TEXT,
    job_reason TEXT,
    finished_ms BIGINT,
    next_check_ms BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until_ms BIGINT
);

-- A job or a backup set is attributed to one submission at most.
CREATE UNIQUE INDEX submissions_job ON submissions (instance, backup_job_id) WHERE backup_job_id IS NOT NULL;
CREATE UNIQUE INDEX submissions_backup ON submissions (instance, backup_id) WHERE backup_id IS NOT NULL;
CREATE INDEX submissions_created ON submissions (created_ms);
CREATE INDEX submissions_instance ON submissions (instance, created_ms);
CREATE INDEX submissions_caller ON submissions (caller, created_ms);
CREATE INDEX submissions_work ON submissions (state, next_check_ms);
