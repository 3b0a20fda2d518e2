"""The index cache holds data only: nothing read back from it can run code."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

from bot.core import EpisodeBot
from bot.library import load_library
from bot.store import Store, load_cached

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
MAX = 16_000_000
QUESTIONS = [("ask", {"question": "What did they say about scaling?"}), ("summary", {}),
             ("quote", {"topic": "future"}), ("chapters", {})]


class _Marker:
    """A pickle that, when loaded, creates a file: what an attacker's cache row would do."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def _columns(db_path: Path) -> list[object]:
    db = sqlite3.connect(db_path)
    values = []
    for table in ("files", "episodes", "totals"):
        for row in db.execute(f"SELECT * FROM {table}"):
            values.extend(row)
    db.close()
    return values


def test_no_pickle_is_written(tmp_path):
    store = Store(tmp_path / "cache", SEEDS)
    bot = EpisodeBot(SEEDS, cache_dir=tmp_path / "cache")
    assert bot.library.episodes
    values = _columns(store.path)
    assert values
    for value in values:
        if isinstance(value, bytes):
            assert not value.startswith(b"\x80"), "a pickle was stored"
        if isinstance(value, str) and value[:1] in "[{":
            import json
            json.loads(value)  # every structured value is JSON


def test_a_pickled_row_is_never_loaded(tmp_path):
    """A row another user planted is dropped and its episode rebuilt, without running it."""
    cache = tmp_path / "cache"
    first = EpisodeBot(SEEDS, cache_dir=cache)
    marker = tmp_path / "ran"
    planted = pickle.dumps(_Marker(marker))
    db = sqlite3.connect(first.store.path)
    db.execute("UPDATE episodes SET episode = ?, facts = ?, stats = ?", (planted, planted, planted))
    db.execute("UPDATE items SET item = ?, stems = ?", (planted, planted))
    db.execute("UPDATE files SET header = ?", (planted,))
    db.execute("UPDATE totals SET counts = ?", (planted,))
    db.commit()
    db.close()
    again = EpisodeBot(SEEDS, cache_dir=cache)
    assert not marker.exists(), "the cache ran code when read back"
    assert [e.model_dump() for e in again.library.episodes] == [e.model_dump() for e in first.library.episodes]
    assert again.library.built == len(first.library.episodes)  # each dropped row was rebuilt


def test_a_json_round_trip_gives_equal_episodes_and_answers(tmp_path):
    plain = load_library(SEEDS)
    load_cached(SEEDS, MAX, Store(tmp_path / "cache", SEEDS))
    back = load_cached(SEEDS, MAX, Store(tmp_path / "cache", SEEDS))
    assert back.built == 0
    assert all(not e.passages and not e.quotes for e in back.episodes)  # read from the cache when asked for
    assert [back.full(e).model_dump() for e in back.episodes] == [e.model_dump() for e in plain.episodes]
    assert [back.facts(e) for e in back.episodes] == [plain.facts(e) for e in plain.episodes]
    fresh, cached = EpisodeBot(SEEDS), EpisodeBot(SEEDS, cache_dir=tmp_path / "cache")
    for name, args in QUESTIONS:
        assert cached.run(name, args).model_dump() == fresh.run(name, args).model_dump(), name


def test_fixing_a_files_permissions_makes_it_read_again(tmp_path):
    """Item 8: chmod/chown leave the modification time, so they must change the file's cache key."""
    from bot.store import file_fingerprint

    seed = tmp_path / "notes.md"
    seed.write_text("# Notes\n\nWords.\n")
    seed.chmod(0o600)
    before = file_fingerprint(seed, "notes.md", MAX)
    seed.chmod(0o644)
    assert file_fingerprint(seed, "notes.md", MAX) != before
