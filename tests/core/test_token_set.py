"""token_set.token_set_ratio gives rapidfuzz's token_set_ratio, float for float."""

from __future__ import annotations

import json
import random
from pathlib import Path

from rapidfuzz import fuzz

from bot.token_set import Words, question_words, token_set_ratio

ROOT = Path(__file__).resolve().parents[2]


def same(question: str, text: str) -> None:
    assert token_set_ratio(question_words(question), Words(text)) == fuzz.token_set_ratio(question, text), (question, text)


def test_edge_cases():
    for question, text in [("", "a b"), ("a b", ""), ("   ", "a"), ("a", "a"), ("a", "a a a"), ("a b", "a"),
                           ("a", "a b"), ("b a", "a b c"), ("x y", "a b c"), ("c", "a b c"), ("a c", "a b c"),
                           ("rlvr training", "what is rlvr? rlvr (reinforcement learning) training"),
                           ("café naïve", "naïve café au lait"), ("a\u3000b", "b\u00a0c\u2028a"),
                           ("ü z", "z\x1cü y"), ("zz a", "a b zz"), ("a b c", "c b a d")]:
        same(question, text)


def test_random_words():
    rng = random.Random(7)
    vocab = ["a", "ab", "abc", "b", "ba", "gpu", "gpus", "rl", "rlvr", "é", "日本", "x1", "-", "ai", "zz"]
    spaces = [" ", "  ", "\t", "\n", "\u00a0", "\x85", "\u2003"]
    for _ in range(3000):
        def text(n: int) -> str:
            return "".join(rng.choice(vocab) + rng.choice(spaces) for _ in range(n)).strip(rng.choice(["", " "]))
        same(text(rng.randint(0, 5)), text(rng.randint(0, 40)))


def test_seed_passages():
    from bot.library import load_library

    library = load_library(ROOT / "seeds")
    questions = [json.loads(line)["query"].lower() for line in (ROOT / "tests" / "eval" / "dev.jsonl").open()][:25]
    texts = [item.text.lower() for e in library.episodes for item in [*e.passages, *e.quotes]][::7]
    for question in questions:
        for text in texts:
            same(question, text)


def test_splits_where_rapidfuzz_does():
    from bot.token_set import split

    for wide in ("", "\u0101"):  # rapidfuzz reads a text of Latin-1 characters only apart
        for c in range(0x3001):
            text = f"a{chr(c)}b {wide}"
            apart = fuzz.token_set_ratio(text, f"b a {wide}") == 100 and c not in (0x61, 0x62)
            assert (len(split(text)) == 2 + bool(wide)) == apart, (hex(c), wide)
