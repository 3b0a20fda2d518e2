"""Meaning-aware search: chat filler, typos, honest corrections, the embedding model and its vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.meaning import ModelError, StaticModel, load_model
from bot.text import normalize_query, number_aliases, query_words


# -- words of a chat ask -------------------------------------------------------

@pytest.mark.parametrize("asked, wanted", [
    ("thoughts on world models", ["world", "models"]),
    ("timestamp for the rlhf utility theorem bit", ["rlhf", "utility", "theorem"]),
    ("anyone know what grpo is exactly lol", ["grpo"]),
    ("tldr on continual learning", ["continual", "learning"]),
    ("where in the ep do they talk about tpus", ["tpus"]),  # the episode asked is where, not what
    ("did anyone bring up apple in china", ["apple", "china"]),
    ("nathan's hot take on meta", ["nathan", "meta"]),
    ("summary of the agi timeline convo", ["agi", "timeline"]),  # the talk asked about, as "part" or "bit"
    ("so is nvidia still winning or nah", ["nvidia", "still", "winning"]),
    ("is the sv bubble a good thing or not", ["silicon", "valley", "bubble"]),
    ("sebastian's books? wanna get started", ["sebastian", "books", "started"]),
    ("hey how's it going", []),  # small talk: how a member greets, never what about
    ("who made you", []),
    ("what's new with nvidia", ["nvidia"]),
    ("how many employees does anthropic have right now", ["employees", "anthropic"]),
    ("when do they talk about the atom project, what minute", ["atom", "project"]),  # the moment: every answer's
    ("ok so what minute do they get into data quality", ["data", "quality"]),
    ("when did lambert start the atom project", ["lambert", "start", "atom", "project"]),  # a date asked
    ("do ppl outside the us even pay for ai subs", ["people", "outside", "pay", "ai", "subscriptions"]),
    ("was 996 like official policy or just vibes", ["996", "official", "policy"]),
    ("who tf is antlang", ["antlang"]),
    ("wheres the grpo deep dive", ["grpo", "deep", "dive"]),  # a contraction typed without its apostrophe
    ("2:51 ish, open model tooling", ["open", "model", "tooling"]),  # a moment named: where, not what
    ("atom's whole argument in one line?", ["atom", "argument"]),  # how short an answer: not what about
    ("sum up what they said about the sf hype bubble", ["sf", "hype", "bubble"]),
    ("the research velocity edge openai supposedly has", ["research", "velocity", "edge", "openai"]),
    ("deepseek 5m number legit or nah", ["deepseek", "5", "million", "number"]),
    ("lora mentioned anywhere?", ["lora"]),
    ("marine community project? never heard of it, what is it", ["marine", "community", "project"]),
    ("anyone catch what nathan said abt his own burnout", ["nathan", "burnout"]),
    ("do the labs literally require 72 hr weeks", ["labs", "require", "72", "hours", "weeks"]),
    ("best attention trick for long ctx", ["best", "attention", "trick", "long", "context"]),
    ("ts for the which chatbot is winning part", ["chatbot", "winning"]),  # 'ts': a timestamp
    ("996 at sf ai labs, real thing or just a meme", ["996", "sf", "ai", "labs"]),  # a doubt: how it is asked
    ("any love for mistral in the ep", ["mistral"]),
    ("what was the big deal with deepseek back in jan 2025", ["deepseek", "january", "2025"]),  # a month cut short
    ("so cursor retrains every 90 minutes or what", ["cursor", "retrains", "every", "90", "minutes"]),
    ("opus is anthropic's top model, right?", ["opus", "anthropic", "top", "model"]),  # a question tag
    ("what math nudges the model toward attempts graded right", ["math", "nudges", "model", "attempts", "graded",
                                                                 "right"]),  # not a tag: what was right
])
def test_chat_filler_is_not_a_search_word(asked, wanted):
    assert query_words(normalize_query(asked)) == wanted


@pytest.mark.parametrize("question", ["what episode is this", "what's this episode about", "who's on this ep",
                                      "when did this episode come out"])
def test_a_question_about_the_episode_itself_gets_its_card(episode_bot, question):
    """'The episode' is where a member asks ('in this ep'), except when the episode is what is asked about."""
    assert episode_bot.run("ask", {"question": question}).to_json()["results"][0]["text"].startswith("Episode number 490")


@pytest.mark.parametrize("question", ["anyone got the link to the full transcript pls", "where is the transcript",
                                      "link to the episode"])
def test_a_question_for_the_episode_s_links_gets_them(episode_bot, question):
    """The episode's links are a passage of their own: among its facts, their words outweighed 'the host'."""
    text = episode_bot.run("ask", {"question": question}).to_json()["results"][0]["text"]
    assert text.startswith("Links: ") and "https://lexfridman.com/ai-sota-2026-transcript" in text
    host = episode_bot.run("ask", {"question": "Who is the host?"}).to_json()["results"][0]["text"]
    assert host.startswith("Episode number 490")


@pytest.mark.parametrize("greeting", ["hey how's it going", "what's going on", "how's everyone doing",
                                      "who made you", "what's your name", "can you hear me", "what time is it",
                                      "who built this bot and which model does it run on", "what model are you",
                                      "what are u exactly, like chatgpt or smth"])
def test_small_talk_is_declined_not_answered_with_a_passage(episode_bot, greeting):
    """'how's it going' left 'go', which a passage on startups going public held."""
    assert episode_bot.run("ask", {"question": greeting}).to_json()["results"] == []


def test_community_shorthand_reads_as_meant():
    assert normalize_query("book recs from the ep") == "book recommendations"  # 'from the episode': where
    assert normalize_query("what is in this ep") == "what is in this episode"  # ... unless it is all there is
    assert "5 million" in normalize_query("the deepseek 5m figure")
    assert "120b" in normalize_query("gpt-oss-120b")  # a model's size stays as the episode writes it
    assert normalize_query("how many devs w/o params") == "how many developers without parameters"
    assert normalize_query("xai hits 1 gw when") == "xai hits 1 gigawatt when"
    assert normalize_query("MOE VS DENSE") == "MOE VERSUS DENSE"  # typed in capitals: still in capitals
    assert normalize_query("m&a predictions, ads in chatbots") == (
        "mergers and acquisitions predictions, advertising in chatbots")
    assert normalize_query("would dl have stalled") == "would deep learning have stalled"
    assert normalize_query("when did this ep drop") == "when did this episode released"  # a release's time
    assert normalize_query("did the price drop") == "did the price drop"  # ... only when a time is asked
    assert query_words(normalize_query("hbm bottlenecks, did that come up at all")) == ["hbm", "bottlenecks"]
    assert query_words(normalize_query("do they touch on rlhf")) == ["rlhf"]
    assert query_words(normalize_query("the chatbot wars section")) == ["chatbot", "wars"]  # where, not what
    assert query_words(normalize_query("why does everyone pay for ai subs")) == ["pay", "ai", "subscriptions"]
    assert query_words(normalize_query("which western open models did they list")) == ["western", "open", "models"]
    assert normalize_query("wich guest said one org cant do it") == "who said one organization cant do it"
    assert normalize_query("which guests are on the show") == "which guests are on the show"  # the guest list
    assert query_words(normalize_query("good morning everyone!! hows it going")) == []  # a greeting
    assert query_words(normalize_query("what min do they get into tpus")) == ["tpus"]  # 'min': the minute
    assert "came" in query_words(normalize_query("who came up with rlvr"))  # what someone thought of
    assert query_words(normalize_query("why'd they'll we've")) == []  # a verb's contraction is no word
    # ... nor a negation's or a pronoun's typed without its apostrophe ('doesnt' is no typo of 'doesn')
    assert query_words(normalize_query("it doesnt work, im sure theyre getting it")) == ["work", "sure"]
    assert normalize_query("what does the atom project acronym stand for") == "what does the atom project stand for"
    assert query_words(normalize_query("moe explained like im 5")) == ["moe"]  # as 'eli5'
    assert query_words(normalize_query("could the us ban it tho, are they tryna")) == ["ban"]
    assert normalize_query("wats the avg guess, smth like") == "what's the average guess, something like"
    assert normalize_query("fp8 n training w diff models, dev survey") == (
        "fp8 and training with different models, developer survey")
    assert normalize_query("n-gram models") == "n-gram models"  # a letter of a hyphenated word is no shorthand
    assert normalize_query("qwen trained on 50t tokens") == "qwen trained on 50 trillion tokens"
    assert normalize_query("gpt-5t") == "gpt-5t"  # a name's piece, not an amount
    # '10K' in a passage is held as the '10000' a question's '10k' is written as
    assert number_aliases("(e.g., 10K to 13K)") == "10000 13000"
    # ... and a small number written out before what it counts as the digits a question may type
    assert number_aliases("with two gigawatts by year-end") == "yearend 2"
    assert number_aliases("one of them, and ten") == ""  # 'one' is too common; nothing counted after 'ten'
    # ... a name and its version run together as members type them, and a place by its short name
    assert number_aliases("Sebastian trained Qwen 3 base; Claude Opus 4.5") == "qwen3 opus4.5"
    assert number_aliases("Anthropic 50 percent") == ""  # an amount, no version
    assert number_aliases("San Francisco history") == "sf"


def test_an_irregular_verb_s_past_is_its_verb():
    from bot.text import stem

    assert stem("wrote") == stem("written") == stem("writes")  # 'what did lambert write': he 'wrote a post'
    assert stem("ran") == stem("running") and stem("bought") == stem("buying")
    assert stem("won") != stem("winning")  # the 'won' of "won't"
    assert stem("built") != stem("building")  # 'building' would hold every aside's 'built'
    assert stem("found") == stem("finding") != stem("founded")  # 'a survey found that' founded nothing


