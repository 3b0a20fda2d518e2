"""A deterministic back catalogue for the scale benchmark, built from the seed material.

Each generated episode is a folder of three documents in formats the bot reads:
a timed transcript with speakers and chapter headings (labeled page), show
notes with highlights and a chapter list, and markdown notes with front
matter, summary, takeaways, topic sections and notable quotes. The text is a
word-level Markov chain trained on the seeds, so its vocabulary and sentence
shape are the real ones, and every episode has its own number, title, guests
and a codename around which facts are planted (a number, a city, a quote, a
chapter and a notes section), so answers can be checked at any size.

The same episode number always yields the same episode, whatever the size
of the catalogue; episodes are cached under a work folder and catalogues are
folders of hard links to them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import random
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.text import format_time

log = logging.getLogger(__name__)

WORDS_PER_EPISODE = 40_000  # a four-hour episode
WORDS_PER_MINUTE = 165
SHOW = "Signal and Noise"
HOST = "Alex Morgan"
VERSION = 1  # bump when the generated text changes, so caches are rebuilt

FIRST = ("Maya Jonas Priya Tomasz Elena Kwame Sofia Mateo Hana Idris Leila Oskar Nadia Rafael Ingrid "
         "Dmitri Amara Felix Yuki Santiago Freya Omar Clara Anton Zara Luca Mei Kofi Astrid Julian "
         "Noor Viktor Lena Emeka Ines Hugo Talia Bruno Sana Matthias").split()
LAST = ("Okafor Lindqvist Varga Castellanos Nakamura Brennan Haddad Kowalczyk Ferreira Abernathy "
        "Rasmussen Delacroix Mbeki Sorensen Takahashi Quintero Holloway Petrov Adeyemi Lachance "
        "Weissman Oyelaran Marchetti Fairbanks Novak Eriksen Moreau Achterberg Szabo Iwasaki "
        "Caldwell Benedetti Osei Vandermeer Kaminski Albright Duarte Hoffmann Sato Gallagher").split()
ONSETS = "Zor Kel Vash Tir Quen Bral Mok Sev Drun Pex Yal Gor Fen Thal Ruv Xan Lom Cairn Jeth Wex Nob Hask Vel Ost".split()
MIDDLES = "an ir ov el ar um is ok en ax ul or".split()
ENDINGS = "ra ix on ett ia us ane ori ek ade yn ost".split()
MATERIALS = ("licensed audio", "court transcripts", "weather radar scans", "chess games", "medical images",
             "legal contracts", "satellite photos", "protein structures", "factory sensor logs",
             "textbook exercises", "parliament debates", "shipping manifests")
CITIES = ("Lisbon", "Nairobi", "Montreal", "Tallinn", "Osaka", "Valparaiso", "Reykjavik", "Accra",
          "Ljubljana", "Hanoi", "Cordoba", "Tbilisi", "Auckland", "Bergen", "Porto Alegre", "Kraków")
TOPICS = ("evaluation", "data licensing", "energy use", "open weights", "hiring", "safety testing",
          "pricing", "latency", "regulation", "distillation", "hardware supply", "benchmarks")
# Questions in the seeds' own words, so every episode of a catalogue may answer them.
BROAD = ({"command": "ask", "query": "What is RLVR?", "all_of": [["RLVR", "verifiable"]]},
         {"command": "ask", "query": "What is the differentiating factor in AI?", "all_of": [["differentiat"]]},
         {"command": "quote", "query": "budget and hardware constraints", "all_of": [["hardware"]]})
OUT_OF_SCOPE = ("What is the best recipe for sourdough bread?",
                "Who won the football match between Arsenal and Tottenham?")


# -- the text source --------------------------------------------------------------

_MD_NOISE = re.compile(r"\*\*[^*]*\*\*|[*_`>#|\[\]]|\(https?://[^)]*\)|https?://\S+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z])")


def seed_sentences(seeds_dir: Path) -> list[str]:
    """Return the English sentences of the seed files (6 to 60 words), in file order."""
    from bot.library import seed_files

    out = []
    for path, _ in seed_files(seeds_dir):
        for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines():
            line = _MD_NOISE.sub(" ", line).strip(" -–•\t")
            if not line or re.search(r"[\u0400-\u04ff]", line):
                continue
            for sentence in _SENTENCE.split(line):
                n = len(sentence.split())
                if 6 <= n <= 60 and sentence[-1:] in ".!?":
                    out.append(" ".join(sentence.split()))
    return out


class Markov:
    """An order-2 word chain over sentences: new sentences in the seeds' own words."""

    def __init__(self, sentences: list[str]) -> None:
        self.table: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        for sentence in sentences:
            w = sentence.split()
            self.starts.append((w[0], w[1]))
            for a, b, c in zip(w, w[1:], [*w[2:], None]):
                self.table[(a, b)].append(c or "")
        if not self.starts:
            raise ValueError("no sentences to learn from")

    def sentence(self, rng: random.Random, max_words: int = 45) -> str:
        a, b = rng.choice(self.starts)
        out = [a, b]
        while len(out) < max_words:
            nxt = rng.choice(self.table.get((a, b)) or [""])
            if not nxt:
                break
            out.append(nxt)
            a, b = b, nxt
        text = " ".join(out)
        return text if text[-1] in ".!?" else text.rstrip(",;:—-") + "."

    def paragraph(self, rng: random.Random, words: int) -> str:
        out: list[str] = []
        count = 0
        while count < words:
            s = self.sentence(rng)
            out.append(s)
            count += len(s.split())
        return " ".join(out)


