"""One FTS5 table for the whole catalogue: an episode's rows are its slot's rowid range, scored by
the episode's own statistics (bot/episode_bm25.py), and the index cache holds no table per episode."""

from __future__ import annotations

import math
import shutil
import sqlite3
import threading

import pytest

from bench import SEEDS
from bench.catalogue import build
from bot.core import EpisodeBot
from bot.episode_bm25 import EpisodeBM25, _varints
from bot.store import FTS_SCHEMA, INSERT_ROWS, slot_range

# Two episodes: 'model' is in three of five rows of the first and in one row of the second, so its
# rarity differs between them; 'data' twice in one row (counted once, see the module).
EPISODES = {
    1: ["the model learns from data", "a model of the weather", "model weights and cards",
        "nothing to see here today", "the data centre was cold"],
    2: ["a short model note", "rivers and mountains", "mountains of paperwork", "the river data data",
        "weather over the mountains", "a quiet afternoon"],
}


def _tables(db: sqlite3.Connection, only: int | None = None) -> None:
    """Fill `docs` with both episodes, and `alone` with episode `only`'s rows."""
    db.execute(FTS_SCHEMA.format(table="docs"))
    db.execute(FTS_SCHEMA.format(table="alone"))
    for slot, texts in EPISODES.items():
        lo = slot_range(slot)[0]
        rows = [(lo + i, text, "", "", str(slot)) for i, text in enumerate(texts)]
        db.executemany(INSERT_ROWS.format(table="docs"), rows)
        if slot == only:
            db.executemany(INSERT_ROWS.format(table="alone"), rows)


@pytest.mark.parametrize("slot", [1, 2])
@pytest.mark.parametrize("phrases", [['"model"'], ['"model"', '"weather"'], ['"mountain"', '"river"'], ['"mod"*']])
def test_an_episode_is_scored_as_fts5_scores_a_table_of_its_rows_alone(slot, phrases):
    """Where each word is in a row's text once, the score is FTS5's bm25 over the episode's rows alone."""
    db = sqlite3.connect(":memory:")
    _tables(db, only=slot)
    got = EpisodeBM25(db, threading.Lock()).search(slot, phrases, 10)
    match = f"{{text title speaker}}: ({' OR '.join(phrases)})"
    want = db.execute("SELECT rowid, -bm25(alone, 1.0, 0.4, 0.5) FROM alone WHERE alone MATCH ? ORDER BY rank",
                      (match,)).fetchall()
    assert [r for r, _ in got] == [r for r, _ in want]
    for (_, mine), (_, theirs) in zip(got, want):
        assert mine == pytest.approx(theirs, rel=1e-6)


def test_only_the_episodes_rows_are_found_and_a_repeated_word_counts_once():
    db = sqlite3.connect(":memory:")
    _tables(db)
    search = EpisodeBM25(db, threading.Lock())
    lo, hi = slot_range(2)
    found = search.search(2, ['"data"', '"model"'], 10)
    assert {r for r, _ in found} == {lo, lo + 3}
    assert all(lo <= r < hi for r, _ in found)
    assert search.search(3, ['"model"'], 10) == []  # a slot with no rows
    sizes, average, n = search.lengths(2)
    assert n == 6 and sizes[3] == 4 and average == pytest.approx(sum(len(t.split()) for t in EPISODES[2]) / 6)
    # 'model' is in more than half of episode 1's rows (no rarity there: FTS5's floor), in one of six of episode 2's
    assert search.search(1, ['"model"'], 1)[0][1] < 1e-5
    assert search.search(2, ['"model"'], 1)[0][1] > 1


def test_a_match_in_a_heading_only_counts_less_than_in_the_text():
    db = sqlite3.connect(":memory:")
    db.execute(FTS_SCHEMA.format(table="docs"))
    lo = slot_range(1)[0]
    db.executemany(INSERT_ROWS.format(table="docs"), [
        (lo, "pricing of the plans", "", "", "1"), (lo + 1, "plans for the year", "pricing", "", "1"),
        *((lo + i, f"filler row {i}", "", "", "1") for i in range(2, 8))])
    found = EpisodeBM25(db, threading.Lock()).search(1, ['"pricing"'], 10)
    assert [r for r, _ in found] == [lo, lo + 1]


def test_varints_decode_as_sqlite_writes_them():
    assert _varints(bytes([5, 0x81, 0x00, 0x7F])) == [5, 128, 127]
    assert _varints(bytes([0xFF] * 8 + [0x01])) == [(1 << 64) - 255]  # ninth byte: 8 bits


def test_the_index_cache_holds_one_search_table_however_many_episodes(tmp_path, monkeypatch):
    monkeypatch.setenv("EPISODE_BENCH_CACHE", str(tmp_path / "generated"))
    src, _ = build(3, SEEDS, words=1500)
    seeds = tmp_path / "seeds"
    shutil.copytree(src, seeds)
    bot = EpisodeBot(seeds, cache_dir=tmp_path / "cache")
    db = sqlite3.connect(bot.store.path)
    virtual = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
    assert virtual == ["docs"]
    assert len(bot.library.episodes) == 3
    index = bot.snapshot.index
    episode = bot.library.episodes[1]
    rows = index.candidates(index.parse("Where is it based?"), episode)
    lo, hi = slot_range(index.slot_of[id(episode)])
    assert rows and all(lo <= rowid < hi for rowid, _ in rows)  # the episode's own rows, and only those
    assert all(math.isfinite(score) and score > 0 for _, score in rows)
    assert bot.run("ask", {"question": "Where is it based?", "episode": "2"}).model_dump()["results"]
