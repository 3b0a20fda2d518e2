"""The records store on SQLite and on a real PostgreSQL: state, hashing, log, votes, teaching, schema."""

from __future__ import annotations

import time

import pytest

from bot.records import Question, Records, SchemaTooNew, normalise
from bot.records.db import SQLiteDatabase, migrations
from bot.records.questions import day_of
from bot.records import queries

HOSTILE = [
    "it's \"quoted\" `x`",
    "100% of_the _wild_ %s %(name)s ?",
    "tab\there\x01\x02\x1b[31mred\x7f",
    "'; DROP TABLE questions; --",
    "ünïcødé ✓ 🎧 \u202e",
    "x" * 10_000,
]


def question(records: Records, query: str, *, declined: bool = False, command: str = "ask",
             asked_at: float | None = None, episode: str = "490", source: str | None = "notes.md:3") -> str:
    now = asked_at or time.time()
    rid = records.new_id()
    records.record(Question(id=rid, asked_at=now, day=day_of(now), platform="discord", workspace="g1",
                            channel="c1", user_key=records.user_key("discord", "u1"), command=command,
                            via="command", query=query, norm=normalise(query), episode=episode,
                            declined=int(declined), failed=0, top_source=None if declined else source,
                            top_time=None if declined else "1:02:38", taught_id=None, latency_ms=3.0))
    return rid


def test_key_value_state_round_trips_and_none_deletes(records_backend):
    records = records_backend()
    assert records.kv_get("channel-episode", "discord:1") is None
    records.kv_set("channel-episode", "discord:1", "490")
    records.kv_set("channel-episode", "discord:1", "491")  # an update, not a second row
    records.kv_set("progress", "discord:1", "1:02:38")
    assert records.kv_get("channel-episode", "discord:1") == "491"
    assert records.kv_get("progress", "discord:1") == "1:02:38"
    records.kv_set("channel-episode", "discord:1", None)
    assert records.kv_get("channel-episode", "discord:1") is None
    with pytest.raises(ValueError):
        records.kv_set("progress", "k", "x" * 10_001)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_stored_as_given(records_backend, text):
    """Parameterised SQL: quotes, %, _, control characters and 10,000 characters are values, never SQL."""
    records = records_backend()
    records.kv_set(text[:200], text[:100], text)
    assert records.kv_get(text[:200], text[:100]) == text
    assert records.kv_get("%", "_") is None  # wildcards match nothing
    rid = question(records, text, declined=True)
    assert records.log.flush(5)
    assert records.db.query("SELECT query FROM questions WHERE id = ?", (rid,)) == [(text,)]
    assert records.vote(rid, records.user_key("discord", text), -1).outcome == "noted"
    assert records.set_reason(rid, records.user_key("discord", text), text).outcome == "noted"
    reasons = records.db.query("SELECT reason FROM votes WHERE question_id = ?", (rid,))
    assert reasons == [(" ".join(text.split())[:300],)]
    assert queries.unanswered(records.db, 1)[0]["query"] == text
    assert records.db.query("SELECT COUNT(*) FROM questions") == [(1,)]  # the table is still there


def test_user_ids_are_stored_only_as_keyed_hashes(records_backend):
    records = records_backend()
    key = records.user_key("discord", "223344556677889900")
    assert key == records.user_key("discord", "223344556677889900") and len(key) == 32
    assert key != records.user_key("slack", "223344556677889900") != records.user_key("discord", "1")
    rid = question(records, "What is RLVR?")
    records.vote(rid, key, 1)
    assert records.log.flush(5)
    dump = repr(records.db.query("SELECT * FROM questions")) + repr(records.db.query("SELECT * FROM votes"))
    assert "223344556677889900" not in dump


def test_a_vote_counts_once_per_person_and_a_second_click_changes_it(records_backend):
    records = records_backend()
    rid = question(records, "What is RLVR?")
    alice, bob = records.user_key("discord", "alice"), records.user_key("discord", "bob")
    assert records.vote(rid, alice, 1).message == "Thanks, noted."
    assert records.vote(rid, alice, 1).outcome == "noted"
    assert records.vote(rid, alice, -1).outcome == "changed"
    assert records.set_reason(rid, alice, "  wrong\n time  ").outcome == "noted"
    assert records.vote(rid, bob, 1).outcome == "noted"
    assert queries.votes(records.db, 1) == (1, 1)
    fb = queries.feedback(records.db, 1)
    assert fb["answers"] == [{"query": "What is RLVR?", "source": "notes.md:3", "time": "1:02:38", "command": "ask",
                              "episode": "490", "down": 1, "reasons": ["wrong time"]}]


