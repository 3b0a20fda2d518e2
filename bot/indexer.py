"""Build a catalogue's new episodes on every core: read, merge, make search rows and meaning vectors.

A first build of a large catalogue is mostly parsing, stemming and
embedding, all pure Python or numpy in one thread. Worker processes each
build whole episodes (`prepare`); the bot's own process only writes what
they send back to the index cache, one episode at a time, so neither holds
more than a few episodes' text. Nothing a worker sends is stored as it came:
the episode is written as JSON, the rows as plain columns.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

from . import meaning

if TYPE_CHECKING:  # the process pool's modules load with a pool: most loads (a cached start) start none
    from concurrent.futures import Future, ProcessPoolExecutor

    import numpy as np

    from .formats import ParsedDocument
    from .models import Episode
    from .store import Job, Record, Unit

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)

MIN_JOBS = 6  # fewer new episodes are built in the bot's own process (starting workers takes a second)
WORKERS_ENV = "EPISODE_BOT_INDEX_WORKERS"  # how many processes build a first index (default: the CPUs, up to 4)


@dataclass
class Prepared:
    """What indexing one episode needs written: its search rows (rowids from 0) and meaning vectors."""

    rows: list[tuple]
    df: Counter
    vocab: Counter
    lines: list[str]
    vectors: tuple[np.ndarray, np.ndarray] | None  # (items, chapters); None without a model
    model: str | None  # the model's digest


def prepare(episode: Episode, model: meaning.StaticModel | None, joined: dict[str, str] | None = None) -> Prepared:
    """Make an episode's search rows and meaning vectors (`joined`: its texts' words, from its build)."""
    from .search import _embed, _episode_rows, _meaning_text

    rows, df, vocab, lines = _episode_rows(episode, 0, joined)
    vectors = None
    if model is not None:
        vectors = _embed(model, episode, [_meaning_text(i) for i in [*episode.passages, *episode.quotes]])
    return Prepared(rows, df, vocab, lines, vectors, model.digest if model is not None else None)


_configured: int | None = None  # from the settings (EPISODE_BOT_INDEX_WORKERS), before the raw environment


def configure(count: int | None) -> None:
    """Use this many worker processes (0: one per CPU, up to 4; None: the environment's setting)."""
    global _configured
    _configured = count


def workers() -> int:
    """Return how many processes build a first index (EPISODE_BOT_INDEX_WORKERS, else the CPUs up to 4)."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    count = _configured if _configured is not None else int(raw) if raw.isdigit() else 0
    if count > 0:
        return count
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


_WORKER_MODEL: meaning.StaticModel | None = None
_WORKER_SETTING = "off"


def _start_worker(setting: str) -> None:
    global _WORKER_SETTING
    meaning.configure(setting)
    _WORKER_SETTING = setting


def _worker_model() -> meaning.StaticModel | None:
    global _WORKER_MODEL
    if _WORKER_MODEL is None and not meaning.is_off(_WORKER_SETTING):
        _WORKER_MODEL = meaning.load_model(_WORKER_SETTING)  # once a worker, when it first embeds
    return _WORKER_MODEL


def _work(job: Job, model: Callable[[], meaning.StaticModel | None] = _worker_model) -> tuple[str, Record, Prepared]:
    from .store import Record, build_group  # here, not above: load_settings() configures this module for every tool

    joined: dict[str, str] = {}  # the texts' words, split once for the build and the search rows
    key, episode = build_group(job, joined)
    # Sent back as the store writes it (JSON made here, on every core), not as models to unpickle.
    return key, Record.of(episode), prepare(episode, model(), joined)


Scouted = tuple[list[tuple["ParsedDocument", bool]], "tuple[str, Record, Prepared] | None"]


def _scout(unit: Unit, model: Callable[[], meaning.StaticModel | None] = _worker_model) -> Scouted:
    from .store import Record, read_folder

    joined: dict[str, str] = {}  # the texts' words, split once for the build and the search rows
    found, built = read_folder(unit, joined)
    if built is None:
        return found, None
    key, episode = built
    return found, (key, Record.of(episode), prepare(episode, model(), joined))


def _read(file: tuple[Path, str, int]) -> tuple[ParsedDocument, bool]:
    from .store import read_header

    return read_header(*file)


class Workers:
    """Worker processes for one load, started when a load has enough to read or build, stopped with it."""

    def __init__(self, model: Callable[[], meaning.StaticModel | None]) -> None:
        self.model = model  # asked for only when an episode is built
        self.pool: ProcessPoolExecutor | None = None
        self.broken = False
        self.n = workers()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _pool(self, size: int) -> ProcessPoolExecutor | None:
        if self.broken or self.n <= 1 or size < MIN_JOBS:
            return None
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            model = self.model()
            setting = meaning.current_setting() if model is not None else "off"
            # spawn: a forked copy of a bot with threads running could inherit a held lock. Like any
            # program using spawn, a script that builds an index this way needs `if __name__ == "__main__":`.
            self.pool = ProcessPoolExecutor(self.n, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_start_worker, initargs=(setting,))
            log.info("indexing in %d processes", self.n)
        return self.pool

    def _run(self, fn: Callable[[T], R], here: Callable[[T], R], items: list[T]) -> Iterator[R]:
        """Yield fn(item) for each item in order: in the workers, a few ahead, else (or after a failure) here."""
        pool = self._pool(len(items))
        done = 0
        if pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                pending: deque[Future] = deque()
                queue = iter(items)
                for item in queue:  # a few ahead of the writer, never the whole catalogue
                    pending.append(pool.submit(fn, item))
                    if len(pending) >= 2 * self.n:
                        break
                while pending:
                    result = pending.popleft().result()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.append(pool.submit(fn, nxt))
                    done += 1
                    yield result
                return
            except (BrokenProcessPool, OSError) as exc:  # no worker could start, or one died: the rest here
                log.warning("index workers stopped (%s); indexing the other %d in this process",
                            exc, len(items) - done)
                self.broken = True
        for item in items[done:]:
            yield here(item)

    def headers(self, files: list[tuple[Path, str, int]]) -> Iterator[tuple[ParsedDocument, bool]]:
        """Yield (header, usable) of each seed file, read in the workers when there are many."""
        return self._run(_read, _read, files)

    def scout(self, units: list[Unit]) -> Iterator[Scouted]:
        """Yield each new folder's headers and the episode it makes, with its rows and vectors (see read_folder)."""
        return self._run(_scout, lambda unit: _scout(unit, self.model), units)

    def build(self, jobs: list[Job]) -> Iterator[tuple[str, Record, Prepared]]:
        """Yield (key, the episode's record, its rows and vectors) for each job, in order."""
        return self._run(_work, lambda job: _work(job, self.model), jobs)


__all__ = ["Workers", "prepare", "Prepared", "workers", "configure", "WORKERS_ENV"]
