"""Load the seeds folder into episodes: group documents, merge sources, place passages."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from . import languages, progress
from .errors import SeedsError
from .i18n import _
from .formats import MAX_BYTES, ParsedDocument, Problem, read_document
from .formats.safety import path_problem, showable_name
from .models import Chapter, Conflict, Episode, Link, Passage, Quote
from .text import content_words, format_time, stem, words

log = logging.getLogger(__name__)

SEED_SUFFIXES = {".txt", ".md", ".markdown", ".json", ".vtt", ".srt", ".xml", ""}
_SKIP_NAMES = {"readme.md", "readme.txt", "readme"}


TIMED_BASES = ("own", "matched", "nearby")  # a chapter-start guess says nothing about the length


class EpisodeFacts(BaseModel):
    """What lists and catalogues need of an episode's passages and quotes, without them.

    A library read back from the index cache holds its episodes without their
    passages and quotes (Library.full reads them); these few figures stay.
    """

    passages: int = 0
    quotes: int = 0
    speakers: list[str] = Field(default_factory=list)  # who speaks in its quotes, then passages; once each
    length: int | None = None  # its latest timed moment, in seconds
    sections: list[str] = Field(default_factory=list)  # the topic sections of its notes and takeaways

    @classmethod
    def of(cls, e: Episode) -> EpisodeFacts:
        """Return the facts of an episode that holds its passages and quotes."""
        times = [x.time for x in [*e.passages, *e.quotes] if x.time is not None and x.time_basis in TIMED_BASES]
        times += [c.start for c in e.chapters]
        return cls(passages=len(e.passages), quotes=len(e.quotes),
                   speakers=list(dict.fromkeys(x.speaker for x in [*e.quotes, *e.passages] if x.speaker)),
                   length=max(times) if times else None,
                   sections=list(dict.fromkeys(p.section for p in e.passages
                                               if p.section and p.kind in ("note", "takeaway"))))


@dataclass
class Library:
    """Every episode the bot knows, with what loading them reported."""

    episodes: list[Episode]
    documents: list[ParsedDocument] = field(default_factory=list)
    root: Path | None = None
    _facts: dict[int, EpisodeFacts] = field(default_factory=dict, repr=False, compare=False)

    @property
    def problems(self) -> list[Problem]:
        return [p for d in self.documents for p in d.problems]

    def full(self, episode: Episode) -> Episode:
        """Return an episode with its passages and quotes (held in memory here: the episode itself)."""
        return episode

    def facts(self, episode: Episode) -> EpisodeFacts:
        """Return an episode's counts, speakers, length and sections (worked out once)."""
        found = self._facts.get(id(episode))
        if found is None:
            found = self._facts[id(episode)] = EpisodeFacts.of(episode)
        return found


def load_library(root: Path | str, max_bytes: int = MAX_BYTES) -> Library:
    """Read every seed document under root and build the episodes.

    Raises SeedsError when the folder is missing or holds no usable document.
    """
    root = Path(root)
    if not root.is_dir():
        raise SeedsError(f"seeds folder {str(root)!r} does not exist: create it and put the "
                         "episode documents in it, or point EPISODE_BOT_SEEDS_DIR at it")
    docs = [read_document(path, name, max_bytes)
            for path, name in progress.track(seed_files(root), "reading", "files")]
    for doc in docs:
        for problem in doc.problems:
            log.warning("seed %s", problem)
    usable = [d for d in docs if d.passages or d.chapters or d.quotes]
    if not usable:
        raise SeedsError(f"seeds folder {str(root)!r} holds no readable episode document"
                         + (f" ({len(docs)} file(s) could not be used)" if docs else ""))
    episodes = [build_episode(group) for group in progress.track(group_documents(usable), "building")]
    episodes.sort(key=release_order(episodes))
    taken: set[str] = set()
    for episode in episodes:  # ids are what buttons and autocomplete submit: keep them unique
        base, n = episode.id, 2
        while episode.id in taken:
            episode.id, n = f"{base}-{n}", n + 1
        taken.add(episode.id)
    return Library(episodes=episodes, documents=docs, root=root)


