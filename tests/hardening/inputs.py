"""The bad inputs every front end is tried with, and checks on what comes back."""

from __future__ import annotations

import re
import unicodedata

from bot.commands import MAX_QUERY

# name -> text; the same table drives the core, Discord and Slack tests and docs/reliability.md.
BAD_INPUTS: dict[str, str] = {
    "empty": "",
    "one char": "x",
    "at the limit": ("rlvr " * MAX_QUERY)[:MAX_QUERY - 1] + "?",
    "one past the limit": ("rlvr " * MAX_QUERY)[:MAX_QUERY - 1] + "??",
    "10,000 chars": "what is rlvr " * 770,
    "one 5,000-char word": "a" * 5000,
    "@everyone": "@everyone what is RLVR?",
    "@here": "@here what is RLVR?",
    "user mention": "<@123456789012345678> what is RLVR?",
    "role mention": "<@&123456789012345678> what is RLVR?",
    "slack <!channel>": "<!channel> what is RLVR?",
    "slack <!here>": "<!here> what is RLVR?",
    "slack <!subteam^S1>": "<!subteam^S1> what is RLVR?",
    "slack link": "<https://evil.example|ok> RLVR",
    "pre-escaped &lt;!channel&gt;": "&lt;!channel&gt; RLVR",
    "masked link": "[click here](https://evil.example) RLVR",
    "two masked links": "[a](https://x.example) RLVR [ok](https://evil.example)",
    "unbalanced markdown": "**RLVR `what _is ~~ ||spoiler",
    "zero-width": "R\u200bL\u200cV\u200dR\u2060\ufeff",
    "U+202E override": "\u202eRLVR si tahw",
    "NUL": "what\x00is\x00RLVR",
    "CRLF": "what is\r\nRLVR\r\n",
    "emoji": "🤖👨‍👩‍👧 what is RLVR? 🇩🇪",
    "RTL text": "ما هو RLVR؟ מה זה",
    "combining marks": "R\u0301\u0302\u0303L\u0308V\u0327R" + "\u0301" * 200,
    "lone surrogate": "RLVR \ud800 x",
}

# Characters that must never survive into anything the bot sends.
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"
                 "\u2066\u2067\u2068\u2069\u200e\u200f")


_EMOJI_ZWJ = re.compile("(?<=[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff])\u200d"
                        "(?=[\u2600-\u27bf\U0001f000-\U0001faff])")


def bad_chars(text: str) -> list[str]:
    """Return the control, invisible or unencodable characters in text (newlines allowed).

    A zero-width joiner inside an emoji sequence (👨‍👩‍👧) is part of the emoji, not hidden text.
    """
    found = []
    for ch in _EMOJI_ZWJ.sub("", text):
        cat = unicodedata.category(ch)
        if ch in _INVISIBLE or cat in ("Cs", "Co", "Cn") or (cat == "Cc" and ch not in "\n"):
            found.append(f"U+{ord(ch):04X}")
    return found


def reply_texts(reply) -> list[str]:
    """Every piece of text in a Reply that a front end may show."""
    texts = [reply.title, reply.body, reply.query, reply.message or "", reply.episode_label or ""]
    texts += [t for f in reply.fields for t in (f.name, f.value)]
    for r in reply.results:
        texts += [r.text, r.title or "", r.speaker or "", r.chapter or "", r.section or "",
                  r.source or "", r.remark or ""]
    texts += [c.source for c in reply.citations] + list(reply.suggestions)
    texts += [b.label for b in reply.buttons]
    return texts
