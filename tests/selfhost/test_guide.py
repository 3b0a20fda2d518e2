"""Every command in docs/admin-guide.md is exercised: run here, or checked against the compose file.

Commands that need a Docker engine are checked for what can go wrong without
one (the service, profile or image they name exists); the `episode-bot`
command each one runs inside the container is run here for real. Shell steps
(copying .env, writing secret files) run in a scratch copy of the project and
their result is loaded by the settings. scripts/container-test runs the same
lines in a real Docker Engine (CI: .ci/90-container.sh).
"""

from __future__ import annotations

import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.settings import load_settings

from .conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "admin-guide.md"
FAKE = {"discord_token": "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB",
        "slack_bot_token": "xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx",
        "slack_app_token": "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef",
        "slack_signing_secret": "8f742231b10e8888abcd99yyyzzz85a5"}
SHELL_STEPS = ("cp ", "mkdir ", "read ")
# Commands that would start a bot: checked with --help (the arguments parse), not run.
STARTS_A_BOT = {("discord",), ("slack",)}


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(), flags=re.S)


def sh_lines() -> list[str]:
    return [line.strip() for block in blocks("sh") for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def inline_commands() -> list[str]:
    return [c for c in re.findall(r"`([^`\n]+)`", GUIDE.read_text())
            if c.startswith(("docker compose ", "episode-bot ", ".venv/bin/episode-bot "))]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def check_compose_command(words: list[str]) -> list[str] | None:
    """Check a `docker compose ...` line; return the episode-bot arguments it runs, if any."""
    services = compose()["services"]
    profiles = {p for svc in services.values() for p in svc.get("profiles", [])}
    args = words[2:]
    while args and args[0] == "--profile":
        assert args[1] in profiles, f"no profile {args[1]!r}"
        args = args[2:]
    verb, rest = args[0], args[1:]
    assert verb in {"build", "up", "ps", "logs", "exec", "run", "stop", "version"}, f"unexpected compose verb {verb!r}"
    if verb == "up":
        assert "-d" in rest
        for i, word in enumerate(rest):
            if word == "--scale":
                service, count = rest[i + 1].split("=")
                assert service in services and int(count) > 1
    if verb == "build":
        # Every service is behind a profile: a bare `docker compose build` builds nothing.
        assert rest, "`docker compose build` needs a service (or a profile) to build anything"
        assert all(services[name].get("build") for name in rest)
    if verb == "run":
        assert rest[0] == "--rm" and rest[1] == "cli", "one-off commands run in the cli service"
        assert not services["cli"].get("secrets")
        return rest[2:]
    if verb == "stop":
        assert words[2] == "--profile"
    if verb == "logs":
        assert rest[-1] in services
    if verb == "exec":
        assert rest[0] in services and rest[1] == "episode-bot"
        return rest[2:]
    return None


def run_episode_bot(args: list[str], cwd: Path) -> str:
    """Run an `episode-bot` command the guide shows; return its output."""
    env = {"EPISODE_BOT_SEEDS_DIR": str(ROOT / "seeds")}
    if tuple(args[:1]) in STARTS_A_BOT and not {"manifest", "invite-url", "sync"} & set(args):
        result = run_cli(*args, "--help", cwd=cwd, env=env)
        assert result.returncode == 0, f"episode-bot {shlex.join(args)}: {result.stderr}"
        return result.stdout
    result = run_cli(*args, cwd=cwd, env=env)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "usage:" not in result.stderr, output
    expected = {"health": (1, "unhealthy"), "reload": (1, "no running bot")}.get(args[0], (0, ""))
    assert result.returncode == expected[0] and expected[1] in output, f"episode-bot {shlex.join(args)}: {output}"
    return result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of what an admin has in the project folder."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("docker-compose.yml", ".env.example"):
        shutil.copy(ROOT / name, folder)
    (folder / "seeds").mkdir()
    return folder


def test_every_command_block_is_exercised(project: Path):
    seen = set()
    for line in sh_lines():
        words = shlex.split(line)
        if line.startswith(SHELL_STEPS):
            name = next((n for n in FAKE if f"secrets/{n}" in line), None)
            result = subprocess.run(["bash", "-c", line], cwd=project, input=(FAKE[name] + "\n") if name else "",
                                    capture_output=True, text=True, timeout=30)
            assert result.returncode == 0, f"{line}: {result.stderr}"
            seen.add(words[0])
        elif words[:2] == ["docker", "compose"]:
            redirect = words.index(">") if ">" in words else len(words)
            inner = check_compose_command(words[:redirect])
            if inner:
                out = run_episode_bot(inner, project)
                if "manifest" in words:
                    assert yaml.safe_load(out)["features"]["slash_commands"]
                if "invite-url" in words:
                    assert "scope=bot+applications.commands" in out and "permissions=0" in out
            seen.add("run" if "run" in words else "compose")
        elif words[0] == "python3" and words[1:3] == ["-m", "venv"]:
            seen.add("venv")  # the same install test_install.py replays from the Dockerfile
        elif words[0] == ".venv/bin/pip" and words[1:] == ["install", "."]:
            seen.add("pip")
        elif words[0] == ".venv/bin/episode-bot":
            run_episode_bot(words[1:], ROOT)
            seen.add("episode-bot")
        else:
            pytest.fail(f"the guide's command {line!r} is not exercised by any test")
    assert {"cp", "mkdir", "read", "compose", "run", "episode-bot"} <= seen

    # What the shell steps made is what the bot reads: .env, and one secret file per token.
    assert (project / ".env").read_text() == (ROOT / ".env.example").read_text()
    assert stat.S_IMODE((project / "secrets").stat().st_mode) == 0o700
    settings = load_settings(env_file=project / ".env", secrets_dir=project / "secrets")
    for name, value in FAKE.items():
        assert getattr(settings, name).get_secret_value() == value
        assert stat.S_IMODE((project / "secrets" / name).stat().st_mode) == 0o644
    assert set(compose()["secrets"]) == set(FAKE) | {"postgres_password"}  # the optional postgres profile's


def test_inline_commands_are_real(project: Path):
    found = inline_commands()
    assert len(found) >= 5
    for command in found:
        words = shlex.split(command)
        if words[:2] == ["docker", "compose"]:
            inner = check_compose_command(words)
            if inner:
                run_episode_bot(inner, project)
        else:
            run_episode_bot(words[1:], project)


def test_order_works_verbatim():
    """.env exists before compose reads it, the image before anything runs it; nothing uses `docker run`."""
    lines = sh_lines()
    first_compose = next(i for i, line in enumerate(lines) if line.startswith("docker compose"))
    assert lines.index("cp .env.example .env") < first_compose  # every service's env_file
    build = next(i for i, line in enumerate(lines) if line.startswith("docker compose build"))
    uses = [i for i, line in enumerate(lines) if re.match(r"docker compose .*\b(run|up|exec)\b", line)]
    assert build < min(uses)
    assert not any(line.startswith("docker run") for line in lines)  # compose names the image; run doesn't


def test_manifest_reads_the_prefix_from_env(project: Path):
    """The guide's manifest command and the running bot read the same .env, so they name the same commands."""
    (line,) = [line for line in sh_lines() if "slack manifest" in line and "--http-url" not in line]
    inner = check_compose_command(shlex.split(line.split(">")[0]))
    svc = compose()["services"]["cli"]
    assert svc["env_file"] == compose()["services"]["slack-http"]["env_file"]
    (project / ".env").write_text("EPISODE_BOT_SLACK_COMMAND_PREFIX=pod\n")
    names = [c["command"] for c in yaml.safe_load(run_episode_bot(inner, project))["features"]["slash_commands"]]
    assert "/pod-ask" in names and all(n.startswith("/pod-") for n in names)


def test_sharding_uses_the_compose_profile():
    text = GUIDE.read_text()
    assert "docker compose --profile discord-sharded up -d" in sh_lines()
    assert "extends:" not in text  # Compose v2 rejected the old override example
    assert {"discord-shard-0", "discord-shard-1"} <= set(compose()["services"])


def test_guide_links_exist_or_are_being_written():
    for target in re.findall(r"\]\(([\w.-]+\.md)\)", GUIDE.read_text()):
        # discord.md is written alongside this guide by the Discord work; the others must be here.
        assert (GUIDE.parent / target).is_file() or target == "discord.md", target
