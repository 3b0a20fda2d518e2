"""The benchmark's quality check: the same verdicts as shared/eval/run_eval.py."""

from __future__ import annotations

import importlib.util

import pytest

from bench import QUESTIONS, ROOT, SEEDS
from bench.baselines import BM25Lines, FuzzLines
from bench.quality import BotEngine, evaluate, fields, load_cases, passes, passes_k, query_option

RUN_EVAL = ROOT.parent / "shared" / "eval" / "run_eval.py"


def test_top_result_must_hold_every_group():
    case = {"command": "ask", "query": "x", "all_of": [["Verifiable Rewards"], ["RLVR", "rl"]], "none": False}
    good = {"text": "RLVR means reinforcement learning with verifiable rewards", "speaker": None}
    half = {"text": "verifiable rewards only"}
    assert passes(case, [good])
    assert not passes(case, [half])
    assert not passes(case, [half, good])
    assert passes_k(case, [half, good])
    assert not passes(case, [])


def test_fields_include_speaker_timestamp_and_chapter():
    result = {"text": "t", "speaker": "Nathan Lambert", "timestamp": "1:02:38", "chapter": "RLVR",
              "source": "not checked"}
    assert fields(result) == "t | Nathan Lambert | 1:02:38 | RLVR"


def test_a_decline_passes_only_when_nothing_is_returned():
    case = {"command": "ask", "query": "weather?", "all_of": [], "none": True}
    assert passes(case, [])
    assert not passes(case, [{"text": "anything"}])


def test_query_goes_to_the_first_option_that_is_not_episode():
    assert [query_option(c) for c in ("ask", "quote", "chapter", "summary")] == \
        ["question", "text", "title_or_time", "topic"]


def test_bot_engine_uses_the_bots_run(episode_bot):
    case = {"command": "ask", "query": "What is RLVR?", "all_of": [["Verifiable Rewards"]], "none": False}
    results = BotEngine(episode_bot).answer(case)
    assert results and passes(case, results)
    assert set(results[0]) >= {"text", "timestamp", "source"}


def test_baselines_answer_with_lines_and_never_judge():
    bm25, fuzzy = BM25Lines(SEEDS), FuzzLines(SEEDS)
    hit = bm25.search("RLVR verifiable rewards")
    assert hit and ":" in hit[0]["source"]
    assert bm25.search("zzzqqq") == []  # no line shares a word: nothing to return
    assert len(fuzzy.search("What is the best sourdough recipe?")) == 5  # always its best lines


@pytest.mark.skipif(not RUN_EVAL.exists(), reason="shared/eval/run_eval.py is not beside this checkout")
def test_same_verdicts_as_run_eval(episode_bot):
    spec = importlib.util.spec_from_file_location("run_eval", RUN_EVAL)
    run_eval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_eval)
    engine, bm25 = BotEngine(episode_bot), BM25Lines(SEEDS)
    for case in load_cases(QUESTIONS):
        for results in (engine.answer(case), bm25.answer(case)):
            assert passes(case, results) == run_eval.passes(case, results), case["id"]
            assert passes_k(case, results, 3) == run_eval.passes_k(case, results, 3), case["id"]


def test_evaluate_counts_per_command(episode_bot):
    cases = load_cases(QUESTIONS)
    scores = evaluate(BotEngine(episode_bot), cases)
    assert scores["all"].cases == len(cases)
    assert sum(s.cases for k, s in scores.items() if k != "all") == len(cases)
    assert scores["all"].top1 <= scores["all"].hit_k <= scores["all"].cases
