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
import importlib.util
import json
import logging
import os
import threading
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from . import kept

if TYPE_CHECKING:  # numpy, tokenizers and safetensors load with the model, on its first use
    import numpy as np
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

MODEL_ENV = "EPISODE_BOT_MEANING_MODEL"  # a folder with tokenizer.json and model.safetensors, or "off"
MAX_TOKENS = 256  # a passage's first 256 tokens say what it is about; more only dilutes the mean
_BATCH = 1024  # texts averaged at once: bounds the working arrays of an episode with very many passages
_WEIGHT_KEYS = ("embeddings", "embedding.weight", "embedding")
_DTYPES = {"F16": "<f2", "F32": "<f4", "F64": "<f8"}  # safetensors stores little-endian: the dtypes numpy can map
_MAX_BYTES = 2 << 30  # a model folder is checked where it enters: no file over 2 GB is read


class ModelError(ValueError):
    """A model folder that can't be read as a static embedding model."""


class StaticModel:
    """Token vectors and the tokenizer that splits text into those tokens.

    The files are read on first use: a restart whose vectors are all in the
    index cache never reads them until a question comes (cold start stays short).
    """

    def __init__(self, weights: Path, tokenizer: Path, name: str) -> None:
        for path in (weights, tokenizer):
            if not path.is_file():
                raise ModelError(f"{path.parent}: no {path.name}")
            if path.stat().st_size > _MAX_BYTES:
                raise ModelError(f"{path}: larger than {_MAX_BYTES >> 30} GB")
        self.paths, self.name = (weights, tokenizer), name
        # Cached vectors are only reused with the same weights: the name, the file's size and first 64 KB.
        with open(weights, "rb") as fh:
            head = fh.read(1 << 16)
        self.digest = hashlib.sha256(f"{name}:{weights.stat().st_size}".encode() + head).hexdigest()[:16]
        self._lock = threading.Lock()
        self._memo: dict[str, list[int]] = {}  # word -> its token ids (see _token_ids)
        self._loaded: tuple[np.ndarray, Tokenizer] | None = None
        self._whole_words: frozenset[str] | None = None  # built on the first knows(): most questions never ask

    @classmethod
    def from_folder(cls, folder: Path | str) -> StaticModel:
        """Load a model2vec-layout folder (tokenizer.json and model.safetensors), checking it now."""
        folder = Path(folder)
        model = cls(folder / "model.safetensors", folder / "tokenizer.json", folder.name)
        model.load()  # an admin's model that can't be read stops start-up with a clear message
        return model

    @classmethod
    def packaged(cls) -> StaticModel:
        """Return the model the `wordllama` wheel ships (its own loader would try to download the tokenizer).

        The package is found without importing it: its import pulls in requests and pydantic models.
        """
        spec = importlib.util.find_spec("wordllama")
        if spec is None or not spec.submodule_search_locations:
            raise ModelError("the wordllama package is not installed")
        root = Path(list(spec.submodule_search_locations)[0])
        return cls(root / "weights" / "l2_supercat_256.safetensors",
                   root / "tokenizers" / "l2_supercat_tokenizer_config.json", "wordllama-l2-supercat-256")

    def load(self) -> tuple[np.ndarray, Tokenizer]:
        """Read the weights and tokenizer once; return (token vectors, tokenizer)."""
        with self._lock:
            if self._loaded is None:
                self._loaded = _read(*self.paths, self.name)
                log.info("meaning model %s read: %d tokens x %d", self.name, *self._loaded[0].shape)
            return self._loaded

    def read_ahead(self) -> None:
        """Start reading the files in a background thread: the first embed() waits only for what is left.

        The tokenizer is parsed outside the GIL, so a process that loads its episodes
        meanwhile (a cold `episode-bot ask`) answers about 0.1 s sooner on a free core.
        """
        if self._loaded is None:
            # Not a daemon: one stopped at exit inside the tokenizer's native code aborts the process.
            threading.Thread(target=self._read_quietly, name="read-meaning-model").start()

    def _read_quietly(self) -> None:
        try:
            self.load()
        except Exception:  # a file that can't be read is reported by the first embed(), which reads it again
            log.debug("reading the meaning model ahead failed", exc_info=True)

    @property
    def vectors(self) -> np.ndarray:
        return self.load()[0]

    @property
    def tokenizer(self) -> Tokenizer:
        return self.load()[1]

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one unit-length float32 vector a text (a zero vector for a text with no token)."""
        import numpy as np

        vectors, tokenizer = self.load()
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        if len(texts) == 1:  # a question: no batch thread pool, which costs more than the text
            ids = tokenizer.encode(texts[0], add_special_tokens=False).ids[:MAX_TOKENS]
            if ids:
                out[0] = vectors[ids].mean(axis=0, dtype=np.float32)
        else:
            ids_of = self._token_ids(texts)
            for start in range(0, len(texts), _BATCH):
                out[start:start + _BATCH] = _means(vectors, ids_of[start:start + _BATCH])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        """Return each text's first MAX_TOKENS token ids, tokenizing each distinct word once.

        The model's tokens never span a space ('▁' starts a word), so a text's
        tokens are its words' tokens in order; a catalogue repeats its words so
        often that this is several times faster than tokenizing every text.
        """
        tokenizer = self.load()[1]
        split = [text.split()[:MAX_TOKENS] for text in texts]  # a word is at least one token
        memo = self._memo
        fresh = list(set().union(*split).difference(memo))
        for word, enc in zip(fresh, tokenizer.encode_batch(fresh, add_special_tokens=False) if fresh else []):
            memo[word] = enc.ids
        if len(memo) > 500_000:  # bound the memory a huge catalogue's vocabulary can take
            self._memo = {}
        get = memo.__getitem__
        return [list(chain.from_iterable(map(get, ws)))[:MAX_TOKENS] for ws in split]

    def knows(self, word: str) -> bool:
        """Return True when word is a whole word of the model's vocabulary: a real word or name."""
        if self._whole_words is None:  # two threads may both build it: the same set, once kept
            # Kept beside the index cache (bot/kept.py): a later process needs no tokenizer for this.
            listed = kept.text(f"model-words-{self.digest}.txt", f"{self.name} {self.digest}",
                               lambda: "\n".join(sorted(_whole_words(self.load()[1]))) + "\n",
                               lambda body: body.endswith("\n"))
            self._whole_words = frozenset(listed.split("\n")) - {""}
        return word.lower() in self._whole_words


