"""Buttons that keep working after a restart: what a click needs lives in its custom_id."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.replies import Action

log = logging.getLogger(__name__)

MAX_CUSTOM_ID = 100  # Discord's limit
SHARE_ID = "share"  # the Share button copies the message it sits on, so it needs nothing else
REF_PREFIX = "ref:"  # an action too long for a custom_id, kept in the state folder


class ActionRefs:
    """Give every button action a custom_id of at most 100 characters.

    Most actions fit as they are (`Action.encode()`). A long question does
    not, so its action is kept here under a short hash, in a small file in
    the state folder: it survives a restart when that folder does, and a
    click on a forgotten one is answered as expired.

    The file is JSON lines, `[key, action]`, one appended per new action: a
    click never rewrites the whole file (up to a few MB). It is compacted to
    the newest `limit` actions once it holds twice that. Called from render
    threads, so a lock keeps the map and the file in step.
    """

    def __init__(self, path: Path | None, limit: int = 5000) -> None:
        self.path = path
        self.limit = limit
        self._tokens: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self._lines = 0  # records in the file, kept and stale
        self._rewrite_next = False  # the file is in the old one-object format, or damaged
        self._warned = False
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("ignoring unreadable button state %s: %s", path, exc)
            return
        pairs: list[tuple[object, object]] = []
        bad = 0
        if text.lstrip().startswith("{"):  # the format before JSON lines: one object
            self._rewrite_next = True
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if isinstance(value, dict):
                pairs = list(value.items())
            else:
                bad = 1
        else:
            for line in text.splitlines():
                if not line.strip():
                    continue
                self._lines += 1
                try:
                    key, token = json.loads(line)
                except (ValueError, TypeError):  # valid JSON of the wrong shape included
                    bad += 1
                    continue
                pairs.append((key, token))
        for key, token in pairs:
            if isinstance(key, str) and isinstance(token, str) and key.startswith(REF_PREFIX):
                self._tokens[key] = token
                self._tokens.move_to_end(key)
            else:
                bad += 1
        while len(self._tokens) > self.limit:
            self._tokens.popitem(last=False)
        if bad:
            self._rewrite_next = True
            log.warning("button state %s: ignored %d record(s) that were not button actions", path, bad)

    def custom_id(self, action: Action) -> str:
        """Return the custom_id for an action, storing it when it is too long to carry."""
        token = action.encode()
        if len(token) <= MAX_CUSTOM_ID and not token.startswith((REF_PREFIX, SHARE_ID)):
            return token
        key = REF_PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]
        with self._lock:
            if self._tokens.get(key) != token:
                self._tokens[key] = token
                while len(self._tokens) > self.limit:
                    self._tokens.popitem(last=False)
                self._save(key, token)
        return key

    def token(self, custom_id: str) -> str | None:
        """Return the action token behind a custom_id, or None when it is unknown."""
        if custom_id.startswith(REF_PREFIX):
            return self._tokens.get(custom_id)
        return custom_id

    def _save(self, key: str, token: str) -> None:
        """Append one record; rewrite the file only when it is due for compaction (under the lock)."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._rewrite_next or self._lines >= 2 * self.limit:
                tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
                tmp.write_text("".join(json.dumps([k, v]) + "\n" for k, v in self._tokens.items()),
                               encoding="utf-8")
                os.replace(tmp, self.path)
                self._lines, self._rewrite_next = len(self._tokens), False
            else:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps([key, token]) + "\n")
                self._lines += 1
        except OSError as exc:  # buttons still work until the next restart
            if not self._warned:
                log.warning("cannot save button state to %s (%s); long-question buttons "
                            "will expire on restart", self.path, exc)
                self._warned = True


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=re.compile(r"(?P<id>.{1,100})", re.S)):
    """Every button the bot sends; a click is handed to the client's button handler.

    The template matches any custom_id, so a button from an older version is
    answered ("expired") instead of leaving the user with "interaction failed".
    """

    def __init__(self, label: str, custom_id: str, style: discord.ButtonStyle = discord.ButtonStyle.secondary,
                 row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label[:80], custom_id=custom_id, style=style), row=row)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> ActionButton:
        return cls(item.label or "", match["id"], item.style)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = getattr(interaction.client, "handle_button", None)
        if handler is None:  # a client without the bot's handlers: nothing sensible to do
            log.warning("button %r clicked on a client that cannot answer it", self.custom_id)
            return
        await handler(interaction, self.custom_id)
