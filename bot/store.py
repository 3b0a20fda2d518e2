"""A persisted library and search index, so a large back catalogue starts in seconds.

One SQLite file per seeds folder, in the cache folder given to EpisodeBot
(`episode-bot` uses `index/` in the state folder), holds:
- for every seed file, what grouping needs (number, title, folder, problems),
  keyed by the file's name, size and modification time;
- for every episode, the built episode (as JSON), keyed by the fingerprints
  of the files it was built from, with a slot number of its own;
- the FTS5 search rows of every episode (rowids inside its slot's range) and
  the word counts the ranking needs (JSON).

Nothing in the file can run code when read back: rows are plain columns and
everything else is JSON checked against the models on the way in (never
pickle). A row that does not parse is dropped and its episode rebuilt.

A changed, added or removed seed file changes the key of its episode only:
that episode is rebuilt and the others are read back as they were. A change
to the code that reads or indexes seeds changes the code fingerprint, and the
whole file is rebuilt. A cache that cannot be opened or written is skipped
with a warning (a damaged file is rebuilt): the bot then builds everything in
memory as without one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from pydantic import TypeAdapter, ValidationError

from . import progress
from .formats.base import ParsedDocument as _ParsedDocument
from .library import Library
from .models import Episode as _Episode

if TYPE_CHECKING:
    from .formats import ParsedDocument
    from .models import Episode

log = logging.getLogger(__name__)

KEEP_UNUSED = 24 * 3600  # seconds an episode no load asked for stays cached (see keep_only)
SLOT_BITS = 20  # up to about a million passages and quotes per episode
FTS_SCHEMA = ("CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(text, title, speaker, ep UNINDEXED, "
              "tokenize='porter unicode61 remove_diacritics 2')")
INSERT_ROWS = "INSERT INTO {table}(rowid, text, title, speaker, ep) VALUES (?,?,?,?,?)"


def episode_table(slot: int) -> str:
    """Return the name of the FTS table that holds one episode's rows alone.

    Every row is in `docs` (searches of the whole catalogue) and in its
    episode's own table: FTS5's bm25 counts each query word over the whole
    table it searches, so a search of one episode stays as fast at 500
    episodes as at one.
    """
    return f"ep_{int(slot)}"


# The code that decides what is cached: a change to any of it makes old caches stale.
_CODE = ("formats", "library.py", "models.py", "text.py", "search.py", "store.py")


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects are made at once.

    Reading a catalogue back makes hundreds of thousands of objects; the
    collector would scan them again and again (about twice the time).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def slot_range(slot: int) -> tuple[int, int]:
    """Return the first rowid of a slot and the first rowid after it."""
    return slot << SLOT_BITS, (slot + 1) << SLOT_BITS


def code_fingerprint() -> str:
    """Hash the source of the modules whose output the cache holds."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in _CODE:
        path = here / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(file.name.encode())
            h.update(file.read_bytes())
    return h.hexdigest()[:16]


def file_fingerprint(path: Path, name: str, max_bytes: int) -> str:
    """Return what identifies one version of a seed file: name, size, modification time, access, limit.

    Owner and mode count too: a file the bot could not read is read again once
    an admin fixes its permissions (chmod and chown leave the modification time).
    """
    st = path.stat()
    return f"{name}|{st.st_size}|{st.st_mtime_ns}|{st.st_mode:o}|{st.st_uid}|{st.st_gid}|{max_bytes}"


def episode_key(fingerprints: Iterable[str]) -> str:
    """Return the key of an episode built from these file versions."""
    return hashlib.sha256("\n".join(sorted(fingerprints)).encode()).hexdigest()[:24]


