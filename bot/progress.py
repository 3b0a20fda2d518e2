"""Progress of the long steps of a build: a bar on a terminal, a log line every few seconds in a service.

The first start of a large back catalogue reads, indexes and embeds every
episode, which takes minutes. The loops doing that wrap what they walk in
`track(...)`; this module then shows a tqdm bar when stderr is a terminal,
or logs "indexing 120/500 episodes, 24%, about 45 s left" every `every`
seconds otherwise (never both), and keeps the step that runs where the
health checks can read it (`current()`, from any thread), and, when a
service asks for it (`configure(status_file=...)`), in a small JSON file
that `episode-bot health` reads from another process.

A step that ends within `every` seconds shows nothing: a restart from the
index cache stays quiet.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sized, TextIO, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

EVERY = 5.0  # seconds between log lines; EPISODE_BOT_PROGRESS_EVERY
BAR_DELAY = 1.0  # a bar appears only for a step that takes longer than this (or than `every`, if shorter)


@dataclass(frozen=True)
class Status:
    """Where one step stands: what health checks show while the bot builds."""

    step: str  # "reading", "indexing", "embedding"
    done: int
    total: int
    unit: str  # "files", "episodes"
    elapsed: float  # seconds since the step started
    eta: float | None  # seconds left, estimated from the pace so far (None before the first item)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100

    def short(self) -> str:
        """Say it in a few words: "indexing 120/500 episodes"."""
        return f"{self.step} {self.done}/{self.total} {self.unit}"

    def line(self) -> str:
        """Say it in a log line: "indexing 120/500 episodes, 24%, about 45 s left"."""
        left = f", about {duration(self.eta)} left" if self.eta is not None and self.done < self.total else ""
        return f"{self.short()}, {self.percent}%{left}"

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "done": self.done, "total": self.total, "unit": self.unit,
                "percent": self.percent, "eta_s": None if self.eta is None else round(self.eta),
                "message": self.short()}


def duration(seconds: float) -> str:
    """Return a rough, readable duration: "45 s", "3 min", "1 h 5 min"."""
    s = max(1, round(seconds))  # "about 0 s left" reads like a bug
    if s < 90:
        return f"{s} s"
    m = round(s / 60)
    return f"{m} min" if m < 60 else f"{m // 60} h {m % 60} min"


class Progress:
    """Count the items of one step whose number is known up front; report by bar or by log lines."""

    def __init__(self, step: str, total: int, unit: str = "episodes", *, every: float | None = None,
                 clock: Callable[[], float] = time.monotonic, stream: TextIO | None = None,
                 bar: bool | None = None, logger: logging.Logger | None = None) -> None:
        """`bar`: None shows a bar exactly when `stream` (default stderr) is a terminal."""
        self.step, self.total, self.unit = step, max(0, int(total)), unit
        self.every = _config.every if every is None else every
        self.clock = clock
        self.log = logger or log
        self.started = clock()
        self.done = 0
        self._lock = threading.Lock()
        self._last_line = self.started  # the first line waits `every` seconds: short steps say nothing
        self._lines = 0
        stream = stream if stream is not None else sys.stderr
        self._bar = _make_bar(self, stream) if (bar if bar is not None else _is_tty(stream)) else None

    def status(self) -> Status:
        """Return where the step stands (safe from any thread)."""
        with self._lock:
            done, now = self.done, self.clock()
        elapsed = now - self.started
        eta = elapsed / done * (self.total - done) if done else None
        return Status(self.step, done, self.total, self.unit, elapsed, eta)

    def advance(self, n: int = 1) -> None:
        """Count n more items done; draw the bar or, every `every` seconds, log a line."""
        with self._lock:
            self.done = min(self.total, self.done + n) if self.total else self.done + n
            now = self.clock()
            due = now - self._last_line >= self.every
            if due:
                self._last_line = now
        if self._bar is not None:
            self._bar.update(n)
        elif due and self.done < self.total:
            self._lines += 1
            self.log.info("%s", self.status().line())
        if due:
            _notify(self)

    def finish(self) -> None:
        """Close the bar, or log the step's end when it was long enough to have logged its progress."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._lines:
            self.log.info("%s %d/%d %s, done in %s", self.step, self.done, self.total, self.unit,
                          duration(self.clock() - self.started))


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


