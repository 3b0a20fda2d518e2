"""What a long-running adapter shares: heartbeat, live reload, graceful stop.

An adapter hands its platform connection to `run_service`, which adds the
rest: a heartbeat file that `episode-bot health` reads, a pid file that
`episode-bot reload` signals, a watch on the seeds folder, and a stop on
SIGTERM that lets replies in flight finish before it disconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import faulthandler
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterator, TypeVar

from . import metrics, progress
from .version import __version__

from . import pidfile

if TYPE_CHECKING:
    from .core import EpisodeBot
    from .settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

RELOAD_STATUS = "reload.{pid}.json"  # written in state_dir after every reload, one per process
DISCONNECT_TIMEOUT = 1.0  # seconds left for closing the platform connection after the drain
STOP_DEADLINE = 9.5  # seconds after SIGTERM the process is gone, whatever still runs: Docker kills at 10
STOP_MARGIN = 1.5  # seconds after the drain's grace for disconnecting, flushing and exiting
EXIT_WAIT = 2.0  # seconds a stopped service's process may take to exit (threads ending, logs flushed)


class Heartbeat:
    """A file whose modification time says the platform connection is live."""

    def __init__(self, path: Path | str, interval: float = 10.0,
                 health_url: Callable[[], str | None] | None = None) -> None:
        self.path = Path(path)
        self.interval = interval
        self.health_url = health_url  # HTTP mode: where `episode-bot health` asks whether the bot answers

    def beat(self) -> None:
        """Write the time, pid and health URL atomically, so a reader never sees half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        url = self.health_url() if self.health_url else None
        # The default heartbeat lives in /tmp, where another user could plant a symlink at the
        # temporary name: never follow one (O_NOFOLLOW), and replace one at the final name (rename).
        with contextlib.suppress(FileNotFoundError):
            if tmp.is_symlink():
                tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w") as f:
            f.write(f"{time.time():.0f} {os.getpid()}" + (f" {url}" if url else "") + "\n")
        os.replace(tmp, self.path)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def run(self, is_alive: Callable[[], bool]) -> None:
        """Beat every interval while is_alive() says the connection is up."""
        while True:
            try:
                if is_alive():
                    self.beat()
            except OSError as exc:  # a full or read-only /tmp must not stop the bot
                log.warning("could not write the heartbeat %s: %s", self.path, exc.strerror or exc)
            await asyncio.sleep(self.interval)


def progress_file(heartbeat_path: Path | str) -> Path:
    """Return where a starting service publishes its build's progress: beside its heartbeat."""
    path = Path(heartbeat_path)
    return path.with_name(path.name + ".progress")


def publish_progress(settings: Settings) -> None:
    """Report the first build's progress in the log every few seconds and beside the heartbeat.

    `episode-bot health` reads that file while there is no heartbeat yet, and
    says "starting: indexing 120/500 episodes" instead of "not running".
    """
    progress.configure(every=settings.progress_every, status_file=progress_file(settings.heartbeat_path))


def stop_publishing_progress() -> None:
    """The bot is built: remove the progress file (reloads are followed by the heartbeat, not by it)."""
    progress.clear_status()
    progress.configure(status_file=None)


async def build_off_loop(build: Callable[..., T], *args: Any) -> T:
    """Run a long build in a daemon thread, so the event loop answers health checks meanwhile.

    Not `asyncio.to_thread`: its worker would keep a stopped process alive until
    the build ends (Ctrl-C during a first build of many minutes).
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(outcome: T | None, error: BaseException | None) -> None:
        if done.cancelled():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(outcome)  # type: ignore[arg-type]

    def work() -> None:
        try:
            outcome, error = build(*args), None
        except BaseException as exc:  # handed to the awaiting task, which decides
            outcome, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: the process is stopping
            loop.call_soon_threadsafe(settle, outcome, error)

    threading.Thread(target=work, name="build", daemon=True).start()
    return await done


def is_fresh(path: Path | str, max_age: float) -> bool:
    """Return True when the heartbeat file exists and is younger than max_age seconds."""
    try:
        return time.time() - Path(path).stat().st_mtime <= max_age
    except OSError:
        return False


def heartbeat_url(path: Path | str) -> str | None:
    """Return the health URL written in a heartbeat file (HTTP mode), or None."""
    try:
        parts = Path(path).read_text().split()
    except OSError:
        return None
    return parts[2] if len(parts) > 2 and parts[2].startswith("http://") else None


def heartbeat_pid(path: Path | str) -> int | None:
    """Return the pid written in a heartbeat file, or None."""
    try:
        return int(Path(path).read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    """Return True when a process with this pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


# -- reload -------------------------------------------------------------------


