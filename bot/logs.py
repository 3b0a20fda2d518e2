"""Logging set-up: text or JSON lines, and a filter that masks anything like a secret."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .settings import Settings

MASK = "[masked]"

# Shapes of credentials that must never reach a log line. A pattern with a group
# keeps the group (the key name) and masks what follows it.
_SECRET_PATTERNS = [
    re.compile(r"xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]{6,}"),  # Slack bot, user, refresh tokens
    re.compile(r"xapp-[A-Za-z0-9-]{6,}"),  # Slack app-level tokens
    # Discord bot tokens: base64 user id . timestamp . HMAC
    re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,45}"),
    # response_urls and webhooks, plain or percent-encoded (as in a logged form body)
    re.compile(r"https?(?::|%3A)(?://|%2F%2F)hooks\.slack(?:-gov)?\.com(?:/|%2F)[^\s\"'&,)}\]]+", re.I),
    # Discord interaction tokens in webhook and callback URLs (valid 15 minutes)
    re.compile(r"(/webhooks/\d+/)[^\s/?\"']+"),
    re.compile(r"(/interactions/\d+/)[^\s/?\"']+"),
    # key = value pairs: form bodies, JSON, Python reprs, headers
    re.compile(r"(?i)(response_url['\"]?\s*[:=]\s*['\"]?)[^\s&\"',}]+"),
    re.compile(r"(?i)((?<![a-z])(?:access_|refresh_|bot_|app_)?token['\"]?\s*[:=]\s*['\"]?)[^\s&\"',}]+"),
    re.compile(r"(?i)(signing[_ ]secret['\"]?\s*[:=]\s*['\"]?)[^\s&\"',}]+"),
    re.compile(r"(?i)(client[_ ]secret['\"]?\s*[:=]\s*['\"]?)[^\s&\"',}]+"),
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bot|bearer)\s+)[^\s'\"]+"),
]

_known: set[str] = set()  # exact secret values from the settings, masked wherever they appear
_known_lock = threading.Lock()
_known_re: re.Pattern[str] | None = None


def add_secrets(values: Iterable[str | None]) -> None:
    """Mask these exact values in every log line from now on (e.g. the signing secret)."""
    global _known_re
    with _known_lock:
        _known.update(v for v in values if v and len(v) >= 6)  # a tiny value would mask ordinary words
        if _known:
            _known_re = re.compile("|".join(re.escape(v) for v in sorted(_known, key=len, reverse=True)))


def settings_secrets(settings: Settings) -> list[str]:
    """Return the value of every secret setting that is set, and the password inside any secret URL."""
    from urllib.parse import urlsplit

    from pydantic import SecretStr

    out = []
    for name in type(settings).model_fields:  # every SecretStr: tokens, and the Redis and database URLs
        value = getattr(settings, name, None)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            out.append(secret)
            try:
                password = urlsplit(secret).password if "://" in secret else None
            except ValueError:
                password = None
            if password:
                out.append(password)
    return out


def mask(text: str) -> str:
    """Replace every token-shaped part of text, and every known secret, with a mask."""
    known = _known_re
    if known is not None:
        text = known.sub(MASK, text)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text


class SecretFilter(logging.Filter):
    """Mask secrets in a record's message, arguments, traceback and stack before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: show it as written, still masked
            message = f"{record.msg!s} (log arguments did not fit: {record.args!r})"
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record.msg, record.args = mask(message), ()
        return True


class TextFormatter(logging.Formatter):
    """Readable lines; a message's own line breaks are indented so no one can forge a log line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record).replace("\r", "\\r").replace("\n", "\n    ")
        return _encodable(text)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for admins who ship logs."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
               "level": record.levelname, "logger": record.name, "message": mask(record.getMessage())}
        if record.exc_info or record.exc_text:
            doc["exception"] = mask(record.exc_text or self.formatException(record.exc_info))
        if record.stack_info:
            doc["stack"] = mask(record.stack_info)
        return _encodable(json.dumps(doc, ensure_ascii=False))


def _encodable(text: str) -> str:
    # A lone surrogate (from a JSON payload) would make the stream's encode fail and lose the line.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str | None] = ()) -> None:
    """Configure the root logger once: level, format and the secret filter.

    Pass `secrets=settings_secrets(settings)` so values without a known shape
    (a signing secret) are masked too.
    """
    add_secrets(secrets)
    handler = logging.StreamHandler()
    handler.addFilter(SecretFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
