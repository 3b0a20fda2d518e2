"""Taught answers: a question an admin linked to a passage, matched again when asked alike.

A later question gets the taught answer first when it is the same question
once folded (case, punctuation, accents) or a close paraphrase: the same
content words in any order, inflections and typos allowed (rapidfuzz), with
the embedding model of `bot.meaning`, when installed, able to veto. The
taught answer is stored as JSON (a Result's fields), never as anything that
runs when read back.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from .db import DatabaseError
from .questions import normalise

if TYPE_CHECKING:
    from .db import Database

log = logging.getLogger(__name__)

REFRESH_EVERY = 30.0  # seconds: replicas sharing PostgreSQL see each other's teaching this soon
WORD_MATCH = 80  # fuzz.ratio at which two words are the same word ("pretraining"/"pretrain" 84, "rlvr"/"rlhf" 50)
MEANING_VETO = 0.5  # cosine under which word-aligned questions still don't mean the same
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
    """Cosine similarity of two questions by the meaning model (bot.meaning), when it is installed."""
    try:
        from ..meaning import load_model

        model = load_model()
    except Exception:  # numpy, tokenizers or the packaged table missing: wording alone
        return None
    if model is None:
        return None

    def similarity(a: str, b: str) -> float:
        vectors = model.embed([a, b])
        return float(vectors[0] @ vectors[1])

    return similarity


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
        """Return the taught answer for a question that means the same, for this episode; else None.

        The same question once folded, or the same content words in any order,
        inflections and typos allowed (each word matched by rapidfuzz), at most
        one word apart when the question has three or more. The meaning model,
        when installed, can only veto: tested on our questions it rates
        "cost to pretrain" and "cost to post-train" 0.92 alike, and "cost" and
        "price" (0.67) below "pretrain" and "train" (0.73), so it cannot accept.
        """
        self.refresh()
        items = [t for t in self._items if t.episode in (None, episode)]
        if not items:
            return None
        norm = normalise(question)
        for t in items:
            if t.norm == norm:
                return t
        words = content_words(norm).split()
        for t in sorted(items, key=lambda t: -t.taught_at):  # the newest teaching wins
            if aligned(words, t.content.split()) and not self._vetoed(question, t.question):
                return t
        return None

    def _vetoed(self, asked: str, taught: str) -> bool:
        if self._meaning is None:
            return False
        try:
            return self._meaning(asked, taught) < MEANING_VETO
        except Exception:  # the model is an extra: a failure must not cost the answer
            log.exception("meaning similarity failed; matching taught answers by wording only")
            self._meaning = None
            return False


def aligned(asked: list[str], taught: list[str]) -> bool:
    """True when each content word of one question has a close word in the other (one slip allowed in 3+)."""
    if not asked or not taught:
        return False

    def same(x: str, y: str) -> bool:  # inflections by ratio; a one-letter slip or swap in a longer word
        return fuzz.ratio(x, y) >= WORD_MATCH or (min(len(x), len(y)) >= 4 and OSA.distance(x, y) <= 1)

    def misses(xs: list[str], ys: list[str]) -> int:
        return sum(1 for x in xs if not any(same(x, y) for y in ys))

    missed = misses(asked, taught) + misses(taught, asked)
    return missed == 0 or (missed == 1 and min(len(asked), len(taught)) >= 3)