# -- one episode ----------------------------------------------------------------------

@dataclass
class Planted:
    """The facts planted in one episode, and what a correct answer must hold."""

    number: int
    title: str
    codename: str
    guest: str
    other_guest: str
    hours: int
    material: str
    city: str
    quote: str
    chapter_title: str
    chapter_time: int
    topic: str
    topic_line: str


def _person(p: int) -> str:
    # Each first name meets each last name once: (p % 40, (p // 40 + 3p) % 40) is one-to-one.
    return f"{FIRST[p % len(FIRST)]} {LAST[(p // len(FIRST) + 3 * p) % len(LAST)]}"


def codename(number: int) -> str:
    """Return the invented name planted in episode `number` (distinct per number)."""
    space = len(ONSETS) * len(MIDDLES) * len(ENDINGS)
    p = (number * 1103) % space  # 1103 is prime and does not divide the space: a permutation
    a, rest = divmod(p, len(MIDDLES) * len(ENDINGS))
    b, c = divmod(rest, len(ENDINGS))
    return ONSETS[a] + MIDDLES[b] + ENDINGS[c]


def plant(number: int, chapters: int) -> Planted:
    rng = random.Random(f"plant:{number}")
    people = len(FIRST) * len(LAST)
    name = codename(number)
    topic = rng.choice(TOPICS)
    chapter_index = rng.randrange(2, chapters - 1)
    return Planted(
        number=number, title=f"{name}: {rng.choice(TOPICS).capitalize()} and the next model",
        codename=name, guest=_person((number * 2 * 797) % people),
        other_guest=_person((number * 2 * 797 + 797) % people),
        hours=rng.randrange(12, 990), material=rng.choice(MATERIALS), city=rng.choice(CITIES),
        quote=f"Nobody believed {name} would work until the {rng.choice(MATERIALS)} finally made sense.",
        chapter_title=f"How {name} changed {topic}", chapter_time=0,
        topic=f"{name} {rng.choice(TOPICS)}", topic_line="", )


def chapter_titles(seeds_dir: Path) -> list[str]:
    """Return the chapter titles of the seeds, to name generated chapters realistically."""
    from bot.library import load_library

    try:
        titles = [c.title for e in load_library(seeds_dir).episodes for c in e.chapters]
    except Exception:  # a broken seeds folder still lets the benchmark run
        log.exception("could not read chapter titles from %s", seeds_dir)
        titles = []
    return titles or [f"Part {i}" for i in range(1, 30)]


