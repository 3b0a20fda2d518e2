-- The question log, votes, taught answers and small key/value state.
-- One dialect-neutral file: SQLite and PostgreSQL read the same statements.
-- Times are seconds since the epoch (UTC); `day` is the UTC date, for grouping.

CREATE TABLE kv (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    asked_at DOUBLE PRECISION NOT NULL,
    day TEXT NOT NULL,
    platform TEXT NOT NULL,
    workspace TEXT,
    channel TEXT,
    user_key TEXT,
    command TEXT NOT NULL,
    via TEXT NOT NULL,
    query TEXT NOT NULL,
    norm TEXT NOT NULL,
    episode TEXT,
    declined SMALLINT NOT NULL,
    failed SMALLINT NOT NULL,
    top_source TEXT,
    top_time TEXT,
    taught_id TEXT,
    latency_ms DOUBLE PRECISION NOT NULL
);
CREATE INDEX questions_asked_at ON questions (asked_at);
CREATE INDEX questions_declined ON questions (declined, asked_at);

CREATE TABLE votes (
    question_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    vote SMALLINT NOT NULL,
    reason TEXT,
    voted_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (question_id, user_key)
);
CREATE INDEX votes_voted_at ON votes (voted_at);

CREATE TABLE taught (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    norm TEXT NOT NULL,
    episode TEXT,
    answer TEXT NOT NULL,
    label TEXT NOT NULL,
    taught_by TEXT,
    taught_at DOUBLE PRECISION NOT NULL
);
