"""Spoiler-safe answers (before a time), /progress kept in the state database, and a channel's
own episode set by an admin."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from bot import cli
from bot.commands import Caller
from bot.core import EpisodeBot
from bot.records import Records, open_database
from bot.replies import Action
from bot.text import parse_time

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"k" * 32


def seconds(stamp: str | None) -> int:
    value = parse_time(stamp or "")
    assert value is not None, stamp
    return value



def records(state: Path) -> Records:
    return Records(open_database(None, state), SECRET, record_questions=False)


def test_ask_before_a_time_uses_only_what_starts_before_it(capsys, seeds_dir):
    # (RLVR is first explained after 1:00:00: asked about it, this limit leaves only the episode's description.)
    assert cli.main(["ask", "What was the DeepSeek moment?", "--before", "1:00:00", "--json",
                     "--seeds", str(seeds_dir)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"] and doc["spoiler_safe_before"] == "1:00:00"
    assert all(r["timestamp"] and seconds(r["timestamp"]) < 3600 for r in doc["results"])
    assert doc["message"].startswith("Spoiler-safe: up to 1:00:00")


@pytest.mark.parametrize("command, args", [
    ("ask", {"question": "What did they say about scaling laws?"}),
    ("quote", {"text": "GPUs"}), ("quote", {}),
    ("summary", {"topic": "China"}), ("summary", {}),
])
def test_every_answer_starts_before_the_limit(episode_bot, command, args):
    reply = episode_bot.run(command, {**args, "before": "45:00"})
    assert not reply.error and reply.message.startswith("Spoiler-safe: up to 45:00")
    for r in reply.results:
        assert (r.seconds is not None and r.seconds < 45 * 60) or r.kind == "description", r


def test_the_limit_can_be_said_in_words_and_the_last_chapter_is_the_last_one_heard(episode_bot):
    reply = episode_bot.run("ask", {"question": "What did they say about scaling laws?", "before": "an hour in"})
    assert reply.before == 3600 and reply.message.startswith("Spoiler-safe: up to 1:00:00")
    last = episode_bot.run("chapter", {"title_or_time": "the end", "before": "45:00"})
    assert last.results[0].seconds < 2700 and not any(b.label == "Next chapter" for b in last.buttons)


def test_chapters_after_the_limit_are_hidden(episode_bot):
    listing = episode_bot.run("chapter", {"before": "45:00"})
    assert listing.results and all(r.seconds < 2700 for r in listing.results)
    assert len(listing.results) < len(episode_bot.run("chapter", {}).results)
    late = episode_bot.run("chapter", {"title_or_time": "1:30:00", "before": "45:00"})
    assert late.error and "after your spoiler-safe limit (45:00)" in late.body
    by_title = episode_bot.run("chapter", {"title_or_time": "Timeline to AGI", "before": "45:00"})
    assert not by_title.results or by_title.results[0].seconds < 2700
    last_shown = episode_bot.run("chapter", {"title_or_time": listing.results[-1].title, "before": "45:00"})
    assert not any(b.label == "Next chapter" for b in last_shown.buttons)


def test_buttons_of_a_spoiler_safe_answer_keep_the_limit(episode_bot):
    reply = episode_bot.run("ask", {"question": "open weight models", "before": "45:00"})
    more = next((b for b in reply.buttons if b.action.kind == "more"), None)
    if more is None:
        pytest.skip("one page of results")
    token = more.action.encode()
    assert Action.decode(token).before == "45:00"
    page2 = episode_bot.run_action(token)
    assert page2.before == 2700 and all(r.seconds < 2700 for r in page2.results)


@pytest.mark.parametrize("value, message", [
    ("-5", "before the start"), ("99:99:99", "not a possible time"), ("abc", "is not a time"),
    ("9:00:00", "past the end"), ("0", "Nothing has been said before 0:00"),
])
def test_bad_times_get_a_clear_message(episode_bot, value, message):
    reply = episode_bot.run("ask", {"question": "What is RLVR?", "before": value})
    assert reply.error and message in reply.body and "Traceback" not in reply.body


def test_an_episode_without_times_says_so(tmp_path):
    root = tmp_path / "seeds"
    root.mkdir()
    (root / "notes.md").write_text("---\nepisode: 7\ntitle: Untimed\n---\n\n## Notes\n\n- Bees make honey.\n",
                                   encoding="utf-8")
    reply = EpisodeBot(root).run("ask", {"question": "What do bees make?", "before": "10:00"})
    assert reply.error and "has no times" in reply.body


def test_progress_is_kept_across_a_restart_and_applies_until_cleared(two_episodes, tmp_path):
    state = tmp_path / "state"
    first = EpisodeBot(two_episodes, records=records(state))
    saved = first.run("progress", {"time": "45:00", "episode": "490"}, user="u1", platform="discord")
    assert not saved.error and "45:00" in saved.body
    first.records.close()

    again = EpisodeBot(two_episodes, records=records(state))  # a restart: a new process reads the database
    mine = again.run("ask", {"question": "What is RLVR?", "episode": "490"}, user="u1", platform="discord")
    assert mine.before == 2700 and "your saved place" in mine.message
    # (RLVR is first explained after 45:00: the episode's description, which has no time, may answer.)
    assert all((r.seconds is not None and r.seconds < 2700) or r.kind == "description" for r in mine.results)
    theirs = again.run("ask", {"question": "What is RLVR?", "episode": "490"}, user="u2", platform="discord")
    assert theirs.before is None and theirs.results[0].seconds > 2700
    other_episode = again.run("chapter", {"episode": "491"}, user="u1", platform="discord")
    assert other_episode.before is None  # the place is kept per episode
    shown = again.run("progress", {"episode": "490"}, user="u1", platform="discord")
    assert "You are at 45:00" in shown.body
    again.run("progress", {"time": "clear", "episode": "490"}, user="u1", platform="discord")
    assert again.run("ask", {"question": "What is RLVR?", "episode": "490"}, user="u1",
                     platform="discord").before is None
    # Stored under the keyed hash, never the raw id.
    rows = again.records.db.query("SELECT * FROM kv") if _has_kv_table(again.records) else []
    assert not any("u1" in json.dumps([str(v) for v in row]) for row in rows)


def _has_kv_table(rec: Records) -> bool:
    try:
        rec.db.query("SELECT 1 FROM kv LIMIT 1")
        return True
    except Exception:
        return False


def test_progress_rejects_bad_times_and_needs_a_state_database(two_episodes, tmp_path):
    bot = EpisodeBot(two_episodes, records=records(tmp_path / "state"))
    bad = bot.run("progress", {"time": "2:00:00", "episode": "491"}, user="u1", platform="slack")
    assert bad.error and "past the end of #491" in bad.body
    without = EpisodeBot(two_episodes).run("progress", {"time": "10:00"}, user="u1")
    assert not without.error and "can't remember your place" in without.body


def test_a_thousand_members_progress_lives_in_the_database(two_episodes, tmp_path):
    bot = EpisodeBot(two_episodes, records=records(tmp_path / "state"))
    for n in range(50):  # first-use caches fill here, not in the measurement
        bot.run("progress", {"time": "10:00", "episode": "491"}, user=f"warm-up-{n}", platform="discord")
    tracemalloc.start()
    # Only what the bot's own code keeps counts: a one-off resize of an interpreter table is not a member.
    ours = [tracemalloc.Filter(True, str(ROOT / "bot" / "*"))]
    first = tracemalloc.take_snapshot().filter_traces(ours)
    for n in range(1000):
        assert not bot.run("progress", {"time": "10:00", "episode": "491"}, user=f"m{n}",
                           platform="discord").error
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().filter_traces(ours).compare_to(first, "filename"))
    tracemalloc.stop()
    assert grown < 100_000  # a dict of 1,000 members would hold well over 100 kB: they are in the database
    assert bot.records.db.query("SELECT COUNT(*) FROM kv WHERE scope = 'progress'")[0][0] == 1050
    assert bot.run("ask", {"question": "transistor", "episode": "491"}, user="m999",
                   platform="discord").before == 600


def test_an_admin_sets_a_channels_episode(two_episodes, tmp_path):
    bot = EpisodeBot(two_episodes, records=records(tmp_path / "state"))
    admin = Caller("discord", "admin1", "chan-490", "guild")
    reply = bot.run_admin("channel-episode", {"episode": "490"}, admin)
    assert not reply.error and "#490" in reply.body
    here = bot.run("ask", {"question": "What is RLVR?"}, user="m1", channel="chan-490", platform="discord")
    assert here.episode == "490" and not here.message
    elsewhere = bot.run("ask", {"question": "What is RLVR?"}, user="m1", channel="general", platform="discord")
    assert elsewhere.episode == "491"
    named = bot.run("chapter", {"episode": "491"}, channel="chan-490", platform="discord")
    assert named.episode == "491"  # a command that names an episode still gets it
    bot.run_admin("channel-episode", {"episode": "clear"}, admin)
    assert bot.run("ask", {"question": "What is RLVR?"}, channel="chan-490", platform="discord").episode == "491"
    unknown = bot.run_admin("channel-episode", {"episode": "999"}, admin)
    assert unknown.error and "don't know an episode" in unknown.body
