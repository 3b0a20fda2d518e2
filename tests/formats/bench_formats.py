"""Print how fast the new readers and the importer are (figures, not assertions).

    .venv/bin/python tests/formats/bench_formats.py
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.formats import read_document  # noqa: E402
from bot.importers.feed import import_feed  # noqa: E402
from bot.importers.fetch import Fetcher  # noqa: E402

WORDS = ("germanium silicon transistor amplifier signal junction patent laboratory current voltage "
         "contact crystal tube vacuum circuit").split()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."


def stamp(s: float, sep: str = ".") -> str:
    return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{int(s % 60):02d}{sep}{int(s * 1000 % 1000):03d}"


def timed(label: str, path: Path) -> None:
    start = time.perf_counter()
    doc = read_document(path, path.name)
    took = time.perf_counter() - start
    print(f"{label}: {path.stat().st_size / 1e6:.1f} MB read as {doc.format} in {took:.2f} s "
          f"-> {len(doc.passages)} passages, {len(doc.problems)} problems")


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cues = []  # three hours of 3-second captions, two speakers
        for i in range(3600):
            who = "Maya Chen" if (i // 20) % 2 else "Daniel Okafor"
            cues.append(f"{stamp(i * 3)} --> {stamp(i * 3 + 3)}\n<v {who}>{sentence(rng)}\n")
        (root / "long.vtt").write_text("WEBVTT\n\n" + "\n".join(cues))
        timed("WebVTT, 3 h, 3600 cues", root / "long.vtt")
        subs = [f"{i + 1}\n{stamp(i * 3, ',')} --> {stamp(i * 3 + 3, ',')}\n{sentence(rng)}\n" for i in range(3600)]
        (root / "long.srt").write_text("\n".join(subs))
        timed("SRT, 3 h, 3600 cues", root / "long.srt")
        segments = [{"speaker": "Maya Chen" if (i // 300) % 2 else "Daniel Okafor", "startTime": i * 0.4,
                     "endTime": i * 0.4 + 0.35, "body": rng.choice(WORDS) + ("." if i % 12 == 11 else "")}
                    for i in range(27000)]
        (root / "words.json").write_text(json.dumps({"version": "1.0.0", "segments": segments}, indent=1))
        timed("JSON transcript, 3 h, 27000 word segments", root / "words.json")

        export = root / "export"
        export.mkdir()
        items = []
        for n in range(1, 101):
            (export / f"{n}.json").write_text(json.dumps({"version": "1.2.0", "chapters": [
                {"startTime": k * 600, "title": f"Part {k}"} for k in range(6)]}))
            (export / f"{n}.vtt").write_text("WEBVTT\n\n" + "\n".join(cues[:200]))
            items.append(f"<item><title>Episode {n}</title><itunes:episode>{n}</itunes:episode>"
                         f"<description>&lt;p&gt;{sentence(rng)}&lt;/p&gt;</description>"
                         f'<podcast:chapters url="{n}.json" type="application/json+chapters"/>'
                         f'<podcast:transcript url="{n}.vtt" type="text/vtt"/></item>')
        feed = export / "feed.xml"
        feed.write_text('<?xml version="1.0"?><rss version="2.0" '
                        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
                        'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Bench</title>'
                        + "".join(items) + "</channel></rss>")
        start = time.perf_counter()
        outcomes = import_feed(Fetcher(str(feed)), str(feed), root / "seeds")
        took = time.perf_counter() - start
        print(f"import of a local feed: {len(outcomes)} episodes (notes, chapters, transcript) in {took:.2f} s "
              f"({took / len(outcomes) * 1000:.0f} ms per episode)")


if __name__ == "__main__":
    main()