def test_two_edit_typos_of_long_words_are_corrected(episode_bot):
    index = episode_bot.snapshot.index
    assert index._correct("traning") == "training"
    assert index._correct("reflction") == "reflection"
    assert index._correct("projcet") == "project"
    assert index._correct("lambret") == "lambert"
    assert index._correct("relased") == "released"  # a letter left out, not one changed ('related')
    assert index._correct("nett") == "net"  # a short word with a letter doubled ('gated delta nett')
    assert index._correct("rebiuld") == "rebuilding"  # two letters swapped in the stem of the word the episode has
    assert index._correct("quantization") is None  # not 'quantity': two letters from its stem, and unlike it
    # 'comunity' is no real word though its stem 'comun' is one to the model: only an inflection's stem says so.
    assert index.parse("whats the marine comunity projcet").corrected == {"comunity": "community",
                                                                        "projcet": "project"}


def test_a_word_right_after_a_first_name_is_corrected_only_into_a_surname(episode_bot):
    """'nathan fillion' is someone else, not 'nathan million'; 'nathan lambret' is Lambert."""
    index = episode_bot.snapshot.index
    assert index.parse("which show is nathan fillion in right now").corrected == {}
    assert ask(episode_bot, "which show is nathan fillion in right now")["results"] == []
    assert index.parse("what did nathan lambret say about rlhf").corrected == {"lambret": "lambert"}
    assert index.parse("whats sebastians secnd book").corrected == {"secnd": "second"}
    # ... unless what follows says it is a verb: 'lanch the atom project' is 'launched'.
    assert index.parse("when did nathan lanch the atom project").corrected == {"lanch": "launched"}


def test_a_real_word_is_not_corrected_into_an_episode_word(episode_bot):
    q = episode_bot.snapshot.index.parse("What's the weather in Paris?")
    assert "paris" in q.terms and "pairs" not in q.terms
    assert episode_bot.run("ask", {"question": "What's the weather in Paris?"}).to_json()["results"] == []
    # Words the model's vocabulary holds only by their stem ('cook' + 'ing') are real words too.
    for word, not_meant in [("cooking", "looking"), ("farming", "framing"), ("sailing", "scaling"),
                            ("wines", "wins"), ("lawyers", "layer")]:
        q = episode_bot.snapshot.index.parse(f"what about {word}")
        assert word in q.terms and not_meant not in q.terms and not q.corrected, word
    assert episode_bot.run("summary", {"topic": "cooking"}).to_json()["results"] == []


def test_a_rare_word_one_slip_from_a_common_one_no_episode_writes_is_read_as_that_word(episode_bot):
    """'rase' is listed English, but a thousand times rarer than 'raise', which the episode holds only inside
    'fundraise': read as 'raise', the question finds the fundraise. A common word ('mote') or a name the list
    lacks ('cerebras') stays as typed."""
    from bot.english import common_slip

    assert common_slip("rase") == "raise"
    assert common_slip("mote") is None
    index = episode_bot.snapshot.index
    assert index.parse("how much did reflecton ai rase").corrected["rase"] == "raise"
    assert "billion" in ask(episode_bot, "how much did reflecton ai rase")["results"][0]["text"]
    assert "cerebras" in index.parse("did cerebras come up when they talked about inference chips").terms


@pytest.mark.parametrize("question", ["moe explained like im 5", "explain moe", "moe eli5"])
def test_a_term_asked_to_be_explained_is_asked_what_it_is(episode_bot, question):
    """The passage defining the term ('Mixture of Experts (MoE) expands ...') leads, as for 'what is moe'."""
    assert ask(episode_bot, question)["results"][0]["text"].startswith("Mixture of Experts (MoE)")


def test_a_name_typed_with_its_capital_is_corrected_only_for_a_slip(episode_bot):
    """One slip of the episode's name is the name; two make another name."""
    index = episode_bot.snapshot.index
    assert index.parse("What is Apertium used for?").corrected == {}
    assert episode_bot.run("ask", {"question": "What is Apertium used for?"}).to_json()["results"] == []
    assert index.parse("what did Nathan say about Nemotorn 3").corrected == {"nemotorn": "nemotron"}


def test_a_real_word_a_letter_off_a_phrase_of_the_episode_is_read_as_that_phrase(episode_bot):
    """'White Hose' is the White House the episode speaks of: the word beside it says so. Alone, or beside
    words that make no phrase of the episode, a real word is taken as typed."""
    index = episode_bot.snapshot.index
    question = "What did the White Hose AI action plan say about open models?"
    assert index.parse(question).corrected == {"hose": "house"}
    top = ask(episode_bot, question)["results"][0]
    assert "White House" in top["text"] and "Action Plan" in top["text"]
    assert index.parse("what did they say about the hose").corrected == {}
    assert index.parse("what is the weather in paris").corrected == {}
    # Across a stop word, beside a word itself corrected: 'winnig the harts' is 'winning the hearts'.
    assert index.parse("is deepseek winnig the harts of open-weight folks").corrected["harts"] == "hearts"
    # A common word a slip would seldom make stays as typed: 'founded' is not 'funded' (by Highflyer Capital).
    assert "founded" not in index.parse("who founded highflyer capital").corrected
    assert ask(episode_bot, "who founded highflyer capital")["results"] == []
    # ...unless the version number the episode writes after the name follows it: 'lama 4' is Llama 4.
    assert index.parse("what did they say about the lama 4 controversy").corrected == {"lama": "llama"}
    assert index.parse("is a lama a camel").corrected == {}


def test_a_name_typed_with_capitals_inside_is_corrected_by_one_slip_at_most(episode_bot):
    """'DeepSpeed' is a name of its own, two slips from 'DeepSeek'; 'DeepSeer' is DeepSeek mistyped."""
    index = episode_bot.snapshot.index
    question = "What does the ZeRO optimizer in DeepSpeed shard across GPUs?"
    assert index.parse(question).corrected.get("deepspeed") != "deepseek"
    assert ask(episode_bot, question)["results"] == []
    assert index.parse("What did DeepSeer release in January?").corrected == {"deepseer": "deepseek"}


def test_an_owner_typed_in_lowercase_that_nothing_knows_is_a_name_never_mentioned(episode_bot):
    """"graphcore's ipu chips": an owner no dictionary and no episode knows is a name, so a passage on chips
    does not answer for it; an owner that is a slip of an episode's name is corrected as before."""
    for question in ("what did they say about graphcore's ipu chips", "how does groq's lpu chip work"):
        assert ask(episode_bot, question)["results"] == [], question
    assert episode_bot.snapshot.index.parse("what was deepseks's big release").corrected == {"deepseks": "deepseek"}


def test_what_a_word_is_supposed_to_mean_asks_its_meaning(episode_bot):
    top = ask(episode_bot, "so what's 'jagged' supposed to mean here")["results"][0]
    assert "jagged" in top["text"].lower()


def test_a_chapter_asked_for_by_where_to_go_is_found_by_what_it_is_about(episode_bot):
    """'sponsors section, want to skip it': skipping and jumping say where to go, not what the chapter is about."""
    for asked, title in [("sponsors section, want to skip it", "Sponsors, Comments, and Reflections"),
                         ("jump to the robotics part", "Robotics"), ("skip to the tool use bit", "Tool use")]:
        reply = episode_bot.run("chapter", {"title_or_time": asked}).to_json()
        assert reply["results"][0]["title"] == title, asked


def test_a_person_s_name_is_not_read_as_initials(episode_bot):
    """'Claude Shannon' is no 'CS' (the episodes' 'largest CS grant'); 'the National Science Foundation' is NSF."""
    index = episode_bot.snapshot.index
    assert "cs" not in index.parse("Where was Claude Shannon born?").terms
    assert ask(episode_bot, "Where was Claude Shannon born?")["results"] == []
    assert "nsf" in index.parse("What did the National Science Foundation give AI2?").terms


def test_a_first_name_cut_short_is_the_person(episode_bot):
    """Members call the guests by their first syllable: 'seb' is Sebastian, where it is no word of the episode."""
    index = episode_bot.snapshot.index
    assert index.nicknames["seb"] == "sebastian"
    assert index.parse("seb's take on world models").terms[0] == "sebastian"
    assert index.parse("sebs coding setup").terms[0] == "sebastian"  # the possessive typed without its apostrophe
    assert "lex" not in index.nicknames  # a name that short is its own


def test_which_thing_does_something_asks_for_that_thing(episode_bot):
    """'Which foundry fabricates Google's TPUs?': a passage on Google's TPUs naming no foundry is no answer."""
    assert ask(episode_bot, "Which foundry fabricates Google's TPUs, and on what process node?")["results"] == []
    assert ask(episode_bot, "Which lab released OLMo 3?")["results"]  # "lab": a name answers, without the word


def test_a_question_asking_a_name_needs_a_name_beside_what_it_asks_about(episode_bot):
    """A passage on xAI's gigawatt of compute that names no cluster gives no cluster's name; a book's title beside
    'Reasoning Model' and a section's quoted title do."""
    from bot.search import _names_beside

    assert ask(episode_bot, "What's the name of xAI's gigawatt cluster?")["results"] == []
    assert "Build a Reasoning Model" in ask(episode_bot, "whats the name of sebastians reasning model book"
                                            )["results"][0]["text"]
    assert "Encourage Open-Source" in ask(episode_bot, "the white house plan's open model section, what's it called"
                                          )["results"][0]["text"]
    assert _names_beside('a section titled "Encourage Open-Source"', frozenset({"section"}))
    assert not _names_beside('Nathan wrote a post on burnout, describing it as "a crazy job."', frozenset({"post"}),
                             frozenset({"nathan", "burnout", "blog", "post"}))
    assert ask(episode_bot, "what was the title of nathan's burnout blog post")["results"] == []
    # a place, likewise: a passage on AI2 that names no place says nothing of where Nathan worked before it
    assert ask(episode_bot, "where did nathan lambert work before ai2")["results"] == []
    assert "Amazon" in ask(episode_bot, "Where does Nathan think automation makes more sense than robots in "
                                        "people's houses?")["results"][0]["text"]
    assert not _names_beside("Sebastian has courses on YouTube, Nathan has a podcast.", frozenset({"podcast"}),
                             frozenset({"nathan", "lambert", "podcast"}))


