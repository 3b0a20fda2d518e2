"""Whether a word of a question is a real English word: a typo is corrected into an episode's word only when
it is not one ('paris' is not 'pairs'; 'agnet' is 'agent', though the meaning model's vocabulary holds it)."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

log = logging.getLogger(__name__)

# British spellings of words the list holds in American spelling ('behaviour', 'organise', 'centre').
_BRITISH = ((re.compile(r"our(s|ed|ing)?$"), r"or\1"), (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
            (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"), (re.compile(r"tre(s)?$"), r"ter\1"))


@lru_cache(maxsize=4096)
def is_english(word: str) -> bool:
    """Return True when a (lowercase) word, or its American spelling, is in the English word list (a look
    through the list takes about 1 ms; a word's answer is remembered)."""
    listed = _words()
    return any(f"\n{w}\n" in listed for w in {word, *(p.sub(r, word) for p, r in _BRITISH if p.search(word))})


@lru_cache(maxsize=1)
def _words() -> str:
    """Return pyspellchecker's English word list (160,000 words) as one newline-separated string.

    Read on the first question that needs it (0.3 s). One string of 1.5 MB stays in memory, where a
    set of the words would keep 18 MB; a word is looked for in it only when a question holds a
    word no episode does and the meaning model knows, a few times a question at most.
    """
    from spellchecker import SpellChecker  # two threads may both read it: the same string, one kept

    words = SpellChecker(language="en", distance=1).word_frequency.keys()
    return "\n" + "\n".join(sorted(words)) + "\n"


def read_ahead() -> None:
    """Read the word list in a background thread: a running bot's first question with a typo doesn't wait."""
    threading.Thread(target=_read_quietly, name="read-english-words").start()


def _read_quietly() -> None:
    try:
        _words()
    except Exception:  # the first question that needs it reads it again, and says why it can't
        log.debug("reading the English word list ahead failed", exc_info=True)
