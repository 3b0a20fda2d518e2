"""`episode-bot import FEED`: turn a podcast RSS feed into episode folders in seeds/.

Each episode gets a folder holding `notes.md` (its description, with the
episode facts as front matter) and, where the feed links them with the
Podcasting 2.0 namespace, `chapters.json` (`<podcast:chapters>`) and one
transcript (`<podcast:transcript>`: JSON, WebVTT or SRT preferred, in that
order). The seeds reader groups a folder's files into one episode.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import sys
import secrets
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import feedparser

from ..formats.podcast_json import sniff_chapters
from ..languages import normalize as normalize_language
from . import transcripts
from .fetch import Fetched, Fetcher, FetchError
from .notes import html_to_lines, iso_date, notes_markdown

log = logging.getLogger(__name__)

PODCAST_NS = ("https://podcastindex.org/namespace/1.0",
              "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")


@dataclass
class Links:
    """The Podcasting 2.0 links of one feed item."""

    chapters: list[str] = field(default_factory=list)
    transcripts: list[tuple[str, str]] = field(default_factory=list)  # (url, type)
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, role)


@dataclass
class Outcome:
    folder: str
    status: str  # "imported", "skipped", "failed"
    wrote: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="episode-bot import", description="Import episodes from a podcast "
                                     "RSS feed (a URL or a local file) into the seeds folder.")
    parser.add_argument("feed", help="feed URL (http/https) or path to a feed file")
    parser.add_argument("--episodes", type=int, metavar="N", help="import only the newest N episodes")
    parser.add_argument("--seeds", metavar="DIR", help="seeds folder (default: settings, then ./seeds)")
    parser.add_argument("--force", action="store_true", help="replace episode folders that already exist")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for a server (default 20)")
    parser.add_argument("--max-mb", type=float, help="largest file fetched, in MB (default: EPISODE_BOT_MAX_SEED_MB)")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow a feed and its links on loopback or private addresses (a feed on your own "
                             "network); without it they are refused")
    args = parser.parse_args(argv)
    if args.episodes is not None and args.episodes < 1:
        parser.error("--episodes must be at least 1")
    from ..settings import ConfigError, load_settings, report

    try:
        settings = load_settings()
    except ConfigError as exc:
        return report(exc)
    seeds = Path(args.seeds or settings.seeds_dir)
    max_bytes = int((args.max_mb or settings.max_seed_mb) * 1e6)
    fetcher = Fetcher(args.feed, timeout=args.timeout, max_bytes=max_bytes, allow_private=args.allow_private)
    started = time.monotonic()
    try:
        outcomes = import_feed(fetcher, args.feed, seeds, episodes=args.episodes, force=args.force,
                               progress=_print_progress)
    except FetchError as exc:
        print(f"error: cannot read the feed: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write to the seeds folder {seeds}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    counts = {s: sum(o.status == s for o in outcomes) for s in ("imported", "skipped", "failed")}
    warnings = sum(len(o.warnings) for o in outcomes)
    print(f"{counts['imported']} imported, {counts['skipped']} skipped, {counts['failed']} failed, "
          f"{warnings} warnings into {seeds} in {time.monotonic() - started:.1f} s; "
          f"run 'episode-bot check {seeds}' to see what the bot reads", file=sys.stderr)
    return 1 if counts["failed"] else 0


def import_feed(fetcher: Fetcher, source: str, seeds: Path, episodes: int | None = None, force: bool = False,
                progress=None) -> list[Outcome]:
    """Import a feed's episodes into seeds; return what happened to each.

    Raises FetchError when the feed cannot be fetched, ValueError when it is not a feed.
    """
    feed_file = fetcher.get(source)
    parsed = feedparser.parse(feed_file.data)
    if not parsed.entries:
        why = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise ValueError(f"{source} holds no episodes: is it an RSS feed?{why}")
    links = _podcast_links(feed_file.data, len(parsed.entries))
    items = list(zip(parsed.entries, links))
    items.sort(key=lambda pair: tuple(pair[0].get("published_parsed") or ()), reverse=True)
    if episodes:
        items = items[:episodes]
    seeds.mkdir(parents=True, exist_ok=True)
    show = parsed.feed.get("title")
    host = parsed.feed.get("itunes_author") or parsed.feed.get("author")
    outcomes, used = [], set()
    # A number used twice in the feed (seasons restart at 1) cannot name an episode.
    numbers = Counter(_number(e) for e in parsed.entries if _number(e) is not None)
    for i, (entry, item_links) in enumerate(items, start=1):
        key = _season_key(entry) if numbers[_number(entry)] > 1 else _number(entry)
        folder = _folder_name(entry, key, used)
        try:
            outcome = import_episode(fetcher, feed_file.url, entry, item_links, seeds, folder, key, show, host,
                                     force, language=parsed.feed.get("language"))
        except OSError as exc:  # the seeds folder itself: disk full, no permission
            outcome = Outcome(folder, "failed", warnings=[f"cannot write {seeds / folder}: {exc}"])
            log.error("import of %s failed: %s", folder, exc)
        outcomes.append(outcome)
        if progress:
            progress(i, len(items), outcome)
    return outcomes


def import_episode(fetcher: Fetcher, base: str, entry, links: Links, seeds: Path, folder: str,
                   key: int | str | None, show: str | None, host: str | None, force: bool,
                   language: str | None = None) -> Outcome:
    """Write one episode's folder: notes, and chapters and transcript when linked.

    key is the episode's number, or `S2E1` when the feed repeats the number.
    """
    target = seeds / folder
    outcome = Outcome(folder, "imported")
    if target.exists() and not force:
        outcome.status = "skipped"
        outcome.warnings.append("already imported (use --force to replace it)")
        return outcome
    files: dict[str, bytes] = {}
    chapter_refs = links.chapters or ([entry["podcast_chapters"]["url"]] if entry.get("podcast_chapters", {})
                                      .get("url") else [])
    for ref in chapter_refs[:1]:
        got = _fetch(fetcher, ref, base, outcome, "chapters")
        if got and sniff_chapters(transcripts.decode(got.data), "chapters.json"):
            files["chapters.json"] = got.data
        elif got:
            outcome.warnings.append(f"chapters {ref} are not Podcasting 2.0 JSON chapters; not saved")
    transcript = _transcript(fetcher, base, entry, links, outcome)
    if transcript:
        files[transcript[0]] = transcript[1]
    hosts = [n for n, role in links.people if role == "host"]
    meta = {
        "episode": key,
        "title": _title(entry),
        "show": show,
        "language": normalize_language(language),  # the feed's <language>: the episode is searched in it
        "date": iso_date(entry.get("published_parsed")),
        "host": hosts[0] if hosts else entry.get("itunes_author") or host,
        "guests": [n for n, role in links.people if role == "guest"],
        "links": {k: v for k, v in (("page", entry.get("link")), ("audio", _enclosure(entry))) if v},
        "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
        "season": _season(entry),
        "guid": entry.get("id"),  # not read by the bot: says which feed item this was
    }
    content = entry.get("content") or []
    description = max([c.get("value", "") for c in content] + [entry.get("summary", "")], key=len)
    first = next((line for line in html_to_lines(description) if not line.startswith(("- ", "###", "\\"))), "")
    meta["description"] = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", first)[:1000] or None
    files["notes.md"] = _printable(notes_markdown(meta, description, "chapters.json" in files)).encode()
    _write_folder(seeds, target, files)
    outcome.wrote = sorted(files)
    return outcome


def _transcript(fetcher: Fetcher, base: str, entry, links: Links, outcome: Outcome) -> tuple[str, bytes] | None:
    """Fetch the best transcript the item links; return (file name, UTF-8 bytes)."""
    refs = links.transcripts
    single = entry.get("podcast_transcript")
    if not refs and single and single.get("url"):
        refs = [(single["url"], single.get("type", ""))]
    for url, declared in transcripts.ranked(refs):
        kind = transcripts.media_type(url, declared)
        if kind not in transcripts.TYPES:
            outcome.warnings.append(f"transcript {url} is {declared or 'of an unknown type'}; not read")
            continue
        got = _fetch(fetcher, url, base, outcome, "transcript")
        if got is None:
            continue
        seed = transcripts.to_seed(transcripts.decode(got.data), kind)
        if seed is None:
            outcome.warnings.append(f"transcript {url} does not look like {kind}; not saved")
            continue
        return seed[0], _printable(seed[1]).encode()
    return None


def _fetch(fetcher: Fetcher, ref: str, base: str, outcome: Outcome, what: str) -> Fetched | None:
    try:
        return fetcher.get(ref, base)
    except FetchError as exc:
        outcome.warnings.append(f"{what} not fetched: {exc}")
        log.warning("%s: %s not fetched: %s", outcome.folder, what, exc)
        return None


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """Drop control characters a feed may carry: one NUL would make the seeds reader skip the file."""
    return _CONTROLS.sub("", text)


def _write_folder(seeds: Path, target: Path, files: dict[str, bytes]) -> None:
    """Write into a hidden folder, then rename: a running bot never reads half an episode.

    The folder gets the umask's mode, like any folder the admin makes
    (mkdtemp's 0700 hid it from the container's user).
    """
    tmp = seeds / f".{target.name}.{secrets.token_hex(6)}"
    tmp.mkdir()
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _podcast_links(data: bytes, count: int) -> list[Links]:
    """Read every podcast:chapters, podcast:transcript and podcast:person of each item.

    feedparser keeps only the last of each per item and drops names, so the
    namespace is read again with ElementTree. A feed ElementTree cannot read
    (feedparser is more forgiving) falls back to feedparser's values.
    """
    out = [Links() for _ in range(count)]
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        log.info("feed is not strict XML (%s); using feedparser's podcast links only", exc)
        return out
    items = root.findall("./channel/item") or root.findall(".//item")
    if len(items) != count:
        return out
    for item, links in zip(items, out):
        for ns in PODCAST_NS:
            links.chapters += [e.get("url", "") for e in item.findall(f"{{{ns}}}chapters") if e.get("url")]
            links.transcripts += [(e.get("url", ""), e.get("type", "")) for e in item.findall(f"{{{ns}}}transcript")
                                  if e.get("url")]
            links.people += [((e.text or "").strip(), (e.get("role") or "host").lower())
                             for e in item.findall(f"{{{ns}}}person") if (e.text or "").strip()]
    return out


def _number(entry) -> int | None:
    value = str(entry.get("itunes_episode") or "").strip()
    return int(value) if value.isdecimal() else None


def _season(entry) -> int | None:
    value = str(entry.get("itunes_season") or "").strip()
    return int(value) if value.isdecimal() else None


def _season_key(entry) -> str | None:
    """Name an episode whose number repeats: `S2E1`, or nothing (its folder groups it)."""
    season = _season(entry)
    return f"S{season}E{_number(entry)}" if season is not None else None


def _title(entry) -> str:
    return re.sub(r"\s+", " ", entry.get("title") or "").strip() or "Untitled episode"


def _enclosure(entry) -> str | None:
    for enclosure in entry.get("enclosures", []):
        if enclosure.get("href"):
            return enclosure["href"]
    return None


def _folder_name(entry, key: int | str | None, used: set[str]) -> str:
    """Name an episode's folder `491-the-transistor-at-80` (number or key, else date, then title)."""
    slug = re.sub(r"[^a-z0-9]+", "-", _title(entry).lower()).strip("-")[:50].rstrip("-") or "episode"
    date = iso_date(entry.get("published_parsed"))
    prefix = str(key).lower() if key is not None else date.isoformat() if date else ""
    name = f"{prefix}-{slug}" if prefix else slug
    base, n = name, 2
    while name in used:
        name, n = f"{base}-{n}", n + 1
    used.add(name)
    return name


def _print_progress(i: int, total: int, outcome: Outcome) -> None:
    what = ", ".join(outcome.wrote) if outcome.wrote else outcome.status
    print(f"[{i}/{total}] {outcome.folder}: {what}", file=sys.stderr, flush=True)
    for warning in outcome.warnings:
        print(f"      {warning}", file=sys.stderr, flush=True)
