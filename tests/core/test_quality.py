"""Answer quality: the shared questions and our own, through the same path as --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[1] / "eval"
FIELDS = ("text", "title", "speaker", "timestamp", "section", "chapter")


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def top_passes(case: dict, results: list[dict]) -> bool:
    """The shared check: every group has a string in the top result's fields."""
    if case["none"]:
        return not results
    if not results:
        return False
    text = " | ".join(str(results[0].get(k) or "") for k in FIELDS).lower()
    return all(any(s.lower() in text for s in group) for group in case["all_of"])


def answer(bot, case: dict) -> list[dict]:
    from bot.commands import BY_NAME

    command = BY_NAME[case["command"]]
    args = {command.query_option: case["query"]} if case["query"] else {}
    if case.get("episode"):
        args["episode"] = case["episode"]
    return bot.run(case["command"], args).to_json()["results"]


# dev.jsonl: the shared questions; ours.jsonl: our own; heldout.jsonl: 80 written by
# someone who had not seen the ranking code, in members' own words (paraphrases the
# words of the episode do not contain are what it still misses).
TARGETS = {"dev.jsonl": 0.95, "ours.jsonl": 0.95, "heldout.jsonl": 0.85}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_top_answers_meet_the_target(episode_bot, name):
    cases = load(name)
    failures = [f"{c['id']} {c['command']} {c['query']!r}" for c in cases
                if not top_passes(c, answer(episode_bot, c))]
    share = 1 - len(failures) / len(cases)
    assert share >= TARGETS[name], f"top-1 {share:.0%}; failing: {failures}"


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_out_of_scope_question_is_declined(episode_bot, name):
    wrong = [c["query"] for c in load(name) if c["none"] and answer(episode_bot, c)]
    assert not wrong, f"answered instead of declining: {wrong}"


# natural.jsonl (shared, written blind) and meaning.jsonl (ours, written before tuning) by kind:
# the floors are today's figures, so a change that loses answers fails. Issue 11's targets are
# paraphrase 15/30 (not met with the packaged static model, see docs/benchmarks.md) and typo
# 9/10 on natural.jsonl; typo, community and out-of-scope meet theirs.
KIND_FLOORS = {
    "natural.jsonl": {"paraphrase": 8, "community": 14, "typo": 9, "oos": 25},
    "meaning.jsonl": {"paraphrase": 14, "community": 20, "typo": 19, "oos": 22},
    # Our 40 general machine-learning questions the episode does not answer (harder than the
    # shared sets' out-of-scope ones: every word is the episode's kind of word); 4 are answered.
    "nearby.jsonl": {"oos": 36},
    # Ours, in new wording (tests/eval/README.md); 20 of its 92 out-of-scope questions ask a measure
    # or date of something the episode names but doesn't measure; 1 of the 92 is still answered.
    "fresh.jsonl": {"paraphrase": 18, "community": 93, "typo": 53, "oos": 91},
    # 5,300 questions of every kind written blind by helpers who read only the seeds and the other sets,
    # never the code (tests/eval/README.md), before the changes they led to; today's figures.
    "blind.jsonl": {"paraphrase": 334, "community": 1185, "typo": 785, "oos": 1806},
}

# The same out-of-scope questions typed without capitals, as members often do: names are then
# known only by how the episodes write them (SearchIndex._written_as_names). Today's figures.
LOWERCASE_DECLINES = {"natural.jsonl": 25, "fresh.jsonl": 87, "blind.jsonl": 1791}


@pytest.mark.parametrize("name", sorted(KIND_FLOORS))
def test_each_kind_of_question_keeps_its_floor(episode_bot, name):
    passed: dict[str, int] = {}
    failing: list[str] = []
    for case in load(name):
        kind = "oos" if case["kind"].startswith("oos") else case["kind"]
        ok = top_passes(case, answer(episode_bot, case))
        passed[kind] = passed.get(kind, 0) + ok
        if not ok:
            failing.append(f"{case['id']} {case['query']!r}")
    low = {k: (passed.get(k, 0), floor) for k, floor in KIND_FLOORS[name].items() if passed.get(k, 0) < floor}
    assert not low, f"kinds under their floor (got, floor): {low}; failing: {failing}"


def test_every_natural_out_of_scope_question_is_declined(episode_bot):
    wrong = [c["query"] for c in load("natural.jsonl") if c["none"] and answer(episode_bot, c)]
    assert not wrong, f"answered instead of declining: {wrong}"


@pytest.mark.parametrize("name", sorted(LOWERCASE_DECLINES))
def test_out_of_scope_questions_typed_in_lowercase_keep_their_floor(episode_bot, name):
    cases = [{**c, "query": c["query"].lower()} for c in load(name) if c["none"]]
    answered = [c["query"] for c in cases if answer(episode_bot, c)]
    assert len(cases) - len(answered) >= LOWERCASE_DECLINES[name], f"answered: {answered}"