def test_a_version_followed_by_a_comma_counts_nothing(episode_bot):
    """'Claude Opus 4.5, released in late November, ...': the 4.5 is a version, with or without the comma after it,
    so the passage gives no count of Gemini's users."""
    assert ask(episode_bot, "How many monthly active users does Gemini have?")["results"] == []


@pytest.mark.parametrize("question, wanted", [("who is sebastian raschka", "Raschka"),
                                              ("wait who are paul and rosalie lol", "Paul and Rosalie")])
def test_who_someone_named_is_is_answered_by_a_passage_on_them(episode_bot, question, wanted):
    """'who is X' asks what X is, not for someone else: a passage on X answers without naming anyone more."""
    assert wanted in ask(episode_bot, question)["results"][0]["text"]


def test_who_wrote_something_needs_a_passage_naming_its_author(episode_bot):
    """A passage on the AI 2027 report that names no author says nothing of who wrote it; one naming the author
    in other words ('"Apple in China" by Patrick McGee') answers."""
    assert ask(episode_bot, "Who wrote the AI 2027 report?")["results"] == []
    assert ask(episode_bot, "who actually wrote the ai 2027 report")["results"] == []
    assert "McGee" in ask(episode_bot, "who wrote apple in china")["results"][0]["text"]
    assert "wrote a post on burnout" in ask(episode_bot, "who wrote the burnout post")["results"][0]["text"]


def test_which_kind_of_thing_is_answered_by_its_name_or_the_word(episode_bot):
    """The passage on GPT-5.2's long-context scores names no benchmark ('about 30' is roughly, no topic);
    the one on the three scaling axes holds 'axes' for 'which scaling axis'."""
    question = "Which long-context benchmark was it where GPT-5.2 jumped from about 30 to 70 percent?"
    assert episode_bot.snapshot.index.parse(question).which == ("benchmark",)
    assert ask(episode_bot, question)["results"] == []
    assert "o1" in ask(episode_bot, "which scaling axis did o1 show first")["results"][0]["text"]


@pytest.mark.parametrize("question", ["Which optimizer did Moonshot use for Kimi K2?", "Which tokenizer does gpt-oss use?",
                                      "Which cloud provider did Ai2 rent GPUs from to pretrain OLMo 3?"])
def test_which_kind_of_thing_is_asked_when_the_episode_only_shares_its_stem(episode_bot, question):
    """'optimized' is not 'optimizer', 'tokens' not 'tokenizer': the kind asked is named nowhere, so a passage on
    Kimi K2 or gpt-oss says nothing of it."""
    assert ask(episode_bot, question)["results"] == []
    index = episode_bot.snapshot.index
    assert index._holds_word("optimizer") and not index._written("optimizer") and index._written("labs")


def test_a_count_stands_near_the_compound_that_names_what_it_counts(episode_bot):
    """'tokens-per-second-per-GPU by ~30% (e.g., 10K to 13K)' counts tokens: the compound is one name of it."""
    top = ask(episode_bot, "how many tokens per second per gpu did fp8 give")["results"][0]
    assert "13K" in top["text"]


def test_a_corrected_word_weighs_less_than_a_typed_one(episode_bot):
    index = episode_bot.snapshot.index
    typed, guessed = index.parse("training data"), index.parse("traning data")
    assert guessed.corrected == {"traning": "training"}
    assert guessed.weights["train"] < typed.weights["train"]


# -- the model -----------------------------------------------------------------

def tiny_model_folder(tmp_path):
    """Build a model2vec-layout folder: a word-level tokenizer and a 4-d table the test controls."""
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {"[UNK]": 0, "gpu": 1, "chip": 2, "cheap": 3, "bread": 4}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    table = np.array([[0, 0, 0, 0], [1, 0, 0, 0], [0.9, 0.1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]], np.float32)
    save_file({"embeddings": table}, str(tmp_path / "model.safetensors"))
    return tmp_path


def test_a_model_folder_loads_and_places_texts_by_meaning(tmp_path):
    model = StaticModel.from_folder(tiny_model_folder(tmp_path))
    gpu, chip, bread = model.embed(["gpu", "chip", "bread"])
    assert model.dim == 4 and abs(float(np.linalg.norm(gpu)) - 1) < 1e-6
    assert gpu @ chip > 0.99 and abs(float(gpu @ bread)) < 1e-6
    assert model.knows("bread") and not model.knows("brexd")


def test_the_setting_names_the_model_or_turns_it_off(tmp_path):
    folder = tiny_model_folder(tmp_path)
    assert load_model(str(folder)).dim == 4
    assert load_model("off") is None


def test_the_model_is_a_setting_checked_where_it_enters(tmp_path, monkeypatch):
    from bot import meaning
    from bot.settings import ConfigError, load_settings

    (tmp_path / "model").mkdir()
    folder = tiny_model_folder(tmp_path / "model")
    (tmp_path / ".env").write_text(f"EPISODE_BOT_MEANING_MODEL={folder}\n", encoding="utf-8")
    monkeypatch.delenv("EPISODE_BOT_MEANING_MODEL", raising=False)
    monkeypatch.setattr(meaning, "_configured", None)
    try:
        assert load_settings(env_file=tmp_path / ".env").meaning_model == str(folder)
        assert load_model().dim == 4  # the .env file's model, not only the process environment's
        monkeypatch.setenv("EPISODE_BOT_MEANING_MODEL", "off")
        load_settings(env_file=None)
        assert load_model() is None
        monkeypatch.setenv("EPISODE_BOT_MEANING_MODEL", str(tmp_path / "nowhere"))
        with pytest.raises(ConfigError, match="not a model folder"):
            load_settings(env_file=None)
    finally:
        meaning.configure(None)


def test_a_broken_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no model.safetensors"):
        StaticModel.from_folder(tmp_path)
    tiny_model_folder(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"not weights")
    with pytest.raises(ModelError, match="safetensors"):
        StaticModel.from_folder(tmp_path)


def test_a_model_read_ahead_gives_the_same_vectors_and_a_broken_one_fails_where_it_is_used(tmp_path):
    texts = ["gpu chip", "cheap bread", "gpu"]
    tiny_model_folder(tmp_path)
    ahead = StaticModel(tmp_path / "model.safetensors", tmp_path / "tokenizer.json", "tiny")
    ahead.read_ahead()  # the command line's cold ask: read in the background while the episodes load
    assert np.array_equal(ahead.embed(texts), StaticModel.from_folder(tmp_path).embed(texts))
    broken = StaticModel(tmp_path / "model.safetensors", tmp_path / "tokenizer.json", "tiny")
    (tmp_path / "model.safetensors").write_bytes(b"not weights")
    broken.read_ahead()  # fails quietly in the background...
    with pytest.raises(ModelError, match="safetensors"):  # ...and clearly where the vectors are needed
        broken.embed(texts)


def test_the_command_line_reads_the_model_ahead_only_for_what_reads_it():
    from bot.cli import _reads_meaning
    from bot.commands import BY_NAME

    assert _reads_meaning(BY_NAME["ask"], {"question": "What is RLVR?"})
    assert not _reads_meaning(BY_NAME["chapter"], {"title_or_time": "post-training"})  # the title's words may do
    assert not _reads_meaning(BY_NAME["quote"], {"text": "reinforcement learning"})
    assert not _reads_meaning(BY_NAME["episodes"], {"query": "scaling"})


def test_the_packaged_model_matches_its_reference_vectors():
    """Our numpy loader gives wordllama's own vectors (its reference inference on the same files)."""
    from pathlib import Path

    from tokenizers import Tokenizer
    wordllama = pytest.importorskip("wordllama")
    from wordllama.inference import WordLlamaInference

    model = StaticModel.packaged()
    root = Path(wordllama.__file__).parent
    ref = WordLlamaInference(model.vectors, Tokenizer.from_file(
        str(root / "tokenizers" / "l2_supercat_tokenizer_config.json")))
    texts = ["Why is Google's accelerator cheaper?", "RLVR scales with compute", "lol"]
    ours, theirs = model.embed(texts), ref.embed(texts, norm=True)
    assert np.allclose(ours, theirs, atol=1e-4)


# -- vectors in the index cache ------------------------------------------------

def test_vectors_are_kept_in_the_cache_and_read_back_on_restart(tmp_path, monkeypatch):
    from bot import search
    from bot.store import Store, load_cached
    from tests.conftest import SEEDS

    store = Store(tmp_path, SEEDS)
    index = search.SearchIndex(load_cached(SEEDS, 10 << 20, store))
    slot = index.vector_slots()[0]
    items, chapters = index.slot_vectors(slot)
    stored = store.db.execute("SELECT dim, length(items), length(chapters) FROM meaning_vectors "
                              "WHERE slot = ?", (slot,)).fetchone()
    assert stored == (index.model.dim, items.size * 2, chapters.size * 2)  # float16 bytes, no pickle

    calls = []
    monkeypatch.setattr(search.SearchIndex, "_embed_episode", lambda *a: calls.append(a))
    again = search.SearchIndex(load_cached(SEEDS, 10 << 20, store))
    back_items, back_chapters = again.slot_vectors(slot)
    assert not calls, "a restart recomputed vectors the cache holds"
    assert np.allclose(back_items, items, atol=2e-3) and np.allclose(back_chapters, chapters, atol=2e-3)


