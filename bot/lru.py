"""A small thread-safe least-recently-used cache, bounded by entries or by a weight of each."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """Keep the values used last, up to `limit` in total weight (each weighs 1 unless `weigh` says)."""

    def __init__(self, limit: int, weigh: Callable[[V], int] | None = None) -> None:
        self.limit = limit
        self.weigh = weigh or (lambda _value: 1)
        self.total = 0
        self._data: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """Return a value and mark it used, or None."""
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return None
            self._data.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V) -> V:
        """Keep a value (the oldest go when over the limit); return it."""
        weight = self.weigh(value)
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.total -= old[1]
            self._data[key] = (value, weight)
            self.total += weight
            while self.total > self.limit and len(self._data) > 1:
                _, (_, w) = self._data.popitem(last=False)
                self.total -= w
        return value

    def discard(self, keys) -> None:
        """Forget some keys (those not kept are skipped)."""
        with self._lock:
            for key in keys:
                old = self._data.pop(key, None)
                if old is not None:
                    self.total -= old[1]

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data


__all__ = ["LRU"]
