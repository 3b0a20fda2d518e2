"""WebVTT and SRT transcripts become timed passages with speakers."""

from __future__ import annotations

VTT_VOICES = """WEBVTT

NOTE recorded at the studio

00:00:00.500 --> 00:00:04.200
<v Maya Chen>Welcome to Signal Path. Today we go back eighty years,

00:00:04.200 --> 00:00:08.900
<v Maya Chen>to a lab in New Jersey.

00:00:09.000 --> 00:00:11.500
<v.guest Daniel Okafor>Thanks, Maya &amp; everyone.

00:01:02.250 --> 00:01:05.000
<v Maya Chen>So what was the point-contact transistor?
"""


def test_vtt_voice_tags_name_speakers_and_fragments_merge(read):
    doc = read("ep/transcript.vtt", VTT_VOICES)
    assert doc.format == "webvtt"
    assert doc.problems == []
    got = [(p.speaker, p.time, p.text) for p in doc.passages]
    assert got == [
        ("Maya Chen", 0, "Welcome to Signal Path. Today we go back eighty years, to a lab in New Jersey."),
        ("Daniel Okafor", 9, "Thanks, Maya & everyone."),
        ("Maya Chen", 62, "So what was the point-contact transistor?"),
    ]
    assert all(p.kind == "transcript" and p.time_basis == "own" for p in doc.passages)
    # Each passage cites the timing line of its first cue.
    assert [p.sources[0].line for p in doc.passages] == [5, 11, 14]


def test_vtt_speaker_lines_carry_on_until_the_next_speaker(read):
    doc = read("t.vtt", """WEBVTT

00:00:01.000 --> 00:00:03.000
Lex Fridman: The following is a conversation

00:00:03.000 --> 00:00:05.000
with Nathan Lambert.

00:00:05.500 --> 00:00:07.000
Nathan Lambert: Thanks for having me.

00:00:07.500 --> 00:00:09.000
>> Who is that?

00:00:09.000 --> 00:00:10.000
- Someone else entirely.
""")
    got = [(p.speaker, p.time, p.text) for p in doc.passages]
    assert got == [
        ("Lex Fridman", 1, "The following is a conversation with Nathan Lambert."),
        ("Nathan Lambert", 5, "Thanks for having me."),
        (None, 7, "Who is that?"),
        (None, 9, "Someone else entirely."),
    ]


def test_youtube_rolling_captions_are_not_repeated(read):
    doc = read("yt.vtt", """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.310 align:start position:0%
{BLANK}
so<00:00:00.320><c> today</c><00:00:00.640><c> we</c>

00:00:02.310 --> 00:00:02.320 align:start position:0%
so today we
{BLANK}

00:00:02.320 --> 00:00:05.000 align:start position:0%
so today we
are talking<00:00:03.000><c> about</c><00:00:03.500><c> germanium</c>

00:00:05.000 --> 00:00:06.000
[Music]

00:00:06.000 --> 00:00:08.000 align:start position:0%
are talking about germanium
and silicon.
""".replace("{BLANK}", " "))  # YouTube writes a line holding one space, not an empty line
    assert [p.text for p in doc.passages] == ["so today we are talking about germanium and silicon."]
    assert doc.passages[0].time == 0


def test_long_speech_is_cut_at_sentence_ends_and_keeps_each_start(read):
    cues = []
    for i in range(40):
        start = i * 4
        cues.append(f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{(start + 4) // 60:02d}:"
                    f"{(start + 4) % 60:02d}.000\n<v Daniel Okafor>Sentence number {i} is about germanium.\n")
    doc = read("long.vtt", "WEBVTT\n\n" + "\n".join(cues))
    assert len(doc.passages) > 3
    assert all(len(p.text) <= 700 for p in doc.passages)
    assert all(p.text.endswith(".") for p in doc.passages)
    assert doc.passages[0].time == 0
    # The second passage starts where its first sentence was said.
    first_words = doc.passages[1].text.split()[2]
    assert doc.passages[1].time == int(first_words) * 4


def test_broken_vtt_cue_is_reported_and_the_rest_kept(read):
    doc = read("b.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfirst words.\n\n"
                        "00:00:0x.000 --> 00:00:03.000\nbroken\n\n00:00:05.000 --> 00:00:06.000\nlater words.\n")
    assert [p.time for p in doc.passages] == [1]
    assert "first words. later words." == doc.passages[0].text
    assert [(p.line, "skipped" in p.message) for p in doc.problems] == [(6, True)]


def test_a_vtt_file_that_is_not_webvtt_is_an_error_not_a_crash(read):
    doc = read("x.vtt", "hello\n00:00:01.000 --> 00:00:02.000\nok\n")
    assert doc.format == "webvtt"
    assert doc.passages == []
    assert any(p.severity == "error" and "WEBVTT" in p.message for p in doc.problems)


SRT = """1
00:00:01,000 --> 00:00:03,200
Lex Fridman: The following is a

2
00:00:03,200 --> 00:00:05,000
<i>conversation</i> with Nathan Lambert.

3
00:02:10,500 --> 00:02:14,000
{\\an8}Nathan Lambert: RLVR means reinforcement
learning with verifiable rewards.

4
00:02:14,000 --> 00:02:15,000
(laughs)
"""


def test_srt_speakers_tags_and_times(read):
    doc = read("captions.srt", SRT)
    assert doc.format == "srt"
    assert doc.problems == []
    got = [(p.speaker, p.time, p.text, p.sources[0].line) for p in doc.passages]
    assert got == [
        ("Lex Fridman", 1, "The following is a conversation with Nathan Lambert.", 2),
        ("Nathan Lambert", 130, "RLVR means reinforcement learning with verifiable rewards.", 10),
    ]


def test_srt_is_recognised_without_its_extension(read):
    assert read("captions.txt", SRT).format == "srt"
    assert read("captions.txt", VTT_VOICES).format == "webvtt"


def test_captions_of_only_sounds_are_reported(read):
    doc = read("music.srt", "1\n00:00:01,000 --> 00:00:03,000\n[Music]\n\n2\n00:00:04,000 --> 00:00:05,000\n♪♪\n")
    assert doc.passages == []
    assert any("no words" in p.message for p in doc.problems)


def test_broken_srt_cue_is_reported_with_its_line_and_the_rest_kept(read):
    doc = read("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:03,000 -> 00:00:04,000\n"
                        "broken arrow\n\n3\n00:00:09,000 --> 00:00:10,000\nBye now.\n")
    assert [(p.time, p.text) for p in doc.passages] == [(1, "Hello there."), (9, "Bye now.")]
    [problem] = doc.problems
    assert problem.line == 5 and "broken arrow" in problem.message and problem.severity == "warning"