def seed_files(root: Path) -> list[tuple[Path, str]]:
    """Return (path, name relative to root) for every seed file, in a stable order."""
    found = []
    for parts, entry in sorted(_entries(root), key=lambda pe: pe[0]):  # in the order paths sort in
        path, name = Path(entry.path), "/".join(parts)
        # A plain entry's kind comes with its folder's listing; a link's is looked up as before.
        if not (path.is_file() if entry.is_symlink() else entry.is_file()):
            # A link to a folder outside (or a broken one), and a folder this user can't read, are
            # listed so `check` says what was not read instead of skipping it silently.
            if entry.is_symlink() and path_problem(path, name):
                found.append((path, name))
            elif entry.is_dir() and not entry.is_symlink() and not os.access(path, os.R_OK | os.X_OK):
                found.append((path, name))
            continue
        if path.suffix.lower() in SEED_SUFFIXES and path.name.lower() not in _SKIP_NAMES:
            found.append((path, name))
    # The name is shown in replies: no control or bidi character that could reorder or break them.
    return [(path, showable_name(name)) for path, name in found]


def _entries(root: Path) -> list[tuple[tuple[str, ...], os.DirEntry]]:
    """Return (parts of the name under root, entry) of everything under root but hidden names.

    What root.rglob("*") lists (folders are entered, links to folders are not; a folder
    that can't be listed is left out), from the folders' listings: globbing 7,500 files
    made a Path and a stat of each, a fifth of what adding an episode to 2,500 cost.
    """
    out: list[tuple[tuple[str, ...], os.DirEntry]] = []
    folders: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while folders:
        folder, parts = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            if entry.name.startswith("."):  # hidden, and so is all under it
                continue
            mine = (*parts, entry.name)
            out.append((mine, entry))
            try:
                inside = entry.is_dir() and not entry.is_symlink()
            except OSError:
                inside = False
            if inside:
                folders.append((entry.path, mine))
    return out


def group_documents(docs: list[ParsedDocument]) -> list[list[ParsedDocument]]:
    """Group documents into episodes: by subfolder, episode key, number, then title.

    Groups are found through an index of their keys, and a like title is looked
    for only among groups no folder or number rules out, so grouping thousands
    of documents stays linear (a catalogue of 2,500 episodes is 7,500 files).
    """
    groups: dict[int, list[ParsedDocument]] = {}  # by id, in the order made: ids only grow
    keys: dict[int, set[str]] = {}
    owners: dict[str, set[int]] = {}  # key -> the groups holding it
    undivided: set[int] = set()  # groups without a folder: the only ones a document in a folder may join by title
    loose: list[ParsedDocument] = []
    ids = itertools.count()
    for doc in docs:
        mine = set()
        if "/" in doc.file:
            mine.add("dir:" + doc.file.split("/", 1)[0])
        if doc.episode_key:
            mine.add("key:" + doc.episode_key.lower())
        if doc.number is not None:
            mine.add(f"num:{doc.number}")
        if not mine and not doc.title:
            loose.append(doc)
            continue
        # Two folders are two episodes, even with one number (two seasons, two shows).
        near = sorted({g for k in mine for g in owners.get(k, ())})
        hits = [g for g in near if not _clash(mine, keys[g], ("dir:",))]
        if not hits and doc.title:  # a like title joins only a group its folder and number don't contradict
            among = sorted(undivided) if any(k.startswith("dir:") for k in mine) else list(groups)
            hits = [g for g in among if not _clash(mine, keys[g]) and _same_title(doc.title, groups[g])][:1]
        if not hits:
            gid = next(ids)
            groups[gid], keys[gid] = [doc], set()
            hits = [gid]
        else:
            groups[hits[0]].append(doc)
        first = hits[0]
        merged = set(mine)
        for g in hits[1:]:  # the document joins groups that were apart
            groups[first].extend(groups.pop(g))
            merged |= keys.pop(g)
            undivided.discard(g)
        for k in merged | keys[first]:
            owners.setdefault(k, set()).difference_update(hits[1:])
            owners[k].add(first)
        keys[first] |= merged
        if any(k.startswith("dir:") for k in keys[first]):
            undivided.discard(first)
        else:
            undivided.add(first)
    ordered = [groups[g] for g in sorted(groups)]
    for doc in loose:
        if len(ordered) == 1:
            ordered[0].append(doc)
        else:
            doc.warn(None, "names no episode (no number, title or folder); kept as an episode of its own")
            doc.title = Path(doc.file).stem
            ordered.append([doc])
    return ordered


