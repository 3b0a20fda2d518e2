"""Word lists derived from installed packages, kept as plain text beside the index cache.

Some lists cost far more to derive than to read: the English word list with its
counts (pyspellchecker's gzipped JSON, 0.15-0.2 s) and the meaning model's whole
words (its 1.8 MB tokenizer, 0.05-0.1 s). A one-shot process such as
`episode-bot ask` would pay that on most questions with a word the episode lacks,
so the first process that derives a list writes it here and later ones read the
text back in a millisecond or two.

A kept file is plain text (nothing read back can run code), in the cache's private
folder, written whole under a temporary name and then renamed, so a reader sees the
old file or the new one, never half of one. Its first line names what it was derived
from: a file from another version of the package or model is derived again.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

_folder: Path | None = None
_lock = threading.Lock()
_refused: set[str] = set()  # the files that could not be written (said once each)


def keep_in(folder: Path | str | None) -> None:
    """Keep derived lists in this folder from now on (None: derive them in every process)."""
    global _folder
    _folder = None if folder is None else Path(folder)


def folder() -> Path | None:
    """Return the folder derived lists are kept in, or None."""
    return _folder


def text(name: str, source: str, derive: Callable[[], str], valid: Callable[[str], bool] = bool) -> str:
    """Return the list `derive` makes, read from the kept file `name` when it was made from `source`.

    `source` is one line naming what the list comes from (a package's version, a model's digest);
    a kept list that `valid` refuses (cut short, edited) is derived again.
    """
    where = _folder
    if where is None:
        return derive()
    path = where / name
    try:
        with open(path, encoding="utf-8") as fh:
            if fh.readline() == source + "\n":
                body = fh.read()
                if valid(body):
                    return body
                log.info("kept list %s is malformed; deriving it again", path)
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as exc:
        log.info("kept list %s can't be read (%s); deriving it again", path, exc)
    body = derive()
    _write(path, source, body)
    return body


def _write(path: Path, source: str, body: str) -> None:
    try:
        fd, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(source + "\n")
                fh.write(body)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:  # a full disk or a read-only folder: every process derives the list itself
        with _lock:
            if path.name not in _refused:
                _refused.add(path.name)
                log.warning("can't keep %s in %s (%s); it is derived again in every process",
                            path.name, path.parent, exc)
