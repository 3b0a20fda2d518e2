"""Commands through the core: answers, declines, times, buttons, autocomplete, reload."""

from __future__ import annotations

import shutil

import pytest

from bot.commands import COMMANDS, MAX_QUERY
from bot.core import EpisodeBot
from bot.replies import Action
from bot.text import format_time, parse_time, read_time


@pytest.mark.parametrize("text, seconds", [
    ("1:02:38", 3758), ("62:38", 3758), ("1h02m", 3720), ("3758", 3758), ("00:16:29", 989),
    ("1h2m38s", 3758), ("16:29", 989), ("1:99:00", None), ("soon", None)])
def test_times_are_read_in_every_common_spelling(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text, seconds", [
    ("2 hours in", 7200), ("at the 2 hour mark", 7200), ("around 3 and a half hours", 12600),
    ("1.5 hours", 5400), ("about 90 minutes in", 5400), ("an hour and 10 minutes", 4200), ("half an hour", 1800),
    ("1 hr 20 min", 4800), ("1:02:38", 3758), ("72 hour weeks", None), ("hours", None), ("the end", None),
    ("wait what chapter is 2:00:00", 7200), ("what part is at like 3h10m", 11400),  # asking nothing else
    ("2h45", 9900), ("what are they on about at 1h05", 3900), ("like 100 mins in", 6000), ("2h75", None),
    ("what chapter is 2 hours in", 7200), ("what do they say at 1:24:01 about data", None),
    ("which chapter covers 1:40:00", 6000)])
def test_times_are_read_as_members_say_them(text, seconds):
    assert read_time(text) == seconds


def test_times_are_written_h_mm_ss():
    assert format_time(3758) == "1:02:38" and format_time(989) == "0:16:29"


def test_ask_answers_with_the_moment_and_the_source(episode_bot):
    reply = episode_bot.run("ask", {"question": "What is RLVR?"})
    top = reply.results[0]
    assert "Verifiable Rewards" in top.text
    assert top.timestamp and top.chapter and top.source.startswith("002_")
    assert top.link.startswith("https://lexfridman.com/")


def test_ask_declines_with_suggestions_instead_of_guessing(episode_bot):
    reply = episode_bot.run("ask", {"question": "Who won the 2022 FIFA World Cup?"})
    assert reply.results == [] and "couldn't find" in reply.message
    assert reply.suggestions


def test_chapter_by_time_title_typo_and_list(episode_bot):
    assert episode_bot.run("chapter", {"title_or_time": "1:02:38"}).results[0].timestamp == "1:02:38"
    assert episode_bot.run("chapter", {"title_or_time": "scaling laws"}).results[0].timestamp == "1:02:38"
    assert episode_bot.run("chapter", {"title_or_time": "scalling lwas"}).results[0].timestamp == "1:02:38"
    listing = episode_bot.run("chapter", {})
    assert len(listing.results) == 27 and listing.results[0].title == "Introduction"



