"""Real archives in: dates as archives write them, field names, Markdown front matter, compressed files,
unknown kinds refused in one line, a mistyped path, and `dateline export`."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import Indexing
from qa.ingest.articles import Article
from qa.ingest.dates import parse_record_date
from qa.ingest.items import Problem
from qa.ingest.readers import read_paths
from tests.conftest import ROOT

STORY = "The ferry service between Lisbon and Porto restarted on Monday after a strike by its crews."


def articles(paths: list[Path], limits: Indexing | None = None) -> list[Article]:
    return [a for a in read_paths(paths, limits or Indexing()) if isinstance(a, Article)]


def problems(paths: list[Path]) -> list[Problem]:
    return [p for p in read_paths(paths) if isinstance(p, Problem)]


@pytest.mark.parametrize(
    "written",
    [
        "Mon, 06 Oct 2024 08:00:00 GMT",
        "Sun, 06 Oct 2024 23:30:00 -0500",
        "October 6, 2024",
        "6 October 2024",
        "10/06/2024",
        "20241006",
        "2024-10-06T10:00:00Z",
        1728201600,
        "1728201600000",
    ],
)
def test_dates_as_archives_write_them(written: object) -> None:
    assert parse_record_date(written) == dt.date(2024, 10, 6)


def test_a_numeric_date_is_read_one_documented_way() -> None:
    assert parse_record_date("10/06/2024") == dt.date(2024, 10, 6)
    assert parse_record_date("10/06/2024", day_first=True) == dt.date(2024, 6, 10)


@pytest.mark.parametrize("written", ["yesterday", "2024-13-45", "October 2024", "June 5", "2024", 12, True])
def test_what_is_not_one_whole_date_is_refused(written: object) -> None:
    with pytest.raises(ValueError):
        parse_record_date(written)


def test_common_field_names_and_an_object_holding_records(tmp_path: Path) -> None:
    records = {
        "articles": [
            {"headline": "Ferries", "pubDate": "Mon, 06 Oct 2024 08:00:00 GMT", "articleBody": STORY, "link": "u1"},
            {
                "name": "Strike ends",
                "datePublished": "2024-10-05",
                "publisher": {"@type": "Organization", "name": "Lisbon Post"},
                "content": STORY + " Talks ended.",
            },
            {"title": "Only a summary", "description": STORY + " Summary."},
            {"title": "Nothing to read"},
        ]
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records))
    items = list(read_paths([path]))
    kept = [a for a in items if isinstance(a, Article)]
    assert [(a.title, a.date) for a in kept] == [
        ("Ferries", dt.date(2024, 10, 6)),
        ("Strike ends", dt.date(2024, 10, 5)),
        ("Only a summary", None),
    ]
    assert kept[0].url == "u1" and kept[1].source == "Lisbon Post"
    missing = [p for p in items if isinstance(p, Problem)]
    assert len(missing) == 1 and "record 4" in missing[0].message
    assert "looked for text, body, content, articlebody" in missing[0].message


def test_a_text_file_whose_first_line_is_a_date(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Date: 2024-10-06\nFerries return to Lisbon\n\n{STORY}\n")
    (tmp_path / "b.txt").write_text(f"October 6, 2024\nFerries return\n\n{STORY}\n")
    got = articles([tmp_path])
    assert [(a.title, a.date) for a in got] == [
        ("Ferries return to Lisbon", dt.date(2024, 10, 6)),
        ("Ferries return", dt.date(2024, 10, 6)),
    ]


def test_markdown_front_matter_gives_title_date_and_outlet(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "---\ntitle: Ferries return to Lisbon\ndate: 2024-10-06\nsource: Lisbon Post\n"
        "url: https://example.org/ferries\n---\n\n"
        f"The **ferry** service [restarted](https://example.org) on Monday.\n\n- {STORY}\n"
    )
    (tmp_path / "plain.md").write_text(f"# Notes on ferries\n\n{STORY}\n")
    note, plain = sorted(articles([tmp_path]), key=lambda a: a.path)
    assert (note.title, note.date, note.source, note.url) == (
        "Ferries return to Lisbon",
        dt.date(2024, 10, 6),
        "Lisbon Post",
        "https://example.org/ferries",
    )
    assert note.text.startswith("The ferry service restarted on Monday.")
    assert "**" not in note.text and "](" not in note.text and "---" not in note.text
    assert plain.title == "Notes on ferries" and plain.text == STORY


def test_compressed_files_are_read_by_their_inner_kind(tmp_path: Path) -> None:
    line = json.dumps({"title": "Ferries", "date": "2024-10-06", "text": STORY})
    (tmp_path / "news.jsonl.gz").write_bytes(gzip.compress((line + "\n").encode()))
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(f"Ferries again\n\n{STORY}\n".encode()))
    (tmp_path / "broken.jsonl.gz").write_bytes(b"\x1f\x8b not really gzip")
    assert sorted(a.title for a in articles([tmp_path])) == ["Ferries", "Ferries again"]
    assert [p.path.endswith("broken.jsonl.gz") for p in problems([tmp_path])] == [True]


def test_an_unknown_kind_is_refused_in_one_line_on_the_command_line_as_in_a_directory(tmp_path: Path) -> None:
    doc = tmp_path / "report.docx"
    doc.write_bytes(b"PK\x03\x04 not an article")
    (named,) = problems([doc])
    (found,) = problems([tmp_path])
    assert named.message == found.message
    assert named.message.startswith("not an article file (.docx): dateline reads ") and ".jsonl" in named.message


def dateline(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    # The graph cache too: outside it a child would make graphs in the real ~/.cache.
    env = {"DATELINE_HOME": str(home), "DATELINE_CACHE": os.environ["DATELINE_CACHE"], "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "tui.launcher", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def test_a_mistyped_path_fails_and_creates_nothing(tmp_path: Path) -> None:
    index = tmp_path / "index"
    result = dateline("index", str(tmp_path / "corpsu"), "--index", str(index), "--model", "hash-64", home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"dateline: error: no such file or directory: {tmp_path / 'corpsu'}; nothing was indexed"
    ]
    assert not index.exists()


def test_export_writes_what_was_read_and_reads_back_the_same(tmp_path: Path) -> None:
    rows = [
        {"title": "Ferries", "date": "2024-10-06", "source": "Lisbon Post", "url": "u1", "text": STORY},
        {"title": "Undated note", "text": STORY + " Again."},
    ]
    (tmp_path / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    index = tmp_path / "index"
    assert dateline("index", str(tmp_path / "news.jsonl"), "--index", str(index), "--model", "hash-64", home=tmp_path)
    out = tmp_path / "out.jsonl"
    result = dateline("export", "-o", str(out), "--index", str(index), home=tmp_path)
    assert result.returncode == 0 and "2 articles written" in result.stderr
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(e["title"], e["date"], e["source"], e["url"], e["text"]) for e in exported} == {
        ("Ferries", "2024-10-06", "Lisbon Post", "u1", STORY),
        ("Undated note", None, "", "", STORY + " Again."),  # no outlet named: none, not the file's name
    }
    again = articles([out])
    assert {(a.title, a.date, a.text) for a in again} == {
        ("Ferries", dt.date(2024, 10, 6), STORY),
        ("Undated note", None, STORY + " Again."),
    }
    csv_out = dateline("export", "--format", "csv", "--index", str(index), home=tmp_path)
    assert csv_out.stdout.splitlines()[0] == "title,date,source,url,text,path"


def test_a_headline_made_from_the_opening_words_is_not_shown_above_them(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(STORY + " Tickets go on sale in January for the whole season.\n")
    index = tmp_path / "index"
    assert dateline("index", str(tmp_path / "story.txt"), "--index", str(index), "--model", "hash-64", home=tmp_path)
    shown = dateline(
        "ask",
        "Why was the ferry service between Lisbon and Porto restarted after a strike?",
        "--index",
        str(index),
        "--model",
        "hash-64",
        home=tmp_path,
    ).stdout
    citation = shown.splitlines()[0]
    assert citation.startswith("1. undated  (score ") and "ferry service" not in citation  # no headline, no outlet
    assert shown.count("The ferry service between Lisbon") == 1
