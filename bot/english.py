"""Whether a word of a question is a real English word: a typo is corrected into an episode's word only when
it is not one ('paris' is not 'pairs'; 'agnet' is 'agent', though the meaning model's vocabulary holds it)."""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from . import kept

log = logging.getLogger(__name__)
# How often a word is counted in the list (50 at least) for it to be one of its common words: 37,700 of 160,000
# ('juggle' 1,493, 'cutoff' 784, 'foundry' 562; 'handel' 63).
COMMON = 200
# How much commoner a word one slip away must be for a rare word to be read as it (common_slip).
SLIP_RATIO = 1000

# British spellings of words the list holds in American spelling ('behaviour', 'organise', 'centre').
_BRITISH = ((re.compile(r"our(s|ed|ing)?$"), r"or\1"), (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
            (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"), (re.compile(r"tre(s)?$"), r"ter\1"))


@lru_cache(maxsize=4096)
def is_english(word: str) -> bool:
    """Return True when a (lowercase) word, or its American spelling, is in the English word list (a look
    through the list takes about 1 ms; a word's answer is remembered)."""
    listed = _lists()[0]
    return any(f"\n{w}\t" in listed for w in {word, *(p.sub(r, word) for p, r in _BRITISH if p.search(word))})


@lru_cache(maxsize=4096)
def is_common_english(word: str) -> bool:
    """Return True when a (lowercase) word is one of the list's commoner words (COMMON times or more in its
    count): real even where the meaning model's vocabulary lacks it ('juggle', 'foundry'), where a rare one
    may be a slip ('handel' for 'handle')."""
    return f"\n{word}\n" in _lists()[1]


@lru_cache(maxsize=4096)
def english_count(word: str) -> int:
    """Return how often the English word list counts a (lowercase) word: 0 for one it lacks, 50 at least for
    one it holds ('hose' 7,114 against 'house' 472,001)."""
    counted = _lists()[0]
    at = counted.find(f"\n{word}\t")
    return int(counted[at + len(word) + 2:counted.index("\n", at + 1)]) if at >= 0 else 0


@lru_cache(maxsize=4096)
def common_slip(word: str) -> str | None:
    """Return the common English word a (lowercase) word is one slip from, when it is no word or a rare one
    ('rase' is 'raise', 'cheepest' 'cheapest'): the commonest such word starting with the same letter, if it is
    SLIP_RATIO times commoner than the word typed; else None. A letter left out and one added count alike, so
    'plateu' gives 'plate', the commoner: bot/search.py asks only of listed words ('rase'), which a slip made
    rarely. A look through the common words (a list of 37,700 kept once read) takes a few milliseconds; an
    answer is remembered."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    near = [w for w, _d, _i in process.extract(word, _common_words(), scorer=OSA.distance, score_cutoff=1, limit=8)
            if w != word and w[:1] == word[:1]]
    best = max(near, key=english_count, default=None)
    return best if best is not None and english_count(best) >= SLIP_RATIO * max(english_count(word), 1) else None


@lru_cache(maxsize=1)
def _common_words() -> list[str]:
    return _lists()[1].split()


@lru_cache(maxsize=1)
def _lists() -> tuple[str, str]:
    """Return pyspellchecker's English word list (160,000 words) with each word's count ('word\tcount'
    lines), and its common words, each as one newline-separated string.

    Read on the first question that needs it: 0.15-0.3 s from the package, a few milliseconds from the
    copy kept beside the index cache (bot/kept.py). Strings of 2.1 MB and 0.3 MB stay in memory,
    where sets of the words would keep 22 MB; a word is looked for in them only when a question holds
    a word no episode does, a few times a question at most.
    """
    both = kept.text("english-words.txt", _source(), _derive, _whole)  # two threads may both read it: one kept
    counted, _, common = both.partition(_BETWEEN)
    return counted, common


def _whole(both: str) -> bool:
    counted, between, common = both.partition(_BETWEEN)
    return bool(between) and counted[:1] == counted[-1:] == common[:1] == common[-1:] == "\n"


_BETWEEN = "\f"  # between the two lists in the kept file (no word holds it)


def _derive() -> str:
    from spellchecker import SpellChecker

    counts = dict(SpellChecker(language="en", distance=1).word_frequency.items())  # its own lookups are slow
    words = sorted(counts)
    return ("\n" + "\n".join(f"{w}\t{counts[w]}" for w in words) + "\n" + _BETWEEN +
            "\n" + "\n".join(w for w in words if counts[w] >= COMMON) + "\n")


def _source() -> str:
    """Name the list's source without importing it: the package's data file (size and time) and COMMON."""
    spec = importlib.util.find_spec("spellchecker")
    found = [Path(p) / "resources" / "en.json.gz" for p in (spec.submodule_search_locations or [])] if spec else []
    try:
        info = found[0].stat()
    except (IndexError, OSError):
        return "pyspellchecker en: not found"  # derived (and failing) as before: the error says why
    return f"pyspellchecker en {info.st_size} {info.st_mtime_ns}; common at {COMMON}"


def read_ahead() -> None:
    """Read the word list in a background thread: a running bot's first question with a typo doesn't wait."""
    threading.Thread(target=_read_quietly, name="read-english-words").start()


def _read_quietly() -> None:
    try:
        _lists()
    except Exception:  # the first question that needs it reads it again, and says why it can't
        log.debug("reading the English word list ahead failed", exc_info=True)