class Store:
    """The cache file of one seeds folder."""

    def __init__(self, folder: Path | str, seeds_root: Path | str) -> None:
        folder = Path(folder)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = folder / self.file_name(seeds_root)
        # Nothing read back can run code (JSON only), but a file another user
        # could write would still put words in the bot's mouth.
        for path in (folder, self.path):
            _check_private(path)
        self.lock = threading.Lock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")  # readers in other processes never block a rebuild
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-65536")  # 64 MB of pages: a catalogue's hot terms stay in memory
        self._setup()

    def _setup(self) -> None:
        code = code_fingerprint()
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                row = self.db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
                if row is None or row[0] != code:
                    if row is not None:
                        log.info("the code that reads seeds changed: rebuilding the cached index")
                    fts = [n for (n,) in self.db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
                    for table in [*fts, "files", "episodes", "totals"]:
                        self.db.execute(f"DROP TABLE IF EXISTS {table}")
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (code,))
                self.db.execute("CREATE TABLE IF NOT EXISTS totals (slots TEXT PRIMARY KEY, counts TEXT)")
                self.db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, "
                                "fingerprint TEXT, header TEXT)")
                self.db.execute("CREATE TABLE IF NOT EXISTS episodes (slot INTEGER PRIMARY KEY AUTOINCREMENT, "
                                "key TEXT UNIQUE, episode TEXT, stats TEXT, stemlines TEXT, used REAL)")
                self.db.execute(FTS_SCHEMA.format(table="docs"))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    @classmethod
    def open(cls, folder: Path | str | None, seeds_root: Path | str) -> Store | None:
        """Open the cache, or return None (and say why) when it cannot be used."""
        if folder is None:
            return None
        problem: Exception
        try:
            return cls(folder, seeds_root)
        except sqlite3.DatabaseError as exc:  # a damaged file: it only holds what can be rebuilt
            log.warning("index cache in %s is damaged (%s); rebuilding it", folder, exc)
            problem = exc
        except OSError as exc:
            problem = exc
        if isinstance(problem, sqlite3.DatabaseError):
            try:
                for leftover in Path(folder).glob(cls.file_name(seeds_root) + "*"):
                    leftover.unlink()
                return cls(folder, seeds_root)
            except (OSError, sqlite3.Error) as exc:
                problem = exc
        log.warning("index cache in %s cannot be used (%s); building in memory", folder, problem)
        return None

    @staticmethod
    def file_name(seeds_root: Path | str) -> str:
        """Return the cache file's name for a seeds folder (one file per folder)."""
        tag = hashlib.sha256(str(Path(seeds_root).resolve()).encode()).hexdigest()[:12]
        return f"library-{tag}.sqlite"

    # -- seed files -------------------------------------------------------------

    def headers(self) -> dict[str, tuple[str, ParsedDocument, bool]]:
        """Return {file name: (fingerprint, header document, usable)} for every cached file."""
        with self.lock:
            rows = self.db.execute("SELECT name, fingerprint, header FROM files").fetchall()
        out = {}
        for name, fingerprint, blob in rows:
            try:
                doc, usable = _HEADER.validate_json(blob)
            except ValidationError:  # not ours: read the file again
                log.warning("index cache: ignoring an unreadable entry for %s", name)
                continue
            out[name] = (fingerprint, doc, usable)
        return out

    def put_headers(self, items: list[tuple[str, str, ParsedDocument, bool]]) -> None:
        """Remember (name, fingerprint, header, usable) for files just read."""
        if not items:
            return
        rows = [(name, fp, _HEADER.dump_json((doc, usable))) for name, fp, doc, usable in items]
        self._write("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", rows)

    # -- episodes ---------------------------------------------------------------

    def episodes(self, keys: Iterable[str]) -> dict[str, tuple[int, Episode]]:
        """Return {key: (slot, episode)} for the keys that are cached."""
        wanted = list(keys)
        out: dict[str, tuple[int, Episode]] = {}
        bad: list[int] = []
        with self.lock:
            for i in range(0, len(wanted), 500):
                part = wanted[i:i + 500]
                marks = ",".join("?" * len(part))
                for slot, key, blob in self.db.execute(
                        f"SELECT slot, key, episode FROM episodes WHERE key IN ({marks})", part):
                    try:
                        out[key] = (slot, _Episode.model_validate_json(blob))
                    except ValidationError:
                        bad.append(slot)
        if bad:  # not written by this code: drop the rows so the episodes are built again
            log.warning("index cache: %d unreadable episode(s) dropped and rebuilt", len(bad))
            self._drop_slots(bad)
        self._write("UPDATE episodes SET used = ? WHERE key = ?", [(time.time(), k) for k in out])
        return out

    def put_episode(self, key: str, episode: Episode) -> int:
        """Store a newly built episode; return its slot."""
        blob = episode.model_dump_json()
        with self.lock:
            self.db.execute("INSERT OR IGNORE INTO episodes (key, episode, used) VALUES (?, ?, ?)",
                            (key, blob, time.time()))
            return self.db.execute("SELECT slot FROM episodes WHERE key = ?", (key,)).fetchone()[0]

    def keep_only(self, keys: set[str], files: set[str], unused_for: float = KEEP_UNUSED) -> None:
        """Forget episodes not in keys (with their search rows), and files no longer present.

        Several processes (the Discord and Slack services, replicas, the CLI)
        may share one cache, and one of them may still serve an episode this
        load replaced: its rows stay until no load has asked for them for
        `unused_for` seconds.
        """
        cutoff = time.time() - unused_for
        with self.lock:
            stale = [(slot, key) for slot, key, used in self.db.execute("SELECT slot, key, used FROM episodes")
                     if key not in keys and (used or 0) < cutoff]
            gone = [(name,) for (name,) in self.db.execute("SELECT name FROM files") if name not in files]
        if not stale and not gone:
            return
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self._drop_rows([slot for slot, _ in stale])
                self.db.executemany("DELETE FROM files WHERE name = ?", gone)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        log.info("index cache: dropped %d episode(s) and %d file(s) no longer in the seeds", len(stale), len(gone))

    def _drop_slots(self, slots: list[int]) -> None:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self._drop_rows(slots)
                self.db.execute("DELETE FROM totals")  # they may count a dropped slot
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def _drop_rows(self, slots: list[int]) -> None:
        """Delete episodes and their search rows (inside a transaction, under the lock)."""
        for slot in slots:
            lo, hi = slot_range(slot)
            self.db.execute("DELETE FROM docs WHERE rowid >= ? AND rowid < ?", (lo, hi))
            self.db.execute(f"DROP TABLE IF EXISTS {episode_table(slot)}")
            self.db.execute("DELETE FROM episodes WHERE slot = ?", (slot,))

    # -- search rows ---------------------------------------------------------------

    def stats(self, slots: Iterable[int]) -> dict[int, tuple[Counter, Counter]]:
        """Return {slot: (stem counts, word counts)} for slots whose search rows are stored."""
        return {slot: (Counter(df), Counter(vocab)) for slot, (df, vocab) in self._slot_blobs("stats", slots).items()}

    def stem_lines(self, slots: Iterable[int]) -> dict[int, list[str]]:
        """Return {slot: each item's stem line} for slots whose search rows are stored."""
        return self._slot_blobs("stemlines", slots)

    def _slot_blobs(self, column: str, slots: Iterable[int]) -> dict:
        """Return {slot: the JSON value of an episodes column} where it is set and well formed."""
        wanted = list(slots)
        out = {}
        with self.lock:
            for i in range(0, len(wanted), 500):
                part = wanted[i:i + 500]
                marks = ",".join("?" * len(part))
                for slot, blob in self.db.execute(f"SELECT slot, {column} FROM episodes "
                                                  f"WHERE {column} IS NOT NULL AND slot IN ({marks})", part):
                    value = _json(blob, _COLUMNS[column])
                    if value is not None:
                        out[slot] = value
        return out

    def put_rows(self, slot: int, rows: list[tuple], df: Counter, vocab: Counter, lines: list[str]) -> None:
        """Store one episode's search rows, word counts and stem lines, once (another process may be first)."""
        blob = _COUNTS.dump_json((df, vocab))
        lines_blob = _LINES.dump_json(lines)
        lo, hi = slot_range(slot)
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                done = self.db.execute("SELECT stats IS NOT NULL FROM episodes WHERE slot = ?", (slot,)).fetchone()
                if done and not done[0]:
                    table = episode_table(slot)
                    self.db.execute("DELETE FROM docs WHERE rowid >= ? AND rowid < ?", (lo, hi))
                    self.db.execute(f"DROP TABLE IF EXISTS {table}")
                    self.db.execute(FTS_SCHEMA.format(table=table))
                    self.db.executemany(INSERT_ROWS.format(table="docs"), rows)
                    self.db.executemany(INSERT_ROWS.format(table=table), rows)
                    self.db.execute("UPDATE episodes SET stats = ?, stemlines = ? WHERE slot = ?",
                                    (blob, lines_blob, slot))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def totals(self, slots: list[int]) -> tuple[Counter, Counter] | None:
        """Return the summed word counts of exactly these slots, if stored."""
        with self.lock:
            row = self.db.execute("SELECT counts FROM totals WHERE slots = ?", (_slots_key(slots),)).fetchone()
        counts = _json(row[0], _COUNTS) if row else None
        return (Counter(counts[0]), Counter(counts[1])) if counts is not None else None

    def put_totals(self, slots: list[int], df: Counter, vocab: Counter) -> None:
        """Keep the summed word counts of these slots (one set: the latest load's)."""
        blob = _COUNTS.dump_json((df, vocab))
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute("DELETE FROM totals")
                self.db.execute("INSERT INTO totals VALUES (?, ?)", (_slots_key(slots), blob))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def size(self) -> int:
        """Return the bytes the cache takes on disk."""
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.exists())

    def _write(self, sql: str, rows: list[tuple]) -> None:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany(sql, rows)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise


# JSON shapes of the columns that are not plain values; validated on the way in.
_HEADER = TypeAdapter(tuple[_ParsedDocument, bool])
_COUNTS = TypeAdapter(tuple[dict[str, int], dict[str, int]])
_LINES = TypeAdapter(list[str])
_COLUMNS = {"stats": _COUNTS, "stemlines": _LINES}


def _json(blob: Any, shape: TypeAdapter) -> Any:
    """Return a column's value, or None when it is not the JSON this code writes."""
    try:
        return shape.validate_json(blob)
    except ValidationError:
        log.warning("index cache: ignoring a malformed value")
        return None


def _check_private(path: Path) -> None:
    """Raise OSError unless path is missing or owned by us and writable by us alone."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        raise OSError(f"{path} is not private to this user (owner {st.st_uid}, mode {st.st_mode & 0o777:o}); "
                      "point EPISODE_BOT_STATE_DIR at a folder only the bot can write")


def _slots_key(slots: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(slots))).encode()).hexdigest()


def default_folder(state_dir: Path | str) -> Path:
    """Return the cache folder inside the bot's state folder."""
    return Path(state_dir) / "index"




@dataclasses.dataclass
class CachedLibrary(Library):
    """A library read through a store: each episode has a slot for its search rows."""

    store: Store | None = None
    slots: list[int] = dataclasses.field(default_factory=list)
    built: int = 0  # episodes built in this load (the others were read back)
    keys: set[str] = dataclasses.field(default_factory=set)
    files: set[str] = dataclasses.field(default_factory=set)

    def forget_others(self) -> None:
        """Drop cached episodes and files this library no longer uses.

        Called once this library serves: a library still serving during a
        reload keeps its rows until the new one has been swapped in.
        """
        if self.store is not None:
            self.store.keep_only(self.keys, self.files)