def _means(vectors: np.ndarray, ids_of: list[list[int]]) -> np.ndarray:
    """Return the mean token vector of each text (token ids), as float32 (zeros for a text without one).

    Each text's mean is exactly numpy's `vectors[ids].mean(axis=0, dtype=float32)`: its tokens'
    vectors added one after another in float32, then divided by their count (a segmented sum
    such as reduceat, or a matrix product, adds in another order and gives other bits). Here
    the first tokens of every text are added in one step, the second in the next, and so on,
    texts longest first so the ones still adding are a prefix; the float16 rows of the tokens
    used are made float32 once. An episode's passages cost about half the time of one mean a text.
    """
    import numpy as np

    n, dim = len(ids_of), vectors.shape[1]
    lengths = np.fromiter(map(len, ids_of), dtype=np.intp, count=n)
    out = np.zeros((n, dim), dtype=np.float32)
    total = int(lengths.sum())
    if not total:
        return out
    flat = np.fromiter(chain.from_iterable(ids_of), dtype=np.intp, count=total)
    used, local = np.unique(flat, return_inverse=True)
    table = vectors[used].astype(np.float32)  # exact: every float16 is a float32
    order = np.argsort(-lengths, kind="stable")
    longest = lengths[order]
    starts = np.cumsum(lengths) - lengths
    steps = np.zeros((int(longest[0]), n), dtype=np.intp)  # steps[k, j]: the k-th token of the j-th longest text
    for j, i in enumerate(order.tolist()):
        size = int(longest[j])
        if not size:
            break
        steps[:size, j] = local[starts[i]:starts[i] + size]
    adding = np.searchsorted(-longest, -np.arange(len(steps)), side="left")  # texts with more than k tokens
    sums = np.zeros((n, dim), dtype=np.float32)
    part = np.empty((n, dim), dtype=np.float32)
    first = int(adding[0])
    sums[:first] = table[steps[0, :first]]
    for k in range(1, len(steps)):
        live = int(adding[k])
        np.take(table, steps[k, :live], axis=0, out=part[:live])
        sums[:live] += part[:live]
    some = longest > 0
    sums[some] /= longest[some, None].astype(np.float32)
    out[order] = sums
    return out


class WordTable:
    """Unit meaning vectors of single words, embedded on first sight and kept (a catalogue's vocabulary).

    Soft coverage compares a question's words with a passage's words one by one:
    'cheaper' is near 'cost', 'faculty' near 'professors'. Only the words of the
    passages a question's candidates hold are ever embedded, so a large catalogue
    pays for the words its questions reach, once.
    """

    def __init__(self, model: StaticModel, limit: int = 400_000) -> None:
        self.model, self.limit = model, limit
        self._row: dict[str, int] = {}
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()
        self.generation = 0

    def rows(self, words: list[str]) -> tuple[int, np.ndarray]:
        """Return (generation, each word's row), embedding the words not seen before in one batch.

        Rows stay valid while the generation does: the table starts over (a new
        generation) only when it would outgrow its limit.
        """
        import numpy as np

        with self._lock:
            fresh = [w for w in dict.fromkeys(words) if w not in self._row]
            if fresh and len(self._row) + len(fresh) > self.limit:  # bound the memory: start over
                self._row, self._matrix, self.generation = {}, None, self.generation + 1
                fresh = list(dict.fromkeys(words))
            if fresh:
                embedded = self.model.embed(fresh)
                start, matrix = len(self._row), self._matrix
                if matrix is None or start + len(fresh) > len(matrix):
                    grown = np.zeros((max(1024, 2 * (start + len(fresh))), embedded.shape[1]), np.float32)
                    if matrix is not None:
                        grown[:start] = matrix[:start]
                    matrix = self._matrix = grown
                matrix[start:start + len(fresh)] = embedded
                self._row.update((w, start + i) for i, w in enumerate(fresh))
            return self.generation, np.array([self._row[w] for w in words], dtype=np.intp)

    def take(self, generation: int, rows: np.ndarray) -> np.ndarray | None:
        """Return the vectors at rows (from rows()), or None when the table has started over since."""
        with self._lock:
            if generation != self.generation or self._matrix is None:
                return None
            return self._matrix[rows]

    def vectors(self, words: list[str]) -> np.ndarray:
        """Return the words' unit vectors, one row a word."""
        while True:
            found = self.take(*self.rows(words))
            if found is not None:
                return found


