"""The dev-time distillation of a static meaning model (bench/distill_meaning.py), on a tiny random BERT."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench import distill_meaning
from bot.meaning import StaticModel

WORDS = ["the", "of", "model", "training", "data", "gpu", "cost", "cheap", "##s", "##ing"]


def tiny_bert(hidden: int = 24, layers: int = 2, seed: int = 0) -> tuple[dict[str, np.ndarray], object]:
    """Return random BERT weights (12 heads of 2 dims) and a WordPiece tokenizer for WORDS."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    vocab = {t: i for i, t in enumerate(["[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    rng = np.random.default_rng(seed)
    w = {"embeddings.word_embeddings.weight": rng.normal(size=(len(vocab), hidden)),
         "embeddings.position_embeddings.weight": rng.normal(size=(8, hidden)),
         "embeddings.token_type_embeddings.weight": rng.normal(size=(2, hidden)),
         "embeddings.LayerNorm.weight": np.ones(hidden), "embeddings.LayerNorm.bias": np.zeros(hidden)}
    shapes = {"attention.self.query": (hidden, hidden), "attention.self.key": (hidden, hidden),
              "attention.self.value": (hidden, hidden), "attention.output.dense": (hidden, hidden),
              "intermediate.dense": (2 * hidden, hidden), "output.dense": (hidden, 2 * hidden)}
    for layer in range(layers):
        p = f"encoder.layer.{layer}."
        for name, shape in shapes.items():
            w[p + name + ".weight"] = rng.normal(scale=shape[1] ** -0.5, size=shape)
            w[p + name + ".bias"] = np.zeros(shape[0])
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"], w[p + norm + ".bias"] = np.ones(hidden), np.zeros(hidden)
    return {k: v.astype(np.float32) for k, v in w.items()}, tokenizer


def test_each_token_gets_a_reduced_vector_and_unused_slots_stay_empty() -> None:
    w, tokenizer = tiny_bert()
    vectors = distill_meaning.distill(w, tokenizer, dims=4, sif=0.0)
    vocab = tokenizer.get_vocab()
    assert vectors.shape == (len(vocab), 4)
    assert not vectors[vocab["[unused0]"]].any()
    assert np.linalg.norm(vectors[[vocab[t] for t in WORDS]], axis=1).min() > 0


def test_sif_weighting_shrinks_the_frequent_tokens_more() -> None:
    w, tokenizer = tiny_bert()
    plain = distill_meaning.distill(w, tokenizer, dims=4, sif=0.0)
    weighted = distill_meaning.distill(w, tokenizer, dims=4, sif=0.05)
    ratio = np.linalg.norm(weighted, axis=1) / np.maximum(np.linalg.norm(plain, axis=1), 1e-9)
    vocab = tokenizer.get_vocab()
    assert ratio[vocab["the"]] < ratio[vocab["##ing"]] < 1.0


def test_a_token_vector_depends_on_the_token_not_its_batch() -> None:
    w, tokenizer = tiny_bert()
    vocab = tokenizer.get_vocab()
    whole = distill_meaning.token_vectors(w, len(vocab), vocab["[CLS]"], vocab["[SEP]"], batch=len(vocab))
    split = distill_meaning.token_vectors(w, len(vocab), vocab["[CLS]"], vocab["[SEP]"], batch=3)
    assert np.allclose(whole, split, atol=1e-5)


def test_the_written_folder_loads_as_the_bots_meaning_model(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    w, tokenizer = tiny_bert()
    source = tmp_path / "minilm"
    source.mkdir()
    save_file(w, source / "model.safetensors")
    tokenizer.save(str(source / "tokenizer.json"))
    out = tmp_path / "static"
    # Not the published files: refused before anything is written.
    assert distill_meaning.main([str(source), str(out)]) == 2 and not out.exists()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(distill_meaning, "MODEL_SHA256", distill_meaning.sha256(source / "model.safetensors"))
        mp.setattr(distill_meaning, "TOKENIZER_SHA256", distill_meaning.sha256(source / "tokenizer.json"))
        assert distill_meaning.main([str(source), str(out), "--dims", "4"]) == 0
    model = StaticModel.from_folder(out)
    vectors = model.embed(["cheap gpu training", "the data of the model"])
    assert vectors.shape == (2, 4)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert model.knows("gpu") and not model.knows("tpu")