def test_damaged_cached_vectors_are_recomputed(tmp_path):
    from bot import search
    from bot.store import Store, load_cached
    from tests.conftest import SEEDS

    store = Store(tmp_path, SEEDS)
    index = search.SearchIndex(load_cached(SEEDS, 10 << 20, store))
    slot = index.vector_slots()[0]
    store.db.execute("UPDATE meaning_vectors SET items = ? WHERE slot = ?", (b"\x00\x01\x02", slot))
    again = search.SearchIndex(load_cached(SEEDS, 10 << 20, store))
    assert np.allclose(again.slot_vectors(slot)[0], index.slot_vectors(slot)[0], atol=2e-3)


# -- answers ---------------------------------------------------------------------

def ask(bot, question):
    return bot.run("ask", {"question": question}).to_json()


def test_an_answer_says_how_it_matched(episode_bot):
    words = ask(episode_bot, "What is RLVR?")["results"][0]
    assert words["match"] in ("words", "both")
    meaning = ask(episode_bot, "Does the polishing stage after pretraining give a model fresh information?")
    assert meaning["results"] and meaning["results"][0]["match"] in ("meaning", "both")


def test_meaning_alone_does_not_answer_an_off_topic_question(episode_bot):
    for question in ("How does speculative decoding make inference faster?", "how do I bake sourdough bread",
                     "lol thanks bot, you're awesome"):
        assert ask(episode_bot, question)["results"] == [], question


def test_a_moment_named_in_a_question_says_where_not_what_about(episode_bot):
    """'the line at 1:24': the clock is no search word; declined, the chapter at that moment is suggested
    first, the clock read as the chapter command reads it (hours and minutes in a long episode)."""
    from bot.text import normalize_query

    assert "1:24" not in normalize_query("the claude 3 less data line at 1:24, wasnt that actually olmo")
    assert "3:1" in normalize_query("is a 3:1 ratio of data better")  # a ratio is no moment
    top = ask(episode_bot, "2:51 ish, what's the point about open model tooling")["results"][0]
    assert "open-model tooling" in top["text"]
    reply = episode_bot.run("ask", {"question": "what did they say at 1:24"}).to_json()
    assert reply["results"] == [] and reply["suggestions"][0].startswith("chapter How AI is trained")


def test_a_decline_suggests_the_chapters_closest_in_meaning(episode_bot):
    reply = ask(episode_bot, "How long can the videos from OpenAI's Sora model be?")
    titles = {c.title for c in episode_bot.snapshot.library.episodes[0].chapters}
    assert reply["results"] == [] and reply["suggestions"]
    assert all(s.removeprefix("chapter ") in titles for s in reply["suggestions"])


def test_a_chapter_is_found_by_meaning_when_no_title_has_the_words(episode_bot):
    reply = episode_bot.run("chapter", {"title_or_time": "where humanity is headed in the long run"}).to_json()
    assert reply["results"][0]["title"] == "Future of human civilization"


def test_a_name_the_episode_never_mentions_is_not_answered_by_meaning(episode_bot):
    index = episode_bot.snapshot.index
    assert index.strangers(index.parse("How long can the videos from OpenAI's Sora model be?")) == {"sora"}
    assert index.strangers(index.parse("What did Google pay to license Character.AI's technology?")) == \
        {"character.ai"}
    assert not index.strangers(index.parse("What makes gpt-oss-120b different from earlier open-weight models?"))
    assert ask(episode_bot, "What did Google pay to license Character.AI's technology?")["results"] == []


def test_a_name_of_capitalized_words_the_episodes_never_write_together_is_a_stranger(episode_bot):
    from bot.search import _capitalized_runs

    index = episode_bot.snapshot.index
    assert _capitalized_runs("How does Google's Gemini Nano run on phones?") == [("Gemini", "Nano")]
    assert _capitalized_runs("What Is The Atom Project About?") == []  # Title Case: capitals say nothing
    assert _capitalized_runs("Which Chinese AI labs filed IPO paperwork?") == []  # a people's adjective
    assert _capitalized_runs("WHAT DID NATHAN SAY ABOUT META") == []  # typed in capitals throughout
    assert index.strangers(index.parse("What's the price of ChatGPT Plus?")) == {"chatgpt plus"}
    # Written with a few words between: "White House 2025 AI Action Plan", "Cursor's Composer", "Tulu 3 paper".
    for known in ("What does the White House AI Action Plan say?", "What does Cursor Composer run on?",
                  "What is the Tulu Paper?"):
        assert not index.strangers(index.parse(known)), known
    for question in ("What's the price of ChatGPT Plus?", "How does Google's Gemini Nano run on phones?",
                     "What is Anthropic's Responsible Scaling Policy?", "What did Sam Altman say about GPT-6?"):
        assert ask(episode_bot, question)["results"] == [], question
    assert "fine-tune" in ask(episode_bot, "What does Cursor Composer run on?")["results"][0]["text"]


@pytest.mark.parametrize("question, held", [("WHO FUNDS DEEPSEEK", "Highflyer"),
                                             ("WHAT DID NATHAN SAY ABOUT META", "RIP"),
                                             ("HOW MUCH DID DEEPSEEK COST", "$5 million"),
                                             ("Who Funds Deepseek?", "Highflyer"),
                                             ("HOW LONG SHOULD AN RL POST-TRAINING RUN LAST AT AI2?", "month")])
def test_a_question_in_capitals_or_title_case_is_read_as_one_typed_without_them(episode_bot, question, held):
    """Its capitals don't mark its names: every word was a name, weighing double, and 'How Long ... Last'
    asked a measure of names alone, which no passage on the one-month rule held."""
    assert held in ask(episode_bot, question)["results"][0]["text"]


def test_which_capitals_say_nothing():
    from bot.search import _capitals_say_nothing

    for plain in ("WHO FUNDS DEEPSEEK", "Who Funds Deepseek?", "What Is The Atom Project?"):
        assert _capitals_say_nothing(plain), plain
    for marked in ("Who funds DeepSeek?", "What's the price of ChatGPT Plus?", "Why NVIDIA?", "RLVR vs RLHF"):
        assert not _capitals_say_nothing(marked), marked


def test_a_question_for_what_something_is_called_is_answered_by_the_passage_naming_it(episode_bot):
    assert "The RLHF Book" in ask(episode_bot, "What is the title of Nathan's book?")["results"][0]["text"]
    assert "The RLHF Book" in ask(episode_bot, "what is the name of nathans book")["results"][0]["text"]
    assert ask(episode_bot, "What is the name of Lex's dog?")["results"] == []


@pytest.mark.parametrize("question, wanted", [
    ("what is grpo exaclty", ["grpo"]),  # a typo of a chat word is no search word
    ("wat is continual learnin", ["continual", "learning"]),  # a word with its end left off, past its stem
    ("is textdiffusion the future", ["text", "diffusion", "future"]),  # two words typed without a space
    ("is scaling worth it acording to nathan", ["scaling", "worth", "nathan"]),  # 'according', not 'coding'
    ("more data than befor", ["data"]),  # 'before' (whose stem the index holds), not a word of its own
])
def test_typos_of_chat_words_cut_words_and_run_together_words(episode_bot, question, wanted):
    assert episode_bot.snapshot.index.parse(question).terms == wanted


def test_a_name_the_episodes_give_by_its_initials_is_read_so(episode_bot):
    index = episode_bot.snapshot.index
    assert "nsf" in index.parse("How much money did AI2 get from the National Science Foundation?").terms
    reply = ask(episode_bot, "How much money did AI2 get from the National Science Foundation?")
    assert "$100 million" in reply["results"][0]["text"]
    # A name they spell out stays spelled out: 'Reinforcement Learning' is theirs, though 'RL' is too.
    assert "rl" not in index.parse("What is Reinforcement Learning from Verifiable Rewards?").terms


def test_an_amount_is_no_version(episode_bot):
    from bot.search import _named_versions

    assert list(_named_versions("deepseek 5 million training cost", {"deepseek", "5"}, {})) == []
    assert list(_named_versions("deepseek 5 milion cost", {"deepseek", "5"}, {"milion": "million"})) == []
    assert list(_named_versions("what about deepseek 5", {"deepseek", "5"}, {})) == [("deepseek", "5")]


def test_a_typo_in_what_is_asked_to_be_defined_is_read_as_corrected(episode_bot):
    from bot.search import _definition

    definition = _definition(episode_bot.snapshot.index.parse("what is mixture of experst"))
    assert definition.score("Mixture of Experts (MoE) expands the total knowledge capacity") == 0.5


def test_a_version_the_episode_never_gives_is_a_stranger(episode_bot):
    """The episode speaks of Llama 4, not Llama 3: a question about Llama 3 is not answered by meaning."""
    index = episode_bot.snapshot.index
    assert index.strangers(index.parse("How many tokens was Llama 3 trained on?")) == {"llama 3"}
    assert index.strangers(index.parse("How does Stable Diffusion 3 generate images?")) == {"diffusion 3",
                                                                                          "stable diffusion"}
    # Versions it gives are known however they are written: 'Qwen3' and 'Qwen 3', 'GPT-5.2', 'gpt5'.
    for known in ("What is Qwen 3?", "what about qwen3", "GPT 5.2 release", "gpt5 router", "Claude Opus 4.5 hype"):
        assert not index.strangers(index.parse(known)), known
    assert ask(episode_bot, "How many tokens was Llama 3 trained on?")["results"] == []