@pytest.mark.parametrize("asked, start", [
    ("2 hours in", "1:51:51"),  # the chapter playing at 2:00:00, not the one whose title says 'hour'
    ("at the 2 hour mark", "1:51:51"), ("the beginning", "0:00:00"), ("the end", "4:22:48"),
    ("last part", "4:22:48"), ("72 hour weeks", "2:35:36"),
    ("chapter 5", "0:36:11"), ("ch. 3", "0:16:29"), ("5th chapter", "0:36:11"), ("#27", "4:22:48"),
    ("the tool calling section", "2:49:01"), ("the robotics chapter", "3:04:54"),
    ("is agi dead", "3:39:51"),  # 'dead' is 'dying', not the 'dead' of the scaling-laws chapter's title
    ("what chapter is 2:50:00 lol", "2:49:01"),
    # its place in words, asked around and typed with slips
    ("whats the last chapter", "4:22:48"), ("last one", "4:22:48"), ("second chapter", "0:01:39"),
    ("the secnd to last chaptr", "4:14:42"), ("penultimate chapter", "4:14:42"), ("the 3rd chaptr", "0:16:29"),
    ("whats the part at 2h45", "2:43:19"), ("wat chaptr is 30 min in", "0:25:11"),
    ("arond 3h45 what chaptr is that", "3:39:51"), ("the burnuot and overwork chaptr", "2:35:36"),
    ("which chapter has the jensen stuff", "4:14:42"), ("1:55:00 wich chaptr", "1:51:51"),
    # a clock of two parts: hours and minutes where the episode runs that long and no chapter starts at its
    # minutes and seconds ('1:39', copied from the chapter list); minutes and seconds past the end ('54:41')
    ("3:52 what chapter is that", "3:51:02"), ("whats the chapter around 2:30", "2:12:43"), ("1:39", "0:01:39"),
    ("54:41", "0:54:41"), ("0:03:52", "0:01:39"),
    ("wats the chaptr at 1:05:00", "1:02:38"),
    # a place asked about, or said again in other words after it
    ("what's the last chapter about", "4:22:48"), ("whats the 2nd chapter called again", "0:01:39"),
    ("the very last chaptr, the big-picture future one", "4:22:48"), ("the first part - the intro", "0:00:00"),
    ("robotics, the part about humanoids", "3:04:54"),
    # a time, with when a chapter starts asked around it
    ("what chapter starts at 3:05:00", "3:04:54"), ("wich chapter starts rite around 3h05", "3:04:54")])
def test_a_chapter_by_a_time_or_a_place_in_a_members_words(episode_bot, asked, start):
    assert episode_bot.run("chapter", {"title_or_time": asked}).results[0].timestamp == start


def test_a_clock_read_as_hours_and_minutes_says_so(episode_bot):
    reply = episode_bot.run("chapter", {"title_or_time": "wat chapter is arround 4:18"})
    assert reply.results[0].timestamp == "4:14:42"
    assert reply.message == "Read 4:18 as 4:18:00, hours and minutes; for minutes and seconds, ask for 0:04:18."
    assert not episode_bot.run("chapter", {"title_or_time": "1:39"}).message
    # under a spoiler-safe limit of 45:00, 4:18 is minutes and seconds
    assert episode_bot.run("chapter", {"title_or_time": "4:18", "before": "45:00"}).results[0].timestamp == "0:01:39"


@pytest.mark.parametrize("asked", ["chapters", "list the chapters", "show all chapters", "toc"])
def test_the_chapter_list_asked_for_in_words(episode_bot, asked):
    assert len(episode_bot.run("chapter", {"title_or_time": asked}).results) == 27


def test_a_chapter_number_past_the_list_or_the_spoiler_limit_says_so(episode_bot):
    reply = episode_bot.run("chapter", {"title_or_time": "chapter 40"})
    assert reply.error and "chapters 1 to 27" in reply.body
    reply = episode_bot.run("chapter", {"title_or_time": "chapter 20", "before": "1:00:00"})
    assert reply.error and "3:21:20 is after your spoiler-safe limit" in reply.body


def test_chapter_replies_page_to_the_neighbours(episode_bot):
    reply = episode_bot.run("chapter", {"title_or_time": "scaling laws"})
    labels = {b.label: b.action for b in reply.buttons}
    assert set(labels) == {"Previous chapter", "Next chapter"}
    after = episode_bot.run_action(labels["Next chapter"].encode())
    assert after.results[0].title.startswith("How AI is trained")
    before = episode_bot.run_action(labels["Previous chapter"].encode())
    assert before.results[0].title.startswith("Transformers")


def test_more_results_pages_through_an_answer(episode_bot):
    first = episode_bot.run("ask", {"question": "open models"})
    assert first.more and first.buttons[-1].label == "More results"
    second = episode_bot.run_action(first.buttons[-1].action.encode())
    assert second.page == 2 and second.results
    assert {r.text for r in second.results}.isdisjoint({r.text for r in first.results})


def test_a_stale_or_foreign_button_says_it_expired(episode_bot):
    assert "expired" in episode_bot.run_action("v0|junk").body
    assert Action.decode("v1|more|ask|490|2||a|b") == Action(kind="more", command="ask", episode="490", page=2,
                                                             query="a|b")


