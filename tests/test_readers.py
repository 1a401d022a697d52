"""Reading the seeds' text format, JSON Lines and JSON, and the junk that must never become a passage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from qa.config import Indexing
from qa.ingest.articles import Article
from qa.ingest.chunker import chunk
from qa.ingest.items import Problem
from qa.ingest.readers import read_paths
from tests.conftest import CORPUS, EVAL, SEEDS

JUNK = ["LATEST NEWS", "Recommended", "Beşiktaş", "Quark.Models"]


def articles(paths: list[Path]) -> list[Article]:
    return [a for a in read_paths(paths) if isinstance(a, Article)]


def by_name(name: str) -> Article:
    (article,) = articles([next(CORPUS.glob(name + "*"))])
    return article


@pytest.mark.skipif(not SEEDS.exists(), reason="the shared seeds are not beside this checkout")
def test_corpus_is_the_seeds_byte_for_byte() -> None:
    seeds = sorted(p.name for p in SEEDS.iterdir())
    assert sorted(p.name for p in CORPUS.iterdir()) == seeds
    for name in seeds:
        assert (CORPUS / name).read_bytes() == (SEEDS / name).read_bytes()


def test_seed_dates_and_the_undated_file() -> None:
    assert by_name("000").date == dt.date(2024, 1, 27)
    assert by_name("003").date == dt.date(2024, 3, 28)
    undated = by_name("002")
    assert undated.date is None and undated.date_text == "undated"


def test_headline_becomes_title_and_story_gets_a_derived_one() -> None:
    assert by_name("002").title == "High level North Korean delegation visits China"
    assert by_name("001").title == "Xi vows to 'deepen cooperation' with N Korea's Kim"
    story = by_name("000")
    assert story.title_derived and story.title.startswith("Seoul, Jan 27 North Korean Foreign Minister")
    assert len(story.title) < 100
    assert not story.text.startswith(" date")


def test_no_junk_in_any_passage() -> None:
    for article in articles([CORPUS]):
        passages = chunk(article.id, article.text, article.title)
        assert passages, article.path
        for p in passages:
            for junk in JUNK:
                assert junk not in p.text, (article.path, junk)
    scraped = by_name("001")
    texts = [p.text for p in chunk(scraped.id, scraped.text, scraped.title)]
    # The repeated headline list is gone, the story itself is all there.
    assert not any("Iran to sue US" in t for t in texts)
    assert any("75th anniversary" in t for t in texts)
    assert any("invasion of Ukraine" in t for t in texts)


def test_jsonl_records_with_aliases(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    rows = [
        {
            "id": "a",
            "headline": "Storm hits coast",
            "published_at": "2024-02-03T08:00:00Z",
            "outlet": "Wire",
            "link": "https://example.com/a",
            "body": "A storm hit the coast on Friday. Thousands lost power.",
        },
        {"title": "No date here", "text": "Officials met again to discuss the budget."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    first, second = articles([path])
    assert (first.title, first.date, first.source, first.url) == (
        "Storm hits coast",
        dt.date(2024, 2, 3),
        "Wire",
        "https://example.com/a",
    )
    assert first.text.startswith("A storm hit")
    assert second.date is None and second.source == ""  # no outlet named: none, not the file's name


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text(json.dumps([{"title": "T", "date": "2023-05-01", "text": "Body text here."}]))
    (article,) = articles([path])
    assert article.date == dt.date(2023, 5, 1)


def test_bad_records_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"title": "ok", "text": "Fine text."}\n'
        "not json\n"
        "[1, 2]\n"
        '{"title": "no text"}\n'
        '{"title": "bad date", "date": "2024-13-45", "text": "Still kept."}\n'
        '{"text": 42}\n',
        encoding="utf-8",
    )
    items = list(read_paths([path]))
    problems = {p.line: p for p in items if isinstance(p, Problem)}
    assert set(problems) == {2, 3, 4, 5, 6}
    assert "not valid JSON" in problems[2].message
    assert "not a JSON object" in problems[3].message
    assert "no text" in problems[4].message
    assert not problems[5].fatal and "undated" in problems[5].message
    kept = [a for a in items if isinstance(a, Article)]
    assert [a.title for a in kept] == ["ok", "bad date"]
    assert str(problems[2]).startswith(f"{path}:2: ")


def test_json_lines_stream_whatever_the_file_size(tmp_path: Path) -> None:
    limits = Indexing(max_file_bytes=200)  # a whole-file read would refuse this file
    path = tmp_path / "news.jsonl"
    lines = [
        "\ufeff" + json.dumps({"title": "With a BOM", "text": "First story."}),
        json.dumps({"title": "Separator", "text": "One record\u2028with a line separator inside."}, ensure_ascii=False),
        json.dumps({"title": "Caf\u00e9", "text": "Written in Windows-1252."}, ensure_ascii=False),
        *(json.dumps({"title": f"Story {i}", "text": f"Story number {i}."}) for i in range(20)),
    ]
    data = b"\n".join(line.encode("cp1252") if "Windows" in line else line.encode("utf-8") for line in lines)
    path.write_bytes(data + b"\n")
    items = list(read_paths([path], limits))
    assert not [i for i in items if isinstance(i, Problem)]
    kept = [a for a in items if isinstance(a, Article)]
    assert [a.title for a in kept[:3]] == ["With a BOM", "Separator", "Café"]
    assert "\u2028with" in kept[1].text and len(kept) == 23
    (tmp_path / "binary.jsonl").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "blank.jsonl").write_bytes(b"\n \n")
    problems = [str(p) for p in read_paths([tmp_path / "binary.jsonl", tmp_path / "blank.jsonl"])]
    assert problems == [
        f"{tmp_path / 'binary.jsonl'}: binary file, not JSON Lines: skipped",
        f"{tmp_path / 'blank.jsonl'}: empty file, skipped",
    ]


def test_same_article_twice_has_one_id(tmp_path: Path) -> None:
    one = articles([CORPUS / "003_827395dfdfacd871.txt"])[0]
    (tmp_path / "copy.txt").write_bytes((CORPUS / "003_827395dfdfacd871.txt").read_bytes())
    two = articles([tmp_path / "copy.txt"])[0]
    assert one.id == two.id


@pytest.mark.skipif(not EVAL.exists(), reason="the shared benchmark is not beside this checkout")
def test_reads_the_real_benchmark_file() -> None:
    items = list(read_paths([EVAL / "articles.jsonl"]))
    assert sum(isinstance(i, Article) for i in items) >= 2400
    assert not [i for i in items if isinstance(i, Problem) and i.fatal]
