"""`episode-bot import` can't be pointed at this machine's or this network's services (SSRF), and
what it saves is readable by the bot and is what it claims to be."""

from __future__ import annotations

import ipaddress
import os
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from bot.core import EpisodeBot
from bot.importers import feed
from bot.importers import fetch as fetch_module
from bot.importers.fetch import Fetcher, FetchError, PrivateAddress, address_problem

from .test_feed_import import FEED, write_local_feed

REFUSED = ["127.0.0.1", "127.9.9.9", "::1", "10.0.0.5", "172.16.3.4", "192.168.1.10", "169.254.169.254",
           "fd00:ec2::254", "fe80::1", "100.64.0.1", "0.0.0.0", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
           "224.0.0.251", "240.0.0.1"]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]


@pytest.mark.parametrize("ip", REFUSED)
def test_non_public_addresses_are_refused(ip):
    assert address_problem(ipaddress.ip_address(ip)) is not None


@pytest.mark.parametrize("ip", PUBLIC)
def test_public_addresses_pass(ip):
    assert address_problem(ipaddress.ip_address(ip)) is None


def _resolver(table: dict[str, list[str]]):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in table[host]]
    return getaddrinfo


def test_the_check_is_on_the_resolved_addresses(monkeypatch):
    """A harmless-looking name that resolves (even partly) to a private address is refused."""
    monkeypatch.setattr(fetch_module, "_getaddrinfo", _resolver({
        "feeds.example": ["93.184.216.34", "10.1.2.3"], "cdn.example": ["93.184.216.34"],
        "rebind.example": ["169.254.169.254"]}))
    with pytest.raises(PrivateAddress, match="feeds.example resolves to 10.1.2.3, a private address"):
        fetch_module.public_addresses("feeds.example", 443)
    with pytest.raises(PrivateAddress, match="link-local"):
        fetch_module.check_url("http://rebind.example/latest/meta-data/")
    assert fetch_module.public_addresses("cdn.example", 443) == ["93.184.216.34"]  # resolved only, no traffic


def test_a_feed_on_loopback_is_refused_without_allow_private(tmp_path, site, capsys):
    site.add("/feed.xml", FEED.format(chapters="/c.json", vtt="/t.vtt", json="/t.json", srt="/t.srt"),
             "application/rss+xml")
    seeds = tmp_path / "seeds"
    assert feed.main([site.url + "/feed.xml", "--seeds", str(seeds)]) == 1
    err = capsys.readouterr().err
    assert "127.0.0.1 resolves to 127.0.0.1, a loopback address" in err and "--allow-private" in err
    assert site.hits == []  # refused before connecting
    assert not seeds.exists() or not any(seeds.iterdir())


def test_links_to_loopback_and_localhost_in_a_feed_are_not_fetched(tmp_path, site, capsys):
    site.add("/secret.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nthe admin password is hunter2\n", "text/vtt")
    port = site.url.rsplit(":", 1)[1]
    feed_path = write_local_feed(tmp_path / "export", vtt=f"http://localhost:{port}/secret.vtt",
                                 json=f"http://127.0.0.1:{port}/secret.vtt", chapters=f"http://[::1]:{port}/c.json")
    seeds = tmp_path / "seeds"
    assert feed.main([str(feed_path), "--seeds", str(seeds)]) == 0
    err = capsys.readouterr().err
    assert "a loopback address" in err
    assert site.hits == []
    assert "hunter2" not in "".join(p.read_text() for p in seeds.rglob("*") if p.is_file())


