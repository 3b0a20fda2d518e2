"""Meaning vectors of each episode, kept beside the index cache so a restart does not recompute them.

One row an episode slot and model: the vectors of its items (passages then
quotes, in index order) and of its chapters, as float16 bytes (numpy, never
pickle: reading a row back can only ever give numbers). A row is used only
when its model digest and the episode's digest both match: the store's key of
the episode's file versions with the code that read them (so a restart hashes
no text), or, without one, a digest of the texts themselves.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported when vectors are first read or written
    import numpy as np

log = logging.getLogger(__name__)

VERSION = "1"  # how items become texts to embed (search._meaning_text): a change here re-embeds
SCHEMA = ("CREATE TABLE IF NOT EXISTS meaning_vectors (slot INTEGER, model TEXT, digest TEXT, "
          "dim INTEGER, items BLOB, chapters BLOB, PRIMARY KEY (slot, model))")
# What stored() asks, answered from an index: a scan of the table reads a page of each episode's
# 180 KB row (30 ms at 2,500 episodes, twice a reload); the index holds a few bytes an episode.
DIGESTS = "CREATE INDEX IF NOT EXISTS meaning_vectors_digests ON meaning_vectors (model, slot, digest)"


def text_digest(texts: list[str]) -> str:
    """Return a short digest of the texts a set of vectors was made from."""
    h = hashlib.sha256(VERSION.encode())
    for t in texts:
        h.update(t.encode("utf-8", "replace"))
        h.update(b"\0")
    return h.hexdigest()[:24]


class VectorCache:
    """Read and write episode vectors in the index cache's SQLite file."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self.db, self.lock = db, lock
        with self.lock:
            self.db.execute(SCHEMA)
            self.db.execute(DIGESTS)

    def stored(self, model: str) -> dict[int, str]:
        """Return {slot: digest} of the vectors stored for a model (one query for every episode)."""
        with self.lock:
            return dict(self.db.execute("SELECT slot, digest FROM meaning_vectors WHERE model = ?", (model,)))

    def identities(self, slots: list[int]) -> dict[int, str]:
        """Return {slot: digest} naming each episode's content: its store key and the reading code."""
        try:
            with self.lock:
                code = self.db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
                if len(slots) <= 500:  # a build asks for one episode at a time: not every episode's key
                    marks = ",".join("?" * len(slots))
                    keys = dict(self.db.execute(f"SELECT slot, key FROM episodes WHERE slot IN ({marks})", slots))
                else:
                    keys = dict(self.db.execute("SELECT slot, key FROM episodes"))
        except sqlite3.OperationalError:  # a cache without the store's tables: digest the texts
            return {}
        code_part = code[0] if code else ""
        return {slot: hashlib.sha256(f"{keys[slot]}|{code_part}|{VERSION}".encode()).hexdigest()[:24]
                for slot in slots if keys.get(slot)}

    def get(self, slot: int, model: str, digest: str, n_items: int, n_chapters: int
            ) -> tuple[np.ndarray, np.ndarray] | None:
        """Return (item vectors, chapter vectors) when stored for exactly this text and model."""
        with self.lock:
            row = self.db.execute("SELECT digest, dim, items, chapters FROM meaning_vectors "
                                  "WHERE slot = ? AND model = ?", (slot, model)).fetchone()
        if row is None or row[0] != digest:
            return None
        dim, items, chapters = row[1], _array(row[2]), _array(row[3])
        if dim <= 0 or items.size != n_items * dim or chapters.size != n_chapters * dim:
            log.info("the cached meaning vectors of slot %s have the wrong shape: recomputing them", slot)
            return None
        return items.reshape(n_items, dim), chapters.reshape(n_chapters, dim)

    def put(self, slot: int, model: str, digest: str, items: np.ndarray, chapters: np.ndarray,
            tidy: bool = True) -> None:
        """Keep an episode's vectors (float16: half the bytes, and cosines still to 3 decimals).

        With `tidy`, drop the vectors of episodes the store no longer has, which reads the whole
        table: a first build writing every episode leaves that to its end (see tidy()).
        """
        dim = int(items.shape[1]) if items.ndim == 2 else int(chapters.shape[1])
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO meaning_vectors VALUES (?, ?, ?, ?, ?, ?)",
                            (slot, model, digest, dim, items.astype("<f2").tobytes(),
                             chapters.astype("<f2").tobytes()))
        if tidy:
            self.tidy()

    def tidy(self) -> None:
        """Drop the vectors of episodes the store has dropped since (changed or removed files)."""
        with self.lock:
            drop_orphans(self.db)


def drop_orphans(db: sqlite3.Connection) -> None:
    """Delete the vectors of slots the index's episodes table no longer holds."""
    try:
        db.execute("DELETE FROM meaning_vectors WHERE slot NOT IN (SELECT slot FROM episodes)")
    except sqlite3.OperationalError:
        pass  # no vectors written (no model), or a cache without the store's episodes table


def _array(blob: bytes | None) -> np.ndarray:
    import numpy as np

    if not isinstance(blob, bytes) or len(blob) % 2:
        return np.zeros(0, dtype=np.float32)
    return np.frombuffer(blob, dtype="<f2").astype(np.float32)  # float32 in memory: a question's products stay fast


__all__ = ["VectorCache", "drop_orphans", "text_digest", "SCHEMA"]