def test_quote_finds_the_line_with_speaker_and_time(episode_bot):
    top = episode_bot.run("quote", {"text": "build it yourself"}).results[0]
    assert top.speaker == "Lex Fridman" and top.timestamp == "0:00:51" and "build it yourself" in top.text


def test_quote_finds_a_line_that_a_note_quotes(episode_bot):
    """The notes quote Sebastian: 'current AI has no agency — "you still have to tell it what to do"'. The
    transcript has no such turn, so the line is found in the note, the quoted words alone as the text."""
    from bot.search import _quoted

    assert _quoted('no agency — "you still have to tell it what to do" — making it') == [
        "you still have to tell it what to do"]
    assert _quoted('a "threshold effect" where') == []  # a term in quotes is no line someone said
    # Two lines one sentence quotes are also remembered together.
    assert _quoted('a "one model to rule everything" vision is "kind of dying" — being') == [
        "one model to rule everything", "kind of dying", "one model to rule everything … kind of dying"]
    both = episode_bot.run("quote", {"text": "one model to rule everything is kinda dying"}).results[0]
    assert "kind of dying" in both.text and "one model" in both.text
    line = episode_bot.run("quote", {"text": "the let me reconsidr line from r1 zero"}).results[0]
    assert "let me reconsider" in line.text
    assert "almost a meme" in episode_bot.run(
        "quote", {"text": "the line about the opus 4.5 hype being almost a meme"}).results[0].text
    top = episode_bot.run("quote", {"text": "you still have to tell it what to do"}).results[0]
    assert top.text == "you still have to tell it what to do" and top.timestamp


def test_quote_without_text_is_a_notable_quote_of_that_speaker(episode_bot):
    for _ in range(5):
        top = episode_bot.run("quote", {"speaker": "Nathan"}).results[0]
        assert top.kind == "quote" and top.speaker == "Nathan Lambert"


@pytest.mark.parametrize("text", ["nathan quote", "a random quote by Nathan Lambert", "quotes from nathan",
                                  "nathan's best quote?"])
def test_a_quote_by_someone_asked_in_words_is_a_notable_quote_of_theirs(episode_bot, text):
    for _ in range(3):
        top = episode_bot.run("quote", {"text": text}).results[0]
        assert top.kind == "quote" and top.speaker == "Nathan Lambert"


def test_a_quote_asked_in_words_about_a_topic_is_found_by_its_words(episode_bot):
    assert "calculator" in episode_bot.run("quote", {"text": "quote about a calculator"}).results[0].text
    assert episode_bot.run("quote", {"text": "random quote"}).results[0].kind == "quote"
    for anyone in ("best quote from the episode", "quote of the day", "a quote in this episode"):
        assert episode_bot.run("quote", {"text": anyone}).results[0].kind == "quote", anyone
    # Someone who doesn't speak in the episode: their name is looked for in the lines, as any words are.
    assert episode_bot.run("quote", {"text": "jensen quote"}).results == []


@pytest.mark.parametrize("text, held", [("lex line abt it getting super technical sometimes", "super technical"),
                                         ("the dev survey line abt coding w ai being significantly more enjoyable",
                                          "significantly more enjoyable")])
def test_a_line_asked_for_as_someone_s_line_about_something(episode_bot, text, held):
    """'line abt' says how a line is asked for: as a search word, 'line' weighed a fifth of the question."""
    assert held in episode_bot.run("quote", {"text": text}).results[0].text


def test_a_line_asked_for_in_quotes_within_a_description_is_found_by_the_quoted_words(episode_bot):
    """Sam Altman says nothing in the episode: Nathan's paraphrase of him is the line, found by its words."""
    found = episode_bot.run("quote", {"text": "sam altman 'our gpus are hurting' line"}).results
    assert "GPUs are hurting" in found[0].text
    assert episode_bot.run("quote", {"text": "the 'no such words anywhere' line"}).results == []


