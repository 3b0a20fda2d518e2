"""`episode-bot`: the command-line front end, built from the command registry.

It answers from the seeds with no token and no network; `--json` prints the
stable document that tests and scripts read. Platform subcommands (discord,
slack, import, bench) are loaded only when used, so a plain question starts fast.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path

from .commands import COMMANDS, Command
from . import i18n, progress
from .errors import SeedsError, UserError
from .i18n import _
from .launch import EXTRA, run_extra
from .replies import Reply, error_reply
from .settings import ConfigError, Settings, load_settings, report
from .version import __version__

log = logging.getLogger(__name__)

TOKENS = ("discord_token", "slack_bot_token", "slack_app_token", "slack_signing_secret")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="episode-bot", description="Answers about podcast episodes, "
                                     "with the moment they were said.")
    parser.add_argument("--version", action="version", version=f"episode-bot {__version__}")
    sub = parser.add_subparsers(dest="cmd", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print the answer as JSON")
    common.add_argument("--seeds", metavar="DIR", help="folder of episode documents (default: settings, then ./seeds)")
    for command in COMMANDS:
        p = sub.add_parser(command.name, parents=[common], help=command.description,
                           description=f"{command.description}. Example: episode-bot {command.example}")
        _add_options(p, command)
    check = sub.add_parser("check", help="Load a seeds folder and report what each file yielded")
    check.add_argument("dir", nargs="?", help="seeds folder (default: settings, then ./seeds)")
    check.add_argument("--json", action="store_true")
    sub.add_parser("config", help="Print the effective configuration, secrets masked")
    for name, (_, _, text) in EXTRA.items():
        p = sub.add_parser(name, help=text, add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _add_options(p: argparse.ArgumentParser, command: Command) -> None:
    for option in command.options:
        if option.name == "episode" and command.name == "episode":
            p.add_argument("episode", nargs="*", help=option.description)
            p.add_argument("--episode", dest="episode_flag", help=option.description)
        elif option.positional and option.name != "episode":
            p.add_argument(option.name, nargs="*", help=option.description)
        else:
            p.add_argument(f"--{option.name}", help=option.description)
    p.add_argument("--page", type=int, default=1, help="page of results")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if argv and argv[0] in EXTRA:
        return _run_extra(argv[0], argv[1:])
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # say it with the subcommand's own usage (`ask --speaker` lists ask's options)
        command_parser = _subparser(parser, args.cmd)
        command_parser.error("unrecognized arguments: " + " ".join(unknown))
    if not args.cmd:
        parser.print_help()
        return 0
    try:
        settings = load_settings()
    except ConfigError as exc:
        return report(exc)
    logging.basicConfig(level=settings.log_level if args.cmd == "config" else "ERROR",
                        format="%(levelname)s %(name)s: %(message)s")
    # A first build of a large folder takes minutes: a bar on a terminal, else a line every few seconds.
    progress.configure(every=settings.progress_every)
    logging.getLogger(progress.__name__).setLevel(logging.INFO)
    if args.cmd == "config":
        print(f"# episode-bot {__version__}")
        for name, value in settings.masked().items():
            print(f"{name}={value}")
        for name in TOKENS:  # a bad token stops only the mode that uses it; say so here too
            problem = settings.token_problem(name)
            if problem:
                print(f"warning: {problem}", file=sys.stderr)
        return 0
    if args.cmd == "check":
        return check(Path(args.dir or settings.seeds_dir), as_json=args.json,
                     max_bytes=int(settings.max_seed_mb * 1e6))  # the bot's own limit, in MB like the bot
    from .core import EpisodeBot

    command = next(c for c in COMMANDS if c.name == args.cmd)
    i18n.use(cli_language(settings))  # this process answers one person: the terminal's language
    values = _values(args, command)
    from .core import validate

    try:
        validate(command, values)
    except UserError as exc:  # with the CLI's own syntax, and an example from the episode in question
        return _usage_error(command, exc, as_json=args.json,
                            example=_example(settings, args.seeds, command, values))
    if _reads_meaning(command, values):
        _read_model_ahead()
    try:
        bot = EpisodeBot.from_settings(settings, args.seeds, rate_limited=False, counted=False)
    except SeedsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:  # e.g. a default episode that matches none
        return report(exc)
    # The local account stands for the member, so /progress works from the command line too.
    reply = bot.run(command.name, values, page=args.page, user=_local_user())
    try:
        if args.json:
            print(json.dumps(reply.to_json(), ensure_ascii=False, indent=2))
        else:
            print(render_text(reply))
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 2 if reply.error else 0


def _reads_meaning(command: Command, values: dict[str, str]) -> bool:
    """Return True when the answer reads the meaning model: a question does (its vector), whatever it finds.

    Other commands read it only when their words find nothing; reading it ahead for them
    would cost CPU for nothing, and the process waits for the read before it exits.
    """
    return command.name == "ask" and bool(values.get("question"))


def _read_model_ahead() -> None:
    """Read the meaning model in the background while the episodes load (see StaticModel.read_ahead)."""
    from .meaning import ModelError, load_model

    try:
        model = load_model()
    except (ModelError, OSError):  # an admin's model folder that can't be read: the answer says so
        return
    if model is not None:
        model.read_ahead()


def _subparser(parser: argparse.ArgumentParser, name: str | None) -> argparse.ArgumentParser:
    """Return the parser of subcommand `name` (the top-level parser when there is none)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            return action.choices[name]
    return parser