def _read(weights: Path, tokenizer_path: Path, name: str) -> tuple[np.ndarray, Tokenizer]:
    import numpy as np
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
    except Exception as exc:  # tokenizers raises a bare Exception for a bad file
        raise ModelError(f"{tokenizer_path}: not a tokenizer file ({exc})") from exc
    vectors = _weights(weights)
    if vectors.ndim != 2 or vectors.shape[0] < tokenizer.get_vocab_size(with_added_tokens=False):
        raise ModelError(f"{name}: {vectors.shape} vectors for {tokenizer.get_vocab_size()} tokens")
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    # Kept as stored (float16 for the packaged model: half the memory); means are taken in float32.
    return vectors if vectors.dtype in (np.float16, np.float32) else vectors.astype(np.float32), tokenizer


def _whole_words(tokenizer: Tokenizer) -> frozenset[str]:
    """Return the vocabulary's whole words, lowercased (copying the vocabulary out costs about 0.15 s)."""
    # SentencePiece marks a word start with '▁', GPT-2 byte BPE with 'Ġ';
    # a WordPiece vocabulary holds whole words bare (pieces start with '##').
    vocab = tokenizer.get_vocab()
    marks = ("\u2581", "\u0120")
    return frozenset(t[1:].lower() for t in vocab if t[:1] in marks and t[1:].isalpha()) | \
        frozenset(t.lower() for t in vocab if t.isalpha() and len(t) > 1)


def _weights(path: Path) -> np.ndarray:
    """Return the embedding table, mapped from the file rather than read: a question touches a few rows.

    safetensors checks the header first (offsets inside the file, sizes that match
    the shapes); the table's bytes are then mapped read-only where that header puts them.
    Any other dtype is read whole (and made float32 by _read).
    """
    import numpy as np
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="numpy") as tensors:
            names = list(tensors.keys())
    except Exception as exc:  # safetensors raises its own error types for a bad header
        raise ModelError(f"{path}: not a safetensors file ({exc})") from exc
    name = next((key for key in _WEIGHT_KEYS if key in names), names[0] if len(names) == 1 else None)
    if name is None:
        raise ModelError(f"{path}: no embedding table among {sorted(names)}")
    with open(path, "rb") as fh:  # the layout safetensors documents: a u64 header size, the JSON header, data
        size = int.from_bytes(fh.read(8), "little")
        entry = json.loads(fh.read(size))[name]
    dtype = _DTYPES.get(entry["dtype"])
    if dtype is None:  # e.g. int8: read whole, as before, and made float32 by _read
        from safetensors.numpy import load_file

        try:
            return load_file(path)[name]
        except Exception as exc:  # bfloat16 has no numpy type
            raise ModelError(f"{path}: {entry['dtype']} vectors can't be read ({exc})") from exc
    begin, _ = entry["data_offsets"]
    return np.memmap(path, dtype=dtype, mode="r", offset=8 + size + begin, shape=tuple(entry["shape"])).view(np.ndarray)


_configured: str | None = None  # the setting loaded with the others (bot/settings.py), before the raw environment


def configure(setting: str | None) -> None:
    """Use this model setting (a folder, 'off', or '' for the packaged one) from now on; None: the environment."""
    global _configured
    _configured = setting


def current_setting() -> str:
    """Return the model setting in force: the configured one, else the environment's."""
    return _configured if _configured is not None else os.environ.get(MODEL_ENV, "")


def load_model(setting: str | None = None) -> StaticModel | None:
    """Return the model a setting names (a folder, 'off', or unset for the packaged one); None when off.

    Without a setting: the one the settings loaded (configure()), else the environment.
    One copy a process: every index built in it shares the table.
    """
    if setting is None:
        setting = _configured if _configured is not None else os.environ.get(MODEL_ENV, "")
    return _load_model(setting.strip())


@lru_cache(maxsize=4)
def _load_model(setting: str) -> StaticModel | None:
    if is_off(setting):
        log.info("meaning search is off (%s=%s): answers come from words alone", MODEL_ENV, setting)
        return None
    if setting:
        return StaticModel.from_folder(setting)
    try:
        return StaticModel.packaged()
    except (OSError, ModelError) as exc:
        log.warning("meaning search is off: the packaged model could not be read (%s)", exc)
        return None


def is_off(setting: str) -> bool:
    """Return True when a model setting turns meaning search off."""
    return setting.strip().lower() in ("off", "none", "0", "false")


__all__ = ["StaticModel", "WordTable", "ModelError", "load_model", "configure", "is_off", "MODEL_ENV"]
