-- One feedback per run: a score in [0, 1] and an optional text, reported
-- by the key that made the run (POST /v1/runs/{id}/feedback). A second
-- feedback replaces the first.
CREATE TABLE feedback (
	run_id  TEXT PRIMARY KEY REFERENCES runs (id),
	score   DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
	text    TEXT NOT NULL DEFAULT '',
	created TIMESTAMPTZ NOT NULL
);
