"""Slack acks for 20 members while one keeps asking about a seed that is one 15 MB line.

    python -m bench.huge_line                # 15 MB, 20 members x 10 commands
    python -m bench.huge_line --mb 5 --json

Two runs in one process, on loopback against the real slack-bolt app behind
the aiohttp server: a baseline with the real seeds only, and the same load
with a plain-text "transcript" of one 15 MB line added to the seeds while one
more member asks about it over and over. Issue 14 saw 9 of 20 acks go past
Slack's 3 s when rendering that file ran on the event loop. Figures are
printed, never asserted; the target is ack p99 under 300 ms in both runs.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import ClientSession, ClientTimeout

from .slack_latency import ROOT, SECRET, TARGET_P99_MS, TOKEN, WORK, Sink, signed
from .speed import percentile

WORDS = ("zebra migration river crossing herd season grass rain predator calf water plain dust "
         "guide camera morning evening lion crocodile journey north south").split()


def write_huge(path: Path, mb: float) -> None:
    """Write one line of about `mb` MB: sentences about a zebra migration, no line break."""
    rnd = random.Random(14)
    target, size, parts = int(mb * 1e6), 0, []
    while size < target:
        sentence = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 24))).capitalize() + "."
        parts.append(sentence)
        size += len(sentence) + 1
    path.write_text("Zebra migration field notes. " + " ".join(parts) + "\n", encoding="utf-8")


async def measure(seeds: Path, members: int, per_member: int, huge_asks: int, huge_episode: str | None) -> dict:
    from adapters.slack.app import build_app
    from adapters.slack.server import build_server, start_server
    from bot.core import EpisodeBot
    from bot.settings import load_settings

    started = time.perf_counter()
    bot = EpisodeBot(seeds)
    load_s = time.perf_counter() - started
    if huge_episode == "find":
        episode = next(e for e in bot.library.episodes if "huge.txt" in e.sources)
        huge_episode = str(episode.number) if episode.number is not None else episode.id
    sink = Sink()
    await sink.start()
    settings = load_settings(env_file=None, secrets_dir=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,
                             slack_api_url=f"http://127.0.0.1:{sink.port}/api/")
    runner, port = await start_server(build_server(build_app(bot, settings), SECRET), "127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}/slack/events"
    ids = itertools.count()
    acks: list[float] = []
    huge_answers: list[float] = []
    errors: list[str] = []

    async def send(session: ClientSession, user: str, command: str, text: str) -> tuple[float, str] | None:
        key = f"k{next(ids)}"
        body = urlencode({"token": "x", "team_id": "T0", "channel_id": "C1", "user_id": user, "command": command,
                          "text": text, "api_app_id": "A0", "response_url": sink.response_url(key),
                          "trigger_id": "t"})
        t0 = time.perf_counter()
        try:
            async with session.post(url, data=body, headers=signed(body, SECRET),
                                    timeout=ClientTimeout(total=10)) as r:
                await r.read()
                if r.status != 200:
                    errors.append(f"HTTP {r.status}")
                    return None
            return (time.perf_counter() - t0) * 1000, key
        except Exception as exc:  # count it, keep measuring
            errors.append(type(exc).__name__)
            return None

    async def member(session: ClientSession, i: int) -> None:
        for j in range(per_member):
            command, text = WORK[(i + j) % len(WORK)]
            got = await send(session, f"U{i}", command, text)
            if got:
                acks.append(got[0])
            await asyncio.sleep(0.05)

    async def huge_asker(session: ClientSession) -> None:
        for k in range(huge_asks):
            t0 = time.perf_counter()
            got = await send(session, "UHUGE", "/ask", f"when do the zebra cross the river {k} episode:{huge_episode}")
            if got:
                try:
                    await asyncio.wait_for(sink.waiters[got[1]], 60)
                    huge_answers.append((sink.arrived[got[1]][0] - t0) * 1000)
                except asyncio.TimeoutError:
                    errors.append("huge answer timed out")

    try:
        async with ClientSession() as session:
            warm = await send(session, "UWARM", "/help", "")  # auth.test, the first connection, lazy caches
            if warm:
                await asyncio.wait_for(sink.waiters[warm[1]], 60)
            tasks = [member(session, i) for i in range(members)]
            if huge_episode:
                tasks.append(huge_asker(session))
            await asyncio.gather(*tasks)
    finally:
        await runner.cleanup()
        await sink.stop()
    return {"load_s": load_s, "acks": len(acks), "ack_p50_ms": percentile(acks, 50),
            "ack_p99_ms": percentile(acks, 99), "ack_max_ms": max(acks, default=0.0),
            "acks_over_3s": sum(a > 3000 for a in acks), "huge_answer_p50_ms": percentile(huge_answers, 50),
            "huge_answer_max_ms": max(huge_answers, default=0.0), "errors": len(errors),
            "error_kinds": sorted(set(errors))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.huge_line", description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=15.0, help="size of the one-line seed (default 15)")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--per-member", type=int, default=10)
    parser.add_argument("--huge-asks", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        shutil.copytree(ROOT / "seeds", seeds)
        base = asyncio.run(measure(seeds, args.members, args.per_member, 0, None))
        write_huge(seeds / "huge.txt", args.mb)
        huge = asyncio.run(measure(seeds, args.members, args.per_member, args.huge_asks, "find"))
    result = {"mb": args.mb, "members": args.members, "baseline": base, "with_huge_line": huge,
              "target_ack_p99_ms": TARGET_P99_MS}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Slack HTTP mode, {args.members} members x {args.per_member} commands, loopback")
    for name, r in (("baseline (real seeds)", base), (f"+ one {args.mb:g} MB line, asked {args.huge_asks}x", huge)):
        print(f"  {name:34} ack p50 {r['ack_p50_ms']:7.1f} ms  p99 {r['ack_p99_ms']:7.1f} ms  "
              f"max {r['ack_max_ms']:7.1f} ms  over 3 s: {r['acks_over_3s']}  errors {r['errors']}  "
              f"(seeds loaded in {r['load_s']:.1f} s)")
    print(f"  the huge-file answers: p50 {huge['huge_answer_p50_ms']:.0f} ms, max {huge['huge_answer_max_ms']:.0f} ms")
    ok = all(r["ack_p99_ms"] < TARGET_P99_MS and not r["errors"] for r in (base, huge))
    print("  " + ("meets the target" if ok else "MISSES the target") + f" (ack p99 < {TARGET_P99_MS:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
