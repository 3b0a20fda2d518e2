"""Where the bot keeps state across restarts, and the checks that keep it the bot's own.

Another local user must not be able to choose what the bot reads back from
its state folder (the index cache, button state, the question log): the
default folder is in the bot user's home (`platformdirs`' user state folder),
never in a world-writable folder such as /tmp, it is created 0700, and a
folder that is a symbolic link, belongs to another user or can be written by
others is refused at start-up with the reason.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

APP_NAME = "episode-bot"


def default_state_dir() -> Path:
    """Return the per-user state folder (`~/.local/state/episode-bot` on Linux)."""
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False)


def state_dir_problem(path: Path) -> str | None:
    """Say why a folder is not safe for the bot's state; None when it is (or does not exist yet)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be inspected ({exc.strerror or exc})"
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link; point it at the real folder, which only the bot's user may own"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    if st.st_uid != os.geteuid():
        return (f"belongs to another user (uid {st.st_uid}, the bot runs as uid {os.geteuid()}); "
                "use a folder the bot's user created")
    if st.st_mode & 0o022:
        return (f"can be written by other users (mode {st.st_mode & 0o777:o}); "
                "run chmod 700 on it or use another folder")
    return None


def ensure_private_dir(path: Path) -> Path:
    """Create the folder 0700 if missing (parents too), then check it; raise ValueError saying why not."""
    path = Path(path).expanduser()
    if not os.path.lexists(path):
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"cannot be created ({exc.strerror or exc})") from None
    problem = state_dir_problem(path)
    if problem:
        raise ValueError(problem)
    return path


def read_json_object(path: Path, what: str) -> dict:
    """Return the JSON object in a state file; {} (with one warning) when it is missing, broken or not an object.

    State files are small records the bot can rebuild: a damaged one, or valid
    JSON of the wrong type, must never stop the bot from starting.
    """
    import json
    import logging

    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logging.getLogger(__name__).warning("ignoring unreadable %s %s: %s", what, path, exc)
        return {}
    if not isinstance(value, dict):
        logging.getLogger(__name__).warning("ignoring %s %s: it holds a JSON %s, not an object", what, path,
                                            type(value).__name__)
        return {}
    return value


__all__ = ["default_state_dir", "ensure_private_dir", "state_dir_problem", "read_json_object", "APP_NAME"]
