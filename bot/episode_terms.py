"""Which episodes hold a word, and in how many of their items: what picks the episodes a search reads.

A question asked of the whole catalogue used to be one FTS5 query over every
passage of every episode, and FTS5 scores every row that matches before it
sorts: 'What is RLVR?' scored tens of thousands of passages. This table lets
the search first pick the few episodes most about the question's words (see
SearchIndex.catalogue_episodes) and then read only their own rows.

One row per (stem, episode slot): how many of the episode's items hold the
stem. It lives beside the store's tables in the index cache (or in the
in-memory index without one), filled from the per-episode word counts the
store already keeps; a slot's rows are tied to the store's key of the
episode, so a slot number reused after a rebuild never reads another
episode's counts. Plain columns only: nothing read back can run code.

A first build (a store's bulk load) stages each episode's rows in a table
ordered by slot instead (appended at its end), and merges them into the
table ordered by stem once, sorted, when the load ends (see merge_staged):
written one episode at a time, every episode's 1,500-odd stems landed on as
many pages spread over the whole table, and each commit wrote them all again,
a cost that grew with the catalogue (from 3 to 30 ms an episode's commit
between 30 and 360 episodes).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections import Counter
from typing import Iterable

from .sqlite_tx import immediate

log = logging.getLogger(__name__)

# Replacing one episode's rows (see merge_staged, which may drop it and make it again).
_BY_SLOT = "CREATE INDEX IF NOT EXISTS episode_terms_by_slot ON episode_terms (slot)"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS episode_terms (stem TEXT, slot INTEGER, n INTEGER, "
    "PRIMARY KEY (stem, slot)) WITHOUT ROWID",
    _BY_SLOT,
    "CREATE TABLE IF NOT EXISTS episode_terms_slots (slot INTEGER PRIMARY KEY, key TEXT)",
    # A bulk load's rows until it ends (see stage and merge_staged): by slot, so writing one appends.
    "CREATE TABLE IF NOT EXISTS episode_terms_staged (slot INTEGER, stem TEXT, n INTEGER, "
    "PRIMARY KEY (slot, stem)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS episode_terms_staged_slots (slot INTEGER PRIMARY KEY, key TEXT)",
)
TABLES = ("episode_terms", "episode_terms_slots", "episode_terms_staged", "episode_terms_staged_slots")
_CHUNK = 500  # SQLite's host parameters per statement stay well under its limit


class EpisodeTerms:
    """Read and write the per-episode stem counts in an index's SQLite database."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock | None) -> None:
        """Use (and create) the tables in db; lock None: the caller holds the connection's lock."""
        self.db, self.lock = db, lock if lock is not None else contextlib.nullcontext()
        with self.lock:
            for sql in SCHEMA:
                self.db.execute(sql)

    def filled(self, keys: dict[int, str]) -> set[int]:
        """Return the slots whose rows are stored for exactly these episode keys ({slot: key})."""
        with self.lock:
            have = dict(self.db.execute("SELECT slot, key FROM episode_terms_slots"))
        return {slot for slot, key in keys.items() if have.get(slot) == key}

    def put(self, counts: dict[int, tuple[str, Counter[str]]]) -> None:
        """Store {slot: (episode key, stem -> items holding it)}, replacing what a slot held."""
        if not counts:
            return
        with self.lock:
            with immediate(self.db):
                for slot, (key, df) in counts.items():
                    self.write(slot, key, df)

    def write(self, slot: int, key: str, df: Counter[str]) -> None:
        """Replace a slot's rows (inside the caller's transaction, under its lock)."""
        self.db.execute("DELETE FROM episode_terms WHERE slot = ?", (slot,))
        self.db.executemany("INSERT OR REPLACE INTO episode_terms VALUES (?, ?, ?)",
                            ((s, slot, int(n)) for s, n in df.items() if n > 0))
        self.db.execute("INSERT OR REPLACE INTO episode_terms_slots VALUES (?, ?)", (slot, key))

    def stage(self, slot: int, key: str, df: Counter[str]) -> None:
        """Keep a slot's rows aside until merge_staged (inside the caller's transaction, under its lock).

        Until then the slot is not filled(): a search index built before the merge (a load
        killed first) makes its rows again from the episode's stored counts.
        """
        self.db.execute("DELETE FROM episode_terms_staged WHERE slot = ?", (slot,))
        self.db.executemany("INSERT INTO episode_terms_staged VALUES (?, ?, ?)",
                            ((slot, s, int(n)) for s, n in df.items() if n > 0))
        self.db.execute("INSERT OR REPLACE INTO episode_terms_staged_slots VALUES (?, ?)", (slot, key))

    def forget_others(self, slots: Iterable[int]) -> None:
        """Drop the rows of slots not in `slots` that no other load still serves (see Store.keep_only)."""
        keep = set(slots)
        with self.lock:
            try:
                live = {s for (s,) in self.db.execute("SELECT slot FROM episodes")}
            except sqlite3.OperationalError:  # an in-memory index: only this load's slots
                live = set()
            gone = [s for (s,) in self.db.execute("SELECT slot FROM episode_terms_slots")
                    if s not in keep and s not in live]
        if not gone:
            return
        with self.lock:
            with immediate(self.db):
                for slot in gone:
                    self.db.execute("DELETE FROM episode_terms WHERE slot = ?", (slot,))
                    self.db.execute("DELETE FROM episode_terms_slots WHERE slot = ?", (slot,))

    def held(self, slot: int, stems: Iterable[str]) -> set[str]:
        """Return which of these stems some item of the episode in `slot` holds (one lookup each)."""
        with self.lock:
            return {s for s in dict.fromkeys(stems)
                    if self.db.execute("SELECT 1 FROM episode_terms WHERE stem = ? AND slot = ?", (s, slot)).fetchone()}

    def holders(self, stems: Iterable[str], prefixes: Iterable[str] = ()) -> dict[str, dict[int, int]]:
        """Return {stem: {slot: items holding it}}; a prefix stands for every stem that starts with it."""
        out: dict[str, dict[int, int]] = {}
        with self.lock:
            for s in dict.fromkeys(stems):
                out[s] = dict(self.db.execute("SELECT slot, n FROM episode_terms WHERE stem = ?", (s,)))
            for p in dict.fromkeys(prefixes):
                found: Counter[int] = Counter()
                for slot, n in self.db.execute("SELECT slot, n FROM episode_terms WHERE stem >= ? AND stem < ?",
                                               (p, p + "\U0010ffff")):
                    found[slot] += n  # an item may hold two of the words: an upper bound is enough here
                out[p] = dict(found)
        return out


