"""An episode's search rows read its texts' words from its build, and come out as if split again."""

from __future__ import annotations

from bot.formats import read_document
from bot.library import _joined, build_episode, group_documents, seed_files
from bot.models import Episode, Passage, Provenance
from bot.search import _episode_rows

MAX = 16 * 1024 * 1024


def test_rows_made_with_the_builds_words_are_the_rows_made_without(catalogue):
    docs = [read_document(path, name, MAX) for path, name in seed_files(catalogue)]
    groups = group_documents([d for d in docs if d.passages or d.chapters or d.quotes])
    assert len(groups) == 4
    for group in groups:
        joined: dict[str, str] = {}
        episode = build_episode(group, joined)
        assert joined  # the build split the texts it merged and placed
        assert _episode_rows(episode, 0, joined) == _episode_rows(episode, 0)


def test_number_aliases_and_case_come_out_the_same():
    # A Greek capital sigma lowercases by what follows it; '9/9/6' and 'pre-fill' get joined forms.
    texts = ["ΟΔΟΣ pre-fill", "ΑΣ 9/9/6", "x-ray ΣΑΣ", "100,000 Σ-Σ", "ß-ẞ İ-i", "_a-b_ c", "", "—"]
    episode = Episode(id="1", title="t", passages=[Passage(text=t, kind="note", sources=[Provenance(file="f", line=1)])
                                                  for t in texts])
    joined: dict[str, str] = {}
    for t in texts:
        _joined(t, joined)
    assert _episode_rows(episode, 0, joined) == _episode_rows(episode, 0)