async def reload_now(bot: EpisodeBot, state_dir: Path | str | None = None) -> bool:
    """Reload the episodes off the event loop and record the outcome for `episode-bot reload`."""
    ok = await asyncio.to_thread(bot.reload)
    if state_dir is not None:
        status = {"ok": ok, "time": time.time(), "pid": os.getpid(),
                  "episodes": len(bot.library.episodes)}
        try:
            path = Path(state_dir) / RELOAD_STATUS.format(pid=os.getpid())
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(status))
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("could not record the reload status in %s: %s", state_dir, exc.strerror or exc)
    return ok


def _is_seed_change(path: str) -> bool:
    """Ignore editors' swap and backup files: they change often and are never episodes."""
    name = Path(path).name
    return not (name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp", ".part")))


async def watch_seeds(bot: EpisodeBot, debounce_ms: int = 800, state_dir: Path | str | None = None,
                      retry_after: float = 5.0) -> None:
    """Reload the episodes whenever files in the seeds folder change; runs until cancelled."""
    from watchfiles import awatch

    while True:
        try:
            async for changes in awatch(bot.seeds_dir, debounce=debounce_ms, recursive=True,
                                        watch_filter=lambda _change, path: _is_seed_change(path)):
                log.info("seeds folder changed (%d file(s)); reloading", len(changes))
                await reload_now(bot, state_dir)
        except (OSError, RuntimeError) as exc:  # folder gone or unwatchable: keep serving, try again
            log.warning("cannot watch %s (%s); retrying in %.0f s; `episode-bot reload` still works",
                        bot.seeds_dir, exc, retry_after)
        await asyncio.sleep(retry_after)


def pid_file(state_dir: Path | str, name: str) -> Path:
    return Path(state_dir) / f"{name}.pid"


def install_reload_signal(bot: EpisodeBot, state_dir: Path | str | None = None,
                          name: str = "episode-bot") -> Path | None:
    """Reload the episodes on SIGHUP (what `episode-bot reload` sends).

    With a state_dir, write the pid file `episode-bot reload` finds and return its path.
    """
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(reload_now(bot, state_dir)))
    except (NotImplementedError, RuntimeError, ValueError):  # not on the main thread, or no SIGHUP
        log.debug("SIGHUP reload not available here")
        return None
    if state_dir is None:
        return None
    path = pid_file(state_dir, name)
    try:
        pidfile.write(path)  # with a token, and held open: `reload` checks it is this process
    except OSError as exc:
        log.warning("could not write %s (%s): `episode-bot reload` will not find this bot", path,
                    exc.strerror or exc)
        return None
    return path


# -- graceful stop ------------------------------------------------------------


