"""What a seed file may be, where it may live, and what its text may not carry.

Every member can read what the seeds hold, so a seed must not become a way to
read anything else: a symbolic link is followed only to a file inside the
seeds folder, system folders (/proc, /sys, /dev) and the secrets folder are
never read, only regular files are opened, and anything shaped like a Slack
or Discord token is masked before the text is indexed. A link keeps no
secret in its query (`?token=`, signed-URL signatures) or user info, and a
link longer than every platform accepts (Discord's embed url: 2,048) is
dropped. Control and bidirectional-override characters in a file name are
replaced, so a name shown in a reply can't reorder or break the text.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from .base import ParsedDocument

# Never read, whatever a link or the seeds folder says. /run/secrets is where
# the container's secret files are mounted (bot/settings.py SECRETS_DIR).
FORBIDDEN = (Path("/proc"), Path("/sys"), Path("/dev"), Path("/run/secrets"))
TOKEN_MASK = "[token removed]"
_TOKENS = re.compile(
    r"\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]{6,}"  # Slack bot, user, refresh tokens
    r"|\bxapp-[A-Za-z0-9-]{6,}"  # Slack app-level tokens
    r"|(?<![\w.-])[A-Za-z\d_-]{23,28}\.[A-Za-z\d_-]{6,7}\.[A-Za-z\d_-]{27,45}(?![\w-])"  # Discord: id.time.hmac
)


# Discord's embed url allows 2,048 characters, Slack's button url 3,000; a moment link adds `&t=NNNNNs`.
MAX_LINK = 2000
# Query parameters that carry credentials in private feeds and signed URLs (compared lower-case).
_SECRET_PARAMS = re.compile(r"^(?:x-amz-(?:signature|credential|security-token)|x-goog-(?:signature|credential)|"
                            r"(?:access_|auth_|api_|private_|refresh_|session_)?(?:token|key|secret)|apikey|auth|"
                            r"sig|signature|password|passwd|pwd|pass|session|sessionid|jwt|code|hmac)$", re.I)
# C0/C1 controls, line and paragraph separators, and the bidirectional marks, embeddings and isolates.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def public_url(url: str) -> str:
    """Return a link without user info or query parameters that look like credentials."""
    try:
        parts = urlsplit(url)
        if not parts.query and "@" not in parts.netloc:
            return url
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = [(k, v) for k, v in pairs if not _SECRET_PARAMS.match(k)]
        if len(query) == len(pairs) and "@" not in parts.netloc:
            return url  # nothing to remove: keep the link exactly as written
        netloc = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), parts.fragment))
    except ValueError:  # not a URL urllib can take apart: not one to show
        return ""


def showable_name(name: str) -> str:
    """Replace control and bidi characters in a file name with U+FFFD."""
    return _UNSHOWABLE.sub("\ufffd", name)


class UnsafeSeed(OSError):
    """A seed path the bot will not read; the message says why, for `check`."""


def seed_root(path: Path, name: str) -> Path:
    """Return the seeds folder a file was listed from (name is relative to it)."""
    return path.parents[len(Path(name).parts) - 1]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def path_problem(path: Path, name: str) -> str | None:
    """Say why a listed seed file must not be read; None when it may be (OSError: it is gone)."""
    root = seed_root(path, name).resolve()
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        if not path.is_symlink():
            raise  # gone since it was listed: the caller says it could not be read
        return "is a broken symbolic link; skipped"
    for folder in FORBIDDEN:
        if _inside(target, folder):
            return f"points into {folder}, which the bot never reads; skipped"
    if not _inside(target, root):
        return "is a symbolic link to a file outside the seeds folder; not followed (copy the file in instead)"
    return None


def read_seed_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """Return a seed file's bytes; raise UnsafeSeed (why) or OSError (unreadable).

    The resolved file is opened without following a link swapped in since the
    check, and only a regular file is read (a FIFO or device would block or
    never end).
    """
    problem = path_problem(path, name)
    if problem:
        raise UnsafeSeed(problem)
    if path.is_dir():  # listed only when this user cannot read it
        raise UnsafeSeed("is a folder the bot's user cannot read (check its owner and mode); its files are skipped")
    fd = os.open(path.resolve(), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeSeed("is not a regular file; skipped")
        if st.st_size > max_bytes:
            raise UnsafeSeed(f"file is {st.st_size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
                             "limit for one document; skipped")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since fstat
        raise UnsafeSeed(f"file is over the {max_bytes / 1e6:.0f} MB limit for one document; skipped")
    return data


def mask_tokens(text: str) -> str:
    """Replace anything shaped like a Slack or Discord token."""
    return _TOKENS.sub(TOKEN_MASK, text)


# The shortest run without spaces that can hold a Discord token (23 + 1 + 6 + 1 + 27 characters).
_SHORTEST_DISCORD = 58


def has_token(text: str | None) -> bool:
    """Return True if text holds something shaped like a Slack or Discord token."""
    if not text:
        return False
    # Cheap checks first (a first build asks this of every line): a Slack token holds 'xox' or
    # 'xapp-', a Discord one a long run without spaces; the regex looks only where one could be.
    if "xox" not in text and "xapp-" not in text and max(map(len, text.split()), default=0) < _SHORTEST_DISCORD:
        return False
    return _TOKENS.search(text) is not None


def mask_document(doc: ParsedDocument) -> int:
    """Mask tokens in every piece of a document's text; return how many pieces changed."""
    changed = 0

    def clean(value: str | None) -> str | None:
        nonlocal changed
        if value and has_token(value):
            changed += 1
            return mask_tokens(value)
        return value

    doc.title = clean(doc.title)
    doc.description = clean(doc.description)
    doc.show, doc.host = clean(doc.show), clean(doc.host)
    doc.guests = [clean(g) or "" for g in doc.guests]
    for item in [*doc.passages, *doc.quotes]:
        item.text = clean(item.text) or ""
        if getattr(item, "title", None):
            item.title = clean(item.title)
        if getattr(item, "remark", None):
            item.remark = clean(item.remark)
    for chapter in doc.chapters:
        chapter.title = clean(chapter.title) or ""
    kept = []
    for link in doc.links:
        link.label = clean(link.label) or ""
        url = public_url(clean(link.url) or "")
        if url != link.url:
            doc.warn(None, f"link {link.label!r} carried a secret in its address; removed from it")
        if len(url) > MAX_LINK:
            doc.warn(None, f"link {link.label!r} is {len(url):,} characters, over the {MAX_LINK:,} a chat "
                           "platform takes; left out")
            continue
        if url:
            link.url = url
            kept.append(link)
    doc.links = kept
    return changed


__all__ = ["FORBIDDEN", "TOKEN_MASK", "MAX_LINK", "public_url", "showable_name", "UnsafeSeed", "path_problem", "read_seed_bytes", "mask_tokens",
           "mask_document", "seed_root"]
