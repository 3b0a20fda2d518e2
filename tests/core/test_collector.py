"""A running bot keeps its catalogue out of the garbage collector's full passes (bot/collector.py)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from bot import collector
from bot.core import EpisodeBot

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(autouse=True)
def _unfrozen(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(collector, "_since", 0)
    yield
    gc.unfreeze()


def test_a_running_bot_freezes_what_it_serves_and_a_one_shot_command_does_not():
    EpisodeBot(SEEDS, counted=False)  # the command line: a collection would only cost it time
    assert gc.get_freeze_count() == 0
    bot = EpisodeBot(SEEDS)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # the loaded episodes, their index and the modules
    assert bot.reload()
    assert gc.get_freeze_count() > 0.8 * frozen  # what serves after a reload is frozen again


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_cycles_left_behind_are_collected_within_a_bounded_number_of_freezes():
    keep = [[i] for i in range(20_000)]  # live objects, like a catalogue
    collector.freeze_serving()
    base = gc.get_freeze_count()
    first = _Node()
    gone = weakref.ref(first)
    del first  # garbage in a cycle, as a replaced snapshot leaves: frozen with the rest at the next freeze
    sizes = []
    for _ in range(collector.COLLECT_EVERY):
        litter = [_Node() for _ in range(100)]  # what a reload leaves in cycles, twice over
        del litter
        collector.freeze_serving()
        sizes.append(gc.get_freeze_count())
    assert gone() is None  # collected by a full pass, not kept frozen forever
    assert max(sizes) <= base + collector.COLLECT_EVERY * 100 + 100 and sizes[-1] < base + 200
    assert len(keep) == 20_000
