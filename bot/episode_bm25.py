"""BM25 of one episode's rows in the catalogue's one FTS5 table, by the episode's own word statistics.

Every passage and quote of a catalogue is a row of the FTS5 table `docs`, and
an episode's rows are one rowid range (its slot: store.slot_range). FTS5 hands
`rowid >= ? AND rowid < ?` to its doclist scan, so finding an episode's matching
rows costs about the same however large the catalogue (1 ms for three words at
2,500 episodes). FTS5's own bm25() can't be used there: before scoring, it
counts each query word's rows over the whole table (35-70 ms a query at 2,500
episodes of 8,000 words), and a word's rarity in the catalogue is not its
rarity in the episode asked about.

So an episode's rows are scored here with FTS5's BM25 (k1 1.2, b 0.75) and the
episode's own statistics:
- a phrase's rarity: how many of the episode's rows hold it (one query per phrase);
- each row's length in tokens, and the episode's average: FTS5's `docs_docsize`
  table (one varint per column, its documented on-disk format), kept for the
  last EPISODES_KEPT episodes searched;
- a phrase counts once in a row, as in its text (1) or only in its headings or
  speaker (0.45, between FTS5's column weights 0.4 and 0.5). FTS5 counts every
  occurrence; counting them needs each row's text tokenized again (highlight():
  9 ms an episode at 8,000 words), more than the whole search may take.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import defaultdict

from .lru import LRU
from .store import slot_range

K1 = 1.2
B = 0.75
ELSEWHERE = 0.45  # a phrase found only in a row's headings or speaker (FTS5's column weights: 0.4, 0.5)
EPISODES_KEPT = 64  # episodes whose row lengths stay in memory (a few KB each)
COLUMNS = "{text title speaker}"


class EpisodeBM25:
    """Score one episode's rows of an FTS5 table by BM25 with that episode's statistics."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, table: str = "docs") -> None:
        self.db, self.lock, self.table = db, lock, table
        self._lengths: LRU[int, tuple[list[int], float, int]] = LRU(EPISODES_KEPT)

    def search(self, slot: int, phrases: list[str], limit: int) -> list[tuple[int, float]]:
        """Return (rowid, score) of the episode's best `limit` rows holding any of the FTS5 phrases, best first."""
        lo, hi = slot_range(slot)
        sizes, average, n = self.lengths(slot)
        if not n:
            return []
        sql = f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH ? AND rowid >= ? AND rowid < ?"
        scores: defaultdict[int, float] = defaultdict(float)
        for phrase in dict.fromkeys(phrases):
            with self.lock:
                rows = [r for (r,) in self.db.execute(sql, (f"{COLUMNS}: {phrase}", lo, hi))]
                if not rows:
                    continue
                in_text = {r for (r,) in self.db.execute(sql, (f"{{text}}: {phrase}", lo, hi))}
            idf = max(math.log((n - len(rows) + 0.5) / (len(rows) + 0.5)), 1e-6)  # as FTS5's
            for r in rows:
                tf = 1.0 if r in in_text else ELSEWHERE
                length = sizes[r - lo] if 0 <= r - lo < len(sizes) else average
                scores[r] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        ranked = sorted(scores.items(), key=lambda rs: (-rs[1], rs[0]))[:limit]
        return ranked

    def lengths(self, slot: int) -> tuple[list[int], float, int]:
        """Return a slot's rows' lengths in tokens (by rowid from the slot's first), their average, and how many."""
        found = self._lengths.get(slot)
        if found is not None:
            return found
        lo, hi = slot_range(slot)
        with self.lock:
            rows = self.db.execute(f"SELECT id, sz FROM {self.table}_docsize WHERE id >= ? AND id < ? ORDER BY id",
                                   (lo, hi)).fetchall()
        if not rows:
            return [], 1.0, 0  # not indexed (yet): not kept, so a later search reads it again
        given = {rowid - lo: sum(_varints(blob)) if isinstance(blob, bytes) else 0 for rowid, blob in rows}
        average = max(sum(given.values()) / len(given), 1.0)
        sizes = [given.get(i, round(average)) for i in range(rows[-1][0] - lo + 1)]  # rows are contiguous
        return self._lengths.put(slot, (sizes, average, len(given)))

    def forget(self, slots) -> None:
        """Drop what is kept of these slots (their rows were rewritten)."""
        self._lengths.discard(slots)


def _varints(blob: bytes) -> list[int]:
    """Decode SQLite varints (7 bits a byte, high bit set on all but the last byte of each)."""
    out, value, count = [], 0, 0
    for byte in blob:
        count += 1
        if count == 9:  # the ninth byte of a varint holds 8 bits
            out.append((value << 8) | byte)
            value, count = 0, 0
            continue
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            out.append(value)
            value, count = 0, 0
    return out


__all__ = ["EpisodeBM25", "K1", "B"]
