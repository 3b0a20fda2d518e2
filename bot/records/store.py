"""`Records`: the one object the rest of the bot uses for what it keeps in a database.

Small key/value state (a channel's default episode, a member's listening
position), the question log, votes on answers and taught answers, on SQLite
in the state folder or on PostgreSQL (EPISODE_BOT_DATABASE_URL).
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import itertools
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .db import Database, DatabaseError, SchemaTooNew, open_database
from .questions import Question, QuestionLog
from .teach import TaughtAnswers

from ..settings import ConfigError

if TYPE_CHECKING:
    from ..settings import Settings

from ..i18n import N_  # translated where shown (EpisodeBot.vote)

log = logging.getLogger(__name__)

SECRET_FILE = "records.key"
MAX_KV_VALUE = 10_000  # characters; state values are short (an episode id, a time)
MAX_REASON = 300  # characters in a 👎 reason
KV_FRESH = 5.0  # seconds a state value read from the database is reused
CACHE_SIZE = 128  # state values and user keys kept in memory: the busy channels and members, not everyone
Platform = Literal["cli", "discord", "slack"]
VoteOutcome = Literal["noted", "changed", "gone", "unavailable"]


@dataclass
class VoteResult:
    outcome: VoteOutcome

    @property
    def message(self) -> str:
        """What the voter is told, privately."""
        return {
            "noted": N_("Thanks, noted."),
            "changed": N_("Thanks, noted. Your vote on this answer is changed."),
            "gone": N_("This answer is too old to rate: its record has been deleted."),
            "unavailable": N_("Sorry, I couldn't note that right now. Please try again later."),
        }[self.outcome]


def load_secret(state_dir: Path) -> bytes:
    """Read the hashing secret from the state folder, creating it (mode 0600) on first use."""
    path = Path(state_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_bytes().strip()
        if len(secret) < 32:
            raise DatabaseError(f"{path} is too short to be a secret: delete it to make a new one "
                                "(members' earlier votes then count as new people)") from None
        if path.stat().st_mode & 0o077:
            log.warning("%s is readable by other users: chmod 600 it", path)
        return secret
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_hex(32).encode("ascii") + b"\n")
    log.info("created the secret for hashing user ids in %s", path)
    return path.read_bytes().strip()


class Records:
    """Key/value state, the question log, votes and taught answers, over one database."""

    def __init__(self, db: Database, secret: bytes, *, record_questions: bool = True,
                 retention_days: int = 90, purge_every: float = 3600.0) -> None:
        self.db = db
        self._secret = secret
        self.record_questions = record_questions
        self.retention_days = retention_days
        self.schema: int | None = None
        self._kv: dict[tuple[str, str], tuple[str | None, float]] = {}
        self._keys: dict[str, str] = {}
        self._id_prefix = secrets.token_urlsafe(6)  # 8 characters, 48 random bits
        self._ids = itertools.count(1)
        self._closed = False
        self._tried = 0.0
        self._ensure_schema()
        self.log = QuestionLog(db, housekeeping=self.purge, every=purge_every)
        self.taught = TaughtAnswers(db)

    def _ensure_schema(self) -> None:
        """Migrate on start; if the database is down then, try again now and then (SchemaTooNew stops us)."""
        if self.schema is not None or time.monotonic() - self._tried < 10:
            return
        self._tried = time.monotonic()
        try:
            self.schema = self.db.migrate()
        except SchemaTooNew:
            raise
        except DatabaseError as exc:
            log.error("records database unavailable (%s): answers go on, questions are not recorded "
                      "until it is back", exc)

    @classmethod
    def open(cls, settings: Settings, platform: Platform = "cli") -> Records:
        """Open the database the settings name; questions are recorded per EPISODE_BOT_RECORD_QUESTIONS.

        Unset, it is on for Discord and Slack and off for the CLI.
        """
        url = settings.database_url.get_secret_value() if settings.database_url else None
        record = settings.record_questions
        if record is None:
            record = platform != "cli"
        try:
            if settings.records_secret is not None:
                secret = settings.records_secret.get_secret_value().encode("utf-8")
            else:
                secret = load_secret(Path(settings.state_dir))
            db = open_database(url, Path(settings.state_dir))
            records = cls(db, secret, record_questions=record, retention_days=settings.retention_days)
        except SchemaTooNew as exc:
            raise ConfigError([str(exc)]) from None
        except DatabaseError as exc:  # e.g. a URL that is not postgresql://
            raise ConfigError([str(exc)]) from None
        atexit.register(records.close)  # a short-lived CLI writes what it queued before it exits
        return records

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Write what is queued (a couple of seconds at most), then close the database."""
        if self._closed:
            return
        self._closed = True
        self.log.close()
        self.db.close()

    # -- identity ------------------------------------------------------------------

    def user_key(self, platform: str, user_id: str) -> str:
        """Return the keyed hash that stands for a user; the raw id is never stored."""
        ident = f"{platform}:{user_id}"
        key = self._keys.get(ident)
        if key is None:
            key = hmac.new(self._secret, ident.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
            if len(self._keys) >= CACHE_SIZE:
                self._keys.clear()  # active members come back within a few commands
            self._keys[ident] = key
        return key

    def new_id(self) -> str:
        """A fresh record id for an answer (short enough for a button's custom_id).

        A random prefix per process and a counter: unique across replicas without
        a system call per answer.
        """
        return f"{self._id_prefix}{next(self._ids):x}"

    # -- key/value state -----------------------------------------------------------

    def kv_get(self, scope: str, key: str) -> str | None:
        """Return the value stored under (scope, key), or None (also when the database is down).

        Read through a cache of KV_FRESH seconds: commands read their state on
        every answer, which cost a query each (a network round trip on
        PostgreSQL). This process's own writes show at once; another replica's
        within KV_FRESH.
        """
        now = time.monotonic()
        cached = self._kv.get((scope, key))
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            self._ensure_schema()
            rows = self.db.query("SELECT value FROM kv WHERE scope = ? AND key = ?", (scope, key))
        except DatabaseError as exc:  # an answer can go on without a stored default
            log.warning("state %s not read: %s", scope, exc)
            return None
        value = rows[0][0] if rows else None
        if len(self._kv) >= CACHE_SIZE:
            self._kv.clear()
        self._kv[(scope, key)] = (value, now + KV_FRESH)
        return value

    def kv_set(self, scope: str, key: str, value: str | None) -> None:
        """Store a value under (scope, key); None deletes it. Raises DatabaseError when the database is down."""
        self._ensure_schema()
        self._kv.pop((scope, key), None)
        if value is not None and len(value) > MAX_KV_VALUE:
            raise ValueError(f"a state value is limited to {MAX_KV_VALUE} characters")
        try:
            if value is None:
                self.db.execute("DELETE FROM kv WHERE scope = ? AND key = ?", (scope, key))
            else:
                self.db.execute("INSERT INTO kv (scope, key, value, updated_at) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, "
                                "updated_at = excluded.updated_at", (scope, key, value, time.time()))
        finally:
            self._kv.pop((scope, key), None)  # a read racing the write must not keep the old value

    # -- question log and votes ----------------------------------------------------

    def record(self, row: Question) -> None:
        """Queue a question for the log (never blocks, never raises)."""
        self.log.put(row)

    def vote(self, record_id: str, user_key: str, vote: int) -> VoteResult:
        """Record one person's 👍 (+1) or 👎 (-1) on an answer; a second click changes it."""
        try:
            if not self._exists(record_id):
                return VoteResult("gone")
            before = self.db.query("SELECT vote FROM votes WHERE question_id = ? AND user_key = ?",
                                   (record_id, user_key))
            self.db.execute("INSERT INTO votes (question_id, user_key, vote, reason, voted_at) "
                            "VALUES (?, ?, ?, NULL, ?) ON CONFLICT (question_id, user_key) DO UPDATE SET "
                            "vote = excluded.vote, voted_at = excluded.voted_at, reason = CASE WHEN "
                            "votes.vote = excluded.vote THEN votes.reason ELSE NULL END",
                            (record_id, user_key, 1 if vote > 0 else -1, time.time()))
        except DatabaseError as exc:
            log.warning("vote not recorded: %s", exc)
            return VoteResult("unavailable")
        return VoteResult("changed" if before and before[0][0] != (1 if vote > 0 else -1) else "noted")

    def set_reason(self, record_id: str, user_key: str, reason: str) -> VoteResult:
        """Attach a 👎's reason (at most 300 characters) to that person's vote."""
        reason = " ".join(reason.split())[:MAX_REASON]
        try:
            if not self._exists(record_id):
                return VoteResult("gone")
            self.db.execute("INSERT INTO votes (question_id, user_key, vote, reason, voted_at) "
                            "VALUES (?, ?, -1, ?, ?) ON CONFLICT (question_id, user_key) DO UPDATE SET "
                            "vote = -1, reason = excluded.reason, voted_at = excluded.voted_at",
                            (record_id, user_key, reason or None, time.time()))
        except DatabaseError as exc:
            log.warning("reason not recorded: %s", exc)
            return VoteResult("unavailable")
        return VoteResult("noted")

    def _exists(self, record_id: str) -> bool:
        self._ensure_schema()
        found = self.db.query("SELECT 1 FROM questions WHERE id = ?", (record_id,))
        if not found and self.log.flush(1.0):  # a vote can beat its question to the database
            found = self.db.query("SELECT 1 FROM questions WHERE id = ?", (record_id,))
        return bool(found)

    def purge(self, now: float | None = None) -> int:
        """Delete questions (and their votes) older than the retention period; return how many."""
        cutoff = (now or time.time()) - self.retention_days * 86400
        gone = self.db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,))
        # Votes go with their question (and a vote can never outlive the retention period).
        self.db.execute("DELETE FROM votes WHERE voted_at < ? OR NOT EXISTS "
                        "(SELECT 1 FROM questions q WHERE q.id = votes.question_id)", (cutoff,))
        if gone:
            log.info("question log: deleted %d question(s) older than %d days", gone, self.retention_days)
        return gone