def test_a_redirect_to_a_private_or_metadata_address_is_refused(tmp_path, site, capsys, monkeypatch):
    """127.0.0.1 stands in for a public feed host here; where it redirects to is checked for real."""
    real = fetch_module.address_problem
    monkeypatch.setattr(fetch_module, "address_problem",
                        lambda ip: None if str(ip) == "127.0.0.1" else real(ip))
    site.add("/to-metadata.vtt", "http://169.254.169.254/latest/meta-data/iam/", "redirect")
    site.add("/to-private.json", "http://10.0.0.7/admin.json", "redirect")
    site.add("/to-loopback.srt", "http://127.0.0.2/", "redirect")
    site.add("/feed.xml", FEED.format(chapters="/none.json", vtt="/to-metadata.vtt", json="/to-private.json",
                                      srt="/to-loopback.srt"), "application/rss+xml")
    seeds = tmp_path / "seeds"
    assert feed.main([site.url + "/feed.xml", "--seeds", str(seeds)]) == 0
    err = capsys.readouterr().err
    assert "169.254.169.254 resolves to 169.254.169.254, a link-local (or cloud metadata) address" in err
    assert "10.0.0.7 resolves to 10.0.0.7, a private address" in err
    assert "127.0.0.2 resolves to 127.0.0.2, a loopback address" in err
    assert {"/to-metadata.vtt", "/to-private.json", "/to-loopback.srt"} <= set(site.hits)


def test_allow_private_imports_from_the_lan(tmp_path, site):
    site.add("/feed.xml", FEED.format(chapters="/none.json", vtt="/none.vtt", json="/none.json", srt="/none.srt"),
             "application/rss+xml")
    assert feed.main([site.url + "/feed.xml", "--seeds", str(tmp_path / "seeds"), "--allow-private"]) == 0


@pytest.mark.parametrize("body", [
    "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" * 20,
    '{"AccessKeyId": "AKIA...", "SecretAccessKey": "abc", "Token": "xyz"}',
    "<html><head><title>Router admin</title></head><body>Login</body></html>",
    "DATABASE_URL=postgres://bot:pw@db/episodes\nSECRET_KEY=abcdef\n" * 10,
])
def test_a_plain_or_html_transcript_is_saved_only_if_it_reads_like_one(tmp_path, capsys, body):
    export = tmp_path / "export"
    feed_path = write_local_feed(export)
    (export / "files" / "t.txt").write_text(body)
    feed_path.write_text(feed_path.read_text().replace(
        'url="files/491.vtt" type="text/vtt"', 'url="files/t.txt" type="text/plain"').replace(
        '<podcast:transcript url="' + (export / "files" / "491.json").as_uri() + '" type="application/json"/>', ""))
    seeds = tmp_path / "seeds"
    assert feed.main([str(feed_path), "--seeds", str(seeds)]) == 0
    assert "does not look like text/plain; not saved" in capsys.readouterr().err
    assert not (seeds / "491-the-transistor-at-80" / "transcript.txt").exists()


def test_a_real_plain_text_transcript_is_still_saved(tmp_path):
    export = tmp_path / "export"
    feed_path = write_local_feed(export)
    speech = ("Maya Chen: Welcome back to Signal Path. Today we talk about the transistor, the little "
              "device that changed everything, and about the people at Bell Labs who built it. ") * 10
    (export / "files" / "t.txt").write_text(speech)
    feed_path.write_text(feed_path.read_text().replace(
        'url="files/491.vtt" type="text/vtt"', 'url="files/t.txt" type="text/plain"').replace(
        '<podcast:transcript url="' + (export / "files" / "491.json").as_uri() + '" type="application/json"/>', ""))
    assert feed.main([str(feed_path), "--seeds", str(tmp_path / "seeds")]) == 0
    assert (tmp_path / "seeds" / "491-the-transistor-at-80" / "transcript.txt").exists()


def test_the_total_timeout_holds_while_a_server_trickles(site):
    """L5: a byte every 0.2 s keeps every read alive; the total (1 s) must still stop it."""
    site.add("/slow.vtt", b"x" * 40, "trickle", delay=0.2)  # 8 s if read to the end
    fetcher = Fetcher(site.url, timeout=5, total_timeout=1.0, allow_private=True)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took over 1 s"):
        fetcher.get("/slow.vtt")
    assert time.monotonic() - started < 4  # bounded by the total, not by the body's 8 s


