"""The one place that reads configuration: environment, `.env`, `/run/secrets`.

Precedence, highest first: arguments to `load_settings`, environment variables,
the `.env` file, secret files, defaults. A bad value stops start-up with one
line per problem that names the variable and the fix, never the value.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import logging
import os
import sys
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from .statedir import default_state_dir, ensure_private_dir

log = logging.getLogger(__name__)

PREFIX = "EPISODE_BOT_"
# Secret files: systemd's LoadCredential= folder when run as a service, else compose's /run/secrets.
SECRETS_DIR = Path(os.environ.get("CREDENTIALS_DIRECTORY") or "/run/secrets")


def _alias(name: str) -> AliasChoices:
    # The lower-case spelling matches compose secret files (/run/secrets/discord_token).
    return AliasChoices(name, name.lower())


IdList = Annotated[list[int], NoDecode]
StrList = Annotated[list[str], NoDecode]


class ConfigError(Exception):
    """Configuration that stops start-up: one line per problem, never a value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore",
        hide_input_in_errors=True, populate_by_name=True,
        # An empty `DISCORD_TOKEN=` line in .env must not hide the secret file behind it.
        env_ignore_empty=True,
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
    language: str = Field("en", description="Language of the bot's replies when the member's own is unknown "
                          "or not translated (en, ru, de, es, pt-BR, fr)")
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
    progress_every: float = Field(5.0, ge=0, le=3600, description="Seconds between progress lines in the log "
                                  "while a large catalogue is read and indexed (a terminal shows a bar)")
    state_dir: Path = Field(default_factory=default_state_dir,
                            description="Writable folder for small state kept across restarts, private to "
                            "the bot's user (unset: ~/.local/state/episode-bot)")
    run_dir: Path | None = Field(None, description="Folder for this process's pid file and reload status "
                                 "(unset: the state folder)")
    max_seed_mb: float = Field(16, gt=0, description="Largest seed file read, in MB")
    watch_seeds: bool = Field(True, description="Reload episodes when the seeds folder changes")
    stop_grace: float = Field(8.0, ge=0, le=9, description="Seconds a stopping bot waits for replies in flight")
    discord_guild_ids: IdList = Field(default_factory=list,
                                      description="Guilds to sync commands to at start-up (comma-separated ids)")
    discord_shard_count: int | None = Field(None, ge=1, description="Total shards, for sharded runs")
    discord_shard_ids: IdList | None = Field(None, description="Shards this process runs (comma-separated ids)")
    slack_command_prefix: str = Field("", pattern=r"^[a-z0-9_-]{0,12}$",
                                      description="Prefix for Slack commands, e.g. pod gives /pod-ask")
    slack_port: int = Field(3000, ge=1, le=65535, description="Port for Slack HTTP mode")
    # Operations: metrics, and rate limits shared by several copies of the bot.
    metrics_port: int | None = Field(None, ge=0, le=65535, description="Port for Prometheus /metrics in "
                                     "Discord and Slack Socket Mode (unset: off; Slack HTTP mode serves "
                                     "/metrics on its own port)")
    metrics_host: str = Field("127.0.0.1", description="Address for /metrics; 0.0.0.0 to let another "
                              "container scrape it")
    redis_url: SecretStr | None = Field(None, description="redis:// or unix:// address of a Redis or Valkey "
                                        "that every copy of the bot shares rate limits through (unset: each "
                                        "copy limits on its own)")
    # The question log, votes and admin commands (bot/records/, docs/privacy.md).
    database_url: SecretStr | None = Field(None, description="postgresql://user:password@host/db to share the "
                                           "question log between replicas (unset: SQLite in the state folder)")
    records_secret: SecretStr | None = Field(None, description="Secret for hashing user ids in the question "
                                             "log (unset: generated into the state folder)")
    record_questions: bool | None = Field(None, description="Keep the question log (unset: on for Discord "
                                          "and Slack, off for the command line)")
    retention_days: int = Field(90, ge=1, le=3650, description="Days the question log and votes are kept")
    slack_admins: StrList = Field(default_factory=list, description="Slack user ids allowed to run "
                                  "/episodebot besides workspace admins and owners (comma-separated)")
    meaning_model: str = Field("", description="Folder of a static embedding model (tokenizer.json and "
                               "model.safetensors) for meaning search, off for words alone; empty: the packaged one")
    index_workers: int = Field(0, ge=0, le=64, description="Processes that build a first index of many new "
                               "episodes; 0: one per CPU, up to 4")

    @field_validator("discord_token", "slack_bot_token", "slack_app_token", "slack_signing_secret")
    @classmethod
    def _token_strip(cls, value: SecretStr | None) -> SecretStr | None:
        # Shapes are checked by require(), for the mode that uses the token: a bad Slack token
        # must not stop `config`, `ask` or the Discord service.
        return None if value is None else SecretStr(value.get_secret_value().strip())

    @field_validator("meaning_model")
    @classmethod
    def _model_folder(cls, value: str) -> str:
        from .meaning import is_off

        value = value.strip()
        if value and not is_off(value):
            folder = Path(value).expanduser()
            missing = [n for n in ("tokenizer.json", "model.safetensors") if not (folder / n).is_file()]
            if missing:
                raise ValueError(f"{folder} is not a model folder (no {' or '.join(missing)}); "
                                 "name one, off, or leave it empty for the packaged model")
            value = str(folder)
        return value

    @field_validator("state_dir", "run_dir")
    @classmethod
    def _private_dir(cls, value: Path | None) -> Path | None:
        """Create the folder 0700; refuse a symlink, another user's folder or one others can write."""
        # What the bot reads back from here must be what it wrote (see bot/statedir.py).
        return None if value is None else ensure_private_dir(value)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        """Refuse a language without a catalogue, listing those there are."""
        from . import i18n

        return i18n.check(value)

    @field_validator("log_level", "log_format", "reply_visibility", mode="before")
    @classmethod
    def _any_case(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value.upper() if info.field_name == "log_level" else value.lower()
        return value

    @field_validator("slack_admins", mode="before")
    @classmethod
    def _str_list(cls, value: Any) -> Any:
        """Accept `U1,U2` as admins write it."""
        if not isinstance(value, str):
            return value
        parts = [p.strip() for p in re.split(r"[,\s]+", value) if p.strip()]
        if not all(re.fullmatch(r"[A-Z0-9]{2,30}", p) for p in parts):
            raise ValueError("must be Slack user ids (like U012ABCDEF) separated by commas")
        return parts

    @field_validator("discord_guild_ids", "discord_shard_ids", mode="before")
    @classmethod
    def _id_list(cls, value: Any) -> Any:
        """Accept `1,2,3` as admins write it, and JSON `[1, 2, 3]`."""
        if isinstance(value, int) and not isinstance(value, bool):
            # One id alone: pydantic-settings JSON-decodes an optional list's value ("0" -> 0) first.
            return [value]
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                raise ValueError("is not a valid list: write ids separated by commas, like 123,456") from None
        parts = [p.strip() for p in re.split(r"[,\s]+", text) if p.strip()]
        if not all(p.isdecimal() for p in parts):
            raise ValueError("must be whole numbers separated by commas, like 123,456")
        return [int(p) for p in parts]

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def runtime_dir(self) -> Path:
        """Where the running process keeps its pid file and reload status."""
        return self.run_dir or self.state_dir

    def require(self, *names: str) -> None:
        """Raise ConfigError naming every required setting that is missing or malformed, and where it came from."""
        problems = []
        for name in names:
            var = env_name(name)
            value = getattr(self, name)
            if value is None:
                empty = self._sources.get(name + ":empty")
                where = f" (it is empty in {empty})" if empty else ""
                problems.append(f"{var} is not set{where}: {_HOW.get(var, 'set it in .env or as a secret')}")
                continue
            problem = self.token_problem(name)
            if problem:
                problems.append(problem)
        if problems:
            raise ConfigError(problems)

    def token_problem(self, name: str) -> str | None:
        """One line on what is wrong with a credential's shape and where it was set; None when it looks right."""
        value = getattr(self, name)
        if not isinstance(value, SecretStr):
            return None
        problem = token_problem(name, value.get_secret_value())
        if problem is None:
            return None
        return _problem(name, name, problem, self.source(name))

    def source(self, name: str) -> str | None:
        """Where a setting's value came from: the environment, the .env file or a secret file."""
        return self._sources.get(name)

    def masked(self) -> dict[str, str]:
        """The effective configuration with every secret masked, for `episode-bot config`."""
        out = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown = "********"
            elif value is None:
                shown = "(not set)"
            elif isinstance(value, list):
                shown = ",".join(str(v) for v in value)
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
_SLACK_SHAPES = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}
_KNOWN_SHAPES = {"xoxb-": "a Slack bot token", "xoxp-": "a Slack user token", "xapp-": "a Slack app-level token"}