def test_retention_deletes_old_questions_and_their_votes_and_a_late_vote_says_so(records_backend):
    records = records_backend(retention_days=90)
    old = question(records, "an old question", asked_at=time.time() - 91 * 86400)
    new = question(records, "a new question")
    assert records.log.flush(5)
    records.db.execute("INSERT INTO votes (question_id, user_key, vote, voted_at) VALUES (?, ?, ?, ?)",
                       (old, "k", 1, time.time()))
    records.purge()  # the log's worker also purges on its own schedule (first just after start)
    assert records.db.query("SELECT id FROM questions") == [(new,)]
    assert records.db.query("SELECT COUNT(*) FROM votes") == [(0,)]
    result = records.vote(old, records.user_key("discord", "a"), -1)
    assert result.outcome == "gone" and "too old" in result.message


def test_unanswered_groups_similar_wording_with_counts(records_backend):
    records = records_backend()
    for q in ["Who won the world cup in 1966?", "who won the world cup in 1966", "Who won the 1966 world cup",
              "What is the capital of France?"]:
        question(records, q, declined=True)
    question(records, "What is RLVR?")
    assert records.log.flush(5)
    groups = queries.unanswered(records.db, 7)
    assert [(g["count"], normalise(g["query"])[:10]) for g in groups] == [(3, "who won th"), (1, "what is th")]
    assert set(groups[0]) == {"query", "count", "last_asked", "episode"}


def test_report_json_has_the_documented_shape(records_backend):
    records = records_backend()
    rid = question(records, "What is RLVR?")
    question(records, "What is the capital of France?", declined=True)
    question(records, "calculator", command="quote")
    assert records.log.flush(5)
    records.vote(rid, records.user_key("slack", "U1"), -1)
    records.taught.add(records.new_id(), "What is RLVR?", "490", {"text": "x", "kind": "passage",
                                                                   "source": "a.md:1", "timestamp": "0:01:00"},
                       "1:00", None)
    doc = queries.report(records.db, 30, records.taught.all())
    assert list(doc) == ["days", "questions", "declined", "by_command", "unanswered", "feedback", "taught"]
    assert (doc["days"], doc["questions"], doc["declined"]) == (30, 3, 1)
    assert doc["by_command"] == {"ask": 2, "quote": 1}
    assert doc["unanswered"][0]["query"] == "What is the capital of France?" and doc["unanswered"][0]["count"] == 1
    assert doc["feedback"] == {"up": 0, "down": 1, "answers": [
        {"query": "What is RLVR?", "source": "notes.md:3", "down": 1, "reasons": []}]}
    assert doc["taught"][0]["question"] == "What is RLVR?" and doc["taught"][0]["answer"] == "1:00"


def test_taught_answers_match_the_same_question_and_close_paraphrases_only(records_backend):
    records = records_backend()
    answer = {"text": "RLVR is ...", "kind": "passage", "source": "a.md:1", "timestamp": "1:02:38"}
    records.taught.add(records.new_id(), "What is RLVR?", "490", answer, "1:02:38", None)
    for same in ["what is rlvr", "What's RLVR?", "RLVR: what is it?", "Can you explain RLVR?", "what is RLVR ??"]:
        assert records.taught.match(same, "490") is not None, same
    for other in ["How much did pretraining cost?", "RLVR scaling laws for coding agents", "What is RLHF?"]:
        assert records.taught.match(other, "490") is None, other
    assert records.taught.match("What is RLVR?", "491") is None  # taught for another episode
    # Another replica sees it (same database).
    other = records_backend()
    assert other.taught.match("what is rlvr", "490") is not None


def test_the_schema_is_migrated_once_and_a_newer_one_is_a_clear_error(records_backend):
    records = records_backend()
    latest = migrations()[-1][0]
    assert records.schema == latest
    again = records_backend()  # a second start applies nothing
    assert again.schema == latest
    assert records.db.query("SELECT COUNT(*) FROM schema_version") == [(latest,)]
    records.db.execute("INSERT INTO schema_version (version) VALUES (?)", (latest + 1,))
    with pytest.raises(SchemaTooNew, match=f"schema version {latest + 1}, newer than this Episode Bot"):
        records_backend()


