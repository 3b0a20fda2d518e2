"""Meaning-aware search: chat filler, typos, honest corrections, the embedding model and its vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.meaning import ModelError, StaticModel, load_model
from bot.text import normalize_query, query_words


# -- words of a chat ask -------------------------------------------------------

@pytest.mark.parametrize("asked, wanted", [
    ("thoughts on world models", ["world", "models"]),
    ("timestamp for the rlhf utility theorem bit", ["rlhf", "utility", "theorem"]),
    ("anyone know what grpo is exactly lol", ["grpo"]),
    ("tldr on continual learning", ["continual", "learning"]),
])
def test_chat_filler_is_not_a_search_word(asked, wanted):
    assert query_words(normalize_query(asked)) == wanted


def test_community_shorthand_reads_as_meant():
    assert normalize_query("book recs from the ep") == "book recommendations from the episode"
    assert "5 million" in normalize_query("the deepseek 5m figure")
    assert "120b" in normalize_query("gpt-oss-120b")  # a model's size stays as the episode writes it


def test_two_edit_typos_of_long_words_are_corrected(episode_bot):
    index = episode_bot.snapshot.index
    assert index._correct("traning") == "training"
    assert index._correct("reflction") == "reflection"
    assert index._correct("projcet") == "project"
    assert index._correct("lambret") == "lambert"


def test_a_real_word_is_not_corrected_into_an_episode_word(episode_bot):
    q = episode_bot.snapshot.index.parse("What's the weather in Paris?")
    assert "paris" in q.terms and "pairs" not in q.terms
    assert episode_bot.run("ask", {"question": "What's the weather in Paris?"}).to_json()["results"] == []


def test_a_corrected_word_weighs_less_than_a_typed_one(episode_bot):
    index = episode_bot.snapshot.index
    typed, guessed = index.parse("training data"), index.parse("traning data")
    assert guessed.corrected == {"traning": "training"}
    assert guessed.weights["train"] < typed.weights["train"]