def token_problem(field: str, secret: str) -> str | None:
    """Say what is wrong with a credential's shape, without quoting it; None when it looks right."""
    if not secret:
        return "is set but empty"
    if any(ch.isspace() for ch in secret):
        if field == "discord_token" and secret.lower().startswith("bot "):
            return "starts with 'Bot '; paste the token alone, without the prefix"
        return "contains spaces or line breaks: paste the token alone"
    looks_like = next((what for p, what in _KNOWN_SHAPES.items() if secret.startswith(p)), None)
    wanted = _SLACK_SHAPES.get(field)
    if wanted:
        if not secret.startswith(wanted):
            found = f"it looks like {looks_like}" if looks_like else "it does not"
            return f"must start with {wanted} ({found})"
        if len(secret) <= len(wanted):
            return f"holds only the {wanted} prefix: paste the whole token"
        return None
    if looks_like:
        return f"looks like {looks_like}, not this setting: check which value went where"
    if field == "discord_token" and (secret.count(".") != 2 or "" in secret.split(".")):
        return "does not look like a Discord bot token (three parts separated by dots)"
    return None


def report(exc: ConfigError) -> int:
    """Print each configuration problem on its own line (never a value); return exit code 2."""
    for line in exc.problems:
        print(f"config error: {line}", file=sys.stderr)
    return 2