def test_records_open_reads_the_settings_and_makes_the_secret_private(tmp_path):
    from bot.settings import ConfigError, load_settings

    settings = load_settings(env_file=None, secrets_dir=None, state_dir=tmp_path / "state")
    cli = Records.open(settings, "cli")
    discord = Records.open(settings, "discord")
    try:
        assert not cli.record_questions and discord.record_questions  # defaults per platform
        assert cli.user_key("discord", "1") == discord.user_key("discord", "1")  # one secret, kept
        assert (tmp_path / "state" / "records.key").stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "state" / "records.sqlite3").is_file()
    finally:
        cli.close()
        discord.close()
    asked = load_settings(env_file=None, secrets_dir=None, state_dir=tmp_path / "state", record_questions=True)
    with Records.open(asked, "cli") as records:
        assert records.record_questions
    bad = load_settings(env_file=None, secrets_dir=None, state_dir=tmp_path / "state",
                        database_url="mysql://x@localhost/db")
    with pytest.raises(ConfigError, match="postgresql://"):
        Records.open(bad, "discord")
    db = SQLiteDatabase(tmp_path / "state" / "records.sqlite3")
    db.execute("INSERT INTO schema_version (version) VALUES (999)")
    db.close()
    with pytest.raises(ConfigError, match="newer than this Episode Bot knows"):
        Records.open(settings, "discord")


@pytest.mark.parametrize("asked, same", [
    ("How much did pretraining OLMo 3 cost?", True),
    ("how much did it cost to pretrain olmo3", True),  # one word apart: "olmo3" and "olmo 3"
    ("How much did it cost to post-train OLMo 3?", False),
    ("How much did it cost to pretrain OLMo 2?", False),
    ("how much did it cots to pretrain OLMo 3", True),  # a typo
])
def test_paraphrases_of_a_longer_question(tmp_path, asked, same):
    from bot.records.db import SQLiteDatabase

    with Records(SQLiteDatabase(tmp_path / "r.sqlite3"), b"k" * 32) as records:
        records.taught.add(records.new_id(), "How much did it cost to pretrain OLMo 3?", "490",
                           {"text": "t", "kind": "passage"}, "1:18:45", None)
        assert (records.taught.match(asked, "490") is not None) is same


def test_state_reads_are_cached_briefly_and_own_writes_show_at_once(records_backend):
    first, other = records_backend(), records_backend()  # two replicas on one database
    first.kv_set("channel-episode", "slack:C1", "490")
    assert other.kv_get("channel-episode", "slack:C1") == "490"
    first.kv_set("channel-episode", "slack:C1", "491")
    assert first.kv_get("channel-episode", "slack:C1") == "491"  # its own write, at once
    assert other.kv_get("channel-episode", "slack:C1") == "490"  # another replica's, within KV_FRESH
    other._kv.clear()  # (what KV_FRESH seconds do)
    assert other.kv_get("channel-episode", "slack:C1") == "491"


def test_an_older_database_is_migrated_in_place_keeping_its_rows(records_backend):
    """A database made by schema 1 gets the later schemas on start, in one transaction, rows kept."""
    from bot.records.db import _statements

    records = records_backend()
    if records.db.kind == "sqlite":
        path = records.db.path
        records.close()
        path.unlink()
        for extra in ("-wal", "-shm"):
            path.with_name(path.name + extra).unlink(missing_ok=True)
        old = SQLiteDatabase(path)
    else:
        old = records.db
        for table in ("kv", "questions", "votes", "taught", "schema_version"):
            old.execute(f"DROP TABLE {table}")  # names we wrote, not input
    old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for statement in _statements(migrations()[0][1]):
        old.execute(statement)
    old.execute("INSERT INTO schema_version (version) VALUES (1)")
    old.execute("INSERT INTO kv (scope, key, value, updated_at) VALUES (?, ?, ?, ?)", ("progress", "k", "1:00", 0.0))
    upgraded = records_backend()
    assert upgraded.schema == migrations()[-1][0] > 1
    assert upgraded.kv_get("progress", "k") == "1:00"
    rid = question(upgraded, "asked after the upgrade", declined=True)
    assert upgraded.log.flush(5) and queries.unanswered(upgraded.db, 1)[0]["query"] == "asked after the upgrade"
    assert upgraded.vote(rid, "someone", -1).outcome == "noted"