def merge_staged(db: sqlite3.Connection) -> int:
    """Move the staged rows into the table, sorted by stem, replacing what their slots held; return how many.

    Run inside a transaction. Sorted, the rows fill the table's pages in order, each written once.
    """
    slots = db.execute("SELECT count(*) FROM episode_terms_staged_slots").fetchone()[0]
    if not slots:
        return 0
    db.execute("DELETE FROM episode_terms WHERE slot IN (SELECT slot FROM episode_terms_staged_slots)")
    # Into an empty table (a first build), the index by slot is made once afterwards, sorted, rather than
    # kept up row by row in stem order (half the time of filing 2,500 episodes' rows); a reload's few
    # episodes go into the index as they come.
    remake = db.execute("SELECT 1 FROM episode_terms LIMIT 1").fetchone() is None
    if remake:
        db.execute("DROP INDEX IF EXISTS episode_terms_by_slot")
    db.execute("INSERT OR REPLACE INTO episode_terms (stem, slot, n) "
               "SELECT stem, slot, n FROM episode_terms_staged ORDER BY stem, slot")
    if remake:
        db.execute(_BY_SLOT)
    db.execute("INSERT OR REPLACE INTO episode_terms_slots SELECT slot, key FROM episode_terms_staged_slots")
    db.execute("DELETE FROM episode_terms_staged")
    db.execute("DELETE FROM episode_terms_staged_slots")
    return slots


def drop_staged(db: sqlite3.Connection, slot: int) -> None:
    """Forget a slot's staged rows (an episode dropped before its load ended; inside a transaction)."""
    db.execute("DELETE FROM episode_terms_staged WHERE slot = ?", (slot,))
    db.execute("DELETE FROM episode_terms_staged_slots WHERE slot = ?", (slot,))


__all__ = ["EpisodeTerms", "SCHEMA", "TABLES", "merge_staged", "drop_staged"]
