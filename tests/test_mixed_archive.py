"""A reporter's mixed archive through `dateline index` and `dateline ask`, as a user runs them: a feed
whose item's page is saved too, a WARC, a CSV export, Markdown with front matter, a PDF, a workbook,
a broken page, and JSON with RFC 2822 dates; and a folder of feeds, PDFs and sheets, good and broken,
read and indexed together (hash encoder)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.index.indexer import IndexOptions, index_paths
from qa.ingest.items import Problem
from qa.ingest.readers import read_paths
from qa.reading.query import Query
from tests.conftest import ROOT
from tests.samples import ATOM, CSV, GOOD_PDF, PDF_STORY, RSS, TSV, articles, make_pdf, problems, write_xlsx
from tests.test_html import make_warc, page

# The feed's first item, saved as the full page it links to.
FERRY_PAGE = page(
    "New ferry route links Lisbon and Porto",
    body="<p>A new ferry route between Lisbon and Porto will start sailing in May, the port authority said on "
    "Monday, after two years of talks with the harbour towns along the coast.</p><p>The catamaran will carry "
    "up to 400 passengers and call at Aveiro on weekdays, cutting the journey to under four hours.</p>",
    head="<link rel='canonical' href='https://www.harbourgazette.example/2024/10/ferry-route'>"
    "<meta property='og:site_name' content='Harbour Gazette'>"
    "<meta property='article:published_time' content='2024-10-07T07:00:00Z'>",
)


def dateline(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    # The graph cache too: outside it a child would make graphs in the real ~/.cache.
    env = {"DATELINE_HOME": str(home), "DATELINE_CACHE": os.environ["DATELINE_CACHE"], "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "tui.launcher", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def build(root: Path) -> Path:
    archive = root / "archive"
    archive.mkdir()
    (archive / "gazette.rss").write_text(RSS, encoding="utf-8")
    (archive / "ferry-route.html").write_bytes(FERRY_PAGE)
    make_warc(archive / "capture.warc.gz")
    (archive / "export.csv").write_text(CSV, encoding="utf-8")
    (archive / "note.md").write_text(
        "---\ntitle: Council backs tram line\ndate: 2024-09-30\nsource: City Desk\n---\n\n"
        "The city **council** voted to extend the tram line to the airport by 2027, at a cost of 90 million.\n"
    )
    (archive / "council.pdf").write_bytes(make_pdf(PDF_STORY, GOOD_PDF))
    write_xlsx(archive / "culture.xlsx")
    broken = b"<!DOCTYPE html><html><head><title>Half a page</title></head><body><div"
    (archive / "broken.html").write_bytes(broken)
    wire = {
        "title": "Bridge reopens",
        "pubDate": "Fri, 04 Oct 2024 16:00:00 +0200",
        "source": "Wire Service",
        "text": "The old river bridge reopened to cars on Friday after a year of repairs to its steel arches.",
    }
    (archive / "wire.json").write_text(json.dumps([wire]))
    return archive


def test_a_mixed_archive_is_read_with_real_dates_and_outlets(tmp_path: Path) -> None:
    archive = build(tmp_path)
    index = tmp_path / "index"
    result = dateline("index", str(archive), "--index", str(index), "--model", "hash-64", home=tmp_path)
    assert result.returncode == 3, result.stderr  # done, with the broken files reported
    assert "Traceback" not in result.stderr
    reported = [line for line in result.stderr.splitlines() if line.startswith("dateline: ") and "archive/" in line]
    assert any("broken.html: no article text found" in line for line in reported), reported
    with sqlite3.connect(index / "dateline.sqlite") as conn:
        rows = conn.execute("SELECT title, date, source, url, text, path FROM articles").fetchall()
    # Nothing is indexed as raw markup.
    assert not [r[0] for r in rows if re.search(r"</?[a-z][a-z0-9]*[\s>/]", r[4]) or r[0].startswith("<")]
    ferry = [r for r in rows if r[3] == "https://www.harbourgazette.example/2024/10/ferry-route"]
    # The page itself wins over the feed's summary of it.
    assert len(ferry) == 1 and ferry[0][5].endswith("ferry-route.html") and "catamaran will carry" in ferry[0][4]
    by_title = {r[0]: r for r in rows}
    assert by_title["Bridge reopens"][1:3] == ("2024-10-04", "Wire Service")
    assert by_title["Council backs tram line"][1:3] == ("2024-09-30", "City Desk")
    assert by_title["Dock workers vote to end strike"][1:3] == ("2024-10-08", "Harbour Gazette")
    cases = [
        ("Which bridge reopened to cars after repairs to its steel arches?", "2024-10-04", "Wire Service"),
        ("How many passengers will the catamaran between Lisbon and Porto carry?", "2024-10-07", "Harbour Gazette"),
        ("When will the tram line reach the airport?", "2024-09-30", "City Desk"),
    ]
    for question, date, outlet in cases:
        asked = dateline(
            "ask", question, "--json", "-k", "1", "--index", str(index), "--model", "hash-64", home=tmp_path
        )
        top = json.loads(asked.stdout)["passages"][0]
        assert (top["date"], top["source"]) == (date, outlet), (question, top["title"])


def mixed_directory(root: Path) -> Path:
    good = make_pdf(PDF_STORY, GOOD_PDF)
    root.mkdir()
    (root / "gazette.rss").write_text(RSS, encoding="utf-8")
    (root / "courier.xml").write_text(ATOM, encoding="utf-8")
    (root / "council.pdf").write_bytes(good)
    (root / "export.csv").write_text(CSV, encoding="utf-8")
    (root / "market.tsv").write_text(TSV, encoding="utf-8")
    write_xlsx(root / "culture.xlsx")
    (root / "broken.rss").write_text("<rss><channel><title>Cut off", encoding="utf-8")
    (root / "broken.pdf").write_bytes(good[: len(good) // 3])
    (root / "broken.csv").write_bytes(os.urandom(2048).replace(b"\x00", b"\x01") + b"\x00\x00")
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(512))
    return root


def test_mixed_directory_reads_every_good_article(tmp_path: Path) -> None:
    items = list(read_paths([mixed_directory(tmp_path / "mixed")]))
    assert len(articles(items)) == 3 + 2 + 1 + 2 + 1 + 2
    fatal = [p for p in problems(items) if p.fatal]
    names = sorted(Path(p.path).name for p in fatal)
    assert names == ["broken.csv", "broken.pdf", "broken.rss", "broken.xlsx", "export.csv"]
    assert all("\n" not in p.message and "Traceback" not in p.message for p in fatal)


def test_mixed_directory_end_to_end(tmp_path: Path) -> None:
    data = mixed_directory(tmp_path / "mixed")
    index = tmp_path / "index"
    seen: list[Problem] = []
    index_paths(index, [data], lambda: HashEncoder(64), IndexOptions(on_problem=seen.append))
    assert len(seen) == 5
    retriever = Retriever.open(index, "hash-64")
    try:
        cases = [
            ("When does the ferry between Lisbon and Porto start sailing?", dt.date(2024, 10, 7), "Harbour Gazette"),
            ("How much more will households pay for water rates?", dt.date(2024, 10, 6), "Civic Ledger"),
            ("How many concerts in the orchestra winter season?", dt.date(2024, 10, 5), "Evening Score"),
            ("Why did dock workers strike over night-shift pay?", dt.date(2024, 10, 8), "Harbour Gazette"),
        ]
        for question, date, outlet in cases:
            top = retriever.ask(Query(question, k=3, apply_bar=False)).hits[0].passage
            assert (top.date, top.source) == (date, outlet), (question, top.title)
    finally:
        retriever.close()
