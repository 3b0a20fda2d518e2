"""The decline audit reads the bot's own search and decides as the bot does."""

from __future__ import annotations

import pytest

from bench.decline_audit import BARS, FLOORS, answers, rows, sweep
from bot import answerable


@pytest.fixture(scope="module")
def natural(episode_bot):
    return rows(episode_bot, "natural.jsonl")


def test_each_row_is_a_question_meaning_decides(natural):
    assert natural and all(r.case["command"] == "ask" for r in natural)
    for r in natural:
        if not r.in_scope:  # an out-of-scope question has no right passage anywhere
            assert r.right_by_score is None and r.right_by_meaning is None and not r.lead_right
        if r.lead_right:  # a right lead is first in the order meaning picks from
            assert r.right_by_meaning == 0
    assert any(r.lead_right and r.answered for r in natural)
    assert any(not r.led for r in natural)  # 'Sora': a name the episodes never mention is not led by meaning


def test_what_the_audit_says_answers_at_the_shipped_settings_the_bot_answers(natural):
    said = [r for r in natural if answers(r, answerable.ANSWER_FROM, answerable.SOFT_FLOOR)]
    assert said and all(r.answered for r in said)
    assert not any(r.answered for r in natural if not r.in_scope)  # every decline of the shared set is kept


def test_a_laxer_setting_never_answers_fewer(natural):
    found = {(bar, floor): (right + wrong, oos) for bar, floor, right, wrong, oos in sweep(natural)}
    for floor in FLOORS:
        for strict, lax in zip(BARS, BARS[1:]):
            assert found[(lax, floor)][0] >= found[(strict, floor)][0]
            assert found[(lax, floor)][1] >= found[(strict, floor)][1]
    for bar in BARS:
        for strict, lax in zip(FLOORS, FLOORS[1:]):
            assert found[(bar, lax)][0] >= found[(bar, strict)][0]