@pytest.mark.parametrize("text, held", [("lex intro calling them x posters lol", "X posters"),
                                         ("nathan quote on multi-agnet replacing one big modle", "kind of dying")])
def test_a_line_described_in_other_words_is_the_answer_to_the_description(episode_bot, text, held):
    """No line holds most of the description's words; asked as a question, its answer is a line someone said."""
    assert held in episode_bot.run("quote", {"text": text}).results[0].text


@pytest.mark.parametrize("text, who, held", [
    ("sebastian's line that nobody gets to keep tech to themselves anymore", "Sebastian Raschka", "no other company"),
    ("seb qoute about using a calculater instead of memorizing", "Sebastian Raschka", "calculator app")])
def test_a_line_described_by_who_said_it_is_looked_for_among_their_lines(episode_bot, text, who, held):
    """The person a description names said the line: only their lines are compared with the rest of it."""
    found = episode_bot.run("quote", {"text": text}).results[0]
    assert found.speaker == who and held in found.text


def test_a_quote_is_found_by_whose_words_its_remark_says_it_carries(episode_bot):
    """'— Nathan Lambert (paraphrasing Sam Altman's rationale ...)': the Altman line is that quote."""
    assert "GPUs are hurting" in episode_bot.run("quote", {"text": "that altman line about their gpus"}).results[0].text


@pytest.mark.parametrize("text", ["nathan's slop quote", "nathan slop quote"])
def test_a_quote_of_someone_about_something_is_that_line_not_any_of_theirs(episode_bot, text):
    """'nathan's slop quote' names Nathan and what his line is about: not a random quote of his."""
    assert "drowns in slop" in episode_bot.run("quote", {"text": text}).results[0].text


def test_a_description_answered_by_no_line_is_still_declined(episode_bot):
    """The answer to 'what is the atom project' is a note that quotes no one: no line to give."""
    assert episode_bot.run("ask", {"question": "what is the atom project"}).results
    assert episode_bot.run("quote", {"text": "what is the atom project"}).results == []


def test_quote_for_an_unknown_speaker_says_who_speaks(episode_bot):
    reply = episode_bot.run("quote", {"speaker": "Oprah"})
    assert reply.error and "Lex Fridman" in reply.body


@pytest.mark.parametrize("topic, section", [
    ("post training", "Post-Training and RLVR"),  # not 'Training Stages: Pre-training, ..., Post-training'
    ("training", "Training Stages: Pre-training, Mid-training, Post-training"),
    ("scaling laws", "Scaling Laws: Pre-training, RL, and Inference"),
    ("post-training stuff quick recap", "Post-Training and RLVR"),  # the topic as searched, chat words left out
    ("nvidia / compute part in a nutshell", "GPUs, NVIDIA, and Compute Infrastructure")])
def test_summary_leads_with_the_section_that_names_the_topic_first(episode_bot, topic, section):
    assert episode_bot.run("summary", {"topic": topic}).results[0].section == section


def test_a_summary_of_two_topics_at_once_gives_each(episode_bot):
    """No passage holds both IPOs and acquisitions: the first of each leads; a topic of the two found nowhere
    declines the whole."""
    results = episode_bot.run("summary", {"topic": "ipos and aquisitions recap"}).results
    assert "IPO" in results[0].text and "go public" in results[1].text
    assert episode_bot.run("summary", {"topic": "quantum computing and robotics"}).results == []


def test_a_summary_no_passage_words_hold_is_what_ask_finds(episode_bot):
    top = episode_bot.run("summary", {"topic": "sumary of the data and copyrite lawsuit stuff"}).results[0]
    assert "lawsuit" in top.text
    assert episode_bot.run("summary", {"topic": "the world cup"}).results == []