def _clash(mine: set[str], theirs: set[str], prefixes: tuple[str, ...] = ("dir:", "num:")) -> bool:
    """Return True when two key sets name different folders (or different numbers)."""
    for prefix in prefixes:
        a = {k for k in mine if k.startswith(prefix)}
        b = {k for k in theirs if k.startswith(prefix)}
        if a and b and not a & b:
            return True
    return False


def _same_title(title: str, group: list[ParsedDocument]) -> bool:
    return any(d.title and fuzz.token_set_ratio(title.lower(), d.title.lower()) >= 92 for d in group)


def release_order(episodes: list[Episode]):
    """Return a sort key that puts episodes oldest first, so the last one is 'latest'.

    Numbers order a numbered catalogue; otherwise dates do, and an episode
    with no date counts as older than any dated one (it never becomes the
    default just for lacking a date).
    """
    if episodes and all(e.number is not None for e in episodes):
        return lambda e: (e.number, e.date or dt.date.min, e.title)
    return lambda e: (e.date is not None, e.date or dt.date.min, e.number or 0, e.title)


CHAPTER_LIST_SHARE = 0.5  # of a line's characters in chapter titles: it is the chapter list (_lists_chapters)
_FOLDER_NUMBER_RE = re.compile(r"(?:^|[-_ ]|ep|episode)(\d{1,6})$")


def build_episode(docs: list[ParsedDocument], joined: dict[str, str] | None = None) -> Episode:
    """Merge the documents of one episode, keeping every source.

    `joined`, when given, is filled with each text's words as merging compared them (see
    _joined): the search rows made next read an item's words there rather than split it again.
    """
    docs = sorted(docs, key=lambda d: d.file)
    folders = {d.file.split("/", 1)[0] for d in docs if "/" in d.file}
    folder = folders.pop() if len(folders) == 1 and all("/" in d.file for d in docs) else None
    number = _most_common([d.number for d in docs if d.number is not None])
    if number is None and folder:  # a folder named "ep12" or "episode-12"
        m = _FOLDER_NUMBER_RE.search(folder.lower())
        number = int(m.group(1)) if m else None
    title = _most_common([d.title for d in docs if d.title]) or folder or Path(docs[0].file).stem
    episode = Episode(
        id=str(number) if number is not None else _slug(docs[0].episode_key or title),
        number=number,
        title=title,
        show=_most_common([d.show for d in docs if d.show]),
        host=_most_common([d.host for d in docs if d.host]),
        tags=_unique(t for d in docs for t in d.tags),
        description=next((d.description for d in docs if d.format == "markdown" and d.description),
                         next((d.description for d in docs if d.description), None)),
        sources=[d.file for d in docs],
    )
    episode.guests = [g for g in _unique(g for d in docs for g in d.guests) if g != episode.host]
    episode.links = _unique_links(l for d in docs for l in d.links)
    dates = [(d.date, d.file) for d in docs if d.date]
    if dates:
        episode.date = _most_common([d for d, _ in dates])
        if len({d for d, _ in dates}) > 1:
            episode.conflicts.append(Conflict(field="date", values=[(d.isoformat(), f) for d, f in dates]))
    titles = {(d.title, d.file) for d in docs if d.title}
    if len({t for t, _ in titles}) > 1:
        episode.conflicts.append(Conflict(field="title", values=sorted(titles)))
    episode.chapters = _chapters(docs, episode)
    joined = {} if joined is None else joined  # each text's words as merging and placing compare them, split once
    titles = _chapter_titles(episode.chapters)
    passages = [p for p in _merge_passages([p for d in docs for p in d.passages], joined)
                if not _lists_chapters(p.text, titles)]
    quotes = _merge_quotes([q for d in docs for q in d.quotes])
    passages += _info_passages(episode, docs)
    place(episode, passages, quotes, joined)
    episode.passages = passages
    episode.quotes = quotes
    # Said by its files, else told by its words (the info and links passages are the bot's own English: left out).
    episode.language = (_most_common([d.language for d in docs if d.language])
                        or languages.detect(" ".join(p.text for p in passages[:300] if p.kind != "info")))
    return episode


