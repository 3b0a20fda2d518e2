"""The dev-time transformer fallback measurement (bench/transformer_fallback.py), on a tiny random BERT."""

from __future__ import annotations

import numpy as np

from bench import transformer_fallback as tf
from tests.bench.test_distill_meaning import tiny_bert


def test_a_sentence_vector_is_the_unit_mean_of_its_tokens_states() -> None:
    w, tokenizer = tiny_bert()
    model = tf.SentenceModel({"bert." + k: v for k, v in w.items()}, tokenizer)  # the published names' prefix
    a, b = model.embed("cheap gpu cost"), model.embed("the training data")
    assert a.shape == (24,) and abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert float(a @ b) < 0.9999  # different texts, different vectors
    assert np.allclose(model.embed("cheap gpu cost"), a)


def row(batch: str, right: bool, cosine: float, oos: bool = False) -> tf.Declined:
    features = {"cosine": cosine, "margin": cosine / 10, "soft": cosine / 2, "known": 0.5,
                "mass": cosine, "stranger": 0.0}
    return tf.Declined({"kind": "oos-general" if oos else "paraphrase", "none": oos}, batch, right, features)


def test_each_batch_is_scored_by_a_model_that_never_saw_it() -> None:
    # Batch 'a' alone says high cosines are right; 'b' and 'c' say the opposite. Scored by a fit on
    # 'b' and 'c' only, a's high-cosine rows must come out unlikely: a fit that had seen 'a' would not.
    rows = [row("a", True, 0.9) for _ in range(8)] + [row("a", False, 0.1, oos=True) for _ in range(8)]
    for batch in ("b", "c"):
        rows += [row(batch, False, 0.9, oos=True) for _ in range(8)] + [row(batch, True, 0.1) for _ in range(8)]
    probs = tf.held_out_probabilities(rows)
    assert max(probs[:8]) < 0.5 < min(probs[8:16])


def test_the_tally_counts_right_wrong_and_out_of_scope_answers() -> None:
    rows = [row("a", True, 0.9), row("a", False, 0.8), row("a", False, 0.7, oos=True), row("a", True, 0.2)]
    assert tf.tally(rows, [True, True, True, False]) == \
        "right: paraphrase +1; wrong answers 1; out-of-scope answered 1"
