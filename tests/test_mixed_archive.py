"""A reporter's mixed archive through `dateline index` and `dateline ask`, as a user runs them: a feed
whose item's page is saved too, a WARC, a CSV export, Markdown with front matter, a PDF, a workbook,
a broken page, and JSON with RFC 2822 dates."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_feeds_pdf_sheets import CSV, GOOD_PDF, PDF_STORY, RSS, make_pdf, write_xlsx
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