def test_what_a_question_asks_about_the_names_in_it_is_split_from_them(episode_bot):
    from bot.search import stem_line
    from bot.text import words

    index = episode_bot.snapshot.index
    q = index.parse("How many parameters does GPT-2 have?")
    assert q.asked == {"paramet"} and q.asked_share < 0.5
    assert not q.holds_ask(stem_line(words("The GPT-2 decoder-only transformer from 2019.")))
    assert q.holds_ask(stem_line(words("GPT-2 had 1.5 billion parameters.")))
    assert index.parse("How many tokens was Qwen trained on?").asked == {"token", "train"}
    assert index.parse("How old is Qwen?").asked == frozenset()  # nothing but the name and the form: no split
    assert index.parse("How old is Qwen?").measure == "amount"  # ... so a passage must hold an amount
    assert index.parse("When did Qwen arrive?").measure == "date"  # ... or a date (or an amount of time)
    assert index.parse("How many parameters does GPT-2 have?").measure == ""  # 'parameters' is what it asks
    assert index.parse("what is Qwen").measure == ""  # no measure asked
    assert index.parse("how many tokens in world models").asked == frozenset()  # no name: no split
    # Only a question for a measure, a date or a thing of a name is split; the words of its form are not what
    # it asks ('what role', 'what share', 'the view of').
    assert index.parse("What role does Jensen Huang play?").asked == frozenset()
    assert index.parse("When will AGI arrive according to AI 2027?").asked == frozenset()


def test_what_a_how_many_counts_is_asked_even_as_a_name(episode_bot):
    """'GPUs' is written in capitals: as a name, a passage counting Meta's open models would answer."""
    index = episode_bot.snapshot.index
    assert index.parse("How many GPUs does Meta own?").asked == {"gpu"}
    assert ask(episode_bot, "How many GPUs does Meta own?")["results"] == []
    # 'xAI' is a name though it starts in lowercase; with it, what is counted is all the question asks
    assert "xai" in index.parse("How many GPUs does xAI have?").focus
    assert ask(episode_bot, "How many GPUs does xAI have?")["results"] == []


def test_a_guest_named_by_one_of_their_names_is_found_by_the_other(episode_bot):
    """'Raschka argues ...': the note holds Sebastian too, as the question asks it (typed 'sebastien')."""
    text = ask(episode_bot, "what does sebastien think about continual learning")["results"][0]["text"]
    assert "Raschka argues" in text


def test_a_question_typed_in_lowercase_finds_its_names_by_how_the_episodes_write_them(episode_bot):
    index = episode_bot.snapshot.index
    q = index.parse("how many employees does anthropic have")
    assert q.written_names == {"anthrop"} and q.asked == {"employe"} and q.asked_share < 0.5  # stems
    assert index.parse("how old is jensen huang").measure == "amount"
    assert index.parse("how many tokens in world models").written_names == frozenset()  # no name written so
    assert index.parse("thoughts on anthropic").written_names == frozenset()  # only a measure's split needs them
    # A name's other word, written capitalized beside it ('Hugging Face'); digits don't make a question typed
    # with capitals.
    assert index.parse("when was hugging face founded").written_names == {"hug", "face"}
    assert index.parse("how many parameters does claude opus 4.5 have").asked == {"paramet"}
    for question in ("how many employees does anthropic have", "how old is jensen huang"):
        assert ask(episode_bot, question)["results"] == []
    assert "$2 billion" in ask(episode_bot, "how much did reflection ai raise")["results"][0]["text"]


def test_a_version_number_counts_only_beside_its_name(episode_bot):
    index = episode_bot.snapshot.index
    q = index.parse("How long is the context window of Gemini 3?")
    (together, stems), = q.versions
    assert stems == {"3"} and together.search("Gemini 3 (released a few months prior)")
    assert not together.search("OLMo 3 uses sliding window attention") and not together.search("Gemini 3.5")
    line = "\n3\ncontext\n"
    assert q.unversioned("OLMo 3 and long contexts", line) == q.weights["3"]
    assert q.unversioned("Gemini 3 and long contexts", line) == 0.0
    assert index.parse("what did they say about world models").versions == ()
    # The passage on long-context attention holds 'context' and OLMo's '3', not Gemini 3: no answer.
    assert ask(episode_bot, "How long is the context window of Gemini 3?")["results"] == []
    assert "Gemini 3" in ask(episode_bot, "What happened to Gemini 3 in the conversation?")["results"][0]["text"]


@pytest.mark.parametrize("question", ["How many parameters does Claude Opus 4.5 have?",
                                      "When was Hugging Face founded?", "How many employees does Anthropic have?",
                                      "How old is Jensen Huang?", "How big is OpenAI?",
                                      "how many users does chatgpt have per week"])
def test_a_passage_holding_only_the_names_asked_about_is_no_answer(episode_bot, question):
    """The episode discusses the model and the companies, not their size, founding or staff: decline."""
    assert ask(episode_bot, question)["results"] == []


def test_what_a_question_says_it_is_about_must_be_in_its_answer(episode_bot):
    """'A podcast about history': a passage recommending a book on the podcast holds the rest, not history."""
    index = episode_bot.snapshot.index
    assert index.parse("can you recommend a podcast about history").asked == {"histori"}
    assert index.parse("thoughts about open weights").asked == frozenset()  # all it asks is what it is about
    assert ask(episode_bot, "can you recommend a podcast about history")["results"] == []
    assert "CUDA" in ask(episode_bot, "what do they think about nvidia's moat")["results"][0]["text"]


def test_the_names_with_what_is_asked_still_answer_by_words_and_by_meaning(episode_bot):
    reply = ask(episode_bot, "What did Nathan say about all the hype around Claude Opus 4.5?")
    assert "almost a meme" in reply["results"][0]["text"]
    # What is asked is most of this question, said in other words: meaning still carries it.
    reply = ask(episode_bot, "Why is Google's homegrown accelerator setup cheaper than buying from the GPU giant?")
    assert "TPUs" in reply["results"][0]["text"] and reply["results"][0]["match"] == "meaning"
    # Any other question about a name is answered by what the episode says of it.
    assert "Steve Jobs" in ask(episode_bot, "What role does Jensen Huang play?")["results"][0]["text"]
    assert "2031" in ask(episode_bot, "When will AGI arrive according to AI 2027?")["results"][0]["text"]
    # A measure of the names alone is answered by a passage holding an amount or a date.
    assert "$2 billion" in ask(episode_bot, "How much did Reflection AI raise?")["results"][0]["text"]
    assert "January 2025" in ask(episode_bot, "When was R1 released?")["results"][0]["text"]


def test_word_by_word_tokens_give_the_vectors_of_whole_text_tokens(episode_bot):
    """The index tokenizes each distinct word once; the vectors must equal tokenizing each text."""
    from bot.search import _meaning_text

    model = episode_bot.snapshot.index.model
    episode = episode_bot.snapshot.library.episodes[0]
    texts = [_meaning_text(i) for i in [*episode.passages, *episode.quotes]]
    fast = model.embed(texts)
    whole = np.stack([model.embed([t])[0] for t in texts])  # one text: the tokenizer on the whole text
    assert np.allclose(fast, whole, atol=1e-5)


def test_batch_means_are_the_per_text_means_bit_for_bit(episode_bot):
    """A batch adds the texts' tokens step by step; each vector must be numpy's own mean of that text."""
    from bot.meaning import _means

    model = episode_bot.snapshot.index.model
    episode = episode_bot.snapshot.library.episodes[0]
    texts = [p.text for p in episode.passages] + ["", "one", "two words"]
    ids = model._token_ids(texts)
    one_by_one = np.stack([model.vectors[i].mean(axis=0, dtype=np.float32) if i
                           else np.zeros(model.dim, np.float32) for i in ids])
    assert _means(model.vectors, ids).tobytes() == one_by_one.tobytes()
    assert _means(model.vectors, [[], []]).tobytes() == np.zeros((2, model.dim), np.float32).tobytes()


def test_vectors_of_dropped_episodes_are_removed_with_the_next_write(tmp_path):
    from bot import search
    from bot.store import Store, load_cached
    from tests.conftest import SEEDS

    store = Store(tmp_path, SEEDS)
    index = search.SearchIndex(load_cached(SEEDS, 10 << 20, store))
    slot = index.vector_slots()[0]
    items, chapters = index.slot_vectors(slot)
    store.db.execute("INSERT INTO meaning_vectors VALUES (9999, 'm', 'gone', 1, x'0000', x'')")  # no episode
    index._cache.put(slot, index.model.digest, "again", items, chapters)
    rows = [s for (s,) in store.db.execute("SELECT slot FROM meaning_vectors")]
    assert 9999 not in rows and slot in rows


def test_a_missing_word_counts_in_part_through_its_nearest_word_but_a_name_does_not(episode_bot):
    from bot.models import Passage

    index = episode_bot.snapshot.index
    item = Passage(text="Professors at universities are happier than employees of the big labs.", kind="note")
    q = index.parse("are faculty more content than staff")
    index.query_vector(q)
    cov = index.coverage(q, item)
    soft = index.soft_coverage(q, item, cov)
    assert cov < soft <= 1.0  # 'faculty' ~ 'professors', 'staff' ~ 'employees'
    unrelated = Passage(text="The weather in spring is lovely for a walk.", kind="note")
    assert index.soft_coverage(q, unrelated, index.coverage(q, unrelated)) == index.coverage(q, unrelated)
    named = index.parse("what does Sora do")  # a name the episodes never mention: no near-word credit ('LoRA')
    index.query_vector(named)
    lora = Passage(text="LoRA adapters do the work.", kind="note")
    assert index.soft_coverage(named, lora, index.coverage(named, lora)) == index.coverage(named, lora)