def cli_usage(command: Command) -> str:
    """How to type a command here: `episode-bot ask "QUESTION" [--episode EPISODE]`."""
    parts = [f"episode-bot {command.name}"]
    for option in command.options:
        if option.positional and option.name != "episode":
            word = f'"{option.name.upper()}"'
            parts.append(word if option.required else f"[{word}]")
        else:
            parts.append(f"[--{option.name} {option.name.upper()}]")
    return " ".join(parts)


def _example(settings: Settings, seeds: str | None, command: Command, values: dict[str, str]) -> str:
    """Return an example written for the episode in question (the registry's when none can be read)."""
    from . import examples
    from .core import EpisodeBot

    try:
        bot = EpisodeBot.from_settings(settings, seeds, rate_limited=False, counted=False)
        episode = bot.resolve_episode(values.get("episode"))
        return examples.examples(bot.snapshot.index, episode).get(command.name, command.example)
    except (SeedsError, ConfigError, UserError, OSError):
        return command.example


def _usage_error(command: Command, exc: UserError, as_json: bool = False, example: str | None = None) -> int:
    """Report a usage mistake with the CLI syntax (not the chat one); exit code 2."""
    hint = _("Usage: {usage} (e.g. {example})", usage=cli_usage(command),
             example=f"episode-bot {example or command.example}")
    if as_json:
        reply = error_reply(command.name, f"{exc.message} {hint}")
        print(json.dumps(reply.to_json(), ensure_ascii=False, indent=2))
    else:
        print(f"{exc.message}\n{hint}")
    return 2


