"""A few meaning vectors per episode (its chapters and its centroid): what picks the episodes to compare by meaning.

Comparing a question with every item vector of every episode grows with the
catalogue, in time and in the memory the vectors take once read. An episode's
guides are its chapter vectors (title and content, see SearchIndex._embed_episode)
and the mean of its item vectors: a question is compared with those first, and
only the items of the closest few episodes are read (SearchIndex.meaning_episodes).

Kept beside the item vectors in the index cache, one row an episode slot and
model, as float16 bytes (numpy, never pickle), valid while the digest of the
episode's item vectors (bot/vectors.py) is the same.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import TYPE_CHECKING

from .sqlite_tx import immediate

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

SCHEMA = ("CREATE TABLE IF NOT EXISTS episode_guides (slot INTEGER, model TEXT, digest TEXT, dim INTEGER, "
          "vectors BLOB, PRIMARY KEY (slot, model))")


GUIDES = 8  # guide vectors an episode keeps at most: 2,500 episodes then take 20 MB (float32, 256 wide)


def guides(items: np.ndarray, chapters: np.ndarray, most: int = GUIDES) -> np.ndarray:
    """Return an episode's guide vectors (unit rows): its chapters, then the mean of its items.

    An episode of more than `most` - 1 chapters keeps the means of runs of
    neighbouring chapters instead (neighbours are most often on one subject).
    """
    import numpy as np

    if len(chapters) > most - 1:
        runs = np.array_split(np.arange(len(chapters)), most - 1)
        chapters = np.vstack([chapters[run].mean(axis=0) for run in runs])
        chapters /= np.maximum(np.linalg.norm(chapters, axis=1, keepdims=True), 1e-9)
    rows = [chapters] if len(chapters) else []
    if len(items):
        mean = items.mean(axis=0)
        rows.append((mean / max(float(np.linalg.norm(mean)), 1e-9))[None, :])
    if not rows:
        return np.zeros((0, items.shape[1] if items.ndim == 2 else 0), np.float32)
    return np.vstack(rows).astype(np.float32)


class EpisodeGuides:
    """Read and write episodes' guide vectors in the index cache's SQLite file."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self.db, self.lock = db, lock
        with self.lock:
            self.db.execute(SCHEMA)

    def stored(self, model: str, slots: list[int] | None = None) -> dict[int, tuple[str, np.ndarray]]:
        """Return {slot: (digest, guide vectors)} of every episode stored for a model (or of these slots)."""
        import numpy as np

        with self.lock:
            if slots is None:
                rows = self.db.execute("SELECT slot, digest, dim, vectors FROM episode_guides WHERE model = ?",
                                       (model,)).fetchall()
            else:
                rows = []
                for i in range(0, len(slots), 500):  # host parameters per statement stay under SQLite's limit
                    part = slots[i:i + 500]
                    rows += self.db.execute("SELECT slot, digest, dim, vectors FROM episode_guides WHERE model = ? "
                                            f"AND slot IN ({','.join('?' * len(part))})", (model, *part)).fetchall()
        out = {}
        for slot, digest, dim, blob in rows:
            if not isinstance(blob, bytes) or len(blob) % 2 or not dim or (len(blob) // 2) % dim:
                continue  # not written by this code: computed again
            out[slot] = (digest, np.frombuffer(blob, dtype="<f2").astype(np.float32).reshape(-1, dim))
        return out

    def put(self, model: str, rows: dict[int, tuple[str, np.ndarray]]) -> None:
        """Keep {slot: (digest of its item vectors, guide vectors)}; drop slots the store no longer has."""
        if not rows:
            return
        with self.lock:
            with immediate(self.db):
                self.db.executemany("INSERT OR REPLACE INTO episode_guides VALUES (?, ?, ?, ?, ?)",
                                    [(slot, model, digest, int(v.shape[1]), v.astype("<f2").tobytes())
                                     for slot, (digest, v) in rows.items() if v.ndim == 2 and v.shape[1]])
                try:
                    self.db.execute("DELETE FROM episode_guides WHERE slot NOT IN (SELECT slot FROM episodes)")
                except sqlite3.OperationalError:
                    pass  # a database without the store's episodes table keeps what it has


__all__ = ["EpisodeGuides", "guides", "GUIDES", "SCHEMA"]
