"""The question log's writer: a bounded queue drained by one background thread.

Answering never waits on the database. A full queue or a database that is
down costs log rows, never answers: the loss is counted and logged at most
once a minute, and nothing raises into the caller.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
import time
import unicodedata
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING, Callable

from .db import DatabaseError

if TYPE_CHECKING:
    from .db import Database

log = logging.getLogger(__name__)

QUEUE_SIZE = 10_000  # rows waiting; at 1 ms a row that is ten seconds of a dead database
BATCH = 500  # rows written in one transaction
LOSS_REPORT_EVERY = 60.0  # seconds between "rows lost" warnings
POLL = 0.5  # seconds between the writer's rounds: a burst is written in a few transactions
_WORDS = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Fold a question to its words: lower case, no punctuation or accents, single spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_WORDS.sub(" ", folded).split())


def day_of(ts: float) -> str:
    """The UTC date of a time, as YYYY-MM-DD."""
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


@dataclass
class Question:
    """One row of the question log (the columns of `questions`, in order)."""

    id: str
    asked_at: float
    day: str
    platform: str
    workspace: str | None
    channel: str | None
    user_key: str | None
    command: str
    via: str  # "command", or "button" for a page, chapter step or share
    query: str
    norm: str
    episode: str | None
    declined: int
    failed: int
    top_source: str | None
    top_time: str | None
    taught_id: str | None
    latency_ms: float


INSERT = ("INSERT INTO questions (id, asked_at, day, platform, workspace, channel, user_key, command, via, "
          "query, norm, episode, declined, failed, top_source, top_time, taught_id, latency_ms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")


class QuestionLog:
    """Queue question rows and write them in batches from a daemon thread.

    The queue is a deque the writer empties every POLL seconds: putting a row
    wakes nobody, since waking the writer (a condition's notify) hands it the
    GIL and cost each answer about 1.7 ms in a burst.
    """

    def __init__(self, db: Database, *, size: int = QUEUE_SIZE,
                 housekeeping: Callable[[], None] | None = None, every: float = 3600.0) -> None:
        self.db = db
        self._rows: deque[Question] = deque()
        self._size = size
        self.written = 0
        self.lost = 0  # rows that never reached the database, since start
        self._lost_unreported = 0
        self._last_report = 0.0
        self._housekeeping = housekeeping
        self._every = every
        self._next_chore = time.monotonic()
        self._wake = threading.Event()  # set by flush() and close(), never by put()
        self._stop = False
        self._writing = False
        self._thread = threading.Thread(target=self._drain, name="question-log", daemon=True)
        self._thread.start()

    def put(self, row: Question) -> None:
        """Queue a row; never blocks, never raises."""
        try:
            if len(self._rows) >= self._size:
                self._lose(1, "the write queue is full")
            else:
                self._rows.append(row)
        except Exception:  # a logging aid must never break an answer
            self._lose(1, "an unexpected error")

    def flush(self, timeout: float = 2.0) -> bool:
        """Write what is queued now; True when it was written (or given up on) within timeout."""
        deadline = time.monotonic() + timeout
        self._wake.set()
        while self._rows or self._writing:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
            self._wake.set()
        return True

    def close(self, timeout: float = 2.0) -> None:
        """Write what is queued (within timeout), then stop the thread."""
        self.flush(timeout)
        self._stop = True
        self._wake.set()
        self._thread.join(timeout)

    def _drain(self) -> None:
        while not self._stop:
            self._wake.wait(POLL)
            self._wake.clear()
            while self._rows:
                self._writing = True
                batch = []
                try:
                    while self._rows and len(batch) < BATCH:
                        batch.append(self._rows.popleft())
                except IndexError:
                    pass
                try:
                    if batch:
                        self._write(batch)
                finally:
                    self._writing = False
            self._chores()

    def _write(self, rows: list[Question]) -> None:
        try:
            self.db.executemany(INSERT, [astuple(r) for r in rows])
            self.written += len(rows)
        except DatabaseError as exc:
            self._lose(len(rows), str(exc))
        except Exception as exc:  # keep draining whatever happened
            self._lose(len(rows), f"{type(exc).__name__}: {exc}")

    def _lose(self, count: int, why: str) -> None:
        self.lost += count
        self._lost_unreported += count
        now = time.monotonic()
        if now - self._last_report >= LOSS_REPORT_EVERY:
            log.warning("question log: %d row(s) not recorded in the last minute (%s); answers are not "
                        "affected", self._lost_unreported, why)
            self._last_report = now
            self._lost_unreported = 0

    def _chores(self) -> None:
        """Run the retention purge now and then, from this thread (never on an answer's path)."""
        if self._housekeeping is None or time.monotonic() < self._next_chore:
            return
        self._next_chore = time.monotonic() + self._every
        try:
            self._housekeeping()
        except DatabaseError as exc:
            log.warning("question log: purge of old rows failed (%s); will retry", exc)
            self._next_chore = time.monotonic() + min(self._every, 300)
        except Exception:
            log.exception("question log: purge of old rows failed")
