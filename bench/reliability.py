"""Reliability under load: the real bot processes on loopback, counted reply by reply.

    python -m bench.reliability                     # 1,000 Slack commands (50 at once), 1,000 Discord
                                                    # interactions (bursts of 50), then a 2-minute soak
    python -m bench.reliability --soak 1800         # the full 30-minute soak
    python -m bench.reliability -n 100 --soak 10 --json     # a quick look

Each bot runs as its own process through the real CLI (`episode-bot slack
--http`, `episode-bot discord`), rate limits and secret-masking logs on, as
an admin would run it. The Slack side is a small local Slack (auth.test and
response_urls) and every command is signed like Slack signs it; the Discord
side is the test suite's Discord stand-in (REST and gateway). Every command
and interaction is followed to its answer: a reply that never arrives is
counted as lost. Peak RSS is the bot process's own high-water mark (VmHWM).
Figures are printed, never asserted; docs/reliability.md holds a run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, ClientTimeout, TCPConnector

from .quality import query_option
from .slack_latency import Sink, signed
from .speed import percentile

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SECRET = "reliability-signing-secret-0123456789"
BOT_TOKEN = "xoxb-0000-0000-reliabilitybench"
ANSWER_TIMEOUT = 30.0  # seconds after which a reply that has not arrived counts as lost
START_TIMEOUT = 60.0
WORK = [("ask", "What is RLVR?"), ("chapter", "scaling laws"), ("quote", "calculator"), ("summary", ""),
        ("summary", "work culture"), ("episode", "490"), ("help", ""), ("chapter", "1:30:00"), ("quote", ""),
        ("ask", "Who said coding agents changed their work?")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_memory(pid: int) -> dict[str, float]:
    """Return the process's current and peak resident memory in MB (Linux /proc)."""
    out = {"rss_mb": 0.0, "peak_rss_mb": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                out["peak_rss_mb"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out


# -- the bot processes --------------------------------------------------------------------

@dataclass
class BotProcess:
    """One bot run through the real CLI, its log kept in a file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", *self.argv], env=self.env, cwd=ROOT,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    def memory(self) -> dict[str, float]:
        return proc_memory(self.proc.pid) if self.proc else {"rss_mb": 0.0, "peak_rss_mb": 0.0}

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int | None:
        """Stop with SIGTERM (as Docker does); kill after 15 s."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        return self.proc.returncode

    def log_problems(self) -> dict[str, Any]:
        """Count tracebacks and error lines in the bot's log, and check no secret leaked into it."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        secrets = [v for k, v in self.env.items() if k in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
                                                           "DISCORD_TOKEN")]
        first = text.find("Traceback (most recent call last)")
        # The log line that carried the first traceback, and the traceback: a failing run says why.
        start = text.rfind("\n", 0, max(first - 1, 0)) + 1
        return {"tracebacks": text.count("Traceback (most recent call last)"),
                "first_problem": text[start:first + 1500] if first >= 0 else "",
                "error_lines": sum(" ERROR " in line for line in text.splitlines()),
                "secrets_in_log": sum(text.count(s) for s in secrets),
                "log_lines": len(text.splitlines())}


def base_env(tmp: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "EPISODE_BOT_"))}
    env.update({"EPISODE_BOT_SEEDS_DIR": str(SEEDS), "EPISODE_BOT_STATE_DIR": str(tmp / f"{name}-state"),
                "EPISODE_BOT_HEARTBEAT_PATH": str(tmp / f"{name}.heartbeat"), "EPISODE_BOT_WATCH_SEEDS": "false",
                "EPISODE_BOT_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"})
    return env


# -- Slack ----------------------------------------------------------------------------------

@dataclass
class Tally:
    """What happened to every request of one run."""

    sent: int = 0
    answered: int = 0
    lost: int = 0
    slowed: int = 0  # answered "slow down" by the rate limiter
    errors: int = 0  # answered with a user error
    status: dict[str, int] = field(default_factory=dict)
    ack_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)

    def count_status(self, status: int | str) -> None:
        self.status[str(status)] = self.status.get(str(status), 0) + 1

    def figures(self) -> dict[str, Any]:
        five = sum(n for s, n in self.status.items() if s.startswith("5"))
        return {"sent": self.sent, "answered": self.answered, "lost": self.lost, "http_5xx": five,
                "status": self.status, "slowed": self.slowed, "user_errors": self.errors,
                "ack_p50_ms": round(percentile(self.ack_ms, 50), 1), "ack_p99_ms": round(percentile(self.ack_ms, 99), 1),
                "answer_p50_ms": round(percentile(self.answer_ms, 50), 1),
                "answer_p99_ms": round(percentile(self.answer_ms, 99), 1),
                "answer_max_ms": round(max(self.answer_ms, default=0.0), 1)}


class SlackLoad:
    """Signed slash commands against `episode-bot slack --http`, each followed to its answer."""

    def __init__(self, sink: Sink, port: int) -> None:
        self.sink = sink
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.health = f"http://127.0.0.1:{port}/healthz"
        self.ids = itertools.count(1)
        self.session: ClientSession | None = None

    async def __aenter__(self) -> SlackLoad:
        self.session = ClientSession(connector=TCPConnector(limit=200), timeout=ClientTimeout(total=30))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()

    async def ready(self, bot: BotProcess) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and bot.alive():
            try:
                async with self.session.get(self.health) as resp:  # type: ignore[union-attr]
                    if resp.status == 200:
                        return
            except OSError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the Slack bot did not start: see {bot.log_path}")

    async def one(self, tally: Tally, n: int) -> None:
        command, text = WORK[n % len(WORK)]
        key = f"s{next(self.ids)}"
        # One user and channel per command: the limiter is on but this measures answers, not refusals.
        body = urlencode({"token": "legacy", "team_id": "T0BENCH", "team_domain": "bench",
                          "channel_id": f"C{n:07d}", "channel_name": "bench", "user_id": f"U{n:07d}",
                          "user_name": "bench", "command": f"/{command}", "text": text, "api_app_id": "A0BENCH",
                          "is_enterprise_install": "false", "response_url": self.sink.response_url(key),
                          "trigger_id": f"{n}.1.bench"})
        tally.sent += 1
        start = time.perf_counter()
        try:
            async with self.session.post(self.url, data=body.encode(), headers=signed(body, SECRET)) as resp:  # type: ignore[union-attr]
                ack = await resp.text()
                status = resp.status
        except Exception as exc:  # a refused or dropped connection is a lost reply, not a crash here
            tally.count_status(type(exc).__name__)
            tally.lost += 1
            return
        tally.ack_ms.append((time.perf_counter() - start) * 1000)
        tally.count_status(status)
        if status != 200:
            tally.lost += 1
            return
        if ack.strip():  # a usage error answered in the ack itself
            tally.answered += 1
            tally.errors += 1
            return
        try:
            await asyncio.wait_for(asyncio.shield(self.sink.waiters[key]), ANSWER_TIMEOUT)
        except asyncio.TimeoutError:
            tally.lost += 1
            return
        arrived, message = self.sink.arrived[key]
        tally.answer_ms.append((arrived - start) * 1000)
        tally.answered += 1
        if "Slow down" in message.get("text", ""):
            tally.slowed += 1
        elif ":warning:" in json.dumps(message.get("blocks", [])[:1]):
            tally.errors += 1
        self.sink.waiters.pop(key, None)

    async def burst(self, n: int, concurrency: int, start: int = 0) -> Tally:
        tally = Tally()
        gate = asyncio.Semaphore(concurrency)

        async def gated(i: int) -> None:
            async with gate:
                await self.one(tally, i)

        await asyncio.gather(*(gated(start + i) for i in range(n)))
        return tally


# -- Discord --------------------------------------------------------------------------------

class DiscordLoad:
    """Interactions through the Discord stand-in to `episode-bot discord`, each followed to its callback."""

    def __init__(self, standin: Any) -> None:
        self.standin = standin
        self.users = itertools.count(400_000_000_000_000_000)

    async def ready(self, bot: BotProcess, heartbeat: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and bot.alive():
            if heartbeat.exists() and self.standin.commands and any(c.session_id for c in self.standin.connections):
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the Discord bot did not start: see {bot.log_path}")

    async def one(self, tally: Tally, n: int) -> None:
        command, text = WORK[n % len(WORK)]
        options = {query_option(command): text} if text else {}
        tally.sent += 1
        iid = await self.standin.slash(command, options, user_id=str(next(self.users)))
        try:
            callback = await self.standin.answered(iid, timeout=ANSWER_TIMEOUT)
        except (asyncio.TimeoutError, AssertionError):
            tally.lost += 1
            return
        tally.answer_ms.append((self.standin.callback_times[iid] - self.standin.dispatch_times[iid]) * 1000)
        tally.answered += 1
        content = (callback.get("data") or {}).get("content") or ""
        if "Slow down" in content:
            tally.slowed += 1
        elif content.startswith("⚠️"):
            tally.errors += 1

    async def bursts(self, n: int, size: int, start: int = 0) -> Tally:
        tally = Tally()
        before = len(self.standin.calls)
        for first in range(0, n, size):
            await asyncio.gather(*(self.one(tally, start + first + i) for i in range(min(size, n - first))))
        self.count_statuses(tally, before)
        return tally

    def count_statuses(self, tally: Tally, since: int) -> None:
        """Count what the stand-in answered the bot's callbacks and follow-ups since call number `since`."""
        for call in self.standin.calls[since:]:
            if call.path.startswith(("/interactions/", "/webhooks/")):
                tally.count_status(call.status)


# -- the run ----------------------------------------------------------------------------------

async def soak(slack: SlackLoad, discord: DiscordLoad, bots: list[BotProcess], seconds: float, rate: float,
               sample_every: float = 5.0) -> dict[str, Any]:
    """Send `rate` commands a second (Slack and Discord in turn) for `seconds`; sample memory."""
    samples: list[dict[str, Any]] = []
    slack_tally, discord_tally = Tally(), Tally()
    calls_before = len(discord.standin.calls)
    tasks: set[asyncio.Task[None]] = set()
    start = time.monotonic()
    next_sample = start
    n = 0
    while (now := time.monotonic()) - start < seconds:
        if now >= next_sample:
            samples.append({"t": round(now - start, 1), **{b.name: round(b.memory()["rss_mb"], 2) for b in bots}})
            next_sample += sample_every
        which = slack.one(slack_tally, 100_000 + n) if n % 2 == 0 else discord.one(discord_tally, 100_000 + n)
        task = asyncio.ensure_future(which)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
    if tasks:
        await asyncio.gather(*tasks)
    discord.count_statuses(discord_tally, calls_before)
    samples.append({"t": round(time.monotonic() - start, 1), **{b.name: round(b.memory()["rss_mb"], 2) for b in bots}})
    growth = {}
    for b in bots:
        values = [s[b.name] for s in samples]
        settled = values[len(values) // 4:]  # after the first quarter: imports and caches are warm
        growth[b.name] = {"first_mb": values[0], "settled_mb": settled[0], "last_mb": values[-1],
                          "max_mb": max(values), "growth_after_warmup_mb": round(values[-1] - settled[0], 2)}
    return {"seconds": seconds, "rate_per_s": rate, "commands": n, "slack": slack_tally.figures(),
            "discord": discord_tally.figures(), "memory": growth, "samples": samples}


async def run(n_slack: int, concurrency: int, n_discord: int, burst: int, soak_seconds: float,
              rate: float) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests" / "discord"))  # the Discord stand-in lives with the tests
    from discord_standin import FakeDiscord

    figures: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sink = Sink()
        await sink.start()
        standin = await FakeDiscord().start()
        slack_port = free_port()
        slack_env = base_env(tmp, "slack") | {
            "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{sink.port}/api/"}
        discord_env = base_env(tmp, "discord") | {
            "DISCORD_TOKEN": standin.token, "DISCORD_API_BASE": standin.api_base,
            # commands sync to the stand-in's server at start-up, as for an admin's own server
            "EPISODE_BOT_DISCORD_GUILD_IDS": json.dumps([int(g) for g in standin.guild_ids]),
            # the stand-in has one channel: lift the channel limit so the load measures answers, not
            # refusals (every user is still limited; the fault tests cover the channel limit)
            "EPISODE_BOT_CHANNEL_RATE": "100000", "EPISODE_BOT_CHANNEL_BURST": "100000"}
        bots = [BotProcess("slack", ["slack", "--http", "--host", "127.0.0.1", "--port", str(slack_port)],
                           slack_env, tmp / "slack.log"),
                BotProcess("discord", ["discord", "--backoff", "1"], discord_env, tmp / "discord.log")]
        try:
            for bot in bots:
                bot.start()
            async with SlackLoad(sink, slack_port) as slack:
                discord = DiscordLoad(standin)
                await slack.ready(bots[0])
                await discord.ready(bots[1], Path(discord_env["EPISODE_BOT_HEARTBEAT_PATH"]))
                await slack.burst(20, 10, start=10_000_000)  # warm-up, not counted
                await discord.bursts(20, 10, start=10_000_000)
                _say(f"Slack: {n_slack} signed slash commands, {concurrency} at a time")
                started = time.perf_counter()
                figures["slack"] = (await slack.burst(n_slack, concurrency)).figures()
                figures["slack"]["seconds"] = round(time.perf_counter() - started, 2)
                figures["slack"]["concurrency"] = concurrency
                _say(f"Discord: {n_discord} interactions in bursts of {burst}")
                started = time.perf_counter()
                figures["discord"] = (await discord.bursts(n_discord, burst)).figures()
                figures["discord"]["seconds"] = round(time.perf_counter() - started, 2)
                figures["discord"]["burst"] = burst
                figures["discord"]["violations"] = len(standin.violations)
                for bot in bots:
                    figures[bot.name]["peak_rss_mb"] = round(bot.memory()["peak_rss_mb"], 1)
                if soak_seconds > 0:
                    _say(f"Soak: {rate:g} commands/s for {soak_seconds:g} s")
                    figures["soak"] = await soak(slack, discord, bots, soak_seconds, rate)
                for bot in bots:
                    figures[bot.name]["peak_rss_mb_end"] = round(bot.memory()["peak_rss_mb"], 1)
                    figures[bot.name]["still_running"] = bot.alive()
        finally:
            for bot in bots:
                # Off the loop: the stand-ins on this loop must keep answering the replies a stopping bot finishes.
                code = await asyncio.to_thread(bot.stop)
                if bot.name in figures:
                    figures[bot.name]["exit_code"] = code
                    figures[bot.name]["log"] = bot.log_problems()
            await standin.close()
            await sink.stop()
    return figures


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def report(f: dict[str, Any]) -> str:
    """The figures as the lines docs/reliability.md quotes."""
    lines = []
    for name, what in (("slack", f"Slack, {f['slack']['sent']} signed slash commands, "
                                 f"{f['slack'].get('concurrency')} at a time"),
                       ("discord", f"Discord, {f['discord']['sent']} interactions in bursts of "
                                   f"{f['discord'].get('burst')}")):
        s = f[name]
        lines.append(f"{what} ({s['seconds']} s)")
        lines.append(f"  answered {s['answered']}/{s['sent']}, lost {s['lost']}, HTTP 5xx {s['http_5xx']}, "
                     f"statuses {s['status']}, slowed {s['slowed']}, user errors {s['user_errors']}")
        if name == "slack":
            lines.append(f"  ack:    p50 {s['ack_p50_ms']} ms, p99 {s['ack_p99_ms']} ms")
        lines.append(f"  answer: p50 {s['answer_p50_ms']} ms, p99 {s['answer_p99_ms']} ms, "
                     f"worst {s['answer_max_ms']} ms")
        lines.append(f"  bot process: peak RSS {s.get('peak_rss_mb')} MB, exit code {s.get('exit_code')}, "
                     f"log: {s.get('log')}")
    if "soak" in f:
        k = f["soak"]
        lines.append(f"Soak: {k['commands']} commands at {k['rate_per_s']}/s for {k['seconds']} s; "
                     f"lost {k['slack']['lost'] + k['discord']['lost']}, "
                     f"5xx {k['slack']['http_5xx'] + k['discord']['http_5xx']}")
        for name, m in k["memory"].items():
            lines.append(f"  {name}: RSS {m['first_mb']} MB at start, {m['settled_mb']} MB after warm-up, "
                         f"{m['last_mb']} MB at the end (max {m['max_mb']}); growth after warm-up "
                         f"{m['growth_after_warmup_mb']} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--slack", type=int, default=1000, help="Slack commands (default 1000)")
    parser.add_argument("-c", "--concurrency", type=int, default=50, help="Slack commands at once (default 50)")
    parser.add_argument("--discord", type=int, default=None, help="Discord interactions (default: as --slack)")
    parser.add_argument("--burst", type=int, default=50, help="Discord interactions per burst (default 50)")
    parser.add_argument("--soak", type=float, default=120, help="soak seconds, 0 for none (default 120)")
    parser.add_argument("--rate", type=float, default=20, help="soak commands a second (default 20)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    figures = asyncio.run(run(args.slack, args.concurrency, args.discord if args.discord is not None else args.slack,
                              args.burst, args.soak, args.rate))
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    lost = figures["slack"]["lost"] + figures["discord"]["lost"]
    return 1 if lost or figures["slack"]["http_5xx"] else 0


if __name__ == "__main__":
    sys.exit(main())
