"""The slash commands, built from the core's command registry (no second list anywhere)."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import logging
import time
from typing import TYPE_CHECKING, Any, Optional

import discord
from discord import app_commands

from bot.commands import ADMIN_COMMANDS, ADMIN_GROUP, ADMIN_GROUP_DESCRIPTION, COMMANDS, Command, Option
from bot.limits import Buckets, Rule

from .respond import answer_admin, answer_command, report_error
from .translate import catalogue_digest, described

if TYPE_CHECKING:
    from .client import EpisodeClientMixin

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limit for autocomplete
# Autocomplete requests per member: keystrokes come faster than commands, but not endlessly.
TYPING = Buckets(Rule(rate=5.0, burst=10), time.monotonic)
DESCRIPTION = 100  # Discord's limit for command and option descriptions


class EpisodeTree(app_commands.CommandTree):
    """A command tree whose one error handler keeps the bot running whatever a command does."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


def build_tree(client: discord.Client) -> EpisodeTree:
    """Create the tree with one slash command per registry entry."""
    tree = EpisodeTree(client)
    for spec in COMMANDS:
        tree.add_command(make_command(spec))
    if ADMIN_COMMANDS:
        tree.add_command(make_admin_group())
    return tree


def make_admin_group() -> app_commands.Group:
    """/episodebot and its subcommands, shown only to members with Manage Server (checked again on use)."""
    group = app_commands.Group(name=ADMIN_GROUP, description=described(ADMIN_GROUP_DESCRIPTION),
                               default_permissions=discord.Permissions(manage_guild=True), guild_only=True)
    for spec in ADMIN_COMMANDS:
        group.add_command(make_command(spec))
    return group


def make_command(spec: Command) -> app_commands.Command:
    """Build one slash command: options, limits, descriptions and autocomplete from the registry."""

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        if spec.admin:
            await answer_admin(interaction, spec.name, values)
        else:
            await answer_command(interaction, spec.name, values)

    params = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=discord.Interaction)]
    for option in spec.options:
        # Discord enforces the length in the client; the core checks it again on arrival.
        bounded = app_commands.Range[str, 1, option.max_length]
        params.append(inspect.Parameter(
            option.name, inspect.Parameter.KEYWORD_ONLY,
            annotation=bounded if option.required else Optional[bounded],
            default=inspect.Parameter.empty if option.required else None))
    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback.__doc__ = spec.description
    if spec.options:
        app_commands.describe(**{o.name: described(o.description) for o in spec.options})(callback)
        completers = {o.name: make_autocomplete(o) for o in spec.options if o.autocomplete}
        if completers:
            app_commands.autocomplete(**completers)(callback)
    return app_commands.Command(name=spec.name, description=described(spec.description), callback=callback)


def make_autocomplete(option: Option):
    """Build the autocomplete callback for an option; the core ranks, Discord shows at most 25."""
    kind = option.autocomplete

    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        client: EpisodeClientMixin = interaction.client  # type: ignore[assignment]
        episode = getattr(interaction.namespace, "episode", None) if option.name != "episode" else None
        # One request per keystroke: a member holding a key down gets no suggestions for a moment
        # rather than a share of every member's time.
        now, user = TYPING.clock(), str(interaction.user.id)
        if TYPING.wait(user, now) > 0:
            return []
        TYPING.take(user, now)
        # Off the event loop: fuzzy ranking over a large catalogue's titles takes milliseconds.
        choices = await asyncio.to_thread(client.core.complete, kind or "", current or "",
                                          episode=str(episode) if episode else None)
        return [app_commands.Choice(name=c.name[:100] or c.value[:100], value=c.value[:100])
                for c in choices[:MAX_CHOICES] if c.value]

    return complete


def command_payload(tree: app_commands.CommandTree) -> list[dict[str, Any]]:
    """The JSON Discord receives on sync, in a stable order."""
    return [command.to_dict(tree) for command in tree.get_commands()]


def definitions_hash(tree: app_commands.CommandTree) -> str:
    """A fingerprint of the command definitions and their translations, to sync only when they change."""
    blob = json.dumps([command_payload(tree), catalogue_digest()], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