def env_name(field: str) -> str:
    """Return the environment variable an admin sets for a field."""
    info = Settings.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return PREFIX + field.upper()


def _field_for(loc: str) -> str | None:
    """Map an error location (field name or any of its aliases) back to the field."""
    key = loc.lower()
    if key in Settings.model_fields:
        return key
    if key.startswith(PREFIX.lower()) and key[len(PREFIX):] in Settings.model_fields:
        return key[len(PREFIX):]
    return next((f for f in Settings.model_fields if env_name(f).lower() == key), None)


def _problem(field: str | None, loc: str, message: str, source: str | None = None) -> str:
    name = env_name(field) if field else loc.upper()
    message = message.removeprefix("Value error, ").rstrip(".")
    message = message[:1].lower() + message[1:]
    if name in _HOW:
        fix = _HOW[name]
    elif field:
        info = Settings.model_fields[field]
        what = info.description or ""
        allowed = get_args(info.annotation) if get_origin(info.annotation) is Literal else ()
        if allowed:
            fix = f"set {name} to " + " or ".join(allowed) + (f"; {what[:1].lower()}{what[1:]}" if what else "")
        else:
            fix = f"set {name} to a valid value" + (f": {what[:1].lower()}{what[1:]}" if what else "")
        fix += " (see .env.example)"
    else:
        fix = "see .env.example"
    where = f" (set in {source})" if source else ""
    return f"{name}{where} {message}. Fix: {fix}."


