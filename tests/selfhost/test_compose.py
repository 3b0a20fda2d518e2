"""docker-compose.yml, Dockerfile and .dockerignore: the rules `docker-compose config -q` doesn't check."""

from __future__ import annotations

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
RESTART_POLICIES = {"no", "always", "unless-stopped", "on-failure"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # resolves the `<<:` merges


def uid_of(user: str) -> str:
    return str(user).split(":")[0]


def test_services_and_no_top_level_name():
    doc = compose()
    assert "name" not in doc and "version" not in doc  # docker-compose 1.29 rejects `name:`
    assert set(doc["volumes"]) == {"state"}
    assert set(doc["services"]) == set(SERVICES)


@pytest.mark.parametrize("service", sorted(SERVICES))
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
    assert "state:/var/lib/episode-bot" in svc["volumes"]  # the image's EPISODE_BOT_STATE_DIR
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


def test_only_http_mode_publishes_a_port():
    services = compose()["services"]
    assert [name for name, svc in services.items() if svc.get("ports")] == ["slack-http"]
    (mapping,) = services["slack-http"]["ports"]
    assert mapping.endswith(":3000") and services["slack-http"]["environment"]["EPISODE_BOT_SLACK_PORT"] == "3000"


def test_stop_grace_fits_the_bots_own_grace():
    from bot.settings import Settings

    for svc in compose()["services"].values():
        assert svc["stop_grace_period"] == "10s"
    assert Settings.model_fields["stop_grace"].default < 10


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="CI installs Debian's docker-compose")
@pytest.mark.parametrize("profile", sorted(SERVICES))
def test_docker_compose_resolves_each_profile(tmp_path, profile):
    # A copy of the project's compose file with the .env an admin makes first; the checkout stays untouched.
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "seeds").mkdir()
    result = subprocess.run(["docker-compose", "--profile", profile, "config"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    svc = yaml.safe_load(result.stdout)["services"][profile]
    assert svc["read_only"] is True and svc["init"] is True and svc["user"] == "10001:10001"
    assert svc["healthcheck"]["test"] == ["CMD", "episode-bot", "health"]


# -- Dockerfile -------------------------------------------------------------------


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


def test_dockerignore_keeps_secrets_and_clutter_out():
    patterns = dockerignore(ROOT)
    for path in [".env", "secrets/discord_token", ".git/config", ".venv/bin/python",
                 "bot/__pycache__/core.cpython-311.pyc", "episode_bot.egg-info/PKG-INFO"]:
        assert ignored(path, patterns), path
    for path in ["bot/core.py", "adapters/__init__.py", "seeds/000_e0b9b57c2803667d.txt", "pyproject.toml",
                 "README.md"]:
        assert not ignored(path, patterns), path