def _make_bar(progress: Progress, stream: TextIO):
    from tqdm import tqdm

    try:
        width = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        width = 0
    # A terminal that reports no size (a bare pty) gets no bar at all from tqdm: assume 80 x 24.
    size = {"dynamic_ncols": True} if width else {"ncols": 80, "nrows": 24}
    return tqdm(total=progress.total, desc=progress.step, unit=f" {progress.unit}", file=stream,
                delay=min(BAR_DELAY, progress.every), leave=False, mininterval=0.2, **size)


# -- the step that runs now, for health checks --------------------------------


@dataclass
class _Config:
    every: float = EVERY
    status_file: Path | None = None


_config = _Config()
_lock = threading.Lock()
_active: list[Progress] = []  # steps running now, innermost last (a reload may run beside nothing else)
_listeners: list[Callable[[Progress], None]] = []


_KEEP: Any = object()


def configure(every: float | None = None, status_file: Path | str | None = _KEEP) -> None:
    """Set the seconds between log lines, and the file that publishes progress to `episode-bot health` (None: none)."""
    if every is not None:
        _config.every = every
    if status_file is not _KEEP:
        _config.status_file = Path(status_file) if status_file is not None else None


def current() -> Status | None:
    """Return the step that runs now (the latest one started), or None."""
    with _lock:
        running = _active[-1] if _active else None
    return running.status() if running is not None else None


def listen(callback: Callable[[Progress], None]) -> Callable[[], None]:
    """Call callback(progress) when a step starts, every `every` seconds, and when it ends; return an undo."""
    with _lock:
        _listeners.append(callback)

    def undo() -> None:
        with _lock, contextlib.suppress(ValueError):
            _listeners.remove(callback)
    return undo


def _notify(progress: Progress) -> None:
    if _config.status_file is not None:
        write_status(_config.status_file, progress.status())
    with _lock:
        listeners = list(_listeners)
    for callback in listeners:
        callback(progress)


def track(items: Iterable[T], step: str, unit: str = "episodes", total: int | None = None) -> Iterator[T]:
    """Yield items, counting each as done; report progress and publish the step while it runs.

    `total` defaults to len(items). Wrap the loop header only:
    `for episode in progress.track(episodes, "indexing"):`.
    """
    if total is None:
        total = len(items) if isinstance(items, Sized) else 0
    progress = Progress(step, total, unit)
    with _lock:
        _active.append(progress)
    _notify(progress)
    try:
        for item in items:
            yield item
            progress.advance()
    finally:
        progress.finish()
        with _lock, contextlib.suppress(ValueError):
            _active.remove(progress)
        _notify(progress)


# -- across processes: the status file `episode-bot health` reads ------------


def write_status(path: Path, status: Status) -> None:
    """Write where the build stands, atomically, never following a link someone planted; log a failure once."""
    record = {"time": time.time(), "pid": os.getpid(), **status.to_json()}
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with contextlib.suppress(FileNotFoundError):
            if tmp.is_symlink():
                tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w") as f:
            json.dump(record, f)
        os.replace(tmp, path)
    except OSError as exc:  # progress is a courtesy: the build goes on
        if _config.status_file is not None:
            log.warning("cannot write the progress file %s (%s); `episode-bot health` will not show "
                        "the build's progress", path, exc.strerror or exc)
            _config.status_file = None


def read_status(path: Path) -> dict[str, Any] | None:
    """Return a status file's record when it is well formed, else None (it may be anyone's file)."""
    try:
        record = json.loads(path.read_text()[:4096])
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    numbers = ("time", "pid", "done", "total", "percent")
    if not all(isinstance(record.get(k), (int, float)) and not isinstance(record.get(k), bool) for k in numbers):
        return None
    if not all(isinstance(record.get(k), str) and record[k].isalpha() and len(record[k]) <= 20
               for k in ("step", "unit")):
        return None
    if record.get("eta_s") is not None and not isinstance(record["eta_s"], (int, float)):
        return None
    return record


def clear_status(path: Path | None = None) -> None:
    """Remove the status file (the bot is up, or stopping)."""
    target = path or _config.status_file
    if target is not None:
        with contextlib.suppress(OSError):
            target.unlink()


__all__ = ["Progress", "Status", "track", "current", "configure", "listen", "duration",
           "write_status", "read_status", "clear_status", "EVERY"]