class Shutdown:
    """Stop on SIGTERM/SIGINT after the replies in flight are sent.

    Adapters wrap each command in `with shutdown.track():`; `drain()` waits for
    them up to `grace` seconds. A second signal stops waiting. After a signal
    the process exits within STOP_DEADLINE whatever still runs (`finished()`
    shortens that once the service has stopped).
    """

    def __init__(self, grace: float = 8.0) -> None:
        self.grace = grace
        self.requested = asyncio.Event()
        self._forced = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.in_flight = 0
        self._deadline: threading.Timer | None = None  # armed by a stop signal (see _arm_deadline)
        self._asked_at: float | None = None
        self._asked_by = ""

    def install(self, signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)) -> None:
        loop = asyncio.get_running_loop()
        for sig in signals:
            try:
                loop.add_signal_handler(sig, self.request, sig)
            except (NotImplementedError, RuntimeError, ValueError):
                log.debug("cannot handle signal %s here", sig)

    def request(self, sig: int | None = None) -> None:
        """Ask the service to stop; a second request stops waiting for replies."""
        what = signal.Signals(sig).name if sig else "request"
        if self.requested.is_set():
            log.warning("%s again: stopping without waiting for %d repl(ies)", what, self.in_flight)
            self._forced.set()
            return
        log.info("%s received: finishing %d repl(ies) in flight, then stopping", what, self.in_flight)
        self.requested.set()
        if sig is not None:  # a process told to stop (tests ask in-process, without a signal)
            self._asked_at, self._asked_by = time.monotonic(), what
            self._arm_deadline(min(self.grace + STOP_MARGIN, STOP_DEADLINE))

    def _arm_deadline(self, within: float) -> None:
        """Exit on our own `within` seconds from now if the process is still here, saying why.

        A thread that never returns (an answer stuck on a database lock, a
        library's worker) keeps Python from exiting; Docker would kill the
        process at 10 s with exit code 137 and no word of what it was doing.
        """
        def overrun() -> None:
            since = time.monotonic() - (self._asked_at or time.monotonic())
            log.error("still stopping %.1f s after %s: exiting now; what each thread was doing follows",
                      since, self._asked_by)
            for handler in logging.getLogger().handlers:
                with contextlib.suppress(Exception):
                    handler.flush()
            with contextlib.suppress(Exception):
                faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            os._exit(0)  # the stop was asked for: exit 0, as a clean stop would

        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = threading.Timer(within, overrun)
        self._deadline.daemon = True  # never itself a reason to stay
        self._deadline.start()

    def finished(self) -> None:
        """The service has stopped: after a signal, the process must be gone within EXIT_WAIT."""
        if self._asked_at is not None:
            left = min(self.grace + STOP_MARGIN, STOP_DEADLINE) - (time.monotonic() - self._asked_at)
            self._arm_deadline(max(0.0, min(left, EXIT_WAIT)))

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count one reply in flight for as long as the block runs."""
        self.in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    async def drain(self) -> bool:
        """Wait until no reply is in flight, at most `grace` seconds; True when all finished."""
        idle = asyncio.ensure_future(self._idle.wait())
        forced = asyncio.ensure_future(self._forced.wait())
        try:
            await asyncio.wait({idle, forced}, timeout=self.grace, return_when=asyncio.FIRST_COMPLETED)
        finally:
            idle.cancel()
            forced.cancel()
        if self.in_flight:
            log.warning("stopped waiting with %d repl(ies) still in flight", self.in_flight)
            return False
        return True


async def _start_metrics(settings: Settings):
    """Serve /metrics on EPISODE_BOT_METRICS_PORT when it is set; a busy port is logged, not fatal."""
    if settings.metrics_port is None:
        return None
    try:
        runner, _ = await metrics.serve(settings.metrics_host, settings.metrics_port)
    except OSError as exc:  # the bot still answers without its metrics
        log.error("cannot serve metrics on %s:%d: %s", settings.metrics_host, settings.metrics_port,
                  exc.strerror or exc)
        return None
    return runner


async def run_service(name: str, bot: EpisodeBot, settings: Settings,
                      connect: Callable[[], Awaitable[object]], is_alive: Callable[[], bool], *,
                      disconnect: Callable[[], Awaitable[object]] | None = None,
                      shutdown: Shutdown | None = None, heartbeat_interval: float = 10.0,
                      health_url: Callable[[], str | None] | None = None) -> int:
    """Run a platform connection with heartbeat, reload and graceful stop; return an exit code.

    `connect()` runs until the connection ends; `is_alive()` says whether it is up
    right now; `disconnect()` closes it. Returns 0 after a requested stop, 1 when
    the connection ended on its own (the container's restart policy takes over).
    """
    shutdown = shutdown or Shutdown(settings.stop_grace)
    shutdown.install()
    stop_publishing_progress()
    log.info("Episode Bot %s starting %s with %d episode(s) from %s", __version__, name,
             len(bot.library.episodes), bot.seeds_dir)
    metrics.track_connection(is_alive)
    metrics_runner = await _start_metrics(settings)
    heartbeat = Heartbeat(settings.heartbeat_path, heartbeat_interval, health_url)
    pid_path = install_reload_signal(bot, settings.runtime_dir, name)
    helpers = [asyncio.create_task(heartbeat.run(is_alive), name="heartbeat")]
    if settings.watch_seeds:
        helpers.append(asyncio.create_task(watch_seeds(bot, state_dir=settings.runtime_dir), name="watch-seeds"))
    main = asyncio.ensure_future(connect())
    stop = asyncio.create_task(shutdown.requested.wait())
    code = 0
    try:
        await asyncio.wait({main, stop}, return_when=asyncio.FIRST_COMPLETED)
        if main.done():
            exc = None if main.cancelled() else main.exception()
            if exc:
                log.error("%s connection failed: %s", name, exc, exc_info=exc)
            else:
                log.warning("%s connection ended", name)
            code = 0 if shutdown.requested.is_set() else 1
        else:
            heartbeat.clear()  # stop reporting healthy: we no longer take new work
            for task in helpers:
                task.cancel()
            await shutdown.drain()
            if disconnect is not None:
                try:
                    await asyncio.wait_for(disconnect(), DISCONNECT_TIMEOUT)
                except (asyncio.TimeoutError, Exception) as exc:  # stopping anyway
                    log.warning("%s did not disconnect cleanly: %s", name, exc or "timed out")
            log.info("%s stopped", name)
    finally:
        for task in (*helpers, main, stop):
            task.cancel()
        await asyncio.gather(*helpers, main, stop, return_exceptions=True)
        heartbeat.clear()
        if metrics_runner is not None:
            await metrics_runner.cleanup()
        pidfile.release(pid_path)
        for path in (pid_path, Path(settings.runtime_dir) / RELOAD_STATUS.format(pid=os.getpid())):
            with contextlib.suppress(OSError, TypeError):
                path.unlink()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        shutdown.finished()
    return code
