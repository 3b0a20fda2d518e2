"""The one place that reads configuration: environment, `.env`, `/run/secrets`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "EPISODE_BOT_"
SECRETS_DIR = Path("/run/secrets")


def _alias(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class ConfigError(Exception):
    """Configuration that stops start-up: one line per problem, never a value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore",
        hide_input_in_errors=True, populate_by_name=True,
    )

    # Platform credentials, under the names admins know.
    discord_token: SecretStr | None = Field(None, validation_alias=_alias("DISCORD_TOKEN"),
                                            description="Discord bot token (Developer Portal > Bot > Reset Token)")
    discord_api_base: str = Field("https://discord.com/api/v10", validation_alias=_alias("DISCORD_API_BASE"),
                                  description="Discord REST base URL; change only to run behind a REST proxy")
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_BOT_TOKEN"),
                                              description="Slack bot token, xoxb-... (OAuth & Permissions)")
    slack_app_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_APP_TOKEN"),
                                              description="Slack app-level token, xapp-... (Socket Mode only)")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=_alias("SLACK_SIGNING_SECRET"),
                                                   description="Slack signing secret (HTTP mode only)")
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_alias("SLACK_API_URL"),
                               description="Slack Web API base URL (GovSlack and enterprise set-ups)")

    # Everything else shares the EPISODE_BOT_ prefix.
    seeds_dir: Path = Field(Path("seeds"), description="Folder of episode documents")
    default_episode: str | None = Field(None, description="Episode used when a command names none (else the latest)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level")
    log_format: Literal["text", "json"] = Field("text", description="text for people, json for log shippers")
    reply_visibility: Literal["private", "public"] = Field(
        "private", description="private answers show only to the asker, with a Share button")
    user_rate: float = Field(0.5, gt=0, description="Commands per second one user may sustain")
    user_burst: int = Field(5, ge=1, description="Commands one user may send at once")
    channel_rate: float = Field(2.0, gt=0, description="Commands per second one channel may sustain")
    channel_burst: int = Field(20, ge=1, description="Commands one channel may send at once")
    heartbeat_path: Path = Field(Path("/tmp/episode-bot.heartbeat"),
                                 description="File the running adapter touches while connected")
    heartbeat_max_age: int = Field(60, ge=5, description="Seconds after which the heartbeat counts as stale")
    state_dir: Path = Field(Path("/tmp/episode-bot"), description="Writable folder for small state files")
    max_seed_mb: float = Field(16, gt=0, description="Largest seed file read, in MB")
    watch_seeds: bool = Field(True, description="Reload episodes when the seeds folder changes")
    discord_guild_ids: list[int] = Field(default_factory=list,
                                         description="Guilds to sync commands to at start-up (JSON list)")
    discord_shard_count: int | None = Field(None, ge=1, description="Total shards, for sharded runs")
    discord_shard_ids: list[int] | None = Field(None, description="Shards this process runs (JSON list)")
    slack_command_prefix: str = Field("", pattern=r"^[a-z0-9_-]{0,12}$",
                                      description="Prefix for Slack commands, e.g. pod gives /pod-ask")
    slack_port: int = Field(3000, ge=1, le=65535, description="Port for Slack HTTP mode")

    @field_validator("discord_token", "slack_bot_token", "slack_app_token", "slack_signing_secret")
    @classmethod
    def _not_blank(cls, value: SecretStr | None, info) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        if not secret:
            raise ValueError("is empty")
        if any(ch.isspace() for ch in secret):
            raise ValueError("contains spaces or line breaks; paste the token alone")
        prefix = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}.get(info.field_name)
        if prefix and not secret.startswith(prefix):
            raise ValueError(f"must start with {prefix}")
        return SecretStr(secret)

    def require(self, *names: str) -> None:
        """Raise ConfigError naming every required setting that is missing."""
        missing = [env_name(n) for n in names if getattr(self, n) is None]
        if missing:
            raise ConfigError([f"{m} is not set: {_HOW.get(m, 'set it in .env or as a secret')}"
                               for m in missing])

    def masked(self) -> dict[str, str]:
        """The effective configuration with every secret masked, for `episode-bot config`."""
        out = {}
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown = "********"
            elif value is None:
                shown = "(not set)"
            else:
                shown = str(value)
            out[env_name(name)] = shown
        return out


_HOW = {
    "DISCORD_TOKEN": "copy the bot token from the Discord Developer Portal (Bot > Reset Token)",
    "SLACK_BOT_TOKEN": "copy the xoxb- token from your Slack app's OAuth & Permissions page",
    "SLACK_APP_TOKEN": "create an xapp- token with connections:write under Basic Information > App-Level Tokens",
    "SLACK_SIGNING_SECRET": "copy the signing secret from your Slack app's Basic Information page",
}


def env_name(field: str) -> str:
    """Return the environment variable an admin sets for a field."""
    info = Settings.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return PREFIX + field.upper()


def load_settings(env_file: str | Path | None = ".env", secrets_dir: str | Path | None = SECRETS_DIR,
                  **overrides) -> Settings:
    """Load settings, turning validation errors into a ConfigError without values."""
    kwargs: dict = {"_env_file": env_file if env_file and Path(env_file).is_file() else None}
    if secrets_dir and Path(secrets_dir).is_dir():
        kwargs["_secrets_dir"] = str(secrets_dir)
    try:
        return Settings(**kwargs, **overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_input=False, include_url=False):
            field = str(err["loc"][0]) if err["loc"] else "?"
            name = env_name(field) if field in Settings.model_fields else field.upper()
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{name} {msg}" + (f": {_HOW[name]}" if name in _HOW else ""))
        raise ConfigError(problems) from None


__all__ = ["Settings", "ConfigError", "load_settings", "env_name", "PREFIX", "os"]
