"""Meaning: a static sentence-embedding model that places questions and passages by what they say.

A static model is a table of one vector per token: a text's vector is the
mean of its tokens' vectors, so embedding a question takes microseconds and
an episode's passages a few milliseconds, with numpy alone (no torch, no
download). The default is the 256-dimension model that the `wordllama`
package ships inside its wheel; an admin may name a stronger one in the
model2vec folder layout (`tokenizer.json` + `model.safetensors`) with the
setting `EPISODE_BOT_MEANING_MODEL`.

The model also knows which words are real: a word that is one whole token of
its vocabulary ('paris', 'pairs') is a word in its own right, not a typo.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

log = logging.getLogger(__name__)

MODEL_ENV = "EPISODE_BOT_MEANING_MODEL"  # a folder with tokenizer.json and model.safetensors, or "off"
MAX_TOKENS = 256  # a passage's first 256 tokens say what it is about; more only dilutes the mean
_WEIGHT_KEYS = ("embeddings", "embedding.weight", "embedding")
_MAX_BYTES = 2 << 30  # a model folder is checked where it enters: no file over 2 GB is read


class ModelError(ValueError):
    """A model folder that can't be read as a static embedding model."""


class StaticModel:
    """Token vectors and the tokenizer that splits text into those tokens."""

    def __init__(self, vectors: np.ndarray, tokenizer: Tokenizer, name: str) -> None:
        if vectors.ndim != 2 or vectors.shape[0] < tokenizer.get_vocab_size(with_added_tokens=False):
            raise ModelError(f"{name}: {vectors.shape} vectors for {tokenizer.get_vocab_size()} tokens")
        self.vectors = vectors.astype(np.float32)
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.name = name
        self.dim = int(vectors.shape[1])
        # Cached vectors are only reused by the same weights: the name, shape and a sample of values.
        sample = self.vectors[:: max(1, len(self.vectors) // 64)].tobytes()
        self.digest = hashlib.sha256(f"{name}:{self.vectors.shape}".encode() + sample).hexdigest()[:16]
        vocab = tokenizer.get_vocab()
        # Whole-word tokens: SentencePiece marks a word start with '▁', GPT-2 byte BPE with 'Ġ';
        # a WordPiece vocabulary holds whole words bare and pieces with '##'.
        marks = ("\u2581", "\u0120")
        self._words = frozenset(t[1:].lower() for t in vocab if t[:1] in marks and t[1:].isalpha()) | \
            frozenset(t.lower() for t in vocab if t.isalpha() and len(t) > 1)

    @classmethod
    def from_folder(cls, folder: Path | str) -> StaticModel:
        """Load a model2vec-layout folder: tokenizer.json and model.safetensors."""
        folder = Path(folder)
        tok_path, weights_path = folder / "tokenizer.json", folder / "model.safetensors"
        for path in (tok_path, weights_path):
            if not path.is_file():
                raise ModelError(f"{folder}: no {path.name}")
            if path.stat().st_size > _MAX_BYTES:
                raise ModelError(f"{path}: larger than {_MAX_BYTES >> 30} GB")
        return cls(_weights(weights_path), Tokenizer.from_file(str(tok_path)), folder.name)

    @classmethod
    def packaged(cls) -> StaticModel:
        """Load the model the `wordllama` package ships (its own loader would try to download the tokenizer)."""
        import wordllama

        root = Path(wordllama.__file__).parent
        tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
        return cls(_weights(root / "weights" / "l2_supercat_256.safetensors"), tokenizer, "wordllama-l2-supercat-256")

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one unit-length float32 vector a text (a zero vector for a text with no token)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, enc in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            if enc.ids:
                out[i] = self.vectors[enc.ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def knows(self, word: str) -> bool:
        """Return True when word is a whole word of the model's vocabulary: a real word or name."""
        return word.lower() in self._words


def _weights(path: Path) -> np.ndarray:
    try:
        tensors = load_file(path)
    except Exception as exc:  # safetensors raises its own error types for a bad header
        raise ModelError(f"{path}: not a safetensors file ({exc})") from exc
    for key in _WEIGHT_KEYS:
        if key in tensors:
            return tensors[key]
    if len(tensors) == 1:
        return next(iter(tensors.values()))
    raise ModelError(f"{path}: no embedding table among {sorted(tensors)}")


@lru_cache(maxsize=4)
def load_model(setting: str | None = None) -> StaticModel | None:
    """Return the model a setting names (a folder, 'off', or unset for the packaged one); None when off.

    One copy a process: every index built in it shares the table.
    """
    setting = (setting if setting is not None else os.environ.get(MODEL_ENV, "")).strip()
    if setting.lower() in ("off", "none", "0", "false"):
        log.info("meaning search is off (%s=%s): answers come from words alone", MODEL_ENV, setting)
        return None
    if setting:
        return StaticModel.from_folder(setting)
    try:
        return StaticModel.packaged()
    except (ImportError, OSError, ModelError) as exc:
        log.warning("meaning search is off: the packaged model could not be read (%s)", exc)
        return None


__all__ = ["StaticModel", "ModelError", "load_model", "MODEL_ENV"]
