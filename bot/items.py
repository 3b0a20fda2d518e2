"""The search index's items by rowid: held in memory, or read from the index cache when asked for.

A rowid is slot << SLOT_BITS | the item's place in its episode (passages
first, then quotes). Both tables map a rowid to (episode, item); the stored
one reads items through the store's bounded caches, so a large catalogue's
passages are not all in memory at once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable, Iterator

from .store import SLOT_BITS, read_items, slot_range
from .models import rowid_of

if TYPE_CHECKING:
    from .models import Episode, Passage, Quote
    from .store import CachedLibrary, Store

log = logging.getLogger(__name__)

_MASK = (1 << SLOT_BITS) - 1


class MemoryItems(dict):
    """Items held in memory (a library built without an index cache)."""

    def load(self, rowids: Iterable[int]) -> None:
        """Nothing to read ahead: every item is here."""

    def pairs(self, rowids: list[int]) -> list[tuple[Episode, Passage | Quote]]:
        """Return (episode, item) of each rowid, in order (KeyError for one not indexed)."""
        return [self[rowid] for rowid in rowids]


class StoredItems:
    """Items read from the index cache on first use, through the store's bounded caches."""

    def __init__(self, library: CachedLibrary, store: Store) -> None:
        self.library, self.store = library, store
        self.episodes: dict[int, tuple[Episode, int, int]] = {}  # slot -> (episode, passages, items)
        for episode, slot in zip(library.episodes, library.slots):
            facts = library.facts(episode)
            self.episodes[slot] = (episode, facts.passages, facts.passages + facts.quotes)
        self.total = sum(n for _, _, n in self.episodes.values())

    def _place(self, rowid: int) -> tuple[Episode, int, int] | None:
        found = self.episodes.get(rowid >> SLOT_BITS)
        return found if found is not None and 0 <= rowid & _MASK < found[2] else None

    def __contains__(self, rowid: object) -> bool:
        return isinstance(rowid, int) and self._place(rowid) is not None

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[int]:
        for slot, (_, _, n) in self.episodes.items():
            yield from range(slot_range(slot)[0], slot_range(slot)[0] + n)

    def __getitem__(self, rowid: int) -> tuple[Episode, Passage | Quote]:
        place = self._place(rowid)
        if place is None:
            raise KeyError(rowid)
        item = self._kept(rowid)
        if item is None:
            self.load([rowid])
            item = self._kept(rowid)
            if item is None:  # the row is gone or damaged: the episode's own copy, read whole
                full = self.library.full(place[0])
                items = [*full.passages, *full.quotes]
                i = rowid & _MASK
                if i >= len(items):
                    raise KeyError(rowid)
                item = items[i]
        return place[0], item

    def get(self, rowid: int, default=None):
        try:
            return self[rowid]
        except KeyError:
            return default

    def _kept(self, rowid: int) -> Passage | Quote | None:
        # An episode read whole gives its own items, so that a command comparing the items
        # of the episode with those of a search sees the same objects.
        full = self.store.full_episodes.get(rowid >> SLOT_BITS)
        if full is not None:
            i = rowid & _MASK
            items = full.passages if i < len(full.passages) else full.quotes
            j = i if i < len(full.passages) else i - len(full.passages)
            if j < len(items) and rowid_of(items[j]) == rowid:
                return items[j]
        return self.store.items.get(rowid)

    def pairs(self, rowids: list[int]) -> list[tuple[Episode, Passage | Quote]]:
        """Return (episode, item) of each rowid, in order, reading those no cache holds in one query.

        What a ranking asks for: each rowid looked up once, instead of once to read ahead and again to use.
        """
        out: list[tuple[Episode, Passage | Quote] | None] = []
        missing = False
        for rowid in rowids:
            place = self._place(rowid)
            if place is None:
                raise KeyError(rowid)
            item = self._kept(rowid)
            missing = missing or item is None
            out.append((place[0], item) if item is not None else None)
        if missing:
            self.load(rowids)
            out = [pair if pair is not None else self[rowid] for rowid, pair in zip(rowids, out)]
        return out  # type: ignore[return-value]  # every None was replaced

    def load(self, rowids: Iterable[int]) -> None:
        """Read the items of these rowids that no cache holds, in one query."""
        wanted = [r for r in dict.fromkeys(rowids) if self._place(r) is not None and self._kept(r) is None]
        if not wanted:
            return
        by_slot: dict[int, list[tuple[int, str, str | None]]] = {}
        for rowid, (blob, stems) in self.store.item_rows(wanted).items():
            by_slot.setdefault(rowid >> SLOT_BITS, []).append((rowid, blob, stems))
        for slot, rows in by_slot.items():
            for item in read_items(rows, self.episodes[slot][1]):
                self.store.items.put(rowid_of(item), item)


__all__ = ["MemoryItems", "StoredItems"]
