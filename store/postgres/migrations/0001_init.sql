-- Keys carry their ledger counters, so a reservation locks and updates one
-- row: held money, all-time spending, and spending in the day and month
-- (UTC) they last charged.
CREATE TABLE keys (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	prefix          TEXT NOT NULL,
	secret_hash     TEXT NOT NULL UNIQUE,
	per_day         BIGINT NOT NULL DEFAULT 0,
	per_month       BIGINT NOT NULL DEFAULT 0,
	total           BIGINT NOT NULL DEFAULT 0,
	rate_per_minute INTEGER NOT NULL DEFAULT 0,
	created         TIMESTAMPTZ NOT NULL,
	revoked         BOOLEAN NOT NULL DEFAULT false,
	held            BIGINT NOT NULL DEFAULT 0,
	spent_total     BIGINT NOT NULL DEFAULT 0,
	day             TEXT NOT NULL DEFAULT '',
	spent_day       BIGINT NOT NULL DEFAULT 0,
	month           TEXT NOT NULL DEFAULT '',
	spent_month     BIGINT NOT NULL DEFAULT 0
);

-- 'recovered' is a hold that Recover released; a late commit of it is
-- still charged, since the call ran.
CREATE TABLE holds (
	id       TEXT PRIMARY KEY,
	key_id   TEXT NOT NULL REFERENCES keys (id),
	amount   BIGINT NOT NULL,
	actual   BIGINT,
	state    TEXT NOT NULL CHECK (state IN ('held', 'committed', 'released', 'recovered')),
	created  TIMESTAMPTZ NOT NULL,
	finished TIMESTAMPTZ
);
CREATE INDEX holds_open ON holds (created) WHERE state = 'held';

-- json (not jsonb) keeps the text as written, so raw tool arguments read
-- back byte for byte.
CREATE TABLE runs (
	id      TEXT PRIMARY KEY,
	key_id  TEXT NOT NULL DEFAULT '',
	status  TEXT NOT NULL,
	task    JSON NOT NULL,
	episode JSON,
	created TIMESTAMPTZ NOT NULL,
	updated TIMESTAMPTZ NOT NULL
);
CREATE INDEX runs_running ON runs (created) WHERE status = 'running';

CREATE TABLE events (
	run_id TEXT NOT NULL REFERENCES runs (id),
	seq    INTEGER NOT NULL,
	body   JSON NOT NULL,
	PRIMARY KEY (run_id, seq)
);
