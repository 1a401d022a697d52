"""One story once, on a real story run by several outlets, each cutting and trimming it its own way.

The story is the bundled corpus's AFP report on Xi's message to Kim; the copies change what
syndicated copies change: an agency dateline and a copyright line, an editor's note that shifts
every passage boundary, the last third cut, and the same words with the paragraphs joined (an exact
copy but for line breaks, published the same day). Real bundled model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embeddings.factory import indexing_encoder
from qa.answering.retriever import Retriever
from qa.config import Collapse
from qa.index.indexer import index_paths
from qa.ranking.dedupe import copied_from, overlap, shingles
from qa.reading.query import Query

from .conftest import CORPUS

NOTE = (
    "Editor's note: this report comes to us from a partner agency. Our correspondents in the region have "
    "followed the relationship between the two capitals closely for years, and we will update this story "
    "as more statements are released by officials in both countries over the coming days."
)


def _story() -> list[str]:
    """The report's paragraphs, without the file's date line, repeated headline and place line."""
    lines = [line.strip() for line in (CORPUS / "001_6b176e77b7a6bc1b.txt").read_text().splitlines()]
    paragraphs = [line for line in lines if line]
    start = next(i for i, p in enumerate(paragraphs) if p.startswith("Chinese President Xi Jinping"))
    return paragraphs[start:]


def _plain(text: str) -> str:
    return " ".join(text.split())


def _copies() -> dict[str, tuple[str, str]]:
    """Each outlet's headline and text of the story."""
    story = _story()
    joined = [" ".join(story[i : i + 2]) for i in range(0, len(story), 2)]
    return {
        "AFP": ("Xi vows to 'deepen cooperation' with N Korea's Kim", "\n\n".join(story)),
        "France24": (
            "China's Xi pledges deeper ties with Kim Jong Un",
            "BEIJING (AFP) — " + "\n\n".join(story) + "\n\n© Agence France-Presse",
        ),
        "Regional Herald": ("Xi and Kim exchange anniversary messages", NOTE + "\n\n" + "\n\n".join(story)),
        "Yahoo News": ("Xi tells Kim China wants deeper cooperation", "\n\n".join(story[: len(story) * 2 // 3])),
        "Asia Times": ("Beijing and Pyongyang mark anniversary", "\n\n".join(joined)),
    }


@pytest.fixture(scope="module")
def syndicated(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    rows = [
        {"id": source, "title": title, "date": "2024-10-07", "source": source, "text": text}
        for source, (title, text) in _copies().items()
    ]
    rows.append(
        {
            "id": "derby",
            "title": "Late goal settles the derby",
            "date": "2024-10-07",
            "source": "Sports Desk",
            "text": "The home side won the derby three goals to one in front of a record crowd on Sunday, "
            "with the winner coming from a header in the final minute of stoppage time.",
        }
    )
    root = tmp_path_factory.mktemp("syndicated")
    (root / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    for other in ("000_6a2ebac98f284586.txt", "002_02aa92d358672171.txt"):
        (root / other).write_text((CORPUS / other).read_text())
    # fp32, the exact model: answers must not depend on the CPU's int8 kernels (see conftest.bundled_index).
    index_paths(root / "index", [root], lambda: indexing_encoder(None, cache_dir=model_cache, precision="fp32"))
    return root / "index"


@pytest.mark.parametrize(
    "question",
    [
        "What anniversary did China and North Korea mark?",
        "How do analysts say Pyongyang skirts international sanctions?",
        "What did Xi say about writing a new chapter?",
    ],
)
def test_a_story_from_five_outlets_is_shown_once(syndicated: Path, question: str) -> None:
    retriever = Retriever.open(syndicated)
    try:
        answer = retriever.ask(Query(question, k=5))
    finally:
        retriever.close()
    assert answer.hits
    # The best quote is the story, and it names every outlet that ran that part of it.
    first = answer.hits[0]
    outlets = [first.passage.source, *(c.source for c in first.also)]
    assert len(outlets) == len(set(outlets)), "an outlet is listed twice under one quote"
    ran_it = {source for source, (_, text) in _copies().items() if _plain(first.passage.text) in _plain(text)}
    assert len(ran_it) >= 4  # the question is about text most outlets ran
    assert ran_it <= set(outlets), f"outlets that ran the quote but are not listed: {ran_it - set(outlets)}"
    # No quote repeats text already shown from another outlet, however the copies were cut.
    for i, a in enumerate(answer.hits):
        for b in answer.hits[i + 1 :]:
            if a.passage.article_id != b.passage.article_id:
                assert overlap(shingles(a.passage.text), shingles(b.passage.text)) < Collapse().same_story, (
                    f"{a.passage.source} and {b.passage.source} show the same text"
                )
    # Copies are listed oldest first, one line per outlet.
    for hit in answer.hits:
        dates = [c.date.isoformat() if c.date else "undated" for c in hit.also]
        assert dates == sorted(dates)
        assert len({c.article_id for c in hit.also}) == len(hit.also)


def test_a_quote_off_the_topic_is_left_out(syndicated: Path) -> None:
    retriever = Retriever.open(syndicated)
    try:
        question = "What anniversary did China and North Korea mark?"
        answer = retriever.ask(Query(question, k=30))
        unfiltered = retriever.ask(Query(question, k=30, apply_bar=False))
    finally:
        retriever.close()
    # Ranked without the bar (as evaluation does), the match report still comes last;
    # a user is not shown it.
    assert "Sports Desk" in [h.passage.source for h in unfiltered.hits]
    assert "Sports Desk" not in [h.passage.source for h in answer.hits]
    assert answer.hits[0].passage.source != "Sports Desk"
    assert [h.rank for h in answer.hits] == list(range(1, len(answer.hits) + 1))


def test_a_copy_cut_across_two_shown_passages_is_a_copy() -> None:
    story = _story()
    first, second = " ".join(story[0:3]), " ".join(story[3:6])
    # Another outlet's passage: the end of the first and the start of the second, plus its own note.
    words = first.split()[len(first.split()) // 2 :] + second.split()[: len(second.split()) // 3] + NOTE.split()[:8]
    straddling = shingles(" ".join(words))
    shown = [shingles(first), shingles(second)]
    assert all(overlap(straddling, s) < Collapse().same_story for s in shown)  # a copy of neither alone
    assert copied_from(straddling, shown) == 0  # but of what is shown, listed under the larger share
    assert copied_from(shingles(NOTE), shown) is None


def test_a_story_is_quoted_where_it_ran_first(tmp_path: Path) -> None:
    from embeddings.hash_encoder import HashEncoder

    text = (
        "North Korea fired a barrage of short-range ballistic missiles into the sea on Thursday, the South's "
        "military said, days after a failed attempt to put a spy satellite into orbit."
    )
    runs = [("Yonhap", "2024-05-30"), ("AFP", "2024-05-30"), ("Reuters", "2024-05-31")]
    titles = {"Yonhap": "Missiles fired", "AFP": "Launch reported", "Reuters": "North Korea fires missiles at sea"}
    rows = [{"id": s, "title": titles[s], "date": d, "source": s, "text": text} for s, d in runs]
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    index_paths(tmp_path / "index", [tmp_path / "wire.jsonl"], lambda: HashEncoder(64))
    retriever = Retriever.open(tmp_path / "index", "hash-64")
    try:
        answer = retriever.ask(Query("What did North Korea fire into the sea on Thursday?", k=3, apply_bar=False))
    finally:
        retriever.close()
    (hit,) = answer.hits
    assert hit.passage.date is not None and hit.passage.date.isoformat() == "2024-05-30"
    assert [c.source for c in hit.also][-1] == "Reuters" and len(hit.also) == 2


def test_the_first_run_quoted_in_place_of_a_reprint_highlights_the_same_sentence(tmp_path: Path) -> None:
    from embeddings.hash_encoder import HashEncoder

    story = (
        "The launch came as Seoul and Washington held joint drills near the border this week. North Korea "
        "fired a barrage of short-range ballistic missiles into the sea on Thursday, the South's military said."
    )
    # The first run carries the agency's dateline and note, so its sentences stand elsewhere in its text.
    first = "SEOUL, May 30 (Yonhap) -- Updated with the military's statement at 10 a.m. " + story
    rows = [
        {"id": "y", "title": "Missiles fired", "date": "2024-05-30", "source": "Yonhap", "text": first},
        {"id": "r", "title": "North Korea fires missiles at sea", "date": "2024-05-31", "source": "Reuters"},
        {"id": "a", "title": "Launch reported", "date": "2024-05-31", "source": "AFP"},
    ]
    for row in rows[1:]:
        row["text"] = story
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    index_paths(tmp_path / "index", [tmp_path / "wire.jsonl"], lambda: HashEncoder(64))
    retriever = Retriever.open(tmp_path / "index", "hash-64")
    try:
        answer = retriever.ask(Query("What did North Korea fire into the sea?", k=3, apply_bar=False))
    finally:
        retriever.close()
    (hit,) = answer.hits
    assert hit.passage.source == "Yonhap"
    lit = hit.passage.text[hit.highlight[0] : hit.highlight[1]]
    assert lit.startswith("North Korea fired a barrage") and lit.endswith("the South's military said.")
