"""The persisted index: the same answers as without it, and only changed episodes rebuilt."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3

import pytest

from bench import QUESTIONS, SEEDS
from bench.catalogue import build
from bench.quality import BotEngine, load_cases
from bot import store as store_module
from bot.core import EpisodeBot
from bot.library import load_library
from bot.store import Store, load_cached, slot_range

MAX = 16 * 1024 * 1024


@pytest.fixture()
def catalogue(tmp_path):
    """Three short generated episodes in a folder of their own (safe to change)."""
    src, _ = build(3, SEEDS, words=1500)
    dest = tmp_path / "seeds"
    shutil.copytree(src, dest)
    return dest


def _dump(library):
    return [library.full(e).model_dump() for e in library.episodes]


def test_cached_load_equals_a_plain_load(tmp_path, catalogue):
    plain = load_library(catalogue)
    first = load_cached(catalogue, MAX, Store(tmp_path / "cache", catalogue))
    again = load_cached(catalogue, MAX, Store(tmp_path / "cache", catalogue))
    assert (first.built, again.built) == (3, 0)
    assert _dump(first) == _dump(plain) == _dump(again)
    assert [d.file for d in again.documents] == [d.file for d in plain.documents]


def test_a_changed_file_rebuilds_only_its_episode(tmp_path, catalogue):
    load_cached(catalogue, MAX, Store(tmp_path / "cache", catalogue))
    notes = catalogue / "ep0002" / "notes.md"
    notes.write_text(notes.read_text() + "\n## Late addition\n\n- Velvet budgets changed the plan.\n")
    library = load_cached(catalogue, MAX, Store(tmp_path / "cache", catalogue))
    assert library.built == 1
    assert _dump(library) == _dump(load_library(catalogue))
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    reply = bot.run("ask", {"question": "What changed the plan about velvet budgets?", "episode": "2"})
    assert reply.results and "Velvet" in reply.results[0].text


def test_removed_episode_leaves_no_search_rows(tmp_path, catalogue):
    cache = tmp_path / "cache"
    bot = EpisodeBot(catalogue, cache_dir=cache)
    slot = bot.library.slots[-1]
    shutil.rmtree(catalogue / "ep0003")
    bot = EpisodeBot(catalogue, cache_dir=cache)
    assert len(bot.library.episodes) == 2
    lo, hi = slot_range(slot)
    db = sqlite3.connect(bot.library.store.path)
    rows = "SELECT count(*) FROM docs WHERE rowid >= ? AND rowid < ?"
    assert db.execute(rows, (lo, hi)).fetchone() != (0,)  # another process may still serve it
    assert db.execute("SELECT count(*) FROM files WHERE name LIKE 'ep0003/%'").fetchone() == (0,)
    bot.library.store.keep_only(bot.library.keys, bot.library.files, unused_for=0)  # a day later
    assert db.execute(rows, (lo, hi)).fetchone() == (0,)


def test_answers_are_the_same_with_the_cache(tmp_path, episode_bot):
    cached = EpisodeBot(SEEDS, cache_dir=tmp_path / "cache")
    warm = EpisodeBot(SEEDS, cache_dir=tmp_path / "cache")
    assert warm.library.built == 0
    plain_engine, warm_engine = BotEngine(episode_bot), BotEngine(warm)
    for case in load_cases(QUESTIONS):
        assert warm_engine.answer(case) == plain_engine.answer(case), case["id"]
    assert BotEngine(cached).answer({"command": "ask", "query": "What is RLVR?"}) == \
        plain_engine.answer({"command": "ask", "query": "What is RLVR?"})


def test_reload_reads_back_unchanged_episodes(tmp_path, catalogue):
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    os.utime(catalogue / "ep0001" / "shownotes.txt", ns=(1, 1))  # looks changed: its episode is rebuilt
    assert bot.reload()
    assert bot.library.built == 1 and len(bot.library.episodes) == 3
    assert bot.run("chapter", {"episode": "1"}).results


def test_new_code_rebuilds_everything(tmp_path, catalogue, monkeypatch):
    load_cached(catalogue, MAX, Store(tmp_path / "cache", catalogue))
    monkeypatch.setattr(store_module, "code_fingerprint", lambda: "another version")
    assert load_cached(catalogue, MAX, Store(tmp_path / "cache", catalogue)).built == 3


def test_an_unusable_cache_folder_falls_back_to_memory(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        bot = EpisodeBot(SEEDS, cache_dir=blocker / "index")
    assert bot.run("ask", {"question": "What is RLVR?"}).results
    assert "cannot be used" in caplog.text


def test_a_broken_cache_file_is_rebuilt(tmp_path, catalogue, caplog):
    cache = tmp_path / "cache"
    store = Store(cache, catalogue)
    store.db.close()
    store.path.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        bot = EpisodeBot(catalogue, cache_dir=cache)
    assert len(bot.library.episodes) == 3
    assert bot.run("chapter", {"episode": "2"}).results


def test_a_cache_that_fails_while_loading_falls_back_to_memory(tmp_path, catalogue, monkeypatch, caplog):
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "put_episode", full)
    with caplog.at_level(logging.WARNING, logger="bot.core"):
        bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    assert len(bot.library.episodes) == 3
    assert bot.run("chapter", {"episode": "3"}).results
    assert "building the index in memory" in caplog.text


def test_the_old_snapshot_still_answers_after_a_reload_changed_its_episode(tmp_path, catalogue):
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    other = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")  # e.g. the Slack service beside Discord
    changed = catalogue / "ep0002" / "notes.md"
    changed.write_text(changed.read_text() + "\n- One more line.\n")
    assert bot.reload()
    assert other.run("ask", {"question": "How many hours was it trained on?", "episode": "2"}).results
    assert bot.run("ask", {"question": "How many hours was it trained on?", "episode": "2"}).results
