-- Keys carry their ledger counters, so a reservation reads and writes one
-- row: held money, all-time spending, and spending in the day and month
-- (UTC) they last charged.
CREATE TABLE keys (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	prefix          TEXT NOT NULL,
	secret_hash     TEXT NOT NULL UNIQUE,
	per_day         INTEGER NOT NULL DEFAULT 0,
	per_month       INTEGER NOT NULL DEFAULT 0,
	total           INTEGER NOT NULL DEFAULT 0,
	rate_per_minute INTEGER NOT NULL DEFAULT 0,
	created         INTEGER NOT NULL,
	revoked         INTEGER NOT NULL DEFAULT 0,
	held            INTEGER NOT NULL DEFAULT 0,
	spent_total     INTEGER NOT NULL DEFAULT 0,
	day             TEXT NOT NULL DEFAULT '',
	spent_day       INTEGER NOT NULL DEFAULT 0,
	month           TEXT NOT NULL DEFAULT '',
	spent_month     INTEGER NOT NULL DEFAULT 0
);

-- 'recovered' is a hold that Recover released; a late commit of it is
-- still charged, since the call ran.
CREATE TABLE holds (
	id       TEXT PRIMARY KEY,
	key_id   TEXT NOT NULL REFERENCES keys(id),
	amount   INTEGER NOT NULL,
	actual   INTEGER,
	state    TEXT NOT NULL CHECK (state IN ('held', 'committed', 'released', 'recovered')),
	created  INTEGER NOT NULL,
	finished INTEGER
);
CREATE INDEX holds_open ON holds (created) WHERE state = 'held';

CREATE TABLE runs (
	id      TEXT PRIMARY KEY,
	key_id  TEXT NOT NULL DEFAULT '',
	status  TEXT NOT NULL,
	task    TEXT NOT NULL,
	episode TEXT,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
CREATE INDEX runs_running ON runs (created) WHERE status = 'running';

CREATE TABLE events (
	run_id TEXT NOT NULL,
	seq    INTEGER NOT NULL,
	body   TEXT NOT NULL,
	PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
