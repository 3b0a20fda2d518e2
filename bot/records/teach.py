"""Taught answers: a question an admin linked to a passage, matched again by meaning or wording.

A later question gets the taught answer first when it is the same question
once folded (case, punctuation, accents), a close paraphrase by rapidfuzz
token similarity over its content words, or — when the embedding model in
`bot.meaning` is installed — close in meaning. The taught answer is stored
as JSON (a Result's fields), never as anything that runs when read back.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from rapidfuzz import fuzz

from .db import DatabaseError
from .questions import normalise

if TYPE_CHECKING:
    from .db import Database

log = logging.getLogger(__name__)

REFRESH_EVERY = 30.0  # seconds: replicas sharing PostgreSQL see each other's teaching this soon
WORDING_MATCH = 85  # token_sort_ratio over content words; 80 let "rlvr costs" match "rlvr cost model"
MEANING_MATCH = 0.86  # cosine similarity, when bot.meaning is available
# Words that frame a question without saying what it is about.
FRAMING = frozenset("""
a an the is are was were be been do does did can could would should will what whats what's which who whom
how why when where tell me us about please explain define definition meaning mean means of on in to for
by with s it its i you we they this that there anything something say said bot episode podcast
""".split())


def content_words(norm: str) -> str:
    """The words of a folded question that say what it is about, in order."""
    words = [w for w in norm.split() if w not in FRAMING]
    return " ".join(words) or norm


@dataclass
class Taught:
    id: str
    question: str
    norm: str
    episode: str | None
    answer: dict[str, Any]  # a Result's fields
    label: str  # how the admin named the answer: "1:02:38", "chapter Scaling laws", "result 2"
    taught_at: float

    @property
    def content(self) -> str:
        return content_words(self.norm)


def _similarity() -> Callable[[str, str], float] | None:
    """The meaning model's similarity function, when that part of the bot is installed."""
    try:
        from .. import meaning  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(meaning, "similarity", None)


class TaughtAnswers:
    """The taught answers, cached in memory and refreshed from the database now and then."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._items: list[Taught] = []
        self._loaded = 0.0
        self._lock = threading.Lock()
        self._meaning = _similarity()

    def refresh(self, force: bool = False) -> None:
        """Reload from the database when the copy is old; keep the old copy if it is unreachable."""
        if not force and time.monotonic() - self._loaded < REFRESH_EVERY:
            return
        with self._lock:
            self._loaded = time.monotonic()
            try:
                rows = self.db.query("SELECT id, question, norm, episode, answer, label, taught_at FROM taught "
                                     "ORDER BY taught_at")
            except DatabaseError as exc:
                log.warning("taught answers not refreshed: %s", exc)
                return
            items = []
            for id_, question, norm, episode, answer, label, at in rows:
                try:
                    items.append(Taught(id_, question, norm, episode, json.loads(answer), label, at))
                except ValueError:
                    log.warning("taught answer %s is unreadable and is skipped", id_)
            self._items = items

    def all(self) -> list[Taught]:
        self.refresh()
        return list(self._items)

    def add(self, id_: str, question: str, episode: str | None, answer: dict[str, Any], label: str,
            by: str | None) -> Taught:
        """Store a taught answer (replacing one for the same question and episode)."""
        norm = normalise(question)
        self.db.execute("DELETE FROM taught WHERE norm = ? AND COALESCE(episode, '') = ?", (norm, episode or ""))
        self.db.execute("INSERT INTO taught (id, question, norm, episode, answer, label, taught_by, taught_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (id_, question, norm, episode, json.dumps(answer, ensure_ascii=False), label, by,
                         time.time()))
        self.refresh(force=True)
        return next(t for t in self._items if t.id == id_)

    def remove(self, id_: str) -> bool:
        gone = self.db.execute("DELETE FROM taught WHERE id = ?", (id_,))
        self.refresh(force=True)
        return gone > 0

    def match(self, question: str, episode: str | None) -> Taught | None:
        """Return the taught answer for a question that means the same, for this episode; else None."""
        self.refresh()
        items = [t for t in self._items if t.episode in (None, episode)]
        if not items:
            return None
        norm = normalise(question)
        for t in items:
            if t.norm == norm:
                return t
        content = content_words(norm)
        best, score = None, 0.0
        for t in items:
            s = fuzz.token_sort_ratio(content, t.content)
            if s > score:
                best, score = t, s
        if best is not None and score >= WORDING_MATCH:
            return best
        if self._meaning is not None:
            try:
                scored = [(self._meaning(question, t.question), t) for t in items]
            except Exception:  # the model is an extra: a failure must not cost the answer
                log.exception("meaning similarity failed; matching taught answers by wording only")
                self._meaning = None
                return None
            value, chosen = max(scored, key=lambda x: x[0])
            if value >= MEANING_MATCH:
                return chosen
        return None
