"""Faults: a locked SQLite file, a PostgreSQL restart and a database that is down lose no answer."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.core import EpisodeBot
from bot.records import Records
from bot.records.db import PostgresDatabase, SQLiteDatabase

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ["What is RLVR?", "How much did it cost to pretrain OLMo 3?", "Who won the world cup in 1966?",
             "What do they say about China?"]
BURST = 200


def burst(bot: EpisodeBot, during=None) -> list:
    """Send 200 commands, 50 at once; run `during` once a quarter of them have been sent."""
    with ThreadPoolExecutor(50) as pool:
        futures = []
        for i in range(BURST):
            futures.append(pool.submit(bot.run, "ask", {"question": QUESTIONS[i % len(QUESTIONS)]},
                                       user=f"u{i}", channel="c", platform="slack"))
            if during is not None and i == BURST // 4:
                during()
        return [f.result(timeout=60) for f in futures]


def test_a_locked_sqlite_file_costs_log_rows_not_answers(tmp_path):
    path = tmp_path / "records.sqlite3"
    records = Records(SQLiteDatabase(path, busy_timeout=0.2), b"k" * 32)
    assert records.log.flush(5)
    bot = EpisodeBot(ROOT / "seeds", records=records)
    # Another process takes the write lock and keeps it for two seconds.
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(2); c.execute('COMMIT')\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        replies = burst(bot)
    finally:
        holder.wait(10)
    assert len(replies) == BURST and not any(r.error for r in replies)
    assert all(r.record_id for r in replies)
    assert records.log.flush(10)
    assert records.log.written + records.log.lost == BURST
    print(f"locked SQLite: {records.log.lost} of {BURST} log rows lost, every answer sent")
    # Once the lock is gone the log writes again.
    after = bot.run("ask", {"question": "What is RLVR?"}, user="late", platform="slack")
    assert records.log.flush(5)
    assert records.db.query("SELECT COUNT(*) FROM questions WHERE id = ?", (after.record_id,)) == [(1,)]
    records.close()


def test_a_postgresql_restart_during_a_burst_costs_log_rows_not_answers(postgres_server):
    url = postgres_server.new_database()
    records = Records(PostgresDatabase(url), b"k" * 32)
    bot = EpisodeBot(ROOT / "seeds", records=records)
    restarted = []
    try:
        replies = burst(bot, during=lambda: (postgres_server.restart(), restarted.append(True)))
    finally:
        if not restarted:
            postgres_server.start()
    assert restarted and len(replies) == BURST and not any(r.error for r in replies)
    assert records.log.flush(15)
    assert records.log.written + records.log.lost == BURST
    print(f"PostgreSQL restart: {records.log.lost} of {BURST} log rows lost, every answer sent")
    after = bot.run("ask", {"question": "What is RLVR?"}, user="late", platform="slack")
    assert records.log.flush(5)
    assert records.db.query("SELECT COUNT(*) FROM questions WHERE id = ?", (after.record_id,)) == [(1,)]
    assert bot.vote(after.record_id, "slack", "late", True) == "Thanks, noted."
    records.close()


def test_a_database_that_is_down_at_start_still_lets_the_bot_answer(caplog):
    free = __import__("socket").socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there now
    records = Records(PostgresDatabase(f"postgresql://postgres@127.0.0.1:{port}/none"), b"k" * 32)
    bot = EpisodeBot(ROOT / "seeds", records=records)
    replies = [bot.run("ask", {"question": q}, user="u", platform="discord") for q in QUESTIONS]
    assert not any(r.error for r in replies) and replies[0].results
    assert records.log.flush(10)
    assert records.log.lost == len(QUESTIONS) and records.log.written == 0
    assert records.kv_get("progress", "x") is None  # reads degrade to "nothing stored"
    assert bot.vote(replies[0].record_id, "discord", "u", True).startswith("Sorry, I couldn't note that")
    assert "answers are not affected" in caplog.text  # the loss is logged (once a minute)
    records.close()


def test_a_vote_on_a_purged_answer_says_so_through_the_core(tmp_path):
    records = Records(SQLiteDatabase(tmp_path / "r.sqlite3"), b"k" * 32, retention_days=1)
    bot = EpisodeBot(ROOT / "seeds", records=records)
    reply = bot.run("ask", {"question": "What is RLVR?"}, user="u", platform="discord")
    assert records.log.flush(5)
    records.purge(now=time.time() + 2 * 86400)
    assert bot.vote(reply.record_id, "discord", "u", False) == (
        "This answer is too old to rate: its record has been deleted.")
    records.close()


@pytest.mark.parametrize("question", ["", "x" * 2000])
def test_teach_with_an_empty_or_overlong_question_gets_a_clear_message(tmp_path, question):
    from bot.commands import Caller

    records = Records(SQLiteDatabase(tmp_path / "r.sqlite3"), b"k" * 32)
    bot = EpisodeBot(ROOT / "seeds", records=records)
    reply = bot.run_admin("teach", {"question": question}, Caller("discord", "a", "c", "g"))
    assert reply.error
    assert ("Please give a question" in reply.body) if not question else bool(
        re.search(r"2,?000 characters long; the limit is 300", reply.body))
    arrow_only = bot.run_admin("teach", {"question": " → 1:02:38"}, Caller("discord", "a", "c", "g"))
    assert arrow_only.error and "Please give the question to teach" in arrow_only.body
    records.close()
