"""The Discord client: intents, mentions, REST base and gateway, heartbeat, sync-on-change."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.runtime import Heartbeat, Shutdown
from bot.statedir import read_json_object

from .buttons import ActionButton, ActionRefs
from .respond import handle_button
from .translate import CatalogueTranslator
from .tree import build_tree, definitions_hash

if TYPE_CHECKING:
    from bot.core import EpisodeBot
    from bot.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY
RATE_LIMIT_WAIT = 30.0  # discord.py's minimum; a longer 429 fails the command instead of outliving its token
SYNC_STATE = "discord-commands.json"
REFS_STATE = "discord-buttons.json"
FAILURES_STATE = "discord-failures"  # consecutive start-up failures, for the back-off


def intents() -> discord.Intents:
    """Slash commands need no privileged intent: guilds only."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


def use_api_base(base: str) -> None:
    """Route every REST call (callbacks and follow-ups too) through `base`."""
    Route.BASE = base.rstrip("/")


async def use_gateway_of(client: discord.Client) -> None:
    """Connect to the gateway the configured API names, not discord.py's built-in default.

    A plain Client never asks `GET /gateway/bot`, and after a new session
    (op 9) every client falls back to DEFAULT_GATEWAY, so that is what is set.
    """
    if Route.BASE == DEFAULT_API_BASE:
        DiscordWebSocket.DEFAULT_GATEWAY = DEFAULT_GATEWAY
        return
    _, url, _ = await client.http.get_bot_gateway()
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.info("using the gateway %s named by %s", url, Route.BASE)


class EpisodeClientMixin:
    """What the bot adds to discord.py's Client and AutoShardedClient."""

    core: EpisodeBot
    settings: Settings

    def _setup(self, core: EpisodeBot, settings: Settings, *, connect: bool = True) -> None:
        self.core = core
        self.settings = settings
        self.private = settings.reply_visibility == "private"
        self.state_dir = Path(settings.state_dir)
        self.refs = ActionRefs(self.state_dir / REFS_STATE)
        self.tree = build_tree(self)  # type: ignore[arg-type]
        self.connect_gateway = connect  # False for `discord sync` and `invite-url`: REST only
        # run_service keeps the heartbeat fresh while is_connected(); the client beats at once on
        # (re)connecting so a health check sees a new connection without waiting a full interval.
        self.heartbeat = Heartbeat(settings.heartbeat_path)
        self.shutdown: Shutdown | None = None  # set by `run`, to finish replies in flight on SIGTERM
        self.synced_guilds: list[int] = []
        self.sessions = 0  # READY events seen: a new session each, never a RESUME

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ActionButton)  # type: ignore[attr-defined]
        # Before any sync (the service's, or `discord sync`'s REST-only login): descriptions localized.
        await self.tree.set_translator(CatalogueTranslator())
        if not self.connect_gateway:
            return
        await use_gateway_of(self)  # type: ignore[arg-type]
        if self.settings.discord_guild_ids:
            await self.sync_changed_guilds(self.settings.discord_guild_ids)

    async def sync_changed_guilds(self, guild_ids: list[int]) -> None:
        """Sync the commands to each guild whose stored definitions hash differs from the current one."""
        path = self.state_dir / SYNC_STATE
        stored = read_json_object(path, "command sync record")  # a wrong type must not stop the start
        current = definitions_hash(self.tree)
        for guild_id in guild_ids:
            if stored.get(str(guild_id)) == current:
                log.info("commands for guild %s unchanged; not syncing", guild_id)
                continue
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.RateLimited as exc:  # 200 command creations a day per guild; keep running
                log.error("Discord rate-limits command updates for guild %s (retry in %.0f s); the bot runs "
                          "with the commands it had", guild_id, exc.retry_after)
                continue
            except discord.HTTPException as exc:
                log.error("could not sync commands to guild %s (%s): is the bot invited there with the "
                          "applications.commands scope?", guild_id, exc)
                continue
            finally:
                self.tree.clear_commands(guild=guild)
            stored[str(guild_id)] = current
            self.synced_guilds.append(guild_id)
            log.info("synced %d command(s) to guild %s", len(synced), guild_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(stored), encoding="utf-8")
        except OSError as exc:
            log.warning("cannot save the command hash to %s (%s); commands will sync again next start",
                        path, exc)

    def is_connected(self) -> bool:
        """True while every gateway connection of this process is open (drives the heartbeat)."""
        if self.is_closed() or not self.is_ready():  # type: ignore[attr-defined]
            return False
        shards = getattr(self, "shards", None)
        if shards is not None:
            return bool(shards) and all(not s.is_closed() for s in shards.values())
        ws = getattr(self, "ws", None)
        return ws is not None and ws.open

    async def on_ready(self) -> None:
        # Fires on every new session (not on RESUME): never sync commands here.
        self.sessions += 1
        self._beat()
        user = self.user  # type: ignore[attr-defined]
        log.info("connected as %s (%s) to %d guild(s); session %d", user, getattr(user, "id", "?"),
                 len(self.guilds), self.sessions)  # type: ignore[attr-defined]
        try:
            (self.state_dir / FAILURES_STATE).unlink(missing_ok=True)  # a good start resets the back-off
        except OSError as exc:
            log.warning("cannot reset the failed-start count in %s: %s", self.state_dir, exc)

    async def on_resumed(self) -> None:
        log.info("gateway session resumed")
        self._beat()

    def _beat(self) -> None:
        try:
            self.heartbeat.beat()
        except OSError as exc:  # run_service keeps trying; answering matters more
            log.warning("could not write the heartbeat %s: %s", self.heartbeat.path, exc)

    async def on_disconnect(self) -> None:
        if self.is_closed():  # type: ignore[attr-defined]
            log.info("disconnected from the gateway")
        else:
            log.warning("gateway connection lost; discord.py is reconnecting")

    def track(self) -> contextlib.AbstractContextManager[None]:
        """Count a reply in flight, so a stop waits for it to be sent."""
        return self.shutdown.track() if self.shutdown else contextlib.nullcontext()

    async def handle_button(self, interaction: discord.Interaction, custom_id: str) -> None:
        with self.track():
            await handle_button(interaction, custom_id)


