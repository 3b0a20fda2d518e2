"""The pid file `episode-bot reload` signals, and the checks that it still names this bot.

A pid file alone is not proof: after a crash its pid may belong to another
program, and anyone who can write the run folder can put any pid in it, so
`reload` would send SIGHUP (which stops most programs) to a stranger. The bot
writes its pid with a random token, its command line and its start time, and
keeps the file open for as long as it runs. Before signalling, `reload`
checks that the process with that pid has the same command line and start
time and holds this very file open (seen in /proc/<pid>/fd), with the token.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

_held: dict[Path, IO[bytes]] = {}  # pid files this process holds open while it runs


def _proc(pid: int, name: str) -> bytes:
    return Path(f"/proc/{pid}/{name}").read_bytes()


def command_line(pid: int) -> str:
    """Return a process's command line (arguments joined by spaces); raise OSError without /proc."""
    return _proc(pid, "cmdline").replace(b"\0", b" ").decode("utf-8", "replace").strip()


def start_time(pid: int) -> int:
    """Return when a process started, in clock ticks since boot (field 22 of /proc/<pid>/stat)."""
    stat = _proc(pid, "stat")
    return int(stat[stat.rindex(b")") + 2:].split()[19])  # after the command name, which may hold spaces


def write(path: Path) -> Path:
    """Write this process's pid file atomically and keep it open while the process runs."""
    pid = os.getpid()
    record = {"pid": pid, "token": secrets.token_hex(16)}
    with contextlib.suppress(OSError, ValueError, IndexError):  # without /proc, `reload` refuses to signal
        record.update(cmdline=command_line(pid), started=start_time(pid))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{pid}.tmp")
    tmp.write_text(json.dumps(record) + "\n")
    os.replace(tmp, path)
    release(path)
    _held[path] = open(path, "rb")  # noqa: SIM115 - held open on purpose: /proc/<pid>/fd proves it is ours
    return path


def release(path: Path | None) -> None:
    """Close a held pid file (the caller removes it)."""
    if path is not None and (handle := _held.pop(path, None)) is not None:
        handle.close()


def read(path: Path) -> dict | None:
    """Return a pid file's record, or None when it is not one this version wrote."""
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("pid"), int) or record["pid"] <= 0:
        return None
    return record


def problem(path: Path, record: dict) -> str | None:
    """Say why the pid in a pid file must not be signalled; None when it is the bot that wrote it."""
    pid = record["pid"]
    try:
        cmdline, started = command_line(pid), start_time(pid)
    except FileNotFoundError:
        return f"pid {pid} is not running (a stale pid file)"
    except (OSError, ValueError, IndexError):
        return f"cannot check pid {pid} (no /proc here)"
    if "cmdline" not in record or cmdline != record["cmdline"]:
        return f"pid {pid} is another program now ({cmdline[:60]!r}); the pid file is stale"
    if started != record.get("started"):
        return f"pid {pid} is a different process than the one that wrote the pid file"
    if not _holds(pid, path, record.get("token")):
        return f"pid {pid} does not hold this pid file open; it was not written by that process"
    return None


def _holds(pid: int, path: Path, token: object) -> bool:
    """Return True when the process has this file open and its content carries the token."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        entries = list(fds.iterdir())
    except OSError:
        return False
    for fd in entries:
        try:
            if not os.path.samefile(fd, path):
                continue
            held = json.loads(fd.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(held, dict) and held.get("token") == token and held.get("pid") == pid:
            return True
    return False


__all__ = ["write", "release", "read", "problem", "command_line", "start_time"]