def test_a_summary_of_a_topic_only_a_chapter_names_is_that_chapter_s_notes(episode_bot):
    """No passage holds enough of 'these ai companies plan to make money', and ask declines it; the chapter
    'How AI will make money?' holds most of it, and its notes are its summary, in the order said. A title
    holding one of two topics ('quantum computing and robotics') is no summary of them."""
    results = episode_bot.run("summary", {"topic": "quick rundown of how these ai companies plan to make money"}
                              ).results
    assert results and {r.chapter for r in results} == {"How AI will make money?"}
    assert [r.timestamp for r in results] == sorted(r.timestamp for r in results)
    assert episode_bot.run("summary", {"topic": "summary of the cooking segment"}).results == []


def test_what_was_said_in_the_intro_comes_from_the_introduction(episode_bot):
    assert episode_bot.run("ask", {"question": "what did they say in the intro"}).results[0].chapter == "Introduction"


def test_summary_without_topic_leads_with_the_tldr(episode_bot):
    reply = episode_bot.run("summary", {})
    assert reply.results[0].kind == "summary" and reply.results[0].section == "TL;DR"
    assert any(r.kind == "takeaway" for r in reply.results) or reply.more


@pytest.mark.parametrize("topic", ["tldr", "tl;dr pls", "the whole thing", "the episode", "everything"])
def test_a_summary_of_the_whole_episode_asked_in_words_is_the_tldr(episode_bot, topic):
    reply = episode_bot.run("summary", {"topic": topic})
    assert reply.results[0].kind == "summary" and reply.results[0].section == "TL;DR"


def test_summarize_is_how_a_topic_is_asked_for_not_part_of_it(episode_bot):
    reply = episode_bot.run("summary", {"topic": "summarize the scaling laws part"})
    assert "scaling law" in reply.results[0].text.lower()


def test_episode_shows_facts_and_where_sources_disagree(episode_bot):
    reply = episode_bot.run("episode", {})
    fields = {f.name: f.value for f in reply.fields}
    assert fields["Number"] == "490" and "2026-02-01" in fields["Date"]
    assert "Nathan Lambert" in fields["Guests"] and fields["Sources"].count(".txt") == 5


def test_help_lists_every_command_with_an_example(episode_bot):
    reply = episode_bot.run("help", {})
    assert [f.name.split()[0] for f in reply.fields] == [c.name for c in COMMANDS]


@pytest.mark.parametrize("args, message", [
    ({"question": ""}, "Please give a question"),
    ({"question": "x" * (MAX_QUERY + 1)}, "the limit is"),
    ({"question": "hi", "colour": "red"}, "no option"),
])
def test_bad_input_gets_a_clear_message(episode_bot, args, message):
    reply = episode_bot.run("ask", args)
    assert reply.error and message in reply.body


def test_control_and_invisible_characters_are_stripped(episode_bot):
    reply = episode_bot.run("ask", {"question": "What\u200b is\x00 RL\u202eVR?\r\n"})
    assert not reply.error and reply.query == "What is RLVR?"


def test_unknown_episode_and_command_are_user_errors(episode_bot):
    assert "don't know an episode" in episode_bot.run("ask", {"question": "x", "episode": "999"}).body
    assert "no command" in episode_bot.run("dance", {}).body


def test_autocomplete_gives_at_most_25_ranked_choices(episode_bot):
    chapters = episode_bot.complete("chapter", "")
    assert len(chapters) == 25
    assert episode_bot.complete("chapter", "robtics")[0].value == "Robotics"
    assert episode_bot.complete("speaker", "seb")[0].value == "Sebastian Raschka"
    assert episode_bot.complete("episode", "state of ai")[0].value == "490"
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in chapters)


def test_reload_swaps_in_a_new_episode_and_keeps_the_old_on_failure(tmp_path, seeds_dir):
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    bot = EpisodeBot(tmp_path / "seeds")
    (tmp_path / "seeds" / "ep2.md").write_text(
        "---\ntitle: 'Tiny show #2'\ndate: 2026-03-01\n---\n## Notes\n- Photonic chips were the main topic.\n")
    assert bot.reload()
    assert len(bot.library.episodes) == 2
    assert "Photonic" in bot.run("ask", {"question": "photonic chips", "episode": "2"}).results[0].text
    shutil.rmtree(tmp_path / "seeds")
    assert not bot.reload()
    assert bot.run("ask", {"question": "What is RLVR?", "episode": "490"}).results


