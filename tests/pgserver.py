"""A throwaway PostgreSQL cluster for the tests, and the records backends the flow tests run on.

The cluster is made once a session with Debian's `initdb` and `pg_ctl` in a
temporary folder, listening on 127.0.0.1 (a free port) and a unix socket in
that folder; every test gets a database of its own. initdb refuses to run as
root, so as root the cluster belongs to the `postgres` user (`runuser`).
Without the binaries the tests skip and say why, except in CI (CI=true),
where that fails them.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest

PACKAGE = "postgresql"


def _missing(why: str) -> None:
    message = f"{why} (Debian package {PACKAGE}; .ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """initdb + pg_ctl in a private folder; databases made per test."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="episode-bot-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.runas: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                _missing("running as root needs the 'postgres' user to own the test cluster")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.runas = ["runuser", "-u", "postgres", "--"]
        self.user = "postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run([*self.runas, *args], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {result.stdout[-800:]}{result.stderr[-800:]}")

    def init(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user, "-E", "UTF8",
                  "--no-sync", "--locale=C")

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
                  "-t", "30", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "30", "-m", mode, "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database; return its URL."""
        import psycopg

        name = "t_" + secrets.token_hex(6)
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # a name we made, not input
        return self.url(name)

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except Exception:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def find_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresCluster]:
    """A PostgreSQL server for the session (skipped without the binaries, failed in CI)."""
    bindir = find_bindir()
    if bindir is None:
        _missing("PostgreSQL's initdb and pg_ctl are not installed")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed (pip install 'psycopg[binary]')")
    cluster = PostgresCluster(bindir)  # type: ignore[arg-type]
    try:
        cluster.init()
        cluster.start()
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        cluster.remove()
        pytest.fail(f"could not start a throwaway PostgreSQL: {exc}")
    yield cluster
    cluster.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def records_backend(request, tmp_path) -> Iterator[Callable[..., object]]:
    """Make Records on SQLite (the state folder) or a fresh PostgreSQL database; same database per test."""
    from bot.records import Records
    from bot.records.db import PostgresDatabase, SQLiteDatabase

    made: list[Records] = []
    url: list[str] = []

    def make(**kwargs: object) -> Records:
        if request.param == "sqlite":
            db = SQLiteDatabase(tmp_path / "state" / "records.sqlite3")
        else:
            if not url:
                url.append(request.getfixturevalue("postgres_server").new_database())
            db = PostgresDatabase(url[0])
        records = Records(db, b"test-secret-" * 4, **kwargs)  # type: ignore[arg-type]
        made.append(records)
        return records

    make.kind = request.param  # type: ignore[attr-defined]
    make.url = url  # type: ignore[attr-defined]
    yield make
    for records in made:
        records.close()
