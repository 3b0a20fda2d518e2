"""Replay the Dockerfile's install steps in a fresh virtual environment, then use the result.

No Docker engine runs here, so the test reads the Dockerfile itself: the build
stage's COPY and RUN lines run as written, with the container's own folders
(/src, /opt/venv, /app) placed under a temporary root; the final stage's COPY
and ENV lines set up the folder the bot runs in. Then `episode-bot check` and
`episode-bot ask` run from the new environment, as the container's ENTRYPOINT
would run them. pip's download cache is reused, as the Dockerfile's cache mount does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .dockerfile import Instruction, dockerignore, ignored, parse

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_DIRS = "usr|bin|sbin|lib|lib64|etc|tmp|dev|proc|sys|root|var|run"
CONTAINER_PATH = re.compile(rf"(?<![\w./$-])/(?!(?:{SYSTEM_DIRS})\b)([A-Za-z0-9_.-]+)")


class Replay:
    """A temporary stand-in for the image's filesystem and environment."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "image"
        self.root.mkdir()
        shim = tmp / "shim"  # `python` in the image is the base Python 3.11
        shim.mkdir()
        (shim / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
        self.env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
        self.env["PATH"] = f"{shim}:{self.env.get('PATH', '/usr/bin:/bin')}"
        self.workdir = self.root
        self.ignore = dockerignore(ROOT)

    def host(self, path: str) -> Path:
        path = self.map(path)
        return Path(path) if path.startswith("/") else self.workdir / path

    def map(self, text: str) -> str:
        """Put the container's own folders under the temporary root."""
        return CONTAINER_PATH.sub(lambda m: f"{self.root}/{m.group(1)}", text)

    def apply(self, step: Instruction, run: bool) -> None:
        if step.keyword == "WORKDIR":
            self.workdir = self.host(step.args.strip())
            self.workdir.mkdir(parents=True, exist_ok=True)
        elif step.keyword == "ENV":
            for word in step.words():
                key, _, value = word.partition("=")
                self.env[key] = re.sub(r"\$\{?(\w+)\}?", lambda m: self.env.get(m.group(1), ""), self.map(value))
        elif step.keyword == "COPY":
            *sources, dest = step.words()
            if "from" in step.flags:
                for source in sources:  # from another stage: already in place unless it moves
                    if self.host(source) != self.host(dest):
                        shutil.copytree(self.host(source), self.host(dest), symlinks=True, dirs_exist_ok=True)
                return
            for source in sources:
                self.copy_from_context(source, dest)
        elif step.keyword == "RUN" and run:
            command = self.map(step.args)
            done = subprocess.run(["sh", "-c", command], cwd=self.workdir, env=self.env,
                                  capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, f"RUN {step.args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"

    def copy_from_context(self, source: str, dest: str) -> None:
        src = ROOT / source
        target = self.host(dest)
        if dest.endswith("/") or dest in (".", "./"):
            target = target / src.name if src.is_file() else target
        if src.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            return
        for path in sorted(src.rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.is_file() and not ignored(rel, self.ignore):
                out = target / path.relative_to(src)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, out)


@pytest.mark.slow
def test_dockerfile_install_steps_give_a_working_bot(tmp_path):
    _, stages = parse(ROOT / "Dockerfile")
    build, final = stages[0], stages[-1]
    replay = Replay(tmp_path)
    started = time.monotonic()
    for step in build.instructions:
        replay.apply(step, run=True)
    for step in final.instructions:  # its RUN adds the OS user: not something to do to this machine
        replay.apply(step, run=False)
    print(f"Dockerfile install steps in a fresh venv: {time.monotonic() - started:.1f} s")

    entrypoint = final.all("ENTRYPOINT")[-1].words()
    assert entrypoint == ["episode-bot"]
    program = shutil.which(entrypoint[0], path=replay.env["PATH"])
    assert program and program.startswith(str(replay.root)), "episode-bot must come from the new environment"
    assert Path(program).resolve() != (Path(sys.executable).parent / "episode-bot").resolve()

    def bot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([program, *args], cwd=replay.workdir, env=replay.env, capture_output=True,
                              text=True, timeout=120)

    check = bot("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert re.search(r"\d+ files, 1 episodes, 0 errors", check.stdout)
    assert str(replay.root) in replay.env["EPISODE_BOT_SEEDS_DIR"]  # the image's own seeds were read

    ask = bot("ask", "What is RLVR?", "--json")
    assert ask.returncode == 0, ask.stdout + ask.stderr
    assert '"command": "ask"' in ask.stdout and "RLVR" in ask.stdout

    # The installed package is a real copy, not the checkout: editing the checkout cannot help it.
    where = subprocess.run([str(Path(program).with_name("python")), "-c", "import bot; print(bot.__file__)"],
                           cwd=replay.workdir, env=replay.env, capture_output=True, text=True, timeout=60)
    assert str(replay.root) in where.stdout and str(ROOT / "bot") not in where.stdout