def test_the_word_table_embeds_each_word_once_and_starts_over_at_its_limit(episode_bot):
    from bot.meaning import WordTable

    model = episode_bot.snapshot.index.model
    table = WordTable(model, limit=3)
    first = table.vectors(["cheap", "cost"])
    assert np.allclose(first, model.embed(["cheap", "cost"]), atol=1e-6)
    generation, rows = table.rows(["cheap"])
    assert generation == 0 and list(rows) == [0]
    table.rows(["price", "money"])  # over the limit: a new generation, older rows no longer valid
    assert table.take(generation, rows) is None
    assert np.allclose(table.vectors(["cheap"]), model.embed(["cheap"]), atol=1e-6)


def test_a_line_remembered_in_other_words_is_found_by_meaning_and_an_unknown_one_is_not(episode_bot):
    def quote(text: str) -> list[dict]:
        return episode_bot.run("quote", {"text": text}).to_json()["results"]

    found = quote("they're also fantastic at explaining things, teaching, and tweeting")
    assert found and "communicators" in found[0]["text"] and found[0]["match"] == "meaning"
    assert quote("ask not what your country can do for you") == []
    assert quote("the weather is lovely in spring") == []


def test_a_when_question_prefers_a_passage_with_a_date():
    from bot.search import _DATE_RE, _WHEN_RE

    assert _WHEN_RE.match("when did they start the project") and _WHEN_RE.match("What year was it released?")
    assert not _WHEN_RE.match("what is the project about")
    assert _DATE_RE.search("launched in July 2025") and _DATE_RE.search("back in 2019")
    assert not _DATE_RE.search("it may work, with 128 GPUs")


def test_a_how_much_question_prefers_a_passage_with_an_amount(episode_bot):
    from bot.search import _AMOUNT_RE

    for amount in ("$5 million", "80% of them", "a survey of 791", "10K to 13K", "five days"):
        assert _AMOUNT_RE.search(amount), amount
    for none in ("in January 2025", "back in 2019", "GPT-5.2 and Qwen3"):  # a date or a name is no amount
        assert not _AMOUNT_RE.search(none), none
    # Both passages hold 'deepseek' and 'cost'; the one with the figure answers 'how much'.
    reply = ask(episode_bot, "wait they said deepseek cost how much??")
    assert "$5 million" in reply["results"][0]["text"]


def test_a_how_many_question_prefers_a_passage_with_a_count(episode_bot):
    from bot.search import _COUNT_RE

    for count in ("a survey of 791", "10K to 13K", "five days", "gpt-oss-120b", "the 100,000 GPUs"):
        assert _COUNT_RE.search(count), count
    for none in ("80% of them", "$5 million", "40 percent", "in 2025", "GPT-5.2", "MATH-500"):  # shares, sums, names
        assert not _COUNT_RE.search(none), none
    # Both passages hold 'surveyed' and 'developers'; the one with how many answers 'how many'.
    assert "791" in ask(episode_bot, "how many developers were surveyed")["results"][0]["text"]


def test_the_table_is_mapped_from_the_file_not_read_whole(tmp_path):
    from safetensors.numpy import load_file, save_file

    from bot.meaning import _weights

    tiny_model_folder(tmp_path)
    table = _weights(tmp_path / "model.safetensors")
    assert not table.flags.owndata and not table.flags.writeable  # a read-only view of the mapped file
    assert np.array_equal(table, load_file(tmp_path / "model.safetensors")["embeddings"])
    other = {"first": np.ones((2, 3), np.float16), "embedding.weight": np.arange(12, dtype=np.float64).reshape(4, 3)}
    save_file(other, str(tmp_path / "two.safetensors"))  # the table is found by its name among other tensors
    assert np.array_equal(_weights(tmp_path / "two.safetensors"), other["embedding.weight"])
    save_file({"a": np.ones(2, np.int8), "b": np.ones(2, np.int8)}, str(tmp_path / "none.safetensors"))
    with pytest.raises(ModelError, match="no embedding table"):
        _weights(tmp_path / "none.safetensors")


def test_a_running_bot_reads_its_meaning_model_ahead_and_a_one_shot_command_does_not(monkeypatch):
    from pathlib import Path

    from bot.core import EpisodeBot

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    started = []
    monkeypatch.setattr(StaticModel, "read_ahead", lambda self: started.append(self))
    EpisodeBot(seeds, counted=False)  # the command line reads it beside its load, when it asks (bot/cli.py)
    assert started == []
    bot = EpisodeBot(seeds)
    if bot.snapshot.index.model is None:
        pytest.skip("meaning search is off here")
    assert started == [bot.snapshot.index.model]  # its first answer and reload don't wait for the model


def test_a_word_a_definition_question_asks_about_must_be_one_the_episodes_say(episode_bot):
    """'What is quantization in LLMs?': no episode says 'quantization', so the passage nearest in meaning
    (on LLM tool use) defines something else. A definition asked in the episode's words, or with a typo
    the index corrects, is still answered."""
    index = episode_bot.snapshot.index
    assert index.strangers(index.parse("What is quantization in LLMs?")) == {"quantization"}
    assert ask(episode_bot, "What is quantization in LLMs?")["results"] == []
    assert ask(episode_bot, "what is quantization")["results"] == []
    assert not index.strangers(index.parse("what is mid traning exactly"))
    assert "Mid-training" in ask(episode_bot, "what is mid traning exactly")["results"][0]["text"]


def test_a_question_about_a_name_no_episode_holds_is_declined_even_when_its_other_words_match(episode_bot):
    """The passage on Claude Opus 4.5's release holds the rest of the question, not SWE-bench: no answer.
    A name of known words the episodes don't write together is only counted together, not declined."""
    index = episode_bot.snapshot.index
    assert index._names_the_unheard(index.parse("What did Claude Opus 4.5 score on SWE-bench Verified?"))
    assert ask(episode_bot, "What did Claude Opus 4.5 score on SWE-bench Verified?")["results"] == []
    question = "What's the price of ChatGPT Plus?"
    assert index.strangers(index.parse(question)) == {"chatgpt plus"}
    assert not index._names_the_unheard(index.parse(question))


@pytest.mark.parametrize("question", ["When did Google first release its Gemma models?",
                                      "When is Nathan's next book coming out?"])
def test_a_when_question_answered_by_meaning_needs_a_time_in_its_answer(episode_bot, question):
    """The passages nearest in meaning (Gemma among the open-weight models, Nathan's biography) give no
    date and no stretch of time: they are about the name, not when."""
    assert ask(episode_bot, question)["results"] == []


@pytest.mark.parametrize("question, value", [
    ("How many GPUs did AI2 rent?", "count"),
    ("ok so how many layers does it have", "count"),
    ("When was the book published?", "past"),  # placed in time: a date, or 'two years ago'
    ("When will AI research be automated?", "date"),  # ... or a stretch of time from now ('in 10 years')
    ("How long did the run take?", "amount"),
    ("when does the 996 schedule come up", ""),  # the moment in the episode: any passage on it answers
    ("when do they explain the generate and grade loop", ""),
    ("What happens when a model always solves the problem?", ""),  # not opening with the measure
    ("When is asking a chatbot better than a search?", ""),  # in what case, not at what time
    ("how often do gpus fail", ""),  # 'almost always' answers how often
    ("what % of claude's code is ai written", "share"),
    ("What share of requests does the router send to the thinking model?", "share"),
    ("so what fraction of the budget goes to rl", "share"),
    ("By what percentage does multi-head latent attention shrink the KV cache?", "share"),
    ("What exact percentage of the code is written by AI?", "share"),
    ("On what date did OpenAI release gpt-oss?", "past"),  # the date's own preposition first
    ("in which year will AI research be automated", "date"),
    ("What did DeepSeek R1 score on MATH-500?", "amount"),  # a score is a number
    ("what's gpt-5's score on swe-bench", "amount"),
    ("what did nathan say about the score", ""),  # what was said of it: any passage on it
])
def test_what_kind_of_value_a_measure_question_asks(question, value):
    from bot.search import _value_asked

    assert _value_asked(question) == value


@pytest.mark.parametrize("question, value", [
    ("how much is chatgpt pro per month", "money"),
    ("What does Claude Opus 4.5 cost per million tokens?", "money"),
    ("how much money did reflection raise", "money"),
    ("what did they say about the cost of training", ""),  # what was said of a cost: any passage on it
    ("how much hbm does vera rubin have", ""),  # 'minimal' answers how much memory
    ("what did ai2 pay to rent the cluster", "money"),
    ("how much more compute does anthropic use vs us subs", ""),  # compute, not a sum
])
def test_a_question_for_a_price_asks_for_a_sum(question, value):
    from bot.search import _value_asked

    assert _value_asked(question) == value


def test_a_price_is_answered_by_a_sum_only(episode_bot):
    """The passage on Sebastian's ChatGPT use says 'pro/thinking mode', not what Pro costs."""
    assert ask(episode_bot, "how much is chatgpt pro per month")["results"] == []
    assert "$5 million" in ask(episode_bot, "How much did DeepSeek's final training run cost?")["results"][0]["text"]


def test_a_share_is_answered_by_a_percentage_or_a_fraction_only(episode_bot):
    """Dario's claim is 'a large fraction' of Claude Code's code: no share; the survey's '50%+' is one."""
    assert ask(episode_bot, "what % of claude's code did dario actually say is ai written")["results"] == []
    results = ask(episode_bot, "what % of code do senior developers ship that is ai generated")["results"]
    assert "50%" in results[0]["text"]


def test_a_measure_compared_to_something_else_is_still_the_measure_asked(episode_bot):
    """'compared to' says how it is asked: the passage on Gemini Diffusion's speed answers, without the word."""
    index = episode_bot.snapshot.index
    assert index.parse("how fast is gemini diffusion compared to nano").measure == "amount"
    assert "diffusion" in ask(episode_bot, "how fast is Gemini Difusion compared to Nano 2")["results"][0]["text"]


