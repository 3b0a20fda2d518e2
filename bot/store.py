"""A persisted library and search index, so a large back catalogue starts in seconds.

One SQLite file per seeds folder, in the cache folder given to EpisodeBot
(`episode-bot` uses `index/` in the state folder), holds:
- for every seed file, what grouping needs (number, title, folder, problems),
  keyed by the file's name, size and modification time;
- for every episode, the episode without its passages and quotes (as JSON)
  and the few facts lists need of them (EpisodeFacts), keyed by the
  fingerprints of the files it was built from, with a slot number of its own;
- every passage and quote (JSON) in `items`, under the rowid of its search row
  (inside its slot's range), with its stem line (what coverage looks at);
- the FTS5 search rows of every episode, in one table (`docs`: an episode's rows
  are its slot's rowid range, searched by bot/episode_bm25.py), and the word
  counts the ranking needs (JSON).

A bot serves from this file: it keeps each episode's facts in memory and
reads passages and quotes when an answer needs them, through bounded caches
(ITEM_CACHE items, FULL_EPISODES whole episodes), so its memory does not grow
with the catalogue.

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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from pydantic import TypeAdapter, ValidationError

from . import progress
from .episode_terms import TABLES as TERM_TABLES
from .episode_terms import EpisodeTerms, drop_staged, merge_staged
from .formats.base import ParsedDocument as _ParsedDocument
from .library import EpisodeFacts, Library
from .lru import LRU
from .models import Episode as _Episode
from .models import Passage, Quote
from .sqlite_tx import immediate
from .vectors import drop_orphans

if TYPE_CHECKING:
    from .formats import ParsedDocument
    from .models import Episode

log = logging.getLogger(__name__)

KEEP_UNUSED = 24 * 3600  # seconds an episode no load asked for stays cached (see keep_only)
SLOT_BITS = 20  # up to about a million passages and quotes per episode
ITEM_CACHE = 8192  # passages and quotes kept read back (about 2 KB each with their stem lines)
FULL_EPISODES = 6  # whole episodes kept read back, for the commands that walk one (summary, quotes...)
KEEP_READ = 12  # new seed files read whole and kept for their episode's build (a reload's few): read once
BULK_EPISODES = 20  # from this many new episodes in one load, FTS5 merges its segments once at the end (see bulk)
AUTOMERGE = 4  # FTS5's own default: how many segments of a size it merges a little at every commit
FTS_SCHEMA = ("CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(text, title, speaker, ep UNINDEXED, "
              "tokenize='porter unicode61 remove_diacritics 2')")
INSERT_ROWS = "INSERT INTO {table}(rowid, text, title, speaker, ep) VALUES (?,?,?,?,?)"


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
        self.db.execute("PRAGMA cache_size=-32768")  # 32 MB of pages: a catalogue's hot terms stay in memory
        # What was read back, by rowid and by slot: a slot's rows never change (slots are not reused),
        # so every snapshot of this file shares them.
        self.items: LRU[int, Passage | Quote] = LRU(ITEM_CACHE)
        self.full_episodes: LRU[int, _Episode] = LRU(FULL_EPISODES)
        self.bulk_on = False  # a load is writing many episodes (see bulk): clean-ups wait for its end
        self._setup()

    def _setup(self) -> None:
        code = code_fingerprint()
        with self.lock:
            with immediate(self.db):
                self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                row = self.db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
                if row is None or row[0] != code:
                    if row is not None:
                        log.info("the code that reads seeds changed: rebuilding the cached index")
                    fts = [n for (n,) in self.db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
                    for table in [*fts, "files", "episodes", "episode_used", "items", "totals", "stems",
                                  "meaning_vectors", *TERM_TABLES]:
                        self.db.execute(f"DROP TABLE IF EXISTS {table}")
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (code,))
                self.db.execute("CREATE TABLE IF NOT EXISTS totals (slots TEXT PRIMARY KEY, counts TEXT)")
                self.db.execute("CREATE TABLE IF NOT EXISTS stems (word TEXT PRIMARY KEY, stem TEXT)")
                self.db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, "
                                "fingerprint TEXT, header TEXT)")
                self.db.execute("CREATE TABLE IF NOT EXISTS episodes (slot INTEGER PRIMARY KEY AUTOINCREMENT, "
                                "key TEXT UNIQUE, episode TEXT, facts TEXT, stats TEXT)")
                # The episodes whose search rows are stored (indexed()), without a page of each one's row:
                # asking the rows themselves read 2,500 pages, 0.05-0.25 s of adding an episode to 2,500.
                self.db.execute("CREATE INDEX IF NOT EXISTS episodes_indexed ON episodes (slot) WHERE stats IS NOT NULL")
                # When a load last asked for each episode (see keep_only), apart from its row: noting it
                # in the row rewrote the row's word counts (40 KB an episode) at every load and reload.
                self.db.execute("CREATE TABLE IF NOT EXISTS episode_used (slot INTEGER PRIMARY KEY, at REAL)")
                self.db.execute("CREATE TABLE IF NOT EXISTS items (rowid INTEGER PRIMARY KEY, item TEXT, stems TEXT)")
                self.db.execute(FTS_SCHEMA.format(table="docs"))
                self._terms = EpisodeTerms(self.db, None)  # created here, written with each episode's rows
                # A build killed before its end left its episodes' stem rows staged (see bulk): file them now.
                merge_staged(self.db)
                # A build killed while merging was put off (see bulk) left it off: turn it back on.
                if self.db.execute("SELECT v FROM docs_config WHERE k = 'automerge'").fetchone() == (0,):
                    self.db.execute("INSERT INTO docs(docs, rank) VALUES ('automerge', ?)", (AUTOMERGE,))

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

    @contextlib.contextmanager
    def building(self) -> Iterator[None]:
        """Hold the cache's build lock: one process at a time loads a seeds folder into this file.

        Processes started together on a new cache (several command-line questions at once,
        replicas sharing a volume) would each build every new episode; the others wait,
        then read back what the first stored. The lock is a file beside the cache, locked
        with flock, so the system releases it if its holder dies.
        """
        try:
            import fcntl
        except ImportError:  # no flock here: each process builds what it finds missing, as before
            yield
            return
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("another process is indexing %s; waiting for it", self.path.name)
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def bulk(self) -> Iterator[Bulk]:
        """Let a load write many episodes with FTS5's merging put off, and merge once when it ends.

        FTS5 writes each commit's rows as a new segment and, by default, merges a
        little of four same-sized segments at every commit: a first build rewrote its
        rows level after level (half its writer's time at 500 episodes). Put off, the
        segments pile up to FTS5's crisis merge (16 of a size, merged at once), and
        'optimize' merges them all into one at the end, which searches as fast as any.
        Each commit stays a whole transaction, so a crash loses nothing written; a
        build killed before the end leaves merging off, and the next open turns it on.

        The per-episode stem rows (bot/episode_terms.py) are staged the same way and
        filed at the end, sorted (a build killed first has them filed at the next open).
        """
        bulk = Bulk(self)
        try:
            yield bulk
        finally:
            bulk.end()

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

    def episodes(self, keys: Iterable[str]) -> dict[str, tuple[int, Episode, EpisodeFacts]]:
        """Return {key: (slot, episode without passages and quotes, its facts)} for the keys that are cached."""
        wanted = list(keys)
        out: dict[str, tuple[int, Episode, EpisodeFacts]] = {}
        bad: list[int] = []
        with self.lock:
            for i in range(0, len(wanted), 500):
                part = wanted[i:i + 500]
                marks = ",".join("?" * len(part))
                for slot, key, blob, facts in self.db.execute(
                        f"SELECT slot, key, episode, facts FROM episodes WHERE key IN ({marks})", part):
                    try:
                        out[key] = (slot, _Episode.model_validate_json(blob), EpisodeFacts.model_validate_json(facts))
                    except ValidationError:
                        bad.append(slot)
        if bad:  # not written by this code: drop the rows so the episodes are built again
            log.warning("index cache: %d unreadable episode(s) dropped and rebuilt", len(bad))
            self._drop_slots(bad)
        self.touch(slot for slot, _, _ in out.values())
        return out

    def touch(self, slots: Iterable[int]) -> None:
        """Note that a load uses the episodes in these slots now (see keep_only)."""
        now = time.time()
        self._write("INSERT OR REPLACE INTO episode_used VALUES (?, ?)", [(slot, now) for slot in slots])

    def put_episode(self, key: str, episode: Episode | Record) -> tuple[int, Episode, EpisodeFacts]:
        """Store a newly built episode and its items in one transaction; return (slot, light episode, facts).

        `episode` may come as its Record, made where it was built (an index worker).
        """
        record = episode if isinstance(episode, Record) else Record.of(episode)
        light, facts, blob, facts_blob, items = (record.light, record.facts, record.blob, record.facts_blob,
                                                 record.items)
        with self.lock:
            with immediate(self.db):
                new = self.db.execute("INSERT OR IGNORE INTO episodes (key, episode, facts) "
                                      "VALUES (?, ?, ?)", (key, blob, facts_blob)).rowcount
                slot = self.db.execute("SELECT slot FROM episodes WHERE key = ?", (key,)).fetchone()[0]
                self.db.execute("INSERT OR REPLACE INTO episode_used VALUES (?, ?)", (slot, time.time()))
                lo, hi = slot_range(slot)
                if new:  # else another process stored it first, items and all
                    self.db.execute("DELETE FROM items WHERE rowid >= ? AND rowid < ?", (lo, hi))
                    self.db.executemany("INSERT INTO items (rowid, item) VALUES (?, ?)",
                                        [(lo + i, item) for i, item in enumerate(items)])
        return slot, light, facts

    def item_rows(self, rowids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
        """Return {rowid: (item JSON, stem line)} for the rowids stored."""
        wanted = list(rowids)
        out: dict[int, tuple[str, str | None]] = {}
        with self.lock:
            for i in range(0, len(wanted), 500):
                part = wanted[i:i + 500]
                marks = ",".join("?" * len(part))
                out.update((r, (item, stems)) for r, item, stems in self.db.execute(
                    f"SELECT rowid, item, stems FROM items WHERE rowid IN ({marks})", part))
        return out

    def slot_rows(self, slot: int) -> list[tuple[int, str, str | None]]:
        """Return (rowid, item JSON, stem line) of every item of a slot, in order."""
        lo, hi = slot_range(slot)
        with self.lock:
            return self.db.execute("SELECT rowid, item, stems FROM items WHERE rowid >= ? AND rowid < ? "
                                   "ORDER BY rowid", (lo, hi)).fetchall()

    def indexed(self, slots: Iterable[int]) -> set[int]:
        """Return the slots whose search rows are stored."""
        with self.lock:  # from the index of such slots: each row is a page of its own (its word counts)
            done = {s for (s,) in self.db.execute("SELECT slot FROM episodes WHERE stats IS NOT NULL")}
        return done.intersection(slots)

    def keep_only(self, keys: set[str], files: set[str], unused_for: float = KEEP_UNUSED) -> None:
        """Forget episodes not in keys (with their search rows), and files no longer present.

        Several processes (the Discord and Slack services, replicas, the CLI)
        may share one cache, and one of them may still serve an episode this
        load replaced: its rows stay until no load has asked for them for
        `unused_for` seconds.
        """
        cutoff = time.time() - unused_for
        with self.lock:
            stale = [(slot, key) for slot, key, used in self.db.execute(
                "SELECT e.slot, e.key, u.at FROM episodes e LEFT JOIN episode_used u ON u.slot = e.slot")
                     if key not in keys and (used or 0) < cutoff]
            gone = [(name,) for (name,) in self.db.execute("SELECT name FROM files") if name not in files]
        if not stale and not gone:
            return
        with self.lock:
            with immediate(self.db):
                self._drop_rows([slot for slot, _ in stale])
                self.db.executemany("DELETE FROM files WHERE name = ?", gone)
        log.info("index cache: dropped %d episode(s) and %d file(s) no longer in the seeds", len(stale), len(gone))

    def _drop_slots(self, slots: list[int]) -> None:
        with self.lock:
            with immediate(self.db):
                self._drop_rows(slots)
                self.db.execute("DELETE FROM totals")  # they may count a dropped slot

    def _drop_rows(self, slots: list[int]) -> None:
        """Delete episodes and their search rows (inside a transaction, under the lock)."""
        for slot in slots:
            lo, hi = slot_range(slot)
            self.db.execute("DELETE FROM docs WHERE rowid >= ? AND rowid < ?", (lo, hi))
            self.db.execute("DELETE FROM items WHERE rowid >= ? AND rowid < ?", (lo, hi))
            self.db.execute("DELETE FROM episodes WHERE slot = ?", (slot,))
            self.db.execute("DELETE FROM episode_used WHERE slot = ?", (slot,))
            drop_staged(self.db, slot)

    # -- search rows ---------------------------------------------------------------

    def stats(self, slots: Iterable[int]) -> dict[int, tuple[Counter, Counter]]:
        """Return {slot: (stem counts, word counts)} for slots whose search rows are stored.

        Each episode's counts take about 0.2 MB in memory: for many slots, iterate
        with each_stats() instead (2,500 episodes' at once would be 500 MB).
        """
        return dict(self.each_stats(slots))

    def each_stats(self, slots: Iterable[int]) -> Iterator[tuple[int, tuple[Counter, Counter]]]:
        """Yield (slot, (stem counts, word counts)) one slot at a time, for slots whose search rows are stored."""
        for slot, (df, vocab) in self._slot_blobs("stats", slots):
            yield slot, (Counter(df), Counter(vocab))

    def _slot_blobs(self, column: str, slots: Iterable[int], chunk: int = 50) -> Iterator[tuple[int, Any]]:
        """Yield (slot, the JSON value of an episodes column) where it is set and well formed.

        Read `chunk` slots at a time (the lock is not held while the caller works).
        """
        wanted = list(slots)
        for i in range(0, len(wanted), chunk):
            part = wanted[i:i + chunk]
            marks = ",".join("?" * len(part))
            with self.lock:
                rows = self.db.execute(f"SELECT slot, {column} FROM episodes "
                                       f"WHERE {column} IS NOT NULL AND slot IN ({marks})", part).fetchall()
            for slot, blob in rows:
                value = _json(blob, _COLUMNS[column])
                if value is not None:
                    yield slot, value
            del rows

    def put_rows(self, slot: int, rows: list[tuple], df: Counter, vocab: Counter, lines: list[str]) -> None:
        """Store one episode's search rows, word counts and stem lines, once (another process may be first)."""
        blob = _COUNTS.dump_json((df, vocab))
        lo, hi = slot_range(slot)
        with self.lock:
            with immediate(self.db):
                done = self.db.execute("SELECT stats IS NOT NULL FROM episodes WHERE slot = ?", (slot,)).fetchone()
                if done and not done[0]:
                    self.db.execute("DELETE FROM docs WHERE rowid >= ? AND rowid < ?", (lo, hi))
                    self.db.executemany(INSERT_ROWS.format(table="docs"), rows)
                    self.db.executemany("UPDATE items SET stems = ? WHERE rowid = ?",
                                        [(line, lo + i) for i, line in enumerate(lines)])
                    self.db.execute("UPDATE episodes SET stats = ? WHERE slot = ?", (blob, slot))
                    # Which episodes hold which stems (bot/episode_terms.py), in the same transaction: the
                    # search index would otherwise read every episode's counts back to write them after
                    # a first build, with one core idle (most of its last seconds).
                    key = self.db.execute("SELECT key FROM episodes WHERE slot = ?", (slot,)).fetchone()[0]
                    if self.bulk_on:  # kept aside and filed all at once, sorted, when the load ends (see bulk)
                        self._terms.stage(slot, key, df)
                    else:
                        self._terms.write(slot, key, df)

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
            with immediate(self.db):
                self.db.execute("DELETE FROM totals")
                self.db.execute("INSERT INTO totals VALUES (?, ?)", (_slots_key(slots), blob))

    def stems(self) -> dict[str, str]:
        """Return {word: stem} for the indexed words stemmed before (stemming all again takes seconds)."""
        with self.lock:
            return {w: s for w, s in self.db.execute("SELECT word, stem FROM stems")
                    if isinstance(w, str) and isinstance(s, str)}

    def put_stems(self, pairs: list[tuple[str, str]]) -> None:
        """Keep the stems of newly indexed words."""
        if pairs:
            self._write("INSERT OR REPLACE INTO stems VALUES (?, ?)", pairs)

    def size(self) -> int:
        """Return the bytes the cache takes on disk."""
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.exists())

    def _write(self, sql: str, rows: list[tuple]) -> None:
        with self.lock:
            with immediate(self.db):
                self.db.executemany(sql, rows)


@dataclasses.dataclass
class Record:
    """A built episode as the store writes it: the episode without its text, its facts, and all as JSON.

    An index worker makes it (bot/indexer.py), so the bot's process, which writes every
    episode of a first build, neither turns the items into JSON nor unpickles them as models.
    """

    light: Episode  # without passages and quotes
    facts: EpisodeFacts
    blob: str  # light, as JSON
    facts_blob: str
    items: list[str]  # each passage, then each quote, as JSON

    @classmethod
    def of(cls, episode: Episode) -> Record:
        """Return the record of a built episode."""
        facts = EpisodeFacts.of(episode)
        light = episode.model_copy(update={"passages": [], "quotes": []})
        return cls(light, facts, light.model_dump_json(), facts.model_dump_json(),
                   [x.model_dump_json() for x in [*episode.passages, *episode.quotes]])

    def episode(self) -> Episode:
        """Return the whole episode again, its items read back from their JSON."""
        n = self.facts.passages
        return self.light.model_copy(update={
            "passages": _PASSAGES.validate_json("[" + ",".join(self.items[:n]) + "]"),
            "quotes": _QUOTES.validate_json("[" + ",".join(self.items[n:]) + "]")})


class Bulk:
    """One load's many new episodes: FTS5's merging is off from begin() to end() (see Store.bulk)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.on = False

    def begin(self) -> None:
        """Put off merging for the rest of the load (once)."""
        if self.on:
            return
        with self.store.lock:
            self.store.db.execute("INSERT INTO docs(docs, rank) VALUES ('automerge', 0)")
        self.on = self.store.bulk_on = True

    def end(self) -> None:
        """File the staged stem rows, merge the segments written since begin() into one and turn merging back on."""
        if not self.on:
            return
        self.on = self.store.bulk_on = False
        started = time.perf_counter()
        try:
            # On a connection of its own: a library still serving from the store's (a reload) keeps
            # answering from what was committed while this merges (WAL).
            db = sqlite3.connect(self.store.path, timeout=60, isolation_level=None)
            try:
                with immediate(db):
                    merge_staged(db)
                    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
                    db.execute("INSERT INTO docs(docs, rank) VALUES ('automerge', ?)", (AUTOMERGE,))
                    drop_orphans(db)  # what VectorCache.put leaves during a bulk load (see VectorCache.tidy)
            finally:
                db.close()
        except sqlite3.Error as exc:  # a full disk: the rows are written, only less merged (see _setup)
            log.warning("index cache: merging the search rows failed (%s)", exc)
            return
        log.info("index cache: search rows merged in %.1f s", time.perf_counter() - started)


# JSON shapes of the columns that are not plain values; validated on the way in.
_HEADER = TypeAdapter(tuple[_ParsedDocument, bool])
_COUNTS = TypeAdapter(tuple[dict[str, int], dict[str, int]])
_COLUMNS = {"stats": _COUNTS}
_PASSAGES = TypeAdapter(list[Passage])
_QUOTES = TypeAdapter(list[Quote])


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
    """A library served from a store: its episodes come without passages and quotes (see full()).

    Each episode has a slot for its items and search rows.
    """

    store: Store | None = None
    slots: list[int] = dataclasses.field(default_factory=list)
    built: int = 0  # episodes built in this load (the others were read back)
    keys: set[str] = dataclasses.field(default_factory=set)
    files: set[str] = dataclasses.field(default_factory=set)
    by_key: dict[str, tuple[int, Episode, EpisodeFacts]] = dataclasses.field(default_factory=dict, repr=False)
    # {file name: (fingerprint, header, usable)} as read, never changed: what a reload starts from.
    headers: dict[str, tuple[str, ParsedDocument, bool]] = dataclasses.field(default_factory=dict, repr=False)
    _slot: dict[int, int] = dataclasses.field(default_factory=dict, repr=False)  # id(episode) -> slot

    def __post_init__(self) -> None:
        self._slot = {id(e): slot for e, slot in zip(self.episodes, self.slots)}
        self._facts = {id(e): facts for _, e, facts in self.by_key.values()}

    def slot_of(self, episode: Episode) -> int | None:
        """Return the slot of one of this library's episodes."""
        return self._slot.get(id(episode))

    def full(self, episode: Episode) -> Episode:
        """Return an episode with its passages and quotes, read from the store (a few are kept)."""
        slot = self._slot.get(id(episode))
        if slot is None or self.store is None:
            return episode
        found = self.store.full_episodes.get(slot)
        if found is None:
            facts = self.facts(episode)
            items = read_items(self.store.slot_rows(slot), facts.passages)
            if len(items) != facts.passages + facts.quotes:
                log.warning("index cache: %s has %d of its %d passages and quotes", episode.label,
                            len(items), facts.passages + facts.quotes)
            found = episode.model_copy(update={"passages": [x for x in items if isinstance(x, Passage)],
                                               "quotes": [x for x in items if isinstance(x, Quote)]})
            self.store.full_episodes.put(slot, found)
        return found

    def forget_others(self) -> None:
        """Drop cached episodes and files this library no longer uses.

        Called once this library serves: a library still serving during a
        reload keeps its rows until the new one has been swapped in.
        """
        if self.store is not None:
            self.store.keep_only(self.keys, self.files)


def read_items(rows: Iterable[tuple[int, str, str | None]], passages: int) -> list[Passage | Quote]:
    """Return the items of stored rows (rowid, JSON, stem line); a row that does not parse is left out.

    The first `passages` rowids of a slot are passages, the others quotes. Each run of one
    kind is checked against its model in one call (a whole episode's first read was mostly
    the per-row calls); when a run holds a row that does not parse, its rows are read one by one.
    """
    rows = list(rows)
    out: list[Passage | Quote] = []
    start = 0
    while start < len(rows):
        is_passage = _is_passage(rows[start][0], passages)
        end = start + 1
        while end < len(rows) and _is_passage(rows[end][0], passages) == is_passage:
            end += 1
        run = rows[start:end]
        try:
            items = (_PASSAGES if is_passage else _QUOTES).validate_json(
                "[" + ",".join(blob for _, blob, _ in run) + "]")
        except (ValidationError, TypeError):
            items = []
        if len(items) != len(run):  # a row that does not parse (or parses as two): keep the others
            items = [_read_one(rowid, blob, is_passage) for rowid, blob, _ in run]
        for item, (rowid, _, stems) in zip(items, run):
            if item is not None:
                private = item.__pydantic_private__  # what item._rowid = ... would set, without pydantic's checks
                private["_rowid"], private["_stems"] = rowid, stems if isinstance(stems, str) else None
                out.append(item)
        start = end
    return out


def _is_passage(rowid: int, passages: int) -> bool:
    return rowid & ((1 << SLOT_BITS) - 1) < passages


def _read_one(rowid: int, blob: Any, is_passage: bool) -> Passage | Quote | None:
    """Return one stored row's item, or None (and say so) when it does not parse."""
    try:
        return (Passage if is_passage else Quote).model_validate_json(blob)
    except (ValidationError, TypeError):
        log.warning("index cache: an unreadable passage (row %d) left out", rowid)
        return None


def read_header(path: Path, name: str, max_bytes: int) -> tuple[ParsedDocument, bool]:
    """Read a seed file; return its header (what grouping needs, without its text) and whether it is usable."""
    from .formats import read_document

    doc = read_document(path, name, max_bytes)
    return _header(doc), bool(doc.passages or doc.chapters or doc.quotes)


# What builds one episode: (its key, [(path, file name, title given by grouping, the document
# when already read)], the size limit).
Job = tuple[str, list[tuple[Path, str, "str | None", "ParsedDocument | None"]], int]
Builder = Callable[[list[Job]], Iterable[tuple[str, "Episode | Record", Any]]]  # an episode, or its record
Reader = Callable[[list[tuple[Path, str, int]]], Iterable[tuple["ParsedDocument", bool]]]


# What one scouting job reads (see read_folder): [(path, file name, fingerprint)] and the size limit.
Unit = tuple[list[tuple[Path, str, str]], int, bool]
Scout = Callable[[list[Unit]], Iterable[tuple[list[tuple["ParsedDocument", bool]],
                                              "tuple[str, Episode | Record, Any] | None"]]]


def _folder_units(unread: list[tuple[int, Path, str]], files: list[tuple[Path, str]], prints: dict[str, str],
                  max_bytes: int) -> list[Unit] | None:
    """Return the new files as one unit a top-level folder, or None unless every one is in a folder all new.

    Grouping always makes a folder's files one episode (two folders are never one), so the
    episode of a folder all new can be built from the documents read for their headers.
    """
    new = {name for _, _, name in unread}
    by_folder: dict[str, list[tuple[Path, str, str]]] = {}
    for path, name in files:
        if "/" in name:
            by_folder.setdefault(name.split("/", 1)[0], []).append((path, name, prints[name]))
        elif name in new:
            return None
    units = []
    for members in by_folder.values():
        fresh = sum(name in new for _, name, _ in members)
        if fresh and fresh < len(members):  # a folder partly read before: read its new files the usual way
            return None
        if fresh:
            units.append((members, max_bytes, True))
    return units


def read_folder(unit: Unit, joined: dict[str, str] | None = None
                ) -> tuple[list[tuple[ParsedDocument, bool]], tuple[str, Episode] | None]:
    """Read a folder's files once: return each one's header and whether it is usable, and the episode they make.

    The episode is (its key, the episode) as build_group makes it from the folder's usable
    documents, or None when none is usable (`joined`: see build_episode).
    """
    from .formats import read_document
    from .library import build_episode

    members, max_bytes, build = unit
    docs = [read_document(path, name, max_bytes) for path, name, _ in members]
    found = [(_header(d), bool(d.passages or d.chapters or d.quotes)) for d in docs]
    usable = [(d, fp) for d, (_, ok), (_, _, fp) in zip(docs, found, members) if ok]
    if not build or not usable:
        return found, None
    return found, (episode_key(fp for _, fp in usable), build_episode([d for d, _ in usable], joined))


def build_group(job: Job, joined: dict[str, str] | None = None) -> tuple[str, Episode]:
    """Read one episode's files and build it (a job of load_cached's builder; `joined`: see build_episode)."""
    from .formats import read_document
    from .library import build_episode

    key, files, max_bytes = job
    docs = []
    for path, name, title, *read in files:
        doc = read[0] if read and read[0] is not None else read_document(path, name, max_bytes)
        doc.title = title  # grouping may have named a loose document
        docs.append(doc)
    return key, build_episode(docs, joined)


def load_cached(root: Path | str, max_bytes: int, store: Store,
                on_built: Callable[[Episode | Record, int, Any], None] | None = None,
                previous: Library | None = None, builder: Builder | None = None,
                reader: Reader | None = None, scout: Scout | None = None) -> CachedLibrary:
    """Load a seeds folder, reading back every episode whose files have not changed.

    The same episodes come out as from `load_library` without a store, but
    without their passages and quotes (CachedLibrary.full reads them). New
    episodes are built by `builder` (default: here, one by one; `reader` reads
    the headers of new files, by default here too), each stored
    and handed to `on_built` (with its slot and what the builder added) as it
    comes (as the builder gave it: the episode, or its Record), so a first build
    holds a few episodes' text at once. Episodes
    `previous` (the library serving) holds are taken as they are.

    With `scout` (see read_folder), a catalogue whose new files are all in
    new folders has each folder read once and built as the episode it makes
    while the headers are gathered; an episode grouping then puts together
    otherwise (a loose file joining a folder) is built again and the early
    one dropped.
    """
    with store.building(), paused_gc(), store.bulk() as bulk:
        return _load_cached(root, max_bytes, store, on_built, previous, builder, reader, scout, bulk)


def _load_cached(root: Path | str, max_bytes: int, store: Store,
                 on_built: Callable[[Episode | Record, int, Any], None] | None,
                 previous: Library | None, builder: Builder | None, reader: Reader | None,
                 scout: Scout | None, bulk: Bulk) -> CachedLibrary:
    from .formats import read_document
    from .library import group_documents, load_library, release_order, seed_files

    root = Path(root)
    if not root.is_dir():
        return load_library(root, max_bytes)  # raises the SeedsError that says what to do
    files = seed_files(root)
    # A reload takes the file headers the library serving read (each file's, unchanged since):
    # validating 7,500 headers' JSON again was a sixth of adding an episode to 2,500.
    kept = getattr(previous, "headers", None) if getattr(previous, "store", None) is store else None
    cached = kept if kept else store.headers()
    headers: dict[str, tuple[str, ParsedDocument, bool]] = {}  # as read, for the next load (see _own)
    docs: list[ParsedDocument] = []
    usable: dict[str, bool] = {}
    prints: dict[str, str] = {}
    new_headers = []
    unread: list[tuple[int, Path, str]] = []
    for path, name in files:
        try:
            fp = file_fingerprint(path, name, max_bytes)
        except OSError:
            fp = f"{name}|unreadable"
        prints[name] = fp
        hit = cached.get(name)
        if hit and hit[0] == fp:
            docs.append(_own(hit[1]))  # grouping may note on it and name it: this load's copy
            usable[name] = hit[2]
            headers[name] = hit
        else:
            unread.append((len(docs), path, name))
            docs.append(None)  # type: ignore[arg-type]  # its header, read below
    # Only a header is kept while grouping: a new episode's files are read again when it is
    # built, one episode at a time, so a first build never holds the whole catalogue's text.
    # A few new files (a reload's) are kept whole instead, so they are not read twice.
    fresh: dict[str, ParsedDocument] = {}
    early: dict[str, tuple[int, Episode, EpisodeFacts]] = {}  # built as their folders were read (see read_folder)
    units = _folder_units(unread, files, prints, max_bytes) if scout is not None and len(unread) > KEEP_READ else None
    if units is not None:
        if len(units) >= BULK_EPISODES:
            bulk.begin()
        at = {name: i for i, _, name in unread}
        for (unit_files, _, _), (found_here, built) in progress.track(zip(units, scout(units)), "indexing",  # type: ignore[misc]
                                                                   total=len(units)):
            for (_, name, fp), (doc, ok) in zip(unit_files, found_here):
                docs[at[name]], usable[name] = doc, ok
                new_headers.append((name, fp, doc, ok))
                headers[name] = (fp, _own(doc), ok)
            if built is not None:
                key, episode, extra = built
                if key not in early:
                    slot, light, facts = store.put_episode(key, episode)
                    if on_built is not None:
                        on_built(episode, slot, extra)
                    early[key] = (slot, light, facts)
                del episode, built
        unread = []
    if len(unread) <= KEEP_READ:
        found: Iterable[tuple[ParsedDocument, bool]] = (_keep(read_document(path, name, max_bytes), fresh)
                                                        for _, path, name in unread)
    elif reader is not None:
        found = reader([(path, name, max_bytes) for _, path, name in unread])
    else:
        found = (read_header(path, name, max_bytes) for _, path, name in unread)
    for (i, _, name), (doc, ok) in progress.track(zip(unread, found), "reading", "files", total=len(unread)):
        docs[i], usable[name] = doc, ok
        new_headers.append((name, prints[name], doc, ok))
        headers[name] = (prints[name], _own(doc), ok)
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
    serving = getattr(previous, "by_key", {}) if getattr(previous, "store", None) is store else {}
    have = {k: serving[k] for k in keys if k in serving}
    if have:
        store.touch(slot for slot, _, _ in have.values())
    have.update((k, early[k]) for k in keys if k in early and k not in have)
    have.update(store.episodes(k for k in keys if k not in have))
    wanted = set(keys)
    stray = [slot for k, (slot, _, _) in early.items() if k not in wanted]
    if stray:  # folders grouping joined with other files: their episodes are built below as grouped
        store._drop_slots(stray)
    paths = dict((name, path) for path, name in files)
    by_key: dict[str, tuple[int, Episode, EpisodeFacts]] = dict(have)
    jobs: dict[str, Job] = {}
    for group, key in zip(groups, keys):
        if key not in have:  # two groups of the same files are built once
            jobs.setdefault(key, (key, [(paths[d.file], d.file, d.title, fresh.pop(d.file, None)) for d in group],
                                  max_bytes))
    if len(jobs) >= BULK_EPISODES:
        bulk.begin()
    made = builder(list(jobs.values())) if builder is not None and jobs else \
        ((*build_group(job), None) for job in jobs.values())
    for key, episode, extra in progress.track(made, "indexing", total=len(jobs)):  # read, merged, indexed
        slot, light, facts = store.put_episode(key, episode)
        if on_built is not None:
            on_built(episode, slot, extra)
        by_key[key] = (slot, light, facts)
        del episode
    pairs = [(by_key[k][1], by_key[k][0]) for k in keys]
    order = release_order([e for e, _ in pairs])
    pairs.sort(key=lambda p: order(p[0]))
    built = len(set(keys) - (set(have) - set(early)))
    log.info("loaded %d episode(s) from %s: %d from the index cache, %d built",
             len(pairs), root, len(pairs) - built, built)
    # A document read back from the cache is a header already, made for this load: kept as it is.
    documents = [_header(d) if d.passages or d.chapters or d.quotes else d for d in docs]
    return CachedLibrary(episodes=[e for e, _ in pairs], documents=documents, root=root,
                         store=store, slots=[s for _, s in pairs], built=built, keys=set(keys),
                         files=set(prints), by_key=by_key, headers=headers)


def _header(doc: ParsedDocument) -> ParsedDocument:
    """Return a copy of a document with what grouping and reports need, without its text."""
    return dataclasses.replace(doc, passages=[], chapters=[], quotes=[], problems=list(doc.problems),
                               guests=list(doc.guests), links=list(doc.links), tags=list(doc.tags))


def _own(doc: ParsedDocument) -> ParsedDocument:
    """Return a header's copy for one load: grouping may add a problem to it and name it (see group_documents)."""
    mine = object.__new__(type(doc))  # copy.copy's result, without its protocol: 7,500 a reload at 2,500
    mine.__dict__.update(doc.__dict__)
    mine.problems = list(doc.problems)
    return mine


def _keep(doc: ParsedDocument, fresh: dict[str, ParsedDocument]) -> tuple[ParsedDocument, bool]:
    """Keep a document just read whole for its build; return its header and whether it is usable."""
    fresh[doc.file] = doc
    return _header(doc), bool(doc.passages or doc.chapters or doc.quotes)


__all__ = ["Store", "Record", "CachedLibrary", "load_cached", "paused_gc", "slot_range", "INSERT_ROWS", "file_fingerprint", "episode_key", "code_fingerprint",
           "default_folder", "FTS_SCHEMA", "SLOT_BITS"]
