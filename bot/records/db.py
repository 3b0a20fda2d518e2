"""Two real databases behind one small interface: SQLite (embedded) and PostgreSQL (shared).

SQL is written once with `?` placeholders and always parameterised; the
PostgreSQL backend turns `?` into psycopg's `%s`. The schema lives in
numbered files in `migrations/`, applied in one transaction on start.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import threading
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

log = logging.getLogger(__name__)

Row = tuple[Any, ...]
_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_PG_LOCK = 0x45504953  # advisory lock id: replicas starting together migrate one at a time


class DatabaseError(Exception):
    """The database could not be reached or refused a statement (message safe to log)."""


class SchemaTooNew(DatabaseError):
    """The database was migrated by a newer Episode Bot than this one."""


class Database(Protocol):
    """What the records need from a database."""

    kind: str

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def migrate(self) -> int: ...

    def close(self) -> None: ...


def migrations() -> list[tuple[int, str]]:
    """Return the numbered schema files, in order, as (version, SQL)."""
    found = []
    for entry in resources.files("bot.records").joinpath("migrations").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match[1]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (our files hold no `;` inside strings)."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _check_version(current: int, known: int, where: str) -> None:
    if current > known:
        raise SchemaTooNew(f"the records database ({where}) has schema version {current}, newer than this "
                           f"Episode Bot knows ({known}): upgrade Episode Bot, or point it at another database")


class SQLiteDatabase:
    """One SQLite file in WAL mode, shared by the threads of this process (and other processes)."""

    kind = "sqlite"

    def __init__(self, path: Path, busy_timeout: float = 2.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit (isolation_level=None): transactions are explicit, so a migration is one.
        self._conn = sqlite3.connect(str(self.path), timeout=busy_timeout, isolation_level=None,
                                     check_same_thread=False)
        self._lock = threading.RLock()
        with self._guard():
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")  # WAL keeps it safe against crashes
        with contextlib.suppress(OSError):
            self.path.chmod(0o600)  # questions are private to the host

    @contextlib.contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise DatabaseError(f"SQLite {self.path.name}: {exc}") from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._guard() as conn:
            return conn.execute(sql, tuple(params)).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._guard() as conn:
            return conn.execute(sql, tuple(params)).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(sql, rows)
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

    def migrate(self) -> int:
        """Apply the schema files this database has not seen, in one transaction; return the version."""
        known = migrations()
        with self._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
                _check_version(current, known[-1][0] if known else 0, str(self.path))
                for version, script in known:
                    if version > current:
                        for statement in _statements(script):
                            conn.execute(statement)
                        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                        log.info("records database %s migrated to schema %d", self.path, version)
                        current = version
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        return current

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class PostgresDatabase:
    """A PostgreSQL database, for several replicas sharing one log.

    One connection, used under a lock; a broken connection is replaced on the
    next call, so a server restart costs the statements made while it is down.
    """

    kind = "postgresql"

    def __init__(self, url: str, connect_timeout: float = 3.0) -> None:
        import psycopg  # only a PostgreSQL set-up needs it loaded

        self._psycopg = psycopg
        self.url = url
        self.connect_timeout = connect_timeout
        self._conn: Any = None
        self._lock = threading.RLock()
        self._sql: dict[str, str] = {}
        try:
            self._connect()
        except DatabaseError as exc:  # the bot answers without the log until the server is back
            log.error("%s", exc)

    def _connect(self) -> Any:
        if self._conn is None or self._conn.closed:
            try:
                self._conn = self._psycopg.connect(self.url, autocommit=True,
                                                   connect_timeout=max(1, int(self.connect_timeout)))
            except self._psycopg.Error as exc:
                self._conn = None
                raise DatabaseError(f"PostgreSQL: cannot connect ({_pg_reason(exc)})") from None
        return self._conn

    def _pg(self, sql: str) -> str:
        converted = self._sql.get(sql)
        if converted is None:
            # Our SQL has no `%` or `?` inside literals: values always travel as parameters.
            converted = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        return converted

    @contextlib.contextmanager
    def _guard(self) -> Iterator[Any]:
        with self._lock:
            conn = self._connect()
            try:
                yield conn
            except self._psycopg.Error as exc:
                if conn.closed or isinstance(exc, self._psycopg.OperationalError):
                    with contextlib.suppress(Exception):
                        conn.close()
                    self._conn = None
                raise DatabaseError(f"PostgreSQL: {_pg_reason(exc)}") from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._guard() as conn:
            return conn.execute(self._pg(sql), tuple(params)).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._guard() as conn:
            return conn.execute(self._pg(sql), tuple(params)).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._guard() as conn:
            with conn.transaction():
                with conn.cursor() as cur:
                    cur.executemany(self._pg(sql), rows)

    def migrate(self) -> int:
        known = migrations()
        with self._guard() as conn:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK,))
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
                _check_version(current, known[-1][0] if known else 0, "PostgreSQL")
                for version, script in known:
                    if version > current:
                        for statement in _statements(script):
                            conn.execute(statement)
                        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
                        log.info("records database migrated to schema %d", version)
                        current = version
        return current

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.close()
                self._conn = None


def _pg_reason(exc: Exception) -> str:
    """The first line of a psycopg error: it names the problem, never the password."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def open_database(url: str | None, state_dir: Path) -> Database:
    """Open PostgreSQL when `url` is a postgresql:// URL, else the SQLite file in the state folder."""
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise DatabaseError("EPISODE_BOT_DATABASE_URL must start with postgresql:// "
                                "(leave it unset for the built-in SQLite file)")
        return PostgresDatabase(url)
    return SQLiteDatabase(Path(state_dir) / "records.sqlite3")
