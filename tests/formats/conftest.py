"""Fixtures for the seed formats and the feed importer: sample files and a loopback web server."""

from __future__ import annotations

import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.formats import read_document

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def read(tmp_path):
    """Write text to a file named `name` and read it the way the library does."""

    def _read(name: str, text: str):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return read_document(path, name)

    return _read


@pytest.fixture
def two_episodes(tmp_path) -> Path:
    """The first episode's five documents plus episode 491 as VTT + chapters JSON + markdown notes."""
    root = tmp_path / "seeds"
    root.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, root / path.name)
    shutil.copytree(DATA / "491-transistor", root / "491-transistor")
    return root


class Site:
    """Files served over HTTP on 127.0.0.1: path -> (body, content type, delay in seconds)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str, float, bool]] = {}
        self.hits: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, path: str, body: bytes | str, content_type: str = "text/plain", delay: float = 0.0,
            send_length: bool = True) -> str:
        """Serve body at path; without send_length the client learns the size only by reading."""
        self.files[path] = (body.encode() if isinstance(body, str) else body, content_type, delay, send_length)
        return self.url + path

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                site.hits.append(self.path)
                if self.path.startswith("/redirect-to-file"):
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.end_headers()
                    return
                found = site.files.get(self.path)
                if found is None:
                    self.send_error(404)
                    return
                body, content_type, delay, send_length = found
                if content_type == "redirect":  # body is the Location
                    self.send_response(302)
                    self.send_header("Location", body.decode())
                    self.end_headers()
                    return
                if delay and content_type != "trickle":
                    time.sleep(delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain" if content_type == "trickle" else content_type)
                    if send_length:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if content_type == "trickle":  # one byte every `delay` seconds
                        for i in range(len(body)):
                            self.wfile.write(body[i:i + 1])
                            self.wfile.flush()
                            time.sleep(delay)
                        return
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def site():
    served = Site()
    served.thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()