def cli_language(settings: Settings) -> str:
    """The terminal's language (LC_ALL, then LC_MESSAGES, then LANG, as gettext reads them), else the bot's."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:  # the first one set decides, even when it is C or a language we lack
            return i18n.match(value) or settings.language
    return settings.language


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a bare container)
        return "local"


def _values(args: argparse.Namespace, command: Command) -> dict[str, str]:
    values = {}
    for option in command.options:
        if option.name == "episode" and command.name == "episode":
            raw = args.episode_flag or " ".join(args.episode)
        else:
            raw = getattr(args, option.name, None)
            if isinstance(raw, list):
                raw = " ".join(raw)
        if option.name == "episode" and not raw and command.name != "episode":
            raw = None
        if raw is not None:
            values[option.name] = raw
    return values


def render_text(reply: Reply) -> str:
    """Readable terminal output for a reply."""
    lines = [reply.title, "=" * min(len(reply.title), 72)]
    if reply.error:
        return f"{reply.body}"
    if reply.message:
        lines.append(reply.message)
    if reply.command in ("episode", "help"):
        if reply.body:
            lines.append(reply.body)
        for f in reply.fields:
            lines += ["", f"{f.name}:", *("  " + v for v in f.value.splitlines())]
        return "\n".join(lines)
    for i, r in enumerate(reply.results, 1):
        when = r.timestamp or ""
        if r.time_basis == "chapter" and when:
            when = _("{time} (start of its chapter)", time=when)
        elif r.time_basis == "nearby" and when:
            when = _("around {time}", time=when)
        head = f"{i}. [{when}] " if when else f"{i}. "
        who = f"{r.speaker}: " if r.speaker and r.kind in ("quote", "transcript") else ""
        lines.append(f"{head}{who}{r.text}")
        meta = [m for m in (r.chapter and _("chapter: {chapter}", chapter=r.chapter), r.remark,
                            r.source and _("source: {source}", source=r.source),
                            r.link) if m]
        if meta:
            lines.append("   " + " · ".join(meta))
    if reply.suggestions:
        lines.append(_("Try: {suggestions}", suggestions="; ".join(reply.suggestions)))
    if reply.more:
        lines.append(_("More results: add --page {page}", page=reply.page + 1))
    return "\n".join(lines)


def check(root: Path, as_json: bool = False, max_bytes: int | None = None) -> int:
    """Report, per file, the format it was read as and what it yielded (files over max_bytes are skipped)."""
    from .formats import MAX_BYTES
    from .library import load_library

    try:
        library = load_library(root, MAX_BYTES if max_bytes is None else max_bytes)
    except SeedsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    owner = {f: e for e in library.episodes for f in e.sources}
    report = []
    for doc in library.documents:
        kinds = Counter(p.kind for p in doc.passages)
        ep = owner.get(doc.file)
        report.append({"file": doc.file, "format": doc.format, "episode": ep.label if ep else None,
                       "chapters": len(doc.chapters), "quotes": len(doc.quotes),
                       "passages": len(doc.passages), "kinds": dict(kinds),
                       "timed_transcript": sum(1 for p in doc.passages if p.kind == "transcript"
                                               and p.time is not None and p.speaker),
                       "problems": [str(p) for p in doc.problems],
                       "errors": sum(p.severity == "error" for p in doc.problems)})
    episodes = [{"id": e.id, "label": e.label, "language": e.language, "documents": len(e.sources),
                 "chapters": len(e.chapters),
                 "highlights": sum(p.kind == "highlight" for p in e.passages),
                 "quotes": len(e.quotes), "quotes_with_speaker": sum(bool(q.speaker) for q in e.quotes),
                 "timed_turns": sum(p.kind == "transcript" and p.time_basis == "own" and bool(p.speaker)
                                    for p in e.passages),
                 "passages": len(e.passages),
                 "conflicts": [f"{c.field}: " + ", ".join(f"{v} ({s})" for v, s in c.values)
                               for c in e.conflicts]} for e in library.episodes]
    errors = sum(r["errors"] for r in report)
    if as_json:
        print(json.dumps({"files": report, "episodes": episodes, "errors": errors}, ensure_ascii=False, indent=2))
        return 1 if errors else 0
    for r in report:
        status = "ERROR" if r["errors"] else "ok"
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(r["kinds"].items()))
        print(f"{status:5} {r['file']}: read as {r['format']}; episode {r['episode'] or '-'}; "
              f"{r['chapters']} chapters, {r['quotes']} quotes, {r['passages']} passages"
              + (f" ({kinds})" if kinds else ""))
        for p in r["problems"]:
            print(f"      problem: {p}")
    for e in episodes:
        print(f"episode {e['label']} (language: {e['language'] or '-'}): {e['documents']} documents, "
              f"{e['chapters']} chapters, "
              f"{e['highlights']} highlights, {e['quotes']} notable quotes ({e['quotes_with_speaker']} with "
              f"speakers), {e['timed_turns']} timed transcript turns with speakers, {e['passages']} passages")
        for c in e["conflicts"]:
            print(f"      sources disagree on {c}")
    print(f"{len(report)} files, {len(episodes)} episodes, {errors} errors")
    return 1 if errors else 0


def bench_checkout(candidates: list[Path] | None = None) -> Path | None:
    """Return the source checkout that holds the benchmarks (bench/ and tests/eval/), or None.

    The benchmarks are not installed with the bot: they need the checkout's eval
    questions anyway. Look in the current folder, then beside this code.
    """
    for root in candidates if candidates is not None else [Path.cwd(), Path(__file__).resolve().parents[1]]:
        if (root / "bench" / "__main__.py").is_file() and (root / "tests" / "eval").is_dir():
            return root
    return None


def _run_extra(name: str, rest: list[str]) -> int:
    if name == "bench":
        root = bench_checkout()
        if root is None:
            print("error: the benchmarks run from a source checkout of Episode Bot (they need its bench/ and "
                  "tests/eval/ folders), and this install has none. Run them there: "
                  "pip install -e \".[bench]\" && episode-bot bench", file=sys.stderr)
            return 1
        sys.path.insert(0, str(root))
    return run_extra(name, rest)


if __name__ == "__main__":
    sys.exit(main())
