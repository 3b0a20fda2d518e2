"""Front matter can't blow up: aliases refused, fields capped, the file skipped with its line."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core import EpisodeBot

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# The 389-byte alias bomb from issue 14: nine levels of nine aliases each.
BOMB = "---\n" + "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
) + "title: *i\n---\n\n# Body\n\nSome words about the body.\n"
# A title alias of a long string, expanded by repetition (the 90 MB title).
LONG_TITLE = "---\nx: &x " + "A" * 200 + "\ntitle: [*x, *x, *x, *x, *x]\n---\n\n# Body\n\nText.\n"


def test_an_alias_bomb_is_refused_quickly_with_its_line(read):
    doc = read("bomb.md", BOMB)
    assert not (doc.passages or doc.chapters or doc.quotes) and doc.title is None
    errors = [p for p in doc.problems if p.severity == "error"]
    assert errors and "alias" in errors[0].message and "file skipped" in errors[0].message
    assert errors[0].line == 3  # the first '*a'


def test_an_aliased_title_is_refused(read):
    doc = read("title.md", LONG_TITLE)
    assert doc.title is None and not doc.passages
    assert any("alias" in p.message for p in doc.problems)


def test_an_over_long_field_is_refused_with_its_line(read):
    doc = read("long.md", "---\nshow: Fine\ntitle: " + "B" * 20_000 + "\n---\n\n# Body\n\nText.\n")
    assert doc.title is None and not doc.passages
    error = next(p for p in doc.problems if p.severity == "error")
    assert error.line == 3 and "20,000 characters" in error.message


def test_a_huge_list_is_refused(read):
    doc = read("tags.md", "---\ntitle: T\ntags: [" + ",".join(["t"] * 5000) + "]\n---\n\nText.\n")
    assert not doc.passages and any("entries" in p.message for p in doc.problems)


def test_deep_nesting_is_refused(read):
    doc = read("deep.md", "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n\nText.\n")
    assert not doc.passages and any("nested" in p.message for p in doc.problems)


def test_ordinary_front_matter_still_reads(read):
    doc = read("ok.md", "---\ntitle: 'Rooftop bees | Pod #12'\nguests: [Marta]\ntags: [bees, city]\n---\n\n# Body\n\nText.\n")
    assert doc.title == "Rooftop bees" and doc.number == 12 and doc.guests == ["Marta"]
    assert not [p for p in doc.problems if p.severity == "error"]


def test_the_rest_of_the_seeds_load(tmp_path):
    root = tmp_path / "seeds"
    root.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, root / path.name)
    (root / "bomb.md").write_text(BOMB)
    bot = EpisodeBot(root)
    assert bot.library.episodes
    assert not any("bomb.md" in e.sources for e in bot.library.episodes)


def test_a_yaml_tag_that_builds_an_object_is_refused(read, tmp_path):
    marker = tmp_path / "ran"
    doc = read("tag.md", f"---\ntitle: !!python/object/apply:os.system [\"touch {marker}\"]\n---\n\n# Body\n\nText.\n")
    assert not marker.exists()
    assert any("front matter" in p.message for p in doc.problems)
