"""Logging set-up: text or JSON lines, and a filter that masks anything like a secret."""

from __future__ import annotations

import json
import logging
import re
import time

# Shapes of credentials that must never reach a log line.
_SECRET_PATTERNS = [
    re.compile(r"xox[abpors]-[A-Za-z0-9-]{6,}"),  # Slack bot/user tokens
    re.compile(r"xapp-[A-Za-z0-9-]{6,}"),  # Slack app-level tokens
    re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"),  # Discord bot tokens
    re.compile(r"https://hooks\.slack(?:-gov)?\.com/[^\s\"'&]+"),  # response_url / webhooks
    re.compile(r"(response_url=)[^\s&\"']+"),
    re.compile(r"(?i)(signing[_ ]secret['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9]{8,}"),
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bot|bearer)\s+)[^\s'\"]+"),
]


def mask(text: str) -> str:
    """Replace every token-shaped part of text with a mask."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[masked]", text)
    return text


class SecretFilter(logging.Filter):
    """Mask secrets in a record's message and arguments before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the record, as logging would
            return True
        masked = mask(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        record.msg, record.args = masked, ()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for admins who ship logs."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info or record.exc_text:
            doc["exception"] = mask(record.exc_text or self.formatException(record.exc_info))
        return json.dumps(doc, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Configure the root logger once: level, format and the secret filter."""
    handler = logging.StreamHandler()
    handler.addFilter(SecretFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
