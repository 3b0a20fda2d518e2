"""`episode-bot health` and `episode-bot reload`: talk to the bot running beside them.

Both are run inside the bot's container (the image's HEALTHCHECK, `docker
compose exec`) and find the bot through files in its writable folders: the
heartbeat the adapter refreshes while its platform connection is live, and
the pid file it writes so a reload can be asked for with SIGHUP.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from . import pidfile
from .runtime import RELOAD_STATUS, heartbeat_pid, heartbeat_url, is_fresh, pid_alive, progress_file
from .settings import ConfigError, Settings, load_settings, report


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise SystemExit(report(exc)) from None


def main(argv: list[str] | None = None) -> int:
    """Exit 0 while the running adapter's heartbeat is fresh, 1 otherwise."""
    parser = argparse.ArgumentParser(prog="episode-bot health",
                                     description="Exit 0 while the running bot is connected to its platform.")
    parser.add_argument("--heartbeat", metavar="PATH", help="heartbeat file (default: EPISODE_BOT_HEARTBEAT_PATH)")
    parser.add_argument("--max-age", type=float, metavar="SECONDS",
                        help="oldest heartbeat that counts (default: EPISODE_BOT_HEARTBEAT_MAX_AGE)")
    args = parser.parse_args(argv or [])
    settings = _settings_or_exit()
    path = Path(args.heartbeat or settings.heartbeat_path)
    max_age = args.max_age if args.max_age is not None else settings.heartbeat_max_age
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        building = _building(path, max_age)
        if building:  # still 1: the bot answers nothing yet; Docker's start period says "starting"
            print(f"starting: {building}")
            return 1
        print(f"unhealthy: no heartbeat at {path}; the bot is not running or not connected yet "
              "(see its logs)")
        return 1
    if not is_fresh(path, max_age):
        print(f"unhealthy: last heartbeat {age:.0f} s ago (limit {max_age:.0f} s); "
              "the platform connection is down (see the logs)")
        return 1
    pid = heartbeat_pid(path)
    if pid is not None and not pid_alive(pid):
        print(f"unhealthy: the process that wrote the heartbeat (pid {pid}) has exited")
        return 1
    url = heartbeat_url(path)
    answered = ""
    if url is not None:  # HTTP mode: connected is not enough, the bot must answer a command
        problem, answered = _ask_healthz(url)
        if problem:
            print(f"unhealthy: {problem}")
            return 1
    print(f"healthy: heartbeat {max(age, 0):.0f} s old" + (f" (pid {pid})" if pid else "") + answered)
    return 0


def _building(heartbeat: Path, max_age: float) -> str | None:
    """Say how far the first build is, when a live bot published it recently; else None."""
    from .progress import Status, read_status

    record = read_status(progress_file(heartbeat))
    if record is None or time.time() - record["time"] > max_age or not pid_alive(int(record["pid"])):
        return None
    status = Status(record["step"], int(record["done"]), int(record["total"]), record["unit"],
                    elapsed=0.0, eta=record.get("eta_s"))  # said as the building bot's own log line says it
    return f"{status.line()} (pid {int(record['pid'])} is loading the episodes; it connects when they are indexed)"


def _ask_healthz(url: str, timeout: float = 4.0) -> tuple[str | None, str]:
    """GET the running bot's /healthz; return (problem or None, what it said when healthy)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - our own loopback URL
            body = json.loads(resp.read(4096) or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read(4096) or b"{}").get("error") or f"HTTP {exc.code}"
        except ValueError:
            reason = f"HTTP {exc.code}"
        return f"the bot does not answer commands ({reason}; see its logs)", ""
    except (OSError, ValueError) as exc:
        return f"cannot reach {url} ({getattr(exc, 'reason', exc)})", ""
    return None, f"; a test command answered in {body.get('probe_ms', '?')} ms"


def reload_main(argv: list[str] | None = None) -> int:
    """Send SIGHUP to every running bot found in the state folder and report the reload."""
    parser = argparse.ArgumentParser(prog="episode-bot reload",
                                     description="Ask the running bot to reload the episodes from its seeds folder.")
    parser.add_argument("--run-dir", metavar="DIR",
                        help="the bot's pid folder (default: EPISODE_BOT_RUN_DIR, else EPISODE_BOT_STATE_DIR)")
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                        help="how long to wait for the bot to report back (0: don't wait)")
    args = parser.parse_args(argv or [])
    state_dir = Path(args.run_dir or _settings_or_exit().runtime_dir)
    targets = []
    for path in sorted(state_dir.glob("*.pid")):
        record = pidfile.read(path)
        if record is None:
            print(f"skipped {path.name}: not a pid file this bot wrote (restart the bot to rewrite it)",
                  file=sys.stderr)
            continue
        if not pid_alive(record["pid"]):
            continue
        # SIGHUP stops most programs: signal only the process that wrote this file.
        refused = pidfile.problem(path, record)
        if refused:
            print(f"not signalled: {path.name}: {refused}", file=sys.stderr)
            continue
        targets.append((path.stem, record["pid"]))
    if not targets:
        print(f"error: no running bot found in {state_dir} (is it started, and does it use this "
              "EPISODE_BOT_RUN_DIR or EPISODE_BOT_STATE_DIR?)", file=sys.stderr)
        return 1
    sent_at = time.time()
    for name, pid in targets:
        try:
            os.kill(pid, signal.SIGHUP)
        except OSError as exc:
            print(f"error: could not signal {name} (pid {pid}): {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"asked {name} (pid {pid}) to reload")
    if args.wait <= 0:
        return 0
    deadline = time.monotonic() + args.wait
    waiting = {pid for _, pid in targets}
    failed = False
    while waiting and time.monotonic() < deadline:
        for pid in sorted(waiting):
            status = _read_status(state_dir / RELOAD_STATUS.format(pid=pid))
            if not status or status.get("time", 0) < sent_at:
                continue
            waiting.discard(pid)
            if status.get("ok"):
                print(f"reloaded: pid {pid} now serves {status.get('episodes')} episode(s)")
            else:
                failed = True
                print(f"reload failed: pid {pid} still serves the previous {status.get('episodes')} "
                      "episode(s); its log says why (run `episode-bot check` on the seeds folder)")
        time.sleep(0.1)
    if waiting:
        print(f"no answer within {args.wait:.0f} s; see the bot's logs", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _read_status(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
