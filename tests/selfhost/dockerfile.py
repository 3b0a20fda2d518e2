"""Read a Dockerfile into stages and instructions, enough to check it and replay its install steps."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY...
    args: str  # the rest of the line, continuations joined
    flags: dict[str, str] = field(default_factory=dict)  # --from=build, --mount=...

    def words(self) -> list[str]:
        """The arguments as a list: JSON (exec) form or shell words."""
        text = self.args.strip()
        if text.startswith("["):
            return json.loads(text)
        return shlex.split(text)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction]

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """Return the global ARG defaults and the stages of a Dockerfile."""
    lines: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        if not pending and raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        if pending and raw.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        line = (pending + raw).strip()
        pending = ""
        if line:
            lines.append(line)
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in lines:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        flags = {}
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            key, _, value = flag[2:].partition("=")
            flags[key] = value
            rest = rest.lstrip()
        if keyword == "ARG" and not stages:
            key, _, value = rest.partition("=")
            args[key] = value
        elif keyword == "FROM":
            parts = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), parts[0])
            name = parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=base, name=name, instructions=[]))
        elif stages:
            stages[-1].instructions.append(Instruction(keyword, rest, flags))
    return args, stages


def ignored(rel: str, patterns: list[str]) -> bool:
    """Apply .dockerignore patterns (last match wins, `!` re-includes)."""
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        candidates = [pattern] if not pattern.startswith("**/") else [pattern, pattern[3:], "*/" + pattern[3:]]
        parts = rel.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(p, c) for p in prefixes for c in candidates) or \
                (pattern.startswith("**/") and any(fnmatch.fnmatch(part, pattern[3:]) for part in parts)):
            result = not negate
    return result


def dockerignore(root: Path) -> list[str]:
    path = root / ".dockerignore"
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