def _chapters(docs: list[ParsedDocument], episode: Episode) -> list[Chapter]:
    with_chapters = [d for d in docs if d.chapters]
    if not with_chapters:
        return []
    best = max(with_chapters, key=lambda d: len(d.chapters))
    others = [d for d in with_chapters if d is not best and
              [c.start for c in d.chapters] != [c.start for c in best.chapters]]
    if others:
        episode.conflicts.append(Conflict(field="chapters", values=[
            (f"{len(d.chapters)} chapters", d.file) for d in [best, *others]]))
    chapters = sorted(best.chapters, key=lambda c: c.start)
    for here, after in zip(chapters, chapters[1:]):
        here.end = after.start
    return chapters


def _chapter_titles(chapters: list[Chapter]) -> list[str]:
    """Return an episode's distinct chapter titles, lowercase, as _lists_chapters looks for them."""
    return [t for t in dict.fromkeys(c.title.lower() for c in chapters) if len(t) >= 4]


def _lists_chapters(text: str, titles: list[str]) -> bool:
    """Return True for a line that is the episode's chapter list ('Also in this episode: Robotics, Long context, ...').

    It names three chapters or more (`titles`: _chapter_titles, worked out once an episode), and
    their titles are most of it: the chapter list says it better, and as an answer it only matches
    whichever title was asked about. A sentence that names a few chapters' topics among its own
    words is kept.
    """
    if len(titles) < 3 or sum(text.count(c) for c in ",;|•") < 2:
        return False
    low = text.lower()
    found = [t for t in titles if t in low]
    return len(found) >= 3 and sum(map(len, found)) >= CHAPTER_LIST_SHARE * len(low)


def _info_passages(episode: Episode, docs: list[ParsedDocument]) -> list[Passage]:
    """The passages of the episode's own facts, so 'who are the guests?' finds them, and of its links
    ('anyone got the link to the full transcript'), apart: among the facts, the addresses' words would weigh
    down 'who is the host?', and the links passage leaves out the title and number the facts give ('what
    episode is this', 'when do they get to scaling laws' ask no link)."""
    number = f"Episode number {episode.number}: " if episode.number is not None else "Episode: "
    parts = [f"{number}{episode.title}."]
    if episode.host:
        parts.append(f"Host: {episode.host}.")
    if episode.guests:
        parts.append(f"Guests: {', '.join(episode.guests)}.")
    if episode.date:
        others = sorted({v for c in episode.conflicts if c.field == "date" for v, _ in c.values}
                        - {episode.date.isoformat()})
        parts.append(f"Released {episode.date.isoformat()}"
                     + (f" (another source says {', '.join(others)})." if others else "."))
    texts = [" ".join(parts)]
    if episode.links:
        texts.append(f"Links: {', '.join(dict.fromkeys(link.url for link in episode.links))}.")
    sources = [p for d in docs for p in d.at(1)][:3]
    return [Passage(text=text, kind="info", section="About the episode", sources=sources) for text in texts]


