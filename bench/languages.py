"""Languages: search in an episode's own language beside English-only stemming, the language
detector's accuracy and cost, and what translating a reply costs (issue 17).

    python -m bench.languages
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

from bot import text
from bot.core import EpisodeBot
from bot.languages import detect

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "languages" / "data"


def _questions():
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "languages"))
    from test_episode_languages import ANSWERED, DECLINED  # the test's questions, measured here too

    return ANSWERED, DECLINED


def search_quality() -> None:
    answered, declined = _questions()
    print("search in the episode's language vs English-only stemming (the bot before languages)")
    print(f"{'episode':12} {'mode':14} {'right chapter':>14} {'declined (out of scope)':>24}")
    for name in answered:
        for mode in ("own language", "English only"):
            bot = EpisodeBot(DATA / name)
            saved = text._stem_in
            if mode == "English only":  # as before: English Snowball for every word, English stop words
                text._stem_in = lambda lang, word: text._english_stem(word)  # type: ignore[assignment]
                for e in bot.library.episodes:
                    e.language = None
                bot.snapshot.index.__init__(bot.snapshot.library, model=bot.snapshot.index.model)
            try:
                right = sum(bool(r.results) and r.results[0].chapter == c
                            for q, c in answered[name] for r in [bot.run("ask", {"question": q})])
                out = sum(not bot.run("ask", {"question": q}).results for q in declined[name])
            finally:
                text._stem_in = saved  # type: ignore[assignment]
            print(f"{name:12} {mode:14} {right:>9}/{len(answered[name]):<4} {out:>19}/{len(declined[name])}")


def detector() -> None:
    print("\nlanguage detector: accuracy on windows of the test episodes' text (and English seeds)")
    texts = {"ru": (DATA / "ru-pochta" / "notes.md").read_text(encoding="utf-8"),
             "de": (DATA / "de-bienen" / "notes.md").read_text(encoding="utf-8"),
             "en": next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")[:20000]}
    print(f"{'words':>6} " + " ".join(f"{lang:>8}" for lang in texts))
    for size in (5, 10, 30, 100):
        row = []
        for lang, text in texts.items():
            body = re.sub(r"^---.*?---", "", text, flags=re.S)
            words = body.split()
            windows = [" ".join(words[i:i + size]) for i in range(0, max(1, len(words) - size), size)][:200]
            ok = sum(detect(w, default="?") == lang for w in windows)
            row.append(f"{ok / len(windows):>8.0%}")
        print(f"{size:>6} " + " ".join(row))
    sample = texts["en"][:20000]
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        detect(sample)
    per_kb = (time.perf_counter() - start) / runs / (len(sample) / 1000) * 1e6
    print(f"cost: {per_kb:.1f} µs per KB (it reads at most 20 KB of an episode)")


def translation_cost() -> None:
    bot = EpisodeBot(ROOT / "seeds")
    print("\na reply in English and in Russian (chapter command, p50 of 200)")
    for lang in ("en", "ru"):
        bot.run("chapter", {"title_or_time": "scaling laws"}, language=lang)  # the catalogue loads once
        times = []
        for _ in range(200):
            t = time.perf_counter()
            bot.run("chapter", {"title_or_time": "scaling laws"}, language=lang)
            times.append(time.perf_counter() - t)
        print(f"{lang}: {statistics.median(times) * 1000:.2f} ms")
    from bot import i18n

    i18n._catalogues.clear()
    t = time.perf_counter()
    for code in i18n.available():
        with i18n.speaking(code):
            i18n._("Thanks, noted.")
    print(f"reading all five .po catalogues (read_po): {(time.perf_counter() - t) * 1000:.0f} ms, once per process")


if __name__ == "__main__":
    search_quality()
    detector()
    translation_cost()