def test_what_happened_asks_about_the_event_not_for_the_word(episode_bot):
    """'happened' is what any event does: the passage on the jungle trip answers without the word."""
    assert not episode_bot.snapshot.index.parse("What happened on Lex's jungle trip?").asked
    text = ask(episode_bot, "What happened on Lex's jungel trip with Paul and Rosalie?")["results"][0]["text"]
    assert "Paul and Rosalie" in text


def test_asked_for_a_date_the_passage_that_gives_one_leads(episode_bot):
    """The passage on the ATOM argument holds every word of the question, but no date: the one on its
    launch ('in July 2025'), close behind, answers when it started."""
    results = ask(episode_bot, "when did the atom project start")["results"]
    assert "July 2025" in results[0]["text"]
    # No passage gives a date of gpt-oss's release: 'on what date' asks for one, as 'when' does.
    assert ask(episode_bot, "On what date did OpenAI release gpt-oss-120b?")["results"] == []


def test_a_count_must_be_of_what_is_counted_and_not_the_question_s_own_number(episode_bot):
    index = episode_bot.snapshot.index
    q = index.parse("How many GPUs did AI2 rent for OLMo 3?")
    assert (q.value, q.counted, q.given) == ("count", "gpu", {"2", "3"})  # the numbers it writes, in names too
    # The passage on the rental gives '$2 million' and 'hundreds of millions of users', none of it GPUs,
    # and the '3' of 'OLMo 3': no count of GPUs.
    assert ask(episode_bot, "How many GPUs did AI2 rent for OLMo 3?")["results"] == []
    assert ask(episode_bot, "How many layers does OLMo 3 have?")["results"] == []
    # A count beside what is counted answers, in digits or in words ('at least one GPU').
    assert "791" in ask(episode_bot, "How many developers were surveyed?")["results"][0]["text"]
    down = ask(episode_bot, "How many GPUs are down at any given time at 100k scale?")["results"]
    assert "one GPU" in down[0]["text"]


@pytest.mark.parametrize("declined, value, of, answered, held", [
    # AI2's rental passage gives '$2 million in GPU cluster rental', no price an hour.
    ("what did ai2 pay per gpu hour to rent the olmo 3 cluster", "rate", "hour",
     "what did ai2 pay to rent the gpu cluster for olmo 3", "$2 million"),
    # The passage citing SemiAnalysis gives DeepSeek's '$5 million' and prices no subscription.
    ("How much does a SemiAnalysis subscription cost?", "money", "subscript",
     "How much did DeepSeek's pre-training really cost?", "$5 million"),
    # The passage on DeepSeek's final run counts its GPUs ('50,000 units'), not the run's days.
    ("how many days did the final deepseek r1 training run take", "span", "day",
     "how many days of RL post-training did AI2's November model get", "five days"),
])
def test_a_value_of_a_kind_asked_needs_one_of_that_kind(episode_bot, declined, value, of, answered, held):
    q = episode_bot.snapshot.index.parse(declined)
    assert (q.value, q.counted) == (value, of)
    assert ask(episode_bot, declined)["results"] == []
    assert held in ask(episode_bot, answered)["results"][0]["text"]


def test_a_count_asked_after_its_subject_is_a_count(episode_bot):
    from bot.search import _value_asked

    assert _value_asked("gpt-oss-120b has how many experts per layer, anyone know") == "count"
    assert ask(episode_bot, "gpt-oss-120b has how many experts per layer, anyone know")["results"] == []


def test_a_name_typed_with_its_capital_is_not_corrected_into_an_ordinary_word(episode_bot):
    """'Cohere' is an English word and, capitalized, a name: not 'covering' (one letter from its stem)."""
    q = episode_bot.snapshot.index.parse("Did Cohere's Command A come up at all?")
    assert "cohere" in q.terms and not q.corrected
    assert ask(episode_bot, "Did Cohere's Command A come up at all?")["results"] == []


def test_a_number_of_hours_is_read_however_it_is_written():
    from bot.search import _DURATION_RE

    assert all(_DURATION_RE.search(t) for t in ("120 thousand hours of audio", "72-hour weeks", "a few GPU hours"))


def test_when_something_comes_up_asks_the_moment_not_a_date(episode_bot):
    """'come up' is left out of the search words, not out of what says the moment is asked."""
    results = ask(episode_bot, "when does the open source manhattan project thing come up")["results"]
    assert "Manhattan Project" in results[0]["text"]
    results = ask(episode_bot, "when do they explain the generate n grade loop for rlvr")["results"]
    assert results[0]["timestamp"] == "1:51:51"


def test_asked_when_an_answer_with_a_time_comes_before_an_overview_line(episode_bot):
    """The uListen overview names 'the DeepSeek moment' with no time; Lex's line at 0:01:57 is as near."""
    results = ask(episode_bot, "when does lex first bring up the deepseek moment, timestamp?")["results"]
    assert results[0]["timestamp"] == "0:01:57"
    index = episode_bot.snapshot.index
    assert index.parse("where in the ep do they talk about tpus").moment
    assert not index.parse("what is the deepseek moment").moment


def test_a_name_typed_short_still_finds_its_version(episode_bot):
    """'larg' shares its stem with 'large', so it is not corrected; 'Mistral Large 3' is still its version."""
    assert "Mistral Large 3" in ask(episode_bot, "what did nathan say about mistral larg 3")["results"][0]["text"]


def test_a_version_is_no_count(episode_bot):
    """Reflection AI's passage gives '$2 billion', the question's own number, and the 4 of 'the Llama 4
    controversy': no count of GPUs."""
    from bot.search import _version_spans

    text = "Around 5 labs cite the Llama 4 controversy and Claude Opus 4.5."
    assert {text[a:b] for a, b in _version_spans(text)} == {"4", "4.5"}  # not the 5 opening a sentence
    assert ask(episode_bot, "How many GPUs is Reflection AI buying with its $2 billion?")["results"] == []


def test_when_something_happened_is_not_answered_by_how_long_it_lasted(episode_bot):
    """The grant passage gives 'over four years', how long, not when it was announced; 'when will' is answered
    by 'longer than 10 years'."""
    assert ask(episode_bot, "When was AI2's NSF grant announced?")["results"] == []
    assert "10 years" in ask(episode_bot, "When will AI research itself be automated?")["results"][0]["text"]


def test_a_number_before_a_unit_is_an_amount_not_a_version(episode_bot):
    """'xai 2 gigawatts': no 'xAI 2' the episode never names, and '2' finds 'two gigawatts'."""
    q = episode_bot.snapshot.index.parse("xai 2 gigawatts by year end, who said that")
    assert q.unknown == ()
    assert "two gigawatts" in ask(episode_bot, "xai 2 gigawatts by year end, who said that")["results"][0]["text"]


@pytest.mark.parametrize("question", ["Which judge ruled on the authors' lawsuit against Anthropic?",
                                      "who invented the transformer"])
def test_a_question_asking_who_needs_an_answer_that_names_someone_else(episode_bot, question):
    """The lawsuit passage says a copy 'was judged legally acceptable' and names no one but Anthropic; the
    transformer's passages name no inventor."""
    assert ask(episode_bot, question)["results"] == []


@pytest.mark.parametrize("question, named", [
    ("Who named RLVR?", "Nathan Lambert"),
    ("who wins if its humans vs ai", "human"),  # a choice between what it names: either answers
    ("who keeps gemini around for quick lookups, nathan or sebastian?", "Nathan"),  # ... whatever verb it uses
    ("Who is the host?", "Lex Fridman"),
])
def test_a_question_asking_who_is_answered_by_a_passage_naming_someone(episode_bot, question, named):
    results = ask(episode_bot, question)["results"]
    assert results and named.lower() in (results[0]["text"] + (results[0]["speaker"] or "")).lower()


def test_what_a_question_asks_of_a_name_may_come_with_its_unit():
    """'What's GPT-5.2's context window in tokens?': the window is asked (a passage on its long-context scores
    says nothing of it)."""
    from bot.search import _OWNED_RE

    assert _OWNED_RE.match("What's GPT-5.2's context window in tokens?")["attr"] == "context window"


def test_a_when_of_condition_is_not_asked_for_a_time():
    from bot.search import _CONDITION_RE, _SPAN_RE

    assert _CONDITION_RE.search("When is asking a chatbot better than reading a trusted reference?")
    assert not _CONDITION_RE.search("When did DeepSeek release R1?")
    for span in ("five days of RL", "in 10 years", "a couple of months"):
        assert _SPAN_RE.search(span), span
    assert not _SPAN_RE.search("at least ten notable Chinese models")


def test_a_when_of_circumstance_is_not_asked_for_a_time(episode_bot):
    """'When comparing coding helpers, what label ...?' asks the label: its passage, first by meaning,
    gives no date and was declined as an answer to a 'when'."""
    from bot.search import _WHEN_RE

    assert not _WHEN_RE.match("when training a model, what matters most")
    assert _WHEN_RE.match("when did they say it") and _WHEN_RE.match("When is Nathan's next book coming out?")
    question = ("When comparing coding helpers, what label did they give Claude Code versus the assistants built "
                "into your code editor?")
    assert "terminal agents" in ask(episode_bot, question)["results"][0]["text"]


def test_an_amount_typed_with_a_typo_is_no_version(episode_bot):
    """'deepseeks 5 milion': 'milion' is corrected to 'million', so 5 is an amount, not DeepSeek 5."""
    index = episode_bot.snapshot.index
    assert not index.strangers(index.parse("was deepseeks 5 milion dollar training cost legit"))
    assert "$5 million" in ask(episode_bot, "was deepseeks 5 milion dollar training cost legit")["results"][0]["text"]