def _merge_passages(passages: list[Passage], joined: dict[str, str] | None = None) -> list[Passage]:
    """Make the same passage from two sources one passage with both sources (joined: see _joined)."""
    joined = {} if joined is None else joined
    timed = _turns([p for p in passages if p.kind == "transcript" and p.time is not None], joined)
    out: list[Passage] = []
    seen: dict[str, Passage] = {}
    # Per file: the timed turn that held the last transcript text placed, and that text's line.
    last: dict[str, tuple[Passage, int]] = {}
    for p in passages:
        file = p.sources[0].file
        key = _joined(p.text, joined)
        if key in seen:
            _absorb(seen[key], p)
            continue
        if p.kind == "transcript" and p.time is None:
            match = _containing(key, timed, file)
            if match is not None:
                _absorb(match, p)
                last[file] = (match, p.sources[0].line)
                continue
            if file in last:  # spoken right after text we could place
                turn, line = last[file]
                p.time, p.time_basis = turn.time, "nearby"
                if line == p.sources[0].line:  # same paragraph, same speaker
                    p.speaker = p.speaker or turn.speaker
        elif p.kind == "transcript":
            last[file] = (p, p.sources[0].line)
        seen[key] = p
        out.append(p)
    return out


def _joined(text: str, joined: dict[str, str]) -> str:
    """Return a text's words joined by spaces, what merging and placing compare (kept in `joined`).

    An episode's build compares the same transcript turns several times: each is split once.
    """
    found = joined.get(text)
    if found is None:
        found = joined[text] = " ".join(words(text))
    return found


def _turns(timed: list[Passage], joined: dict[str, str]) -> list[tuple[Passage, str]]:
    """Return each timed passage with its words as _containing compares them (made once an episode)."""
    return [(c, _joined(c.text, joined)) for c in timed]


def _containing(needle: str, candidates: list[tuple[Passage, str]], not_file: str) -> Passage | None:
    """Return the timed passage from another file that holds these words, from _joined (candidates: from _turns).

    The best is the first with the highest fuzzy partial score of 85 or more. A turn holding
    the words as they are (or held whole by them) scores 100, which none can beat, so the first
    such is looked for with a plain substring search before any fuzzy score (most quotes are
    word for word: a fuzzy score against every turn of a long episode is most of its placing).
    """
    if needle:
        for c, hay in candidates:
            if hay and c.sources[0].file != not_file and (needle in hay if len(needle) <= len(hay) else hay in needle):
                return c
    best, best_score = None, 0.0
    for c, hay in candidates:
        if c.sources[0].file == not_file:
            continue
        score = fuzz.partial_ratio(needle, hay, score_cutoff=85)
        if score > best_score:
            best, best_score = c, score
    return best


def _absorb(keep: Passage, other: Passage) -> None:
    keep.sources.extend(s for s in other.sources if s not in keep.sources)
    keep.speaker = keep.speaker or other.speaker
    if keep.time is None and other.time is not None:
        keep.time, keep.time_basis = other.time, other.time_basis


def _merge_quotes(quotes: list[Quote]) -> list[Quote]:
    """Make a quote given by two sources one quote; different speakers or numbers stay apart."""
    out: list[Quote] = []
    for q in quotes:
        same = next((o for o in out if _same_quote(o, q)), None)
        if same:
            same.sources.extend(q.sources)
            same.speaker = same.speaker or q.speaker
        else:
            out.append(q)
    return out


def _same_quote(a: Quote, b: Quote) -> bool:
    if a.speaker and b.speaker and a.speaker != b.speaker:
        return False
    if re.findall(r"\d+", a.text) != re.findall(r"\d+", b.text):
        return False
    return fuzz.ratio(a.text.lower(), b.text.lower()) >= 90


# Passages about the whole episode: they have no one moment.
_WHOLE_EPISODE = {"summary", "description", "info"}


