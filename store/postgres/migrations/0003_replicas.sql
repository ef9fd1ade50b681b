-- Replicas own their holds and runs and heartbeat here; a replica whose
-- heartbeat expired is swept by the live ones (its open holds charged in
-- full, its running runs interrupted). Rows from before this migration
-- have replica '' and belong to no live replica.
CREATE TABLE replicas (
	id        TEXT PRIMARY KEY,
	pid       BIGINT NOT NULL,
	host      TEXT NOT NULL,
	started   TIMESTAMPTZ NOT NULL,
	heartbeat TIMESTAMPTZ NOT NULL
);
ALTER TABLE holds ADD COLUMN replica TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN replica TEXT NOT NULL DEFAULT '';
CREATE INDEX holds_replica ON holds (replica) WHERE state = 'held';
CREATE INDEX runs_replica ON runs (replica) WHERE status = 'running';
