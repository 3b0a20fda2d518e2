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
import multiprocessing
import os
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from . import meaning
from .store import Job, build_group

if TYPE_CHECKING:
    import numpy as np

    from .models import Episode

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


def prepare(episode: Episode, model: meaning.StaticModel | None) -> Prepared:
    """Make an episode's search rows and meaning vectors."""
    from .search import _embed, _episode_rows, _meaning_text

    rows, df, vocab, lines = _episode_rows(episode, 0)
    vectors = None
    if model is not None:
        vectors = _embed(model, episode, [_meaning_text(i) for i in [*episode.passages, *episode.quotes]])
    return Prepared(rows, df, vocab, lines, vectors, model.digest if model is not None else None)


def workers() -> int:
    """Return how many processes build a first index (EPISODE_BOT_INDEX_WORKERS, else the CPUs up to 4)."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if raw.isdigit():
        return max(1, int(raw))
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


_WORKER_MODEL: meaning.StaticModel | None = None


def _start_worker(setting: str) -> None:
    global _WORKER_MODEL
    meaning.configure(setting)
    _WORKER_MODEL = meaning.load_model(setting)


def _work(job: Job) -> tuple[str, Episode, Prepared]:
    key, episode = build_group(job)
    return key, episode, prepare(episode, _WORKER_MODEL)


def build(jobs: list[Job], model: meaning.StaticModel | None) -> Iterator[tuple[str, Episode, Prepared]]:
    """Yield (key, episode, prepared) for each job, in order, built in worker processes when it pays."""
    n = workers()
    if n <= 1 or len(jobs) < MIN_JOBS:
        for job in jobs:
            key, episode = build_group(job)
            yield key, episode, prepare(episode, model)
        return
    setting = meaning.current_setting() if model is not None else "off"
    # spawn: a forked copy of a bot with threads running could inherit a held lock. Like any
    # program using spawn, a script that builds an index this way needs `if __name__ == "__main__":`.
    context = multiprocessing.get_context("spawn")
    log.info("building %d new episode(s) in %d processes", len(jobs), n)
    done = 0
    try:
        with ProcessPoolExecutor(n, mp_context=context, initializer=_start_worker, initargs=(setting,)) as pool:
            pending: list[Future] = []
            queue = iter(jobs)
            for job in queue:  # a few ahead of the writer, never the whole catalogue
                pending.append(pool.submit(_work, job))
                if len(pending) >= 2 * n:
                    break
            while pending:
                result = pending.pop(0).result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending.append(pool.submit(_work, nxt))
                done += 1
                yield result
    except (BrokenProcessPool, OSError) as exc:  # no worker could start (or one died): the rest here
        log.warning("index workers stopped (%s); building the other %d episode(s) in this process",
                    exc, len(jobs) - done)
        for job in jobs[done:]:
            key, episode = build_group(job)
            yield key, episode, prepare(episode, model)


__all__ = ["build", "prepare", "Prepared", "workers", "WORKERS_ENV"]
