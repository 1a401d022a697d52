"""Incremental indexing with the fast test encoder: what gets embedded, replaced, pruned, rebuilt."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.index.database import Store
from qa.reading.query import Query

from .helpers import CountingEncoder, build, count


def test_unchanged_articles_are_never_embedded_again(tmp_path: Path, corpus_copy: Path) -> None:
    encoder = CountingEncoder()
    index = tmp_path / "index"
    report = build(index, [corpus_copy], encoder)
    assert report.added == 5 and encoder.calls > 0
    first = count(index)
    encoder.calls = encoder.texts_encoded = 0
    report = build(index, [corpus_copy], encoder)
    assert report.unchanged == 5 and report.added == 0
    assert encoder.texts_encoded == 0
    assert count(index) == first


def test_an_index_made_by_an_older_reader_takes_the_outlets_read_now(tmp_path: Path, corpus_copy: Path) -> None:
    # Older dateline stored a text file's name as its outlet. The article is the same (same id), so
    # it is not embedded again, but the next run shows the outlet as it reads now: none.
    encoder = CountingEncoder()
    index = tmp_path / "index"
    build(index, [corpus_copy], encoder)
    store = Store.open(index)
    store.conn.execute("UPDATE articles SET source = 'old.txt', url = 'file:///old.txt'")
    store.conn.commit()
    store.conn.close()
    encoder.calls = encoder.texts_encoded = 0
    report = build(index, [corpus_copy], encoder)
    assert report.unchanged == 5 and report.relabelled == 5 and encoder.texts_encoded == 0
    assert "5 unchanged (5 with a new outlet or link)" in report.summary(index)
    retriever = Retriever.open(index, "hash-64")
    try:
        hits = retriever.ask(Query("Kim Song Nam", k=3, apply_bar=False)).hits
        assert hits and all(h.passage.source == "" and h.passage.url == "" for h in hits)
    finally:
        retriever.close()
    assert build(index, [corpus_copy], encoder).relabelled == 0


def test_a_changed_article_replaces_the_old_one(tmp_path: Path, corpus_copy: Path) -> None:
    encoder = CountingEncoder()
    index = tmp_path / "index"
    build(index, [corpus_copy], encoder)
    target = corpus_copy / "004_05444940e5ccca5a.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nA new closing paragraph about Zanzibar.\n")
    encoder.texts_encoded = 0
    report = build(index, [corpus_copy], encoder)
    assert report.replaced == 1 and report.unchanged == 4
    assert 0 < encoder.texts_encoded < 10  # only the changed article's passages
    assert count(index)[0] == 5
    retriever = Retriever.open(index, "hash-64")
    try:
        answer = retriever.ask(Query("Zanzibar paragraph", k=1, apply_bar=False))
        assert "Zanzibar" in answer.hits[0].passage.text
    finally:
        retriever.close()


def test_an_edited_article_re_embeds_only_its_changed_passages(tmp_path: Path, corpus_copy: Path) -> None:
    encoder = CountingEncoder()
    index = tmp_path / "index"
    build(index, [corpus_copy], encoder)
    target = corpus_copy / "001_6b176e77b7a6bc1b.txt"
    before = count(index)[1]
    text = target.read_text(encoding="utf-8")
    assert "hoped to" in text
    target.write_text(text.replace("hoped to", "wished to", 1), encoding="utf-8")  # one word, one passage
    encoder.texts_encoded = 0
    report = build(index, [corpus_copy], encoder)
    assert report.replaced == 1
    assert encoder.texts_encoded == 1
    assert report.passages_embedded == 1 and report.passages_reused > 1
    assert count(index)[1] == before
    retriever = Retriever.open(index, "hash-64")
    try:
        hit = retriever.ask(Query("Xi wished to deepen cooperation", k=1, apply_bar=False)).hits[0]
    finally:
        retriever.close()
    assert "wished to" in hit.passage.text


def test_prune_drops_articles_whose_files_are_gone(tmp_path: Path, corpus_copy: Path) -> None:
    encoder = CountingEncoder()
    index = tmp_path / "index"
    build(index, [corpus_copy], encoder)
    (corpus_copy / "000_6a2ebac98f284586.txt").unlink()
    build(index, [corpus_copy], encoder)
    assert count(index)[0] == 5  # without --prune nothing is dropped
    report = build(index, [corpus_copy], encoder, prune=True)
    assert report.pruned == 1
    assert count(index)[0] == 4


def test_the_same_article_twice_is_stored_once(tmp_path: Path, corpus_copy: Path) -> None:
    shutil.copy(corpus_copy / "003_827395dfdfacd871.txt", corpus_copy / "003_copy.txt")
    report = build(tmp_path / "index", [corpus_copy], HashEncoder())
    assert report.added == 5 and report.duplicates == 1
    assert count(tmp_path / "index")[0] == 5


def test_one_wire_story_from_two_outlets_is_two_articles(tmp_path: Path) -> None:
    story = "The central bank raised its main interest rate by half a point on Tuesday, its largest step in years."
    rows = [
        {"id": "a", "title": "Rates up", "date": "2024-03-05", "source": "Wire A", "text": story},
        {"id": "b", "title": "Bank lifts rates", "date": "2024-03-05", "source": "Paper B", "text": story},
        {"id": "c", "title": "Rates up", "date": "2024-03-05", "source": "Wire A", "text": story},
    ]
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    encoder = CountingEncoder()
    report = build(tmp_path / "index", [path], encoder)
    # Paper B's copy is kept to be listed under Wire A's ("also in"); Wire A's own repeat is not.
    assert report.added == 2 and report.duplicates == 1
    assert encoder.texts_encoded == 2
    retriever = Retriever.open(tmp_path / "index", "hash-64")
    try:
        hit = retriever.ask(Query("How much did the central bank raise rates?", apply_bar=False)).hits[0]
    finally:
        retriever.close()
    assert {hit.passage.source, *(c.source for c in hit.also)} == {"Wire A", "Paper B"}


def test_text_files_of_one_story_under_two_headlines_are_two_articles(tmp_path: Path) -> None:
    body = "The central bank raised its main interest rate by half a point on Tuesday, its largest step in years."
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "wire.txt").write_text(f" date 2024-03-05 Rates up\n\n{body}\n")
    (tmp_path / "news" / "paper.txt").write_text(f" date 2024-03-05 Bank lifts its main rate\n\n{body}\n")
    (tmp_path / "news" / "wire-again.txt").write_text(f" date 2024-03-05 Rates up\n\n{body}\n")
    report = build(tmp_path / "index", [tmp_path / "news"], HashEncoder())
    assert report.added == 2 and report.duplicates == 1


def test_another_model_rebuilds_instead_of_mixing(tmp_path: Path, corpus_copy: Path) -> None:
    index = tmp_path / "index"
    build(index, [corpus_copy], HashEncoder(64))
    other = CountingEncoder(32)
    report = build(index, [corpus_copy], other)
    assert "hash-64" in report.rebuilt_because
    assert other.texts_encoded == count(index)[1]
    store = Store.open(index)
    try:
        assert store.meta["model"] == "hash-32" and store.meta["dim"] == "32"
    finally:
        store.close()


def test_a_rebuild_keeps_only_the_new_version_of_a_changed_article(tmp_path: Path, corpus_copy: Path) -> None:
    index = tmp_path / "index"
    build(index, [corpus_copy], HashEncoder())
    target = corpus_copy / "004_05444940e5ccca5a.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nA new closing paragraph about Zanzibar.\n")
    report = build(index, [corpus_copy], HashEncoder(), rebuild=True)
    assert report.replaced == 1 and report.unchanged == 4
    assert count(index)[0] == 5
    store = Store.open(index)
    try:
        texts = [a.text for a in store.articles()]
    finally:
        store.close()
    assert sum("Zanzibar" in t for t in texts) == 1


def test_jsonl_records_are_keyed_by_id(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    rows = [
        {"id": str(i), "title": f"Story {i}", "date": "2024-01-0" + str(i + 1), "text": f"Body {i}. More."}
        for i in range(3)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    index = tmp_path / "index"
    build(index, [path], HashEncoder())
    rows[1]["text"] = "Body one, corrected. More."
    path.write_text("\n".join(json.dumps(r) for r in rows[:2]))
    report = build(index, [path], HashEncoder(), prune=True)
    assert (report.replaced, report.unchanged, report.pruned) == (1, 1, 1)
    assert count(index)[0] == 2


def test_as_of_hides_later_articles(tmp_path: Path, corpus_copy: Path) -> None:
    index = tmp_path / "index"
    build(index, [corpus_copy], HashEncoder())
    retriever = Retriever.open(index, "hash-64")
    try:
        answer = retriever.ask(Query("North Korea China", k=20, as_of=__import__("datetime").date(2024, 3, 1)))
        dates = {h.passage.date for h in answer.hits + answer.closest}
        assert dates and all(d is not None and d.isoformat() <= "2024-03-01" for d in dates)
    finally:
        retriever.close()


def test_prune_keeps_articles_of_a_file_that_could_not_be_read(tmp_path: Path, corpus_copy: Path) -> None:
    index = tmp_path / "index"
    build(index, [corpus_copy], HashEncoder())
    (corpus_copy / "000_6a2ebac98f284586.txt").write_bytes(b"\x00\x01binary now")
    report = build(index, [corpus_copy], HashEncoder(), prune=True)
    assert report.pruned == 0 and report.skipped == 1
    assert count(index)[0] == 5
