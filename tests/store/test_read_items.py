"""Items read back from the index cache: checked in runs, a damaged row left out without moving the others."""

from __future__ import annotations

import logging

from bot.models import Passage, Provenance, Quote
from bot.store import SLOT_BITS, read_items

BASE = 3 << SLOT_BITS


def rows(items):
    return [(BASE + i, item.model_dump_json(), f"\nline{i}\n") for i, item in enumerate(items)]


def sample():
    passages = [Passage(text=f"passage {i}", kind="note", sources=[Provenance(file="notes.md", line=i + 1)])
                for i in range(4)]
    quotes = [Quote(text=f"quote {i}", speaker="Ann") for i in range(2)]
    return passages, quotes


def test_reads_passages_then_quotes_with_their_rowids_and_lines():
    passages, quotes = sample()
    out = read_items(rows([*passages, *quotes]), len(passages))
    assert [type(x) for x in out] == [Passage] * 4 + [Quote] * 2
    assert [x.text for x in out] == [x.text for x in [*passages, *quotes]]
    assert [x._rowid for x in out] == [BASE + i for i in range(6)]
    assert out[5]._stems == "\nline5\n" and out[0].sources[0].line == 1


def test_a_damaged_row_is_left_out_and_the_others_keep_their_places(caplog):
    passages, quotes = sample()
    stored = rows([*passages, *quotes])
    stored[1] = (stored[1][0], '{"text": 5, "kind": "nonsense"}', stored[1][2])  # parses, but not as a passage
    two = stored[2][1] + "," + stored[3][1]  # a row holding two items must not shift the rest
    stored[2] = (stored[2][0], two, stored[2][2])
    stored[4] = (stored[4][0], None, None)
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        out = read_items(stored, len(passages))
    assert [(x._rowid, x.text) for x in out] == [(BASE, "passage 0"), (BASE + 3, "passage 3"), (BASE + 5, "quote 1")]
    assert sum("unreadable passage" in r.getMessage() for r in caplog.records) == 3