def load_cached(root: Path | str, max_bytes: int, store: Store) -> CachedLibrary:
    """Load a seeds folder, reading back every episode whose files have not changed.

    The same episodes come out as from `load_library` without a store.
    """
    with paused_gc():
        return _load_cached(root, max_bytes, store)


def _load_cached(root: Path | str, max_bytes: int, store: Store) -> CachedLibrary:
    from .formats import read_document
    from .library import build_episode, group_documents, load_library, release_order, seed_files

    root = Path(root)
    if not root.is_dir():
        return load_library(root, max_bytes)  # raises the SeedsError that says what to do
    files = seed_files(root)
    cached = store.headers()
    docs: list[ParsedDocument] = []
    usable: dict[str, bool] = {}
    fresh: dict[str, ParsedDocument] = {}
    prints: dict[str, str] = {}
    new_headers = []
    for path, name in progress.track(files, "reading", "files"):
        try:
            fp = file_fingerprint(path, name, max_bytes)
        except OSError:
            fp = f"{name}|unreadable"
        prints[name] = fp
        hit = cached.get(name)
        if hit and hit[0] == fp:
            docs.append(_copy(hit[1]))
            usable[name] = hit[2]
            continue
        doc = read_document(path, name, max_bytes)
        fresh[name] = doc
        usable[name] = bool(doc.passages or doc.chapters or doc.quotes)
        docs.append(doc)
        new_headers.append((name, fp, _header(doc), usable[name]))
    store.put_headers(new_headers)
    for doc in docs:
        for problem in doc.problems:
            log.warning("seed %s", problem)
    if not any(usable.values()):
        from .errors import SeedsError

        raise SeedsError(f"seeds folder {str(root)!r} holds no readable episode document"
                         + (f" ({len(docs)} file(s) could not be used)" if docs else ""))
    groups = group_documents([d for d in docs if usable[d.file]])
    keys = [episode_key(prints[d.file] for d in group) for group in groups]
    have = store.episodes(keys)
    paths = dict((name, path) for path, name in files)
    pairs: list[tuple[Episode, int]] = []
    for group, key in progress.track(zip(groups, keys), "building", total=len(groups)):
        if key in have:
            slot, episode = have[key]
        else:
            full = []
            for d in group:
                doc = fresh.get(d.file) or read_document(paths[d.file], d.file, max_bytes)
                doc.title = d.title  # grouping may have named a loose document
                full.append(doc)
            episode = build_episode(full)
            slot = store.put_episode(key, episode)
        pairs.append((episode, slot))
    order = release_order([e for e, _ in pairs])
    pairs.sort(key=lambda p: order(p[0]))
    built = len(set(keys) - set(have))
    log.info("loaded %d episode(s) from %s: %d from the index cache, %d built",
             len(pairs), root, len(pairs) - built, built)
    return CachedLibrary(episodes=[e for e, _ in pairs], documents=[_header(d) for d in docs], root=root,
                         store=store, slots=[s for _, s in pairs], built=built, keys=set(keys),
                         files=set(prints))


def _header(doc: ParsedDocument) -> ParsedDocument:
    """Return a copy of a document with what grouping and reports need, without its text."""
    return dataclasses.replace(doc, passages=[], chapters=[], quotes=[], problems=list(doc.problems),
                               guests=list(doc.guests), links=list(doc.links), tags=list(doc.tags))


def _copy(doc: ParsedDocument) -> ParsedDocument:
    return dataclasses.replace(doc, problems=list(doc.problems))


__all__ = ["Store", "CachedLibrary", "load_cached", "paused_gc", "slot_range", "episode_table", "INSERT_ROWS", "file_fingerprint", "episode_key", "code_fingerprint",
           "default_folder", "FTS_SCHEMA", "SLOT_BITS"]
