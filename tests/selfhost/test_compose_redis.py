"""The compose file's `redis` service: off unless asked for, locked down, keeps nothing on disk."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def redis_service() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["redis"]


def test_redis_runs_only_with_its_profile_and_publishes_nothing():
    svc = redis_service()
    assert svc["profiles"] == ["redis"] and not svc.get("ports")
    command = svc["command"]
    assert command[0] == "redis-server"
    assert command[command.index("--save") + 1] == "" and command[command.index("--appendonly") + 1] == "no"


def test_redis_is_locked_down():
    svc = redis_service()
    assert str(svc["user"]).split(":")[0] not in ("0", "root", "")
    assert svc["read_only"] is True and svc["cap_drop"] == ["ALL"] and not svc.get("cap_add")
    assert "no-new-privileges:true" in svc["security_opt"] and svc["init"] is True
    assert svc["restart"] == "unless-stopped" and svc["stop_grace_period"] == "10s"
    assert svc["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_env_example_names_the_compose_redis():
    text = (ROOT / ".env.example").read_text()
    assert "# EPISODE_BOT_REDIS_URL=" in text and "redis://redis:6379/0" in text


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="CI installs Debian's docker-compose")
def test_docker_compose_resolves_the_redis_profile_beside_a_bot(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "seeds").mkdir()
    result = subprocess.run(["docker-compose", "--profile", "slack-http", "--profile", "redis", "config"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"slack-http", "redis"} <= set(services)