def write_episode(folder: Path, number: int, chain: Markov, titles: list[str],
                  words: int = WORDS_PER_EPISODE) -> Planted:
    """Write the three documents of episode `number` into folder; return what was planted."""
    rng = random.Random(f"episode:{number}:{words}")
    n_chapters = max(4, min(len(titles), round(words / WORDS_PER_MINUTE / 10)))  # about 10 minutes each
    fact = plant(number, n_chapters)
    names = [t for t in rng.sample(titles, min(len(titles), n_chapters))]
    while len(names) < n_chapters:
        names.append(f"Part {len(names) + 1}")
    names[0] = "Introduction"
    planted_chapter = 2 + number % (n_chapters - 3)
    names[planted_chapter] = fact.chapter_title
    speakers = [HOST, fact.guest, fact.other_guest]
    date = dt.date(2020, 1, 6) + dt.timedelta(days=7 * number)
    per_chapter = words // n_chapters
    fact_chapter, quote_chapter = (planted_chapter + 1) % n_chapters or 1, max(1, planted_chapter - 1)

    transcript = [f"# #{number} – {fact.title}",
                  f"**Source:** [{SHOW} #{number}](https://example.org/episodes/{number})",
                  f"**Guests:** {fact.guest} & {fact.other_guest}", f"**Date:** {date.isoformat()}",
                  f"{HOST} talks with {fact.guest} and {fact.other_guest} about {fact.codename}, "
                  f"{fact.material} and {fact.topic.split(' ', 1)[1]}."]
    chapter_starts, highlights = [], []
    seconds, said = 0, 0
    for c, name in enumerate(names):
        chapter_starts.append(seconds)
        if c == planted_chapter:
            fact.chapter_time = seconds
        transcript.append(f"### {name}")
        turns: list[tuple[str, str]] = []
        budget = per_chapter
        while budget > 0:
            text = chain.paragraph(rng, rng.randrange(40, 220))
            turns.append((speakers[len(turns) % 3 if rng.random() < 0.7 else rng.randrange(3)], text))
            budget -= len(text.split())
        if c == fact_chapter:
            turns.insert(len(turns) // 2, (fact.guest, f"The {fact.codename} model was trained on "
                                           f"{fact.hours} thousand hours of {fact.material}, which "
                                           f"surprised everyone in the lab."))
        if c == quote_chapter:
            turns.insert(len(turns) // 3, (fact.guest, f"{chain.sentence(rng)} {fact.quote}"))
        for i, (speaker, text) in enumerate(turns):
            transcript.append(f"**{speaker} ({format_time(seconds)})** {text}")
            if i == 1:
                highlights.append((seconds, text.split(". ")[0].rstrip(".") + "."))
            said += len(text.split())
            seconds = said * 60 // WORDS_PER_MINUTE
    shownotes = [f"#{number} – {fact.title}", "", "Shownote", "",
                 f"{fact.guest} and {fact.other_guest} join {HOST}. {chain.sentence(rng)}", "", "Highlights", ""]
    for at, text in highlights[:: max(1, len(highlights) // 12)]:
        shownotes += [format_time(at), text]
    shownotes += ["", "Chapters", ""]
    for name, at in zip(names, chapter_starts):
        shownotes += [name, format_time(at)]
    fact.topic_line = (f"{fact.codename} cut its {fact.topic.split(' ', 1)[1]} budget by "
                       f"{rng.randrange(11, 89)} percent after the {fact.city} pilot.")
    notes = ["---", f'title: "{fact.title} | {SHOW} #{number}"', f"episode: {number}",
             f"date: {date.isoformat()}", f"host: {HOST}", f"guests: [{fact.guest}, {fact.other_guest}]",
             "links:", f"  video: https://www.youtube.com/watch?v=ep{number:05d}",
             f"  page: https://example.org/episodes/{number}", f"tags: [{fact.codename.lower()}, ai]", "---",
             f"# {fact.title}", "", "## Summary", "", chain.paragraph(rng, 90), "", "## Key takeaways", ""]
    notes += [f"- {chain.sentence(rng)}" for _ in range(8)]
    notes += ["", f"## About {fact.codename}", "",
              f"- {fact.codename} is headquartered in {fact.city}, where {fact.guest} leads the team.",
              *(f"- {chain.sentence(rng)}" for _ in range(5))]
    notes += ["", f"## {fact.topic}", "", f"- {fact.topic_line}", *(f"- {chain.sentence(rng)}" for _ in range(3))]
    for section in rng.sample(titles, min(3, len(titles))):
        notes += ["", f"## {section}", "", *(f"- {chain.sentence(rng)}" for _ in range(6))]
    notes += ["", "## Notable quotes", "", f'- "{fact.quote}" — {fact.guest}']
    notes += [f'- "{chain.sentence(rng, 25)}" — {rng.choice(speakers)}' for _ in range(3)]

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transcript.md").write_text("\n\n".join(transcript) + "\n", encoding="utf-8")
    (folder / "shownotes.txt").write_text("\n".join(shownotes) + "\n", encoding="utf-8")
    (folder / "notes.md").write_text("\n".join(notes) + "\n", encoding="utf-8")
    return fact


# -- questions ------------------------------------------------------------------------

def questions(fact: Planted, catalogue_wide: bool = True) -> list[dict[str, Any]]:
    """Return the checkable questions about one episode's planted facts."""
    ep = str(fact.number)
    out = [
        {"command": "ask", "query": f"How many hours of {fact.material} was {fact.codename} trained on?",
         "all_of": [[f"{fact.hours} thousand"]], "episode": ep},
        {"command": "ask", "query": f"Where is {fact.codename} headquartered?", "all_of": [[fact.city]],
         "episode": ep},
        {"command": "quote", "query": f"believed {fact.codename} would work",
         "all_of": [[fact.codename], [fact.guest]], "episode": ep},
        {"command": "chapter", "query": fact.chapter_title.lower().replace("how ", ""),
         "all_of": [[format_time(fact.chapter_time)]], "episode": ep},
        {"command": "summary", "query": fact.topic, "all_of": [[fact.topic_line[:40]]], "episode": ep},
        {"command": "ask", "query": OUT_OF_SCOPE[fact.number % 2], "all_of": [], "none": True, "episode": ep},
    ]
    if catalogue_wide:  # the same questions without naming the episode (ask and quote search all)
        out += [dict(q, episode=None, scope="catalogue") for q in out if q["command"] in ("ask", "quote")]
    for i, q in enumerate(out):
        q.setdefault("none", False)
        q.setdefault("scope", "episode")
        q["id"] = f"e{fact.number}-{i}"
    return out


# -- catalogues -----------------------------------------------------------------------

def _fingerprint(seeds_dir: Path, words: int) -> str:
    h = hashlib.sha256(f"v{VERSION}:{words}".encode())
    from bot.library import seed_files

    for path, name in seed_files(seeds_dir):
        h.update(name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def cache_dir() -> Path:
    """Return where generated episodes are kept between runs (EPISODE_BENCH_CACHE)."""
    return Path(os.environ.get("EPISODE_BENCH_CACHE") or "/tmp/episode-bot-bench")


def build(size: int, seeds_dir: Path, words: int = WORDS_PER_EPISODE, cache: Path | None = None,
          sample: int = 8) -> tuple[Path, Path]:
    """Make (or reuse) a catalogue of `size` episodes; return (seeds folder, questions file).

    Questions cover up to `sample` episodes spread over the catalogue.
    """
    cache = cache or cache_dir()
    pool = cache / f"episodes-{_fingerprint(seeds_dir, words)}"
    target = cache / f"catalogue-{pool.name.split('-', 1)[1]}-{size}"
    if (target / "complete").exists():
        facts = {n: Planted(**json.loads((pool / f"ep{n:04d}" / "planted.json").read_text()))
                 for n in range(1, size + 1)}
        _write_questions(target / "questions.jsonl", facts, size, sample)
        return target / "seeds", target / "questions.jsonl"
    chain = Markov(seed_sentences(seeds_dir))
    titles = chapter_titles(seeds_dir)
    # Build beside the final folder and rename, so a second run at the same time never sees half.
    work = target.with_name(f"{target.name}.tmp{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    (work / "seeds").mkdir(parents=True)
    facts: dict[int, Planted] = {}
    for number in range(1, size + 1):
        folder = pool / f"ep{number:04d}"
        facts[number] = _episode(folder, number, chain, titles, words)
        dest = work / "seeds" / folder.name
        dest.mkdir()
        for doc in ("transcript.md", "shownotes.txt", "notes.md"):
            try:
                os.link(folder / doc, dest / doc)
            except OSError:  # another file system: copy instead
                shutil.copy2(folder / doc, dest / doc)
    _write_questions(work / "questions.jsonl", facts, size, sample)
    (work / "complete").write_text("ok\n")
    shutil.rmtree(target, ignore_errors=True)
    try:
        work.rename(target)
    except OSError:  # another run finished first: use its copy
        shutil.rmtree(work, ignore_errors=True)
    return target / "seeds", target / "questions.jsonl"


def extra_episode(number: int, seeds_dir: Path, words: int = WORDS_PER_EPISODE, cache: Path | None = None) -> Path:
    """Return the folder of generated episode `number` (made unless cached), for adding to a catalogue."""
    cache = cache or cache_dir()
    folder = cache / f"episodes-{_fingerprint(seeds_dir, words)}" / f"ep{number:04d}"
    if not (folder / "planted.json").exists():
        _episode(folder, number, Markov(seed_sentences(seeds_dir)), chapter_titles(seeds_dir), words)
    return folder


def _write_questions(path: Path, facts: dict[int, Planted], size: int, sample: int) -> None:
    """Write the questions about `sample` episodes spread over the catalogue, and broad ones."""
    step = max(1, size // sample)
    chosen = list(range(1, size + 1, step))[:sample]
    with open(path, "w", encoding="utf-8") as fh:
        for number in chosen:
            for q in questions(facts[number]):
                fh.write(json.dumps(q) + "\n")
        for i, q in enumerate(BROAD):  # common words: the whole catalogue holds answers
            fh.write(json.dumps(dict(q, id=f"broad-{i}", none=False, episode=None, scope="catalogue")) + "\n")


def _episode(folder: Path, number: int, chain: Markov, titles: list[str], words: int) -> Planted:
    """Return an episode's planted facts, writing its documents first unless they are cached."""
    meta = folder / "planted.json"
    if meta.exists():
        return Planted(**json.loads(meta.read_text()))
    work = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    fact = write_episode(work, number, chain, titles, words)
    (work / "planted.json").write_text(json.dumps(fact.__dict__))
    try:
        work.rename(folder)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    return fact