@pytest.mark.parametrize("noise", ["<!channel>", "<!here>", "<@U123ABC>", "@everyone", "<@&42>", "<#C1|general>"])
def test_mentions_in_a_question_do_not_change_the_answer(episode_bot, noise):
    plain = episode_bot.run("ask", {"question": "what is rlvr"}).results[0].text
    assert episode_bot.run("ask", {"question": f"{noise} what is rlvr"}).results[0].text == plain


def test_more_quotes_keep_the_speaker_filter(tmp_path):
    quotes = "\n".join(f'> "Engines number {i} are wonderful machines." — {who}\n'
                       for i in range(8) for who in ("Ada Lovelace", "Charles Babbage"))
    (tmp_path / "ep.md").write_text(f"---\ntitle: 'Engines #1'\n---\n## Quotes\n{quotes}")
    bot = EpisodeBot(tmp_path)
    first = bot.run("quote", {"text": "engines wonderful machines", "speaker": "Ada"})
    assert first.more and {r.speaker for r in first.results} == {"Ada Lovelace"}
    following = bot.run_action(first.buttons[-1].action.encode())
    assert following.results and {r.speaker for r in following.results} == {"Ada Lovelace"}


def test_a_reload_keeps_the_serving_answers_until_the_swap(tmp_path, seeds_dir):
    from bot.core import Snapshot

    shutil.copytree(seeds_dir, tmp_path / "seeds")
    bot = EpisodeBot(tmp_path / "seeds", cache_dir=tmp_path / "cache")
    serving = bot.snapshot
    episode = serving.library.episodes[0]
    notes = next((tmp_path / "seeds").glob("002_*"))
    notes.write_text(notes.read_text(encoding="utf-8") + "\n- Photonic chips came up at the end.\n",
                     encoding="utf-8")
    fresh = Snapshot.build(bot.seeds_dir, bot.max_bytes, bot.store)  # what reload() builds beside it
    hits, _ = serving.index.ask("What is RLVR?", episode)
    assert hits and "Verifiable Rewards" in hits[0].item.text  # still answering mid-reload
    bot.snapshot = fresh
    fresh.settle()
    assert "Photonic" in bot.run("ask", {"question": "photonic chips"}).results[0].text


@pytest.mark.parametrize("odd", ["²", "³²¹", "٣", "①", "Ⅻ"])
def test_unusual_digits_never_raise(episode_bot, odd):
    for name, args in [("chapter", {"title_or_time": odd}), ("ask", {"question": "RLVR", "episode": odd}),
                       ("episode", {"episode": odd}), ("quote", {"text": odd})]:
        reply = episode_bot.run(name, args)
        assert reply.results or reply.message or reply.error
    assert isinstance(episode_bot.complete("chapter", "sc", episode=odd), list)


def test_a_cache_others_could_write_is_not_read(tmp_path, seeds_dir, caplog):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # like a /tmp folder anyone may write: its pickles could run anyone's code
    bot = EpisodeBot(seeds_dir, cache_dir=shared)
    assert bot.store is None and "not private" in caplog.text
    assert bot.run("ask", {"question": "What is RLVR?"}).results


def test_an_episode_without_summary_or_chapters_says_so(tmp_path):
    (tmp_path / "ep.md").write_text("---\ntitle: 'Bare #3'\n---\n## Notes\n- Lathes and mills were compared.\n")
    bot = EpisodeBot(tmp_path)
    assert "no TL;DR" in bot.run("summary", {}).message
    assert "no chapter list" in bot.run("chapter", {}).message
    declined = bot.run("ask", {"question": "photosynthesis in ferns"})
    assert declined.results == [] and not any(s.startswith("chapter") for s in declined.suggestions)


def test_a_speaker_is_named_by_words_not_letters(episode_bot):
    assert episode_bot.run("quote", {"speaker": "a"}).error
    assert episode_bot.run("quote", {"speaker": "lambert"}).results[0].speaker == "Nathan Lambert"