class EpisodeClient(EpisodeClientMixin, discord.Client):
    """One gateway connection: right for a community server or a few hundred."""

    def __init__(self, core: EpisodeBot, settings: Settings, *, connect: bool = True, **options: Any) -> None:
        super().__init__(**client_options(options))
        self._setup(core, settings, connect=connect)


class ShardedEpisodeClient(EpisodeClientMixin, discord.AutoShardedClient):
    """Several shards in one process (DISCORD_SHARD_COUNT / DISCORD_SHARD_IDS)."""

    def __init__(self, core: EpisodeBot, settings: Settings, *, connect: bool = True, **options: Any) -> None:
        super().__init__(shard_count=settings.discord_shard_count, shard_ids=settings.discord_shard_ids,
                         **client_options(options))
        self._setup(core, settings, connect=connect)


def client_options(extra: dict[str, Any]) -> dict[str, Any]:
    """discord.py options every client gets; mentions and intents cannot be overridden."""
    # The bot never joins voice: discord.py's warnings about missing voice libraries are noise.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    options: dict[str, Any] = {"max_ratelimit_timeout": RATE_LIMIT_WAIT, "chunk_guilds_at_startup": False,
                               "member_cache_flags": discord.MemberCacheFlags.none(), **extra}
    options.update(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
    return options


def make_client(core: EpisodeBot, settings: Settings, *, connect: bool = True, **options: Any) -> discord.Client:
    """Build the client the settings ask for: sharded when a shard count or shard ids are set.

    `options` go to discord.py's Client (e.g. guild_ready_timeout).
    """
    use_api_base(settings.discord_api_base)
    if settings.discord_shard_count or settings.discord_shard_ids:
        return ShardedEpisodeClient(core, settings, connect=connect, **options)
    return EpisodeClient(core, settings, connect=connect, **options)
