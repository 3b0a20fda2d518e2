"""`episode-bot import`: a podcast feed becomes episode folders the bot answers from."""

from __future__ import annotations

import json
from pathlib import Path

from bot import cli
from bot.core import EpisodeBot
from bot.importers import feed

from .conftest import DATA

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Signal Path</title>
  <link>https://signalpath.example</link>
  <itunes:author>Maya Chen</itunes:author>
  <item>
    <title>Radio Days</title>
    <guid isPermaLink="false">sp-489</guid>
    <pubDate>Thu, 02 Dec 2027 08:00:00 GMT</pubDate>
    <description>An older episode.</description>
  </item>
  <item>
    <title>The Transistor at 80</title>
    <itunes:episode>491</itunes:episode>
    <guid isPermaLink="false">sp-491</guid>
    <pubDate>Thu, 16 Dec 2027 08:00:00 GMT</pubDate>
    <link>https://signalpath.example/491</link>
    <description><![CDATA[<p>Historian <b>Daniel Okafor</b> on the <a href="https://en.wikipedia.org/wiki/Transistor">first transistor</a>.</p>
      <ul><li>Bell Labs, 1947</li><li>Shockley's junction transistor</li></ul><p>#history &gt; everything</p>]]></description>
    <enclosure url="https://cdn.signalpath.example/491.mp3" length="5120000" type="audio/mpeg"/>
    <podcast:chapters url="{chapters}" type="application/json+chapters"/>
    <podcast:transcript url="{vtt}" type="text/vtt"/>
    <podcast:transcript url="{json}" type="application/json"/>
    <podcast:person role="host">Maya Chen</podcast:person>
    <podcast:person role="guest">Daniel Okafor</podcast:person>
  </item>
  <item>
    <title>Vacuum Tubes: The Long Goodbye</title>
    <guid isPermaLink="false">sp-490</guid>
    <pubDate>Thu, 09 Dec 2027 08:00:00 GMT</pubDate>
    <description><![CDATA[<p>Why tubes hung on in radios and amplifiers.</p>
      <p>(00:00) Welcome<br/>(03:10) How a triode amplifies<br/>(18:45) Tubes in guitar amplifiers<br/>(41:02) Listener questions</p>]]></description>
    <podcast:transcript url="{srt}" type="application/x-subrip"/>
  </item>
</channel>
</rss>
"""

SRT = """1
00:03:12,000 --> 00:03:16,000
Maya Chen: So how does a triode amplify anything?

2
00:03:16,500 --> 00:03:21,000
Guest: A small voltage on the grid steers a large current.
"""

JSON_TRANSCRIPT = json.dumps({"version": "1.0.0", "segments": [
    {"speaker": "Daniel Okafor", "startTime": 1274.2, "endTime": 1278.0,
     "body": "Right, silicon survived far higher temperatures, so the military wanted it."}]})


def write_local_feed(folder: Path, **links: str) -> Path:
    """A feed exported with its files: chapters and transcripts next to it."""
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "491-chapters.json").write_bytes((DATA / "491-transistor" / "chapters.json").read_bytes())
    (folder / "files" / "491.vtt").write_bytes((DATA / "491-transistor" / "transcript.vtt").read_bytes())
    (folder / "files" / "491.json").write_text(JSON_TRANSCRIPT)
    (folder / "files" / "490.srt").write_text(SRT)
    defaults = {"chapters": "files/491-chapters.json", "vtt": "files/491.vtt",
                "json": (folder / "files" / "491.json").as_uri(), "srt": "files/490.srt"}
    path = folder / "feed.xml"
    path.write_text(FEED.format(**{**defaults, **links}))
    return path


def test_local_feed_imports_offline_with_relative_and_file_links(tmp_path, capsys):
    feed_path = write_local_feed(tmp_path / "export")
    seeds = tmp_path / "seeds"
    assert feed.main([str(feed_path), "--seeds", str(seeds)]) == 0
    err = capsys.readouterr().err
    assert "[1/3] 491-the-transistor-at-80: chapters.json, notes.md, transcript.json" in err
    assert "3 imported, 0 skipped, 0 failed" in err
    assert sorted(p.name for p in seeds.iterdir()) == [
        "2027-12-02-radio-days", "2027-12-09-vacuum-tubes-the-long-goodbye", "491-the-transistor-at-80"]
    ep = seeds / "491-the-transistor-at-80"
    assert (ep / "transcript.json").read_text() == JSON_TRANSCRIPT  # JSON preferred over VTT
    notes = (ep / "notes.md").read_text()
    assert "episode: 491\n" in notes and "guests:\n- Daniel Okafor\n" in notes
    assert "audio: https://cdn.signalpath.example/491.mp3" in notes
    assert "- Bell Labs, 1947" in notes and "\\#history > everything" in notes

    bot = EpisodeBot(seeds)
    assert [e.label for e in bot.library.episodes] == [
        "Radio Days", "Vacuum Tubes: The Long Goodbye", "#491 The Transistor at 80"]
    reply = bot.run("ask", {"question": "Why did the military want silicon?", "episode": "491"})
    top = reply.results[0]
    assert (top.speaker, top.timestamp) == ("Daniel Okafor", "0:21:14")
    assert top.link == "https://cdn.signalpath.example/491.mp3#t=1274"  # a moment in the audio
    info = bot.run("episode", {"episode": "491"})
    assert info.body == "Historian Daniel Okafor on the first transistor."
    assert "Host" in {f.name for f in info.fields}
    # The description's timestamps became the chapters of an episode with no chapters file.
    chapters = bot.run("chapter", {"episode": "vacuum tubes"})
    assert [(r.title, r.timestamp) for r in chapters.results] == [
        ("Welcome", "0:00:00"), ("How a triode amplifies", "0:03:10"),
        ("Tubes in guitar amplifiers", "0:18:45"), ("Listener questions", "0:41:02")]
    said = bot.run("ask", {"question": "How does a triode amplify?", "episode": "vacuum"})
    assert any(r.timestamp == "0:03:16" and "grid" in r.text for r in said.results)


def test_newest_episodes_only_then_skip_then_force(tmp_path, capsys):
    feed_path = write_local_feed(tmp_path / "export")
    seeds = tmp_path / "seeds"
    assert feed.main([str(feed_path), "--seeds", str(seeds), "--episodes", "2"]) == 0
    assert sorted(p.name for p in seeds.iterdir()) == [
        "2027-12-09-vacuum-tubes-the-long-goodbye", "491-the-transistor-at-80"]
    notes = seeds / "491-the-transistor-at-80" / "notes.md"
    notes.write_text(notes.read_text() + "\nAn admin's own note.\n")
    capsys.readouterr()
    assert feed.main([str(feed_path), "--seeds", str(seeds), "--episodes", "1"]) == 0
    assert "already imported (use --force to replace it)" in capsys.readouterr().err
    assert "An admin's own note." in notes.read_text()
    assert feed.main([str(feed_path), "--seeds", str(seeds), "--episodes", "1", "--force"]) == 0
    assert "An admin's own note." not in notes.read_text()
    assert not [p for p in seeds.iterdir() if p.name.startswith(".")]  # no half-written folders left


def test_local_links_outside_the_feed_folder_are_not_read(tmp_path, capsys):
    secret = tmp_path / "elsewhere.json"
    secret.write_text(JSON_TRANSCRIPT)
    feed_path = write_local_feed(tmp_path / "export", json=secret.as_uri(), vtt="../elsewhere.vtt")
    seeds = tmp_path / "seeds"
    assert feed.main([str(feed_path), "--seeds", str(seeds), "--episodes", "1"]) == 0
    err = capsys.readouterr().err
    assert "outside the feed's folder" in err
    assert sorted(p.name for p in (seeds / "491-the-transistor-at-80").iterdir()) == ["chapters.json", "notes.md"]


def test_feed_from_the_web_with_limits(tmp_path, site, capsys):
    site.add("/files/491-chapters.json", (DATA / "491-transistor" / "chapters.json").read_bytes(),
             "application/json")
    site.add("/files/491.vtt", (DATA / "491-transistor" / "transcript.vtt").read_bytes(), "text/vtt")
    site.add("/files/490.srt", "x" * 5000, "application/x-subrip", send_length=False)  # over the cap below
    site.add("/big.json", "{" + " " * 5000 + "}", "application/json")
    site.add("/feed.xml", FEED.format(chapters="files/491-chapters.json", vtt="/files/491.vtt",
                                      json="missing.json", srt="files/490.srt").replace(
        "</item>", '<podcast:transcript url="/big.json" type="application/json"/></item>', 1),
        "application/rss+xml")
    seeds = tmp_path / "seeds"
    assert cli.main(["import", site.url + "/feed.xml", "--seeds", str(seeds), "--max-mb", "0.004", "--allow-private"]) == 0
    err = capsys.readouterr().err
    assert "answered HTTP 404" in err  # the JSON transcript: the VTT one is used instead
    assert "/files/490.srt is over the 4 kB cap; stopped" in err  # no Content-Length: counted while read
    assert "/big.json is 5 kB, over the 4 kB cap" in err  # refused on its Content-Length
    ep = seeds / "491-the-transistor-at-80"
    assert sorted(p.name for p in ep.iterdir()) == ["chapters.json", "notes.md", "transcript.vtt"]
    assert {"/feed.xml", "/files/491-chapters.json", "/files/491.vtt", "/missing.json", "/files/490.srt"} <= set(
        site.hits)
    assert not (seeds / "2027-12-09-vacuum-tubes-the-long-goodbye" / "transcript.srt").exists()
    code = cli.main(["ask", "Why did the military want silicon?", "--seeds", str(seeds), "--episode", "491",
                     "--json"])
    top = json.loads(capsys.readouterr().out)["results"][0]
    assert code == 0 and (top["speaker"], top["timestamp"]) == ("Daniel Okafor", "0:21:14")


def test_a_feed_from_the_web_cannot_read_local_files(tmp_path, site, capsys):
    local = tmp_path / "local.json"
    local.write_text(JSON_TRANSCRIPT)
    site.add("/feed.xml", FEED.format(chapters=site.url + "/redirect-to-file", vtt="ftp://example.org/x.vtt",
                                      json=local.as_uri(), srt="/nothing.srt"), "application/rss+xml")
    seeds = tmp_path / "seeds"
    assert feed.main([site.url + "/feed.xml", "--seeds", str(seeds), "--episodes", "1", "--allow-private"]) == 0
    err = capsys.readouterr().err
    assert "may not link local files" in err
    assert "not a web address" in err
    assert "/redirect-to-file answered HTTP 302" in err and "not allowed" in err  # urllib refuses file:
    assert sorted(p.name for p in (seeds / "491-the-transistor-at-80").iterdir()) == ["notes.md"]


def test_a_slow_server_times_out_and_the_import_goes_on(tmp_path, site, capsys):
    site.add("/slow.vtt", (DATA / "491-transistor" / "transcript.vtt").read_bytes(), "text/vtt", delay=1.0)
    site.add("/feed.xml", FEED.format(chapters="/none.json", vtt="/slow.vtt", json="/none.json", srt="/none.srt"),
             "application/rss+xml")
    seeds = tmp_path / "seeds"
    assert feed.main([site.url + "/feed.xml", "--seeds", str(seeds), "--timeout", "0.2", "--allow-private"]) == 0
    err = capsys.readouterr().err
    assert "did not answer within" in err
    assert "3 imported" in err


def test_what_is_not_a_feed_is_refused_clearly(tmp_path, site, capsys):
    page = tmp_path / "page.html"
    page.write_text("<html><body>Not a feed</body></html>")
    assert feed.main([str(page), "--seeds", str(tmp_path / "seeds")]) == 1
    assert "holds no episodes" in capsys.readouterr().err
    assert feed.main([site.url + "/gone.xml", "--seeds", str(tmp_path / "seeds"), "--allow-private"]) == 1
    err = capsys.readouterr().err
    assert "cannot read the feed" in err and "HTTP 404" in err
    assert feed.main([str(tmp_path / "missing.xml"), "--seeds", str(tmp_path / "seeds")]) == 1
    assert not (tmp_path / "seeds").exists() or not any((tmp_path / "seeds").iterdir())


SEASONS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Signal Path</title>
  <item><title>Mailbag</title><itunes:season>1</itunes:season><itunes:episode>1</itunes:episode>
    <pubDate>Mon, 05 Jan 2026 08:00:00 GMT</pubDate><description>Season one questions.</description></item>
  <item><title>Mailbag</title><itunes:season>2</itunes:season><itunes:episode>1</itunes:episode>
    <pubDate>Mon, 04 Jan 2027 08:00:00 GMT</pubDate><description>Season two questions.</description>
    <podcast:transcript url="s2e1.html" type="text/html"/></item>
</channel></rss>
"""

HTML_TRANSCRIPT = """<html><body>
<cite>Maya Chen:</cite><time>0:00</time><p>Welcome to the season two mailbag.</p>
<cite>Daniel Okafor:</cite><time>1:02:38</time><p>The first question is about germanium &amp; heat.</p>
</body></html>"""


def test_seasons_that_restart_their_numbers_stay_apart_and_html_transcripts_keep_times(tmp_path, capsys):
    export = tmp_path / "export"
    export.mkdir()
    (export / "feed.xml").write_text(SEASONS)
    (export / "s2e1.html").write_text(HTML_TRANSCRIPT)
    seeds = tmp_path / "seeds"
    assert feed.main([str(export / "feed.xml"), "--seeds", str(seeds)]) == 0
    assert sorted(p.name for p in seeds.iterdir()) == ["s1e1-mailbag", "s2e1-mailbag"]
    assert "episode: S2E1\n" in (seeds / "s2e1-mailbag" / "notes.md").read_text()
    bot = EpisodeBot(seeds)
    assert [(e.id, e.description) for e in bot.library.episodes] == [
        ("s1e1", "Season one questions."), ("s2e1", "Season two questions.")]
    assert bot.resolve_episode("S2E1").id == "s2e1"
    reply = bot.run("ask", {"question": "What is the question about germanium?", "episode": "s2e1"})
    top = reply.results[0]
    assert (top.speaker, top.timestamp, top.text) == (
        "Daniel Okafor", "1:02:38", "The first question is about germanium & heat.")