def _names(field: str) -> list[str]:
    """Every spelling a source may use for a field, lower-cased (sources match case-insensitively)."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return [str(a).lower() for a in alias.choices]
    return [(PREFIX + field).lower()]


def _find_sources(env_file: str | Path | None, secrets_dir: str | Path | None,
                  overrides: dict[str, Any]) -> dict[str, str]:
    """Say where each set field came from, in the order pydantic-settings reads them.

    Also records `field:empty` when an empty value was skipped, so a message can say
    "it is empty in .env" instead of just "not set".
    """
    environ = {k.lower(): v for k, v in os.environ.items()}
    dotenv: dict[str, str | None] = {}
    if env_file:
        from dotenv import dotenv_values

        dotenv = {k.lower(): v for k, v in dotenv_values(env_file).items()}
    env_label = "the .env file" if env_file and Path(env_file).name == ".env" else str(env_file)
    secret_files = {}
    if secrets_dir:
        with contextlib.suppress(OSError):
            secret_files = {p.name.lower(): p for p in Path(secrets_dir).iterdir()}
    found: dict[str, str] = {}
    for field in Settings.model_fields:
        if field in overrides:
            continue
        names = _names(field)
        for label, values in (("the environment", environ), (env_label, dotenv)):
            value = next((values[n] for n in names if values.get(n) is not None), None)
            if value is None:
                continue
            if value == "":
                found.setdefault(field + ":empty", label)
                continue
            found.setdefault(field, label)
        path = next((secret_files[n] for n in names if n in secret_files), None)
        if path is not None:
            found.setdefault(field, f"the secret file {path}")
    return found


def unknown_settings(env_file: str | Path | None = None) -> list[str]:
    """Name EPISODE_BOT_* variables that no setting reads (usually typos), with a suggestion."""
    names = {n.upper() for n in os.environ if n.upper().startswith(PREFIX)}
    if env_file and Path(env_file).is_file():
        from dotenv import dotenv_values

        names |= {n.upper() for n in dotenv_values(env_file) if n.upper().startswith(PREFIX)}
    known = {PREFIX + f.upper() for f in Settings.model_fields}
    notes = []
    for name in sorted(names - known):
        close = difflib.get_close_matches(name, sorted(known), n=1)
        notes.append(f"{name} is not a setting and is ignored" + (f"; did you mean {close[0]}?" if close else ""))
    return notes


def load_settings(env_file: str | Path | None = ".env", secrets_dir: str | Path | None = SECRETS_DIR,
                  **overrides: Any) -> Settings:
    """Load settings, turning every validation error into a ConfigError without values."""
    kwargs: dict[str, Any] = {"_env_file": env_file if env_file and Path(env_file).is_file() else None}
    # pydantic-settings warns about a missing secrets folder; outside a container there is none.
    kwargs["_secrets_dir"] = str(secrets_dir) if secrets_dir and Path(secrets_dir).is_dir() else None
    sources = _find_sources(kwargs["_env_file"], kwargs["_secrets_dir"], overrides)
    try:
        settings = Settings(**kwargs, **overrides)
    except ValidationError as exc:
        # include_input=False: the errors would otherwise carry every loaded secret.
        problems = []
        for err in exc.errors(include_input=False, include_url=False, include_context=False):
            loc = str(err["loc"][0]) if err["loc"] else "?"
            field = _field_for(loc)
            problems.append(_problem(field, loc, err["msg"], sources.get(field or "")))
        raise ConfigError(problems) from None
    except SettingsError as exc:
        # Raised for a value a source could not decode; its message names the field, never the value.
        match = re.search(r'field "([^"]+)"', str(exc))
        field = _field_for(match.group(1)) if match else None
        raise ConfigError([_problem(field, "settings", "could not be read")]) from None
    except OSError as exc:  # an unreadable secret file: bind mounts keep the host's owner and mode
        where = Path(exc.filename).name if exc.filename else "a settings file"
        raise ConfigError([f"{where} could not be read ({exc.strerror or exc}). Fix: make it readable "
                           "by the bot's user (uid 10001 in the container), e.g. chmod 644."]) from None
    for note in unknown_settings(kwargs["_env_file"]):
        log.warning("%s", note)
    settings._sources = sources
    from .meaning import configure

    configure(settings.meaning_model)  # the indexes this process builds use the model named here
    from . import indexer

    indexer.configure(settings.index_workers)
    return settings


__all__ = ["Settings", "ConfigError", "load_settings", "env_name", "token_problem", "unknown_settings",
           "PREFIX", "SECRETS_DIR"]
