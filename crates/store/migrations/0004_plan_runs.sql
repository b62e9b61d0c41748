-- Running a plan: who runs it (user and groups as JSON, for the policy at each send), its
-- limits, and a lease so one replica drives it at a time. An item that is started names
-- its submission (`<plan>.<position>.<attempt>`): the submission row is the record of the
-- call, so an item is never sent twice; a throttled call (not executed) is tried again
-- as the next attempt after the service's retry-after.
ALTER TABLE plans ADD COLUMN runner TEXT;
ALTER TABLE plans ADD COLUMN concurrency BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN region_concurrency BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN rate_milli BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN lease_owner TEXT;
ALTER TABLE plans ADD COLUMN lease_until_ms BIGINT;
ALTER TABLE plan_items ADD COLUMN attempt BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plan_items ADD COLUMN next_try_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plan_items ADD COLUMN claimed_ms BIGINT;
