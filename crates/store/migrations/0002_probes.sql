-- The readiness check's write: one row per proxy process, touched on every check, so a
-- store that cannot take writes (read-only file, full disk, a stopped server) shows.
CREATE TABLE probes (
    owner TEXT PRIMARY KEY,
    at_ms BIGINT NOT NULL
);
