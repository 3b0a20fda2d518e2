"""rapidfuzz's token_set_ratio against a passage whose words were sorted once, not on every question.

`fuzz.token_set_ratio(question, passage)` splits and sorts the passage's words
each time: for a long passage that is most of what ranking a candidate costs,
and the same passages are candidates of question after question. `Words` keeps
a passage's sorted distinct words as one string; `token_set_ratio` then does
rapidfuzz's arithmetic (from its reference implementation, `rapidfuzz.fuzz_py`)
on the few words a question has, with rapidfuzz's own Indel distance, so the
score is the same float (tests/core/test_token_set.py compares them).
"""

from __future__ import annotations

import logging
import re
from bisect import insort

from rapidfuzz.distance import Indel

log = logging.getLogger(__name__)

# rapidfuzz splits words at Python's whitespace, except that in a text of Latin-1 characters only
# (as CPython stores it: none past U+00FF) U+0085 and U+00A0 (a no-break space) are not spaces.
_LATIN1_SPACE_RE = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f ]+")


def split(text: str) -> list[str]:
    """Return text's words as rapidfuzz's token functions split them."""
    if ("\xa0" in text or "\x85" in text) and max(text) <= "\xff":
        return [w for w in _LATIN1_SPACE_RE.split(text) if w]
    return text.split()


class Words:
    """A text's distinct whitespace-separated words, sorted, kept as one string: ' a b c '."""

    __slots__ = ("joined", "count")

    def __init__(self, text: str) -> None:
        tokens = sorted(set(split(text)))
        self.joined = f" {' '.join(tokens)} " if tokens else ""
        self.count = len(tokens)


def question_words(text: str) -> list[str]:
    """Return a question's distinct words, sorted: what token_set_ratio compares with a passage."""
    return sorted(set(split(text)))


def token_set_ratio(asked: list[str], words: Words) -> float:
    """Return `fuzz.token_set_ratio(" ".join(asked), text)` for the text `words` was made of (0 to 100)."""
    if not asked or not words.count:
        return 0
    joined = words.joined
    common: list[tuple[int, str]] = []  # (where in joined, word) of the words both hold
    only_asked: list[str] = []
    for word in asked:
        at = joined.find(f" {word} ")
        if at >= 0:
            insort(common, (at, word))
        else:
            only_asked.append(word)
    if common and (not only_asked or len(common) == words.count):
        return 100  # one is part of the other
    diff_ab = " ".join(only_asked)  # `asked` is sorted, so these are too
    if common:  # the passage's words without the common ones, still sorted
        parts, start = [], 1
        for at, word in common:
            if at > start:
                parts.append(joined[start:at])
            start = at + len(word) + 2
        if start < len(joined):
            parts.append(joined[start:-1])
        diff_ba = " ".join(parts)
    else:
        diff_ba = joined[1:-1]
    ab_len, ba_len = len(diff_ab), len(diff_ba)
    sect_len = sum(len(word) for _, word in common) + len(common) - 1 if common else 0
    sect_ab_len = sect_len + (sect_len != 0) + ab_len
    sect_ba_len = sect_len + (sect_len != 0) + ba_len
    lensum = sect_ab_len + sect_ba_len
    dist = Indel.distance(diff_ab, diff_ba, score_cutoff=lensum)
    result = _norm_distance(dist, lensum) if dist <= lensum else 0.0
    if not sect_len:
        return result
    sect_ab_ratio = _norm_distance((sect_len != 0) + ab_len, sect_len + sect_ab_len)
    sect_ba_ratio = _norm_distance((sect_len != 0) + ba_len, sect_len + sect_ba_len)
    return max(result, sect_ab_ratio, sect_ba_ratio)


def _norm_distance(dist: int, lensum: int) -> float:
    return (100 - 100 * dist / lensum) if lensum else 100


__all__ = ["Words", "question_words", "split", "token_set_ratio"]
