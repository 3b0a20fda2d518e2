-- Covering indexes for the report: per-day counts and the unanswered questions read
-- the index alone (1,000,000 rows: 6.7 s -> 0.3 s and 0.8 s -> 0.2 s on SQLite).
CREATE INDEX questions_by_day ON questions (day, command, declined, via);
CREATE INDEX questions_unanswered ON questions (via, asked_at, norm, query, episode) WHERE declined = 1;