def place(episode: Episode, passages: list[Passage], quotes: list[Quote], joined: dict[str, str] | None = None) -> None:
    """Give every passage and quote a chapter, and a time where one can be found.

    A passage's own time wins. An unattributed transcript passage borrows
    speaker and time from the turn that holds it (see _merge_passages); a
    quote borrows them from the transcript line it was taken from. Anything
    else goes to the chapter whose title and timed passages share the most
    with it, ranked by SQLite FTS5's BM25.
    """
    joined = {} if joined is None else joined  # see _joined
    timed = _turns([p for p in passages if p.kind == "transcript" and p.time is not None], joined)
    for q in quotes:
        match = _containing(_joined(q.text, joined), timed, "")
        if match is not None:
            q.time, q.time_basis = match.time, "matched"
            q.speaker = q.speaker or match.speaker
    if not episode.chapters:
        return
    chapters = ChapterMatcher(episode, passages)
    for item in [*passages, *quotes]:
        if getattr(item, "kind", None) in _WHOLE_EPISODE:
            continue
        if item.time is not None:
            chapter = episode.chapter_at(item.time)
        else:
            section = getattr(item, "section", None)
            chapter = chapters.best(item.text, section)
            if chapter is not None:
                item.time, item.time_basis = chapter.start, "chapter"
        item.chapter = chapter.title if chapter else None


class ChapterMatcher:
    """Find the chapter a piece of text is about, with an FTS5 index of chapters."""

    def __init__(self, episode: Episode, passages: list[Passage]) -> None:
        self.chapters = episode.chapters
        self._asked: dict[str, list[tuple[int, float]]] = {}  # see _closest
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE ch USING fts5(title, body, tokenize='porter unicode61')")
        # A chapter's place is that of the first chapter equal to it, found once (not once a passage).
        place_of = {id(c): self.chapters.index(c) for c in self.chapters}
        bodies: list[list[str]] = [[] for _ in self.chapters]
        for p in passages:
            if p.time is not None and p.time_basis == "own":
                chapter = episode.chapter_at(p.time)
                if chapter is not None:
                    bodies[place_of[id(chapter)]].append(p.text)
        self.db.executemany("INSERT INTO ch(rowid, title, body) VALUES (?, ?, ?)",
                            [(i, c.title, "".join(" " + t for t in b))
                             for i, (c, b) in enumerate(zip(self.chapters, bodies))])

    def best(self, text: str, section: str | None = None) -> Chapter | None:
        scores: Counter[int] = Counter()
        for part, weight in ((text, 1.0), (section or "", 0.6)):
            for rowid, score in self._closest(part):
                scores[rowid] += weight * score
        if not scores:
            return None
        return self.chapters[scores.most_common(1)[0][0]]

    def _closest(self, part: str) -> list[tuple[int, float]]:
        """Return (chapter place, score) of the chapters closest to some words, asked once an episode.

        The items of one section ask with its title again and again (a section of notes, every takeaway).
        """
        found = self._asked.get(part)
        if found is None:
            terms = _unique(content_words(part))[:40]
            found = self._asked[part] = self.db.execute(
                "SELECT rowid, -bm25(ch, 3.0, 1.0) FROM ch WHERE ch MATCH ? ORDER BY rank LIMIT 5",
                (" OR ".join(f'"{t}"' for t in terms),)).fetchall() if terms else []
        return found


def _most_common(values: list):
    return Counter(values).most_common(1)[0][0] if values else None


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _unique_links(links) -> list[Link]:
    out: dict[str, Link] = {}
    for link in links:
        out.setdefault(link.url.rstrip("/"), link)
    return list(out.values())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "episode"


def describe_time(seconds: int | None, basis: str | None) -> str | None:
    """Say when something was said, and how sure the time is."""
    if seconds is None:
        return None
    stamp = format_time(seconds)
    if basis == "chapter":
        return _("{time} (start of its chapter)", time=stamp)
    return _("around {time}", time=stamp) if basis == "nearby" else stamp


__all__ = ["Library", "load_library", "seed_files", "describe_time", "stem"]
