"""Keep a serving catalogue out of the garbage collector's full passes.

A running bot holds its loaded catalogue for hours: chapter lists, facts,
vectors' owners, bounded caches; about 76,000 tracked objects at 100
episodes. Python's cyclic collector walks all of them on every full pass,
and a pass runs inside whichever answer happened to allocate last: at 100
episodes one full pass took 43 ms inside an answer whose own work is 2-8 ms
(most of the slow tail the scale benchmark saw). `gc.freeze()` moves what is
alive once a snapshot serves into a generation no pass walks; answers'
short-lived objects are still collected as before, and objects are still
freed by reference counting when the last reference goes, frozen or not.

What freezing would keep forever is garbage in reference cycles: a reload
leaves about 50 such objects of the snapshot it replaced. So the frozen set
is unfrozen and collected once, before freezing again, whenever it has grown
by a quarter since the first freeze or the last collection; a reload that
adds one episode to a large catalogue skips that full pass.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)

REGROWTH = 1.25  # the frozen set may grow by this factor between two full collections

_after_collect = 0  # how many objects were frozen at the first freeze, or right after the last full collection


def freeze_serving() -> None:
    """Freeze every object the process holds now (a snapshot has just started serving).

    Collects first when the frozen set has grown by a quarter since the last
    collection, so cycles left by replaced snapshots are freed rather than kept.
    The first freeze, at start-up, doesn't: a start leaves a few dozen objects in
    cycles, and a full pass over a large catalogue would lengthen every restart.
    """
    global _after_collect
    gc.freeze()
    frozen = gc.get_freeze_count()
    if not _after_collect or frozen <= REGROWTH * _after_collect:
        _after_collect = _after_collect or frozen
        return
    started = time.perf_counter()
    gc.unfreeze()
    found = gc.collect()
    gc.freeze()
    _after_collect = gc.get_freeze_count()
    log.debug("collected %d unreachable objects in %.0f ms before freezing %d", found,
              (time.perf_counter() - started) * 1000, _after_collect)


__all__ = ["freeze_serving", "REGROWTH"]
