"""Serving from the index cache: episodes without their text in memory, bounded caches, a reload that
indexes only the new episode, and a first build spread over worker processes."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections import Counter

import pytest

from bot import indexer
from bot import store as store_module
from bot.core import EpisodeBot
from bot.episode_guides import EpisodeGuides
from bot.library import load_library

MAX = 16 * 1024 * 1024
QUESTIONS = [("ask", {"question": "Where is it based?", "episode": "2"}),
             ("ask", {"question": "What was it trained on?"}),
             ("quote", {"text": "the plan", "episode": "1"}),
             ("summary", {"episode": "3"}), ("chapter", {"episode": "2"}), ("episodes", {})]


@pytest.fixture()
def catalogue(catalogue, tmp_path):
    """The four generated episodes with ep0004 kept aside, to be added."""
    shutil.move(catalogue / "ep0004", tmp_path / "ep0004")
    return catalogue


def _answers(bot):
    return [bot.run(name, dict(args)).model_dump() for name, args in QUESTIONS]


def test_episodes_are_served_without_their_text_in_memory(tmp_path, catalogue):
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    plain = load_library(catalogue)
    library = bot.library
    assert all(not e.passages and not e.quotes for e in library.episodes)
    assert [library.full(e).model_dump() for e in library.episodes] == [e.model_dump() for e in plain.episodes]
    index = bot.snapshot.index
    for episode, slot in zip(library.episodes, library.slots):
        full = library.full(episode)
        lo = slot << 20
        # an item read by its rowid alone is the episode's own, with its stem line
        bot.library.store.full_episodes.discard([slot])
        bot.library.store.items.discard(range(lo, lo + 5000))
        got = index.items[lo + len(full.passages)] if full.quotes else index.items[lo]
        want = full.quotes[0] if full.quotes else full.passages[0]
        assert got[0] is episode and got[1].model_dump() == want.model_dump() and got[1]._stems
    assert _answers(bot) == _answers(EpisodeBot(catalogue))


def test_the_caches_stay_bounded_and_answers_stay_the_same(tmp_path, catalogue):
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    store = bot.library.store
    store.items.limit, store.full_episodes.limit = 20, 1
    assert _answers(bot) == _answers(EpisodeBot(catalogue))
    assert len(store.items) <= 20 and len(store.full_episodes) <= 1


def test_a_new_episode_is_indexed_alone_by_a_reload(tmp_path, catalogue, monkeypatch):
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    before = {e.id: e for e in bot.library.episodes}
    shutil.copytree(tmp_path / "ep0004", catalogue / "ep0004", ignore=shutil.ignore_patterns("planted.json"))
    read = []  # which slots' guide vectors the reload reads from the cache
    real = EpisodeGuides.stored
    monkeypatch.setattr(EpisodeGuides, "stored", lambda self, model, slots=None: read.append(slots) or
                        real(self, model, slots))
    assert bot.reload()
    assert bot.library.built == 1 and len(bot.library.episodes) == 4
    assert all(before[e.id] is e for e in bot.library.episodes if e.id in before)  # taken as they were
    if bot.snapshot.index.model is not None:  # the serving index lent the others' guide vectors
        assert read == [[bot.library.slots[-1]]]
    restarted = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    fresh = EpisodeBot(catalogue)
    assert bot.snapshot.index.df == fresh.snapshot.index.df == restarted.snapshot.index.df
    assert bot.snapshot.index.vocab_df == fresh.snapshot.index.vocab_df
    reloaded, again = bot.snapshot.index, restarted.snapshot.index
    assert reloaded._guide_slots == again._guide_slots
    assert (reloaded._guides is None and again._guides is None) or (reloaded._guides == again._guides).all()
    assert bot.run("chapter", {"episode": "4"}).results
    assert _answers(bot) == _answers(fresh)
    shutil.rmtree(catalogue / "ep0001")  # a removed episode's words leave the counts
    assert bot.reload()
    assert bot.snapshot.index.df == EpisodeBot(catalogue).snapshot.index.df


def test_a_damaged_item_is_left_out_and_said_once(tmp_path, catalogue, caplog):
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    slot = bot.library.slots[0]
    db = sqlite3.connect(bot.library.store.path)
    db.execute("UPDATE items SET item = 'not json' WHERE rowid = ?", (slot << 20,))
    db.commit()
    db.close()
    again = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        full = again.library.full(again.library.episodes[0])
    facts = again.library.facts(again.library.episodes[0])
    assert len(full.passages) == facts.passages - 1
    assert sum("left out" in r.getMessage() for r in caplog.records) == 1


def test_worker_processes_build_the_same_index(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(indexer, "_configured", 2)
    monkeypatch.setattr(indexer, "MIN_JOBS", 2)
    monkeypatch.setattr(store_module, "KEEP_READ", 2)  # more new files than a reload's: headers read by workers
    made = []
    real = indexer.Workers._run
    monkeypatch.setattr(indexer.Workers, "_run",
                        lambda self, fn, here, items: made.append((fn.__name__, len(items), self._pool(len(items))
                                                                   is not None)) or real(self, fn, here, items))
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    assert made == [("_scout", 3, True)] and bot.library.built == 3  # each new folder read once, built as read
    monkeypatch.setattr(indexer, "_configured", 1)
    monkeypatch.setattr(store_module, "_folder_units", lambda *args: None)  # two passes: headers, then builds
    made.clear()
    alone = EpisodeBot(catalogue, cache_dir=tmp_path / "other")
    assert made == [("_read", 9, False), ("_work", 3, False)]
    for a, b in zip(bot.library.episodes, alone.library.episodes):
        assert bot.library.full(a).model_dump() == alone.library.full(b).model_dump()
    rows = "SELECT text, title, speaker, ep FROM docs ORDER BY rowid"
    assert Counter(bot.library.store.db.execute(rows).fetchall()) == Counter(alone.library.store.db.execute(rows).fetchall())
    assert bot.snapshot.index.df == alone.snapshot.index.df
    assert _answers(bot) == _answers(alone)


def test_a_folder_built_as_read_but_grouped_with_a_loose_file_is_built_again(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(store_module, "KEEP_READ", 2)
    seeds = tmp_path / "later"
    seeds.mkdir()
    shutil.copy(catalogue / "ep0002" / "notes.md", seeds / "ep2-extra.md")  # names episode 2: joins its folder
    first = EpisodeBot(seeds, cache_dir=tmp_path / "cache")
    assert first.library.built == 1
    for folder in ("ep0001", "ep0002", "ep0003"):
        shutil.copytree(catalogue / folder, seeds / folder)
    bot = EpisodeBot(seeds, cache_dir=tmp_path / "cache")  # the loose file is cached; the folders are read once
    plain = load_library(seeds)
    assert bot.library.built == 3
    assert [bot.library.full(e).model_dump() for e in bot.library.episodes] == [e.model_dump() for e in plain.episodes]
    assert len(bot.library.full(bot.library.episodes[1]).sources) == 4
    stored = {key for (key,) in bot.library.store.db.execute("SELECT key FROM episodes")}
    assert stored == bot.library.keys | first.library.keys  # the folder's own early episode was dropped


def test_a_reload_takes_the_file_headers_the_serving_library_read(tmp_path, catalogue, monkeypatch):
    (catalogue / "loose.md").write_text("Some words with no episode, number or title.\n", encoding="utf-8")
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    note = "names no episode (no number, title or folder); kept as an episode of its own"
    loose = next(d for d in bot.library.documents if d.file == "loose.md")
    assert [p.message for p in loose.problems] == [note]
    kept = bot.library.headers["loose.md"][1]
    assert kept.problems == [] and kept.title is None  # grouping noted on this load's copy, not on what is kept
    validated = []
    real = store_module.Store.headers
    monkeypatch.setattr(store_module.Store, "headers", lambda self: validated.append(1) or real(self))
    shutil.copytree(tmp_path / "ep0004", catalogue / "ep0004", ignore=shutil.ignore_patterns("planted.json"))
    for _ in range(2):
        assert bot.reload()
    assert validated == []  # nothing read back from the cache's JSON
    assert bot.library.built == 0 and len(bot.library.episodes) == 5
    loose = next(d for d in bot.library.documents if d.file == "loose.md")
    assert [p.message for p in loose.problems] == [note]  # said once, however many reloads
    restarted = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    assert [(d.file, d.title, d.problems) for d in bot.library.documents] == \
        [(d.file, d.title, d.problems) for d in restarted.library.documents]
    assert _answers(bot) == _answers(restarted)


def test_what_a_reload_asks_of_every_episode_is_answered_without_reading_its_large_columns(tmp_path, catalogue):
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    index, store = bot.snapshot.index, bot.library.store
    if index.model is None:
        pytest.skip("meaning search is off here: no vectors are stored")
    asked: list[str] = []
    store.db.set_trace_callback(asked.append)
    index._cache.stored(index.model.digest)
    store.db.set_trace_callback(None)
    plan = store.db.execute(f"EXPLAIN QUERY PLAN {asked[-1]}".replace("?", "''")).fetchall()
    assert "COVERING INDEX meaning_vectors_digests" in str(plan)  # not a page of each episode's vectors
    slots = list(bot.library.slots)
    asked.clear()
    store.db.set_trace_callback(asked.append)
    assert store.indexed(slots) == set(slots)
    store.db.set_trace_callback(None)
    plan = store.db.execute(f"EXPLAIN QUERY PLAN {asked[-1]}").fetchall()
    assert "USING INDEX episodes_indexed" in str(plan)  # not each episode's row, with its word counts
    store.db.execute("UPDATE episodes SET stats = NULL WHERE slot = ?", (slots[0],))
    assert store.indexed(slots) == set(slots[1:])
    assert store.indexed(slots[:1]) == set()