def test_a_measure_joined_to_another_question_is_not_all_it_asks(episode_bot):
    """'what is X and how fast is it' asks what X is: no amount is required, and 'fast' is the measure's word."""
    q = episode_bot.snapshot.index.parse("what is gemini diffusion and how fast is it")
    assert q.measure == "" and "fast" not in q.weights
    assert "Gemini Diffusion" in ask(episode_bot, "what is gemini difusion and how fast is it")["results"][0]["text"]


def test_a_hyphenated_description_and_a_year_are_no_strangers(episode_bot):
    """'AI-written' describes code with a name (words the episodes hold), and 'well-known 2027' is a year after
    an ordinary word, not a version of 'known': neither blocks an answer. 'SWE-bench' still names a stranger."""
    index = episode_bot.snapshot.index
    assert not index.strangers(index.parse("Do experienced engineers ship more AI-written code than juniors do?"))
    question = "Did the people behind that well-known 2027 forecast push their AGI date back?"
    assert not index.strangers(index.parse(question))
    assert "AI 2027" in ask(episode_bot, question)["results"][0]["text"]
    assert "swe-bench" in index.strangers(index.parse("What did Claude Opus 4.5 score on SWE-bench Verified?"))


def test_a_year_weighs_as_a_date_not_as_a_name(episode_bot):
    """'the 2024 election': a passage holding 2024 (and no election) held most of its weight when the year
    weighed double, as names do."""
    q = episode_bot.snapshot.index.parse("the 2024 election")
    assert q.weights["2024"] < q.weights["elect"]
    assert ask(episode_bot, "the 2024 election")["results"] == []
    assert ask(episode_bot, "what happened in 2025")["results"]


@pytest.mark.parametrize("question", ["Who founded the Allen Institute for AI?", "Who founded Anthropic?",
                                      "Who runs OpenAI?", "Who invented RLHF?",
                                      "who founded the allen institute for ai",  # names as the episodes write
                                      "WHO FOUNDED MOONSHOT AI, THE LAB BEHIND KIMI?"])  # ... them, typed so
def test_who_did_something_to_a_name_needs_the_deed_in_its_answer(episode_bot, question):
    """The episode names these, never who founded, runs or invented them: a passage naming them says nothing
    of who did."""
    assert ask(episode_bot, question)["results"] == []


@pytest.mark.parametrize("question, held", [("Who launched the ATOM Project?", "Nathan Lambert launched"),
                                             ("who funds DeepSeek", "Highflyer"),
                                             ("Who named RLVR?", "named by Nathan Lambert")])
def test_who_did_something_the_episode_tells_is_answered(episode_bot, question, held):
    assert held in ask(episode_bot, question)["results"][0]["text"]


@pytest.mark.parametrize("question", ["whats the knowledge cutoff for claude opus 4.5",
                                      "What license is OLMo 3 released under?",
                                      "what optimizer was kimi k2 trained with",
                                      "whats the context window on gpt-oss-120b",
                                      "what batch size did ai2 use for olmo 3 pretraining"])  # 0.48 by meaning
def test_what_is_asked_of_a_named_thing_must_be_in_its_answer(episode_bot, question):
    """The episode speaks of these things, never of their knowledge cutoff, license, optimizer or context window:
    a passage on the thing holding none of what is asked of it says nothing of it."""
    assert ask(episode_bot, question)["results"] == []


def test_what_is_asked_of_a_thing_may_be_said_in_other_words_by_a_passage_close_in_meaning(episode_bot):
    """'window' is no word of the AI 2027 passage, which gives the years: close in meaning (0.53), it answers.
    'the downside of' is the form of an ask, not a thing asked of the bubble."""
    question = "What window did the authors of that well-known 2027 forecast first predict for AGI?"
    assert episode_bot.snapshot.index.parse(question).asked == {"window"}
    assert "2027–2028" in ask(episode_bot, question)["results"][0]["text"]
    assert episode_bot.snapshot.index.parse("whats the downside of the silicon valley bubble").asked == set()


@pytest.mark.parametrize("question, asked", [("what is the concesus on gpt-5 router", set()),
                                             ("What share of code do experienced developers ship?", set()),
                                             ("which lab released olmo 3", set()),
                                             ("what is the license of olmo 3", {"licens"}),
                                             # a name right after 'what' is the kind of thing asked
                                             ("What GPU did Sebastian run his RLVR experiment on?", {"gpu"})])
def test_only_a_thing_asked_of_a_name_must_be_in_its_answer(episode_bot, question, asked):
    """The form of an ask ('what share of', 'the consensus on'), a slip no word list reads and a kind of thing
    the episodes speak of ('which lab': a lab's name answers) are not asked of the thing named."""
    assert episode_bot.snapshot.index.parse(question).asked == asked


def test_a_name_with_a_version_is_not_read_as_initials(episode_bot):
    """'DR' is an episode word; 'DeepSeek R2', a version the episode never names, is not its spelling."""
    q = episode_bot.snapshot.index.parse("How does DeepSeek R2 compare to GPT-5 on coding?")
    assert {"deepseek", "r2"} <= set(q.stems)
    assert ask(episode_bot, "How does DeepSeer R2 compare to GPT-5 on coding?")["results"] == []


def test_an_acronym_the_episodes_only_spell_out_is_read_spelled_out(episode_bot):
    """The episode says 'Group Query Attention' and 'multi-head latent attention', never 'GQA' or 'MLA'."""
    index = episode_bot.snapshot.index
    assert index._spelling_of("gqa") == "group query attention"
    assert index._spelling_of("mla") == "multi-head latent attention"
    assert index._spelling_of("wtf") == ""  # words that merely start so, once, are no spelling
    assert "group query attention" in ask(episode_bot, "quick q: what's gqa")["results"][0]["text"].lower()
    assert "latent attention" in ask(episode_bot, "WHAT IS MLA")["results"][0]["text"].lower()
    # A common word typed in lowercase is that word, not initials ('a fixed bar', not 'Build A Reasoning ...').
    assert "bar" in index.parse("grpo scores each answer against the others? or a fixed bar").terms


@pytest.mark.parametrize("question, held", [("what does rlvr stand for", "Reinforcement Learning with Verifiable"),
                                             ("what does atom stand for in lamberts projcet", "American Truly Open"),
                                             ("what does RLVR stand for in post-training", "Verifiable Rewards"),
                                             ("what does ATOM stand for again", "American Truly Open Models"),
                                             ("what does moe stand for", "Mixture of Experts (MoE)")])
def test_what_an_acronym_stands_for_is_the_passage_spelling_it_out(episode_bot, question, held):
    """'stand for' asks, it is not asked: the passage on the episode's guests held 'stand' and led before."""
    assert held in ask(episode_bot, question)["results"][0]["text"]


@pytest.mark.parametrize("question", ["what does olmo stand for", "what does olmo even stand for lol",
                                      "what does olmo stand for in the ai2 release",
                                      "what does nsf stand for"])
def test_what_an_acronym_the_episode_never_spells_out_stands_for_is_declined(episode_bot, question):
    assert ask(episode_bot, question)["results"] == []


def test_a_word_is_real_when_the_model_and_the_english_word_list_both_hold_it(episode_bot):
    """The model's vocabulary holds pieces and other languages' words ('agnet', 'projekt'); the English word list
    (pyspellchecker's, in American spelling) settles it, British spellings read as American."""
    from bot.english import is_english

    for real in ("paris", "cooking", "behaviour", "organise", "centre"):
        assert is_english(real), real
    for typo in ("agnet", "projekt", "traning"):
        assert not is_english(typo), typo
    index = episode_bot.snapshot.index
    assert index.parse("wats nathans view on multi agnet systems").corrected.get("agnet") == "agent"
    assert index.parse("what is the atom projekt").corrected == {"projekt": "project"}
    assert index.parse("What's the weather in Paris?").corrected == {}


def test_a_common_english_word_the_model_lacks_is_real_and_a_rare_one_may_be_a_slip(episode_bot):
    """'juggle' and 'foundry' are no slips of 'jungle' and 'found'; 'handel', a name in the list, is 'handle'."""
    from bot.english import is_common_english

    assert is_common_english("juggle") and is_common_english("foundry") and not is_common_english("handel")
    index = episode_bot.snapshot.index
    assert index.parse("do power users juggle a bunch of models").corrected == {}
    assert index.parse("Which foundry manufactures NVIDIA's Blackwell chips?").corrected == {}
    assert index.parse("can agents handel long tasks").corrected == {"handel": "handle"}
    assert ask(episode_bot, "Which foundry manufactures NVIDIA's Blackwell chips?")["results"] == []


def test_a_work_asked_for_is_named_by_its_title_in_quotes(episode_bot):
    """'What sf history book did they recommend?': "'The Season of the Witch' reveals ..." names the book, though
    it never says 'book'."""
    assert "Season of the Witch" in ask(episode_bot, "what sf histroy book did they recomend")["results"][0]["text"]


def test_a_verb_and_its_particle_are_the_word_the_episode_writes_for_them(episode_bot):
    """'when he burned out': the episode's 'burnout'; 'look up facts': its 'lookups'."""
    index = episode_bot.snapshot.index
    assert "burnout" in index.parse("what was nathan doing when he burned out").terms
    assert "lookups" in index.parse("what does nathan use to look up facts").terms


def test_a_short_word_typed_with_a_doubled_letter_once_is_the_episode_s(episode_bot):
    """'tel it what to do': 'tell'; a word a dictionary knows stays as typed."""
    index = episode_bot.snapshot.index
    assert index.parse("sebastian saying you still have to tel it what to do").corrected == {"tel": "tell"}
    assert index.parse("what is a gpu").corrected == {}