def test_a_relative_feed_path_is_read_where_it_is(tmp_path, monkeypatch, capsys):
    """L6: `import ./export/feed.xml` reads export/feed.xml, not export/export/feed.xml."""
    write_local_feed(tmp_path / "export")
    monkeypatch.chdir(tmp_path)
    assert feed.main(["./export/feed.xml", "--seeds", "seeds"]) == 0
    assert "3 imported" in capsys.readouterr().err


def test_a_nul_in_a_feed_title_keeps_the_episode(tmp_path):
    """L7."""
    export = tmp_path / "export"
    feed_path = write_local_feed(export)
    feed_path.write_bytes(feed_path.read_bytes().replace(b"<title>Radio Days</title>", b"<title>Radio\x00 Days</title>"))
    seeds = tmp_path / "seeds"
    assert feed.main([str(feed_path), "--seeds", str(seeds)]) == 0
    bot = EpisodeBot(seeds)
    assert any(e.title.replace(" ", "") == "RadioDays" for e in bot.library.episodes)
    assert not any(b"\x00" in p.read_bytes() for p in seeds.rglob("*") if p.is_file())


def test_imported_folders_get_the_umask_mode(tmp_path):
    """Item 8: not mkdtemp's 0700, which hid them from the container's user."""
    feed_path = write_local_feed(tmp_path / "export")
    seeds = tmp_path / "seeds"
    old = os.umask(0o022)
    try:
        assert feed.main([str(feed_path), "--seeds", str(seeds)]) == 0
    finally:
        os.umask(old)
    for folder in seeds.iterdir():
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
        for file in folder.iterdir():
            assert stat.S_IMODE(file.stat().st_mode) == 0o644, file


def _check_as(uid: int, seeds: Path) -> str:
    """Run `check` in a forked child that has switched to another user; return what it printed."""
    import contextlib
    import io

    from bot.cli import check

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to the user, run check, send its output, exit at once
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                check(seeds)
            os.write(write, out.getvalue().encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


@pytest.mark.skipif(os.geteuid() != 0, reason="reading as another user needs root to switch users")
def test_check_reports_a_folder_and_a_file_it_cannot_read(tmp_path):
    """Item 8: `check`, run as the bot's user, names what that user can't read instead of skipping it."""
    base = Path(tempfile.mkdtemp(prefix="episode-bot-check-"))
    try:
        base.chmod(0o755)
        seeds = base / "seeds"
        seeds.mkdir(mode=0o755)
        (seeds / "ok.md").write_text("# Readable episode\n\nSome words about the readable episode.\n")
        (seeds / "hidden").mkdir(mode=0o700)
        (seeds / "hidden" / "notes.md").write_text("# Hidden\n\nWords.\n")
        (seeds / "private.md").write_text("# Private\n\nWords.\n")
        (seeds / "private.md").chmod(0o600)
        for p in (seeds / "ok.md",):
            p.chmod(0o644)
        text = _check_as(65534, seeds)
        assert "hidden: is a folder the bot's user cannot read" in text, text
        assert "private.md: could not be read (Permission denied)" in text, text
    finally:
        subprocess.run(["rm", "-rf", str(base)], check=False)


def test_xml_entities_in_a_feed_are_not_expanded(tmp_path):
    """XXE: an external entity pointing at a local file must not end up in a seed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSPHRASE")
    export = tmp_path / "export"
    feed_path = write_local_feed(export)
    text = feed_path.read_text().replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>').replace(
        "<title>Radio Days</title>", "<title>Radio &xxe; Days &lol2;</title>")
    feed_path.write_text(text)
    seeds = tmp_path / "seeds"
    feed.main([str(feed_path), "--seeds", str(seeds)])
    written = "".join(p.read_text(errors="replace") for p in seeds.rglob("*") if p.is_file()) if seeds.exists() else ""
    assert "TOP-SECRET-PASSPHRASE" not in written
