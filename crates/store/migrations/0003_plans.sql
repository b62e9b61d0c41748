-- Fleet plans: what was asked and by whom, then one row per instance with its item as
-- judged before anything ran (the request or the reasons, as JSON). An item is
-- 'planned' (it can run) or 'refused'; running a plan moves items on from 'planned'.
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    created_ms BIGINT NOT NULL,
    caller TEXT NOT NULL,
    spec TEXT NOT NULL,
    state TEXT NOT NULL
);

CREATE TABLE plan_items (
    plan_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    instance TEXT NOT NULL,
    region TEXT NOT NULL,
    item TEXT NOT NULL,
    state TEXT NOT NULL,
    submission_id TEXT,
    PRIMARY KEY (plan_id, position)
);
