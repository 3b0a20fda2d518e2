"""Two naive baselines that search the seed files line by line.

- BM25 over lines with bm25s (lowercase words, English stopwords, no stemming);
- rapidfuzz `token_set_ratio` of the query against every line.

Neither knows episodes, chapters, speakers or times: a result is a line with
its file and line number. BM25 returns only lines that share a word with the
query; the fuzzy baseline always returns its best lines, so it never declines.

`python -m bench.baselines "What is RLVR?" --seeds seeds` answers one question
from a cold start: the naive counterpart of `episode-bot ask`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TOP = 5


def read_lines(seeds_dir: Path | str) -> list[tuple[str, str]]:
    """Return (text, "file:line") for every non-empty line of every seed file."""
    from bot.library import seed_files

    lines = []
    for path, name in seed_files(Path(seeds_dir)):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("baseline skips %s: %s", name, exc)
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if line:
                lines.append((line, f"{name}:{n}"))
    return lines


def _result(line: tuple[str, str], score: float) -> dict[str, Any]:
    return {"text": line[0], "source": line[1], "score": round(float(score), 4)}


class BM25Lines:
    """BM25 over the seed lines, with the bm25s library."""

    name = "BM25 over lines"

    def __init__(self, seeds_dir: Path | str) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
        self._bm25s = bm25s
        self.lines = read_lines(seeds_dir)
        tokens = bm25s.tokenize([t for t, _ in self.lines], stopwords="en", show_progress=False)
        self.model = bm25s.BM25()
        self.model.index(tokens, show_progress=False)

    def search(self, query: str, k: int = TOP) -> list[dict[str, Any]]:
        tokens = self._bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)
        if not tokens or not tokens[0]:
            return []
        k = min(k, len(self.lines))
        docs, scores = self.model.retrieve(tokens, k=k, show_progress=False)
        return [_result(self.lines[int(d)], s) for d, s in zip(docs[0], scores[0]) if s > 0]

    def answer(self, case: dict[str, Any]) -> list[dict[str, Any]]:
        return self.search(case.get("query") or "")


class FuzzLines:
    """rapidfuzz token_set_ratio of the query against every seed line."""

    name = "rapidfuzz over lines"

    def __init__(self, seeds_dir: Path | str) -> None:
        self.lines = read_lines(seeds_dir)
        self.texts = [t for t, _ in self.lines]

    def search(self, query: str, k: int = TOP) -> list[dict[str, Any]]:
        from rapidfuzz import fuzz, process, utils

        found = process.extract(query, self.texts, scorer=fuzz.token_set_ratio,
                                processor=utils.default_process, limit=k)
        return [_result(self.lines[i], score / 100) for _, score, i in found]

    def answer(self, case: dict[str, Any]) -> list[dict[str, Any]]:
        return self.search(case.get("query") or "")


ENGINES = {"bm25": BM25Lines, "fuzz": FuzzLines}


def main(argv: list[str] | None = None) -> int:
    """Answer one question with a baseline and print its best line."""
    parser = argparse.ArgumentParser(prog="python -m bench.baselines",
                                     description="Answer a question with a naive line baseline.")
    parser.add_argument("query")
    parser.add_argument("--seeds", default="seeds")
    parser.add_argument("--engine", choices=sorted(ENGINES), default="bm25")
    args = parser.parse_args(argv)
    engine = ENGINES[args.engine](args.seeds)
    results = engine.search(args.query)
    if not results:
        print("no line matches")
        return 1
    print(f"{results[0]['text']}\n   source: {results[0]['source']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
