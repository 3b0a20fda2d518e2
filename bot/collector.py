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
leaves about 50 such objects of the snapshot it replaced. So every
COLLECT_EVERY freezes the frozen set is unfrozen and collected once before
freezing again. Counted in freezes, not in frozen objects: counting those
walks every one of them (`gc.get_freeze_count()`, 0.03-0.13 s a reload at
2,500 episodes), and the garbage a reload leaves doesn't grow with the
catalogue.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)

COLLECT_EVERY = 16  # freezes between two full collections: a few hundred objects in cycles kept at most

_since = 0  # freezes since the first one or the last full collection


def freeze_serving() -> None:
    """Freeze every object the process holds now (a snapshot has just started serving).

    Every COLLECT_EVERY freezes, collects first, so cycles left by replaced snapshots
    are freed rather than kept. The first freeze, at start-up, doesn't: a start leaves
    a few dozen objects in cycles, and a full pass over a large catalogue would
    lengthen every restart.
    """
    global _since
    if _since >= COLLECT_EVERY:
        started = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        _since = 0
        log.debug("collected %d unreachable objects in %.0f ms before freezing again", found,
                  (time.perf_counter() - started) * 1000)
    gc.freeze()
    _since += 1


__all__ = ["freeze_serving", "COLLECT_EVERY"]
