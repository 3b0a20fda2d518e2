"""A first build writes its search rows with FTS5's merging put off, then merges them once."""

from __future__ import annotations

import sqlite3

import pytest

from bot import store as store_module
from bot.core import EpisodeBot
from bot.search import index_episode
from bot.store import AUTOMERGE, Store, load_cached

MAX = 16 * 1024 * 1024
QUESTIONS = [("ask", {"question": "Where is it based?"}),
             ("ask", {"question": "What was it trained on?", "episode": "2"}),
             ("quote", {"text": "the plan"}), ("summary", {"episode": "3"})]


def _automerge(store: Store) -> int | None:
    row = store.db.execute("SELECT v FROM docs_config WHERE k = 'automerge'").fetchone()
    return row[0] if row else None


def _segments(path) -> int:
    """Return how many FTS5 segments the docs table holds."""
    db = sqlite3.connect(path)
    try:
        # A segment's pages are the %_data rows from segid << 37 (FTS5_SEGMENT_ROWID); below are its records.
        return db.execute("SELECT count(DISTINCT rowid >> 37) FROM docs_data WHERE rowid >= 1 << 37").fetchone()[0]
    finally:
        db.close()


def test_a_build_of_many_puts_merging_off_and_merges_once_at_the_end(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(store_module, "BULK_EPISODES", 2)
    seen = []
    store = Store(tmp_path / "cache", catalogue)

    def on_built(episode, slot, extra):
        seen.append(_automerge(store))
        index_episode(store, episode, slot, None)  # its search rows, as a bot's load writes them

    library = load_cached(catalogue, MAX, store, on_built=on_built)
    assert len(library.episodes) == 4 and seen == [0, 0, 0, 0]  # each episode written with merging off
    assert _automerge(store) == AUTOMERGE  # and on again once the load ends
    assert _segments(store.path) == 1  # everything written merged into one segment


def test_answers_are_the_same_with_and_without_merging_put_off(tmp_path, catalogue, monkeypatch):
    plain = EpisodeBot(catalogue, cache_dir=tmp_path / "plain")
    monkeypatch.setattr(store_module, "BULK_EPISODES", 2)
    bulk = EpisodeBot(catalogue, cache_dir=tmp_path / "bulk")
    assert [bulk.run(n, dict(a)).model_dump() for n, a in QUESTIONS] == \
        [plain.run(n, dict(a)).model_dump() for n, a in QUESTIONS]


def test_a_build_killed_with_merging_off_has_it_turned_on_at_the_next_open(tmp_path, catalogue):
    store = Store(tmp_path / "cache", catalogue)
    with store.bulk() as bulk:
        bulk.begin()
        assert _automerge(store) == 0
        bulk.on = False  # as if the process died here: end() never merges
    assert _automerge(store) == 0
    store.db.close()
    assert _automerge(Store(tmp_path / "cache", catalogue)) == AUTOMERGE


def test_a_few_new_episodes_leave_merging_as_it_is(tmp_path, catalogue):
    store = Store(tmp_path / "cache", catalogue)
    seen = []
    load_cached(catalogue, MAX, store, on_built=lambda *a: seen.append(_automerge(store)))
    assert seen and all(v != 0 for v in seen)  # 4 episodes: under BULK_EPISODES


def test_vectors_of_dropped_episodes_are_dropped_once_at_the_end(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(store_module, "BULK_EPISODES", 2)
    bot = EpisodeBot(catalogue, cache_dir=tmp_path / "cache")
    store = bot.library.store
    if bot.snapshot.index.model is None:
        pytest.skip("no meaning model configured")
    slots = {s for (s,) in store.db.execute("SELECT slot FROM meaning_vectors")}
    assert slots == set(bot.library.slots)
    store.db.execute("INSERT INTO meaning_vectors SELECT 9999, model, digest, dim, items, chapters "
                     "FROM meaning_vectors LIMIT 1")  # the vectors of an episode dropped since
    with store.bulk() as bulk:
        bulk.begin()
    assert 9999 not in {s for (s,) in store.db.execute("SELECT slot FROM meaning_vectors")}


def _terms(store: Store) -> tuple[list[tuple], list[tuple]]:
    """Return the per-episode stem rows and the slots they are filed for, in key order."""
    return (store.db.execute("SELECT stem, slot, n FROM episode_terms ORDER BY stem, slot").fetchall(),
            store.db.execute("SELECT slot, key FROM episode_terms_slots ORDER BY slot").fetchall())


def _staged(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM episode_terms_staged").fetchone()[0]


def test_a_bulk_load_stages_the_stem_rows_and_files_them_at_the_end_as_a_plain_load_does(
        tmp_path, catalogue, monkeypatch):
    plain = Store(tmp_path / "plain", catalogue)
    load_cached(catalogue, MAX, plain, on_built=lambda e, slot, x: index_episode(plain, e, slot, None))
    assert _staged(plain) == 0 and len(_terms(plain)[1]) == 4  # written with each episode

    monkeypatch.setattr(store_module, "BULK_EPISODES", 2)
    bulk = Store(tmp_path / "bulk", catalogue)
    during = []

    def on_built(episode, slot, extra):
        index_episode(bulk, episode, slot, None)
        during.append((_staged(bulk), len(_terms(bulk)[1])))

    load_cached(catalogue, MAX, bulk, on_built=on_built)
    assert [filed for _, filed in during] == [0, 0, 0, 0]  # nothing filed while the load runs
    assert during[0][0] > 0 and during[-1][0] > during[0][0]  # each episode's rows staged
    assert _staged(bulk) == 0
    assert _terms(bulk) == _terms(plain) and _terms(bulk)[0]


def test_stem_rows_staged_by_a_build_killed_before_its_end_are_filed_at_the_next_open(
        tmp_path, catalogue, monkeypatch):
    plain = Store(tmp_path / "plain", catalogue)
    load_cached(catalogue, MAX, plain, on_built=lambda e, slot, x: index_episode(plain, e, slot, None))
    monkeypatch.setattr(store_module, "BULK_EPISODES", 2)
    store = Store(tmp_path / "cache", catalogue)
    real_end = store_module.Bulk.end
    monkeypatch.setattr(store_module.Bulk, "end", lambda self: None)  # the process dies before the end
    load_cached(catalogue, MAX, store, on_built=lambda e, slot, x: index_episode(store, e, slot, None))
    assert _staged(store) > 0 and _terms(store) == ([], [])
    store.db.close()
    monkeypatch.setattr(store_module.Bulk, "end", real_end)
    again = Store(tmp_path / "cache", catalogue)
    assert _staged(again) == 0 and _terms(again) == _terms(plain)


def test_an_episode_dropped_during_a_bulk_load_leaves_no_staged_rows(tmp_path, catalogue):
    store = Store(tmp_path / "cache", catalogue)
    with store.bulk() as bulk:
        bulk.begin()
        load_cached(catalogue, MAX, store, on_built=lambda e, slot, x: index_episode(store, e, slot, None))
        slots = [s for (s,) in store.db.execute("SELECT slot FROM episode_terms_staged_slots")]
        assert len(slots) == 4
        store._drop_slots(slots[:1])
    assert _staged(store) == 0
    assert [s for s, _ in _terms(store)[1]] == slots[1:]


def test_answers_are_the_same_after_a_bulk_load_killed_before_its_end(tmp_path, catalogue, monkeypatch):
    plain = EpisodeBot(catalogue, cache_dir=tmp_path / "plain")
    monkeypatch.setattr(store_module, "BULK_EPISODES", 2)
    real_end = store_module.Bulk.end
    monkeypatch.setattr(store_module.Bulk, "end", lambda self: None)
    EpisodeBot(catalogue, cache_dir=tmp_path / "killed").store.db.close()
    monkeypatch.setattr(store_module.Bulk, "end", real_end)
    again = EpisodeBot(catalogue, cache_dir=tmp_path / "killed")
    assert again.library.built == 0
    assert [again.run(n, dict(a)).model_dump() for n, a in QUESTIONS] == \
        [plain.run(n, dict(a)).model_dump() for n, a in QUESTIONS]


def test_filing_staged_rows_replaces_what_their_slots_held_and_keeps_the_index_by_slot():
    from collections import Counter

    from bot.episode_terms import EpisodeTerms, merge_staged

    db = sqlite3.connect(":memory:", isolation_level=None)
    terms = EpisodeTerms(db, None)

    def index_by_slot() -> bool:
        return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'episode_terms_by_slot'").fetchone() is not None

    terms.stage(2, "b", Counter({"gpu": 2, "train": 1}))
    terms.stage(1, "a", Counter({"gpu": 1, "zero": 0}))
    assert merge_staged(db) == 2  # into an empty table: the index is made again afterwards
    assert index_by_slot()
    terms.write(3, "c", Counter({"cost": 4}))
    terms.stage(1, "a2", Counter({"data": 5}))  # a slot filed before gets new rows: its old ones go
    assert merge_staged(db) == 1 and merge_staged(db) == 0
    assert db.execute("SELECT stem, slot, n FROM episode_terms ORDER BY stem, slot").fetchall() == \
        [("cost", 3, 4), ("data", 1, 5), ("gpu", 2, 2), ("train", 2, 1)]
    assert terms.filled({1: "a2", 2: "b", 3: "c"}) == {1, 2, 3}
    assert terms.holders(["gpu"]) == {"gpu": {2: 2}}
    assert index_by_slot()
    assert db.execute("EXPLAIN QUERY PLAN DELETE FROM episode_terms WHERE slot = 1").fetchall()[-1][-1] \
        .endswith("USING COVERING INDEX episode_terms_by_slot (slot=?)")
