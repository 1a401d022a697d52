"""Feeds, PDFs and spreadsheets: each item its own article with its own date, link and outlet; a broken
file is one problem line; all of them indexed together and asked about (hash encoder)."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from openpyxl import Workbook
from pypdf import PdfReader, PdfWriter

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.cli import main
from qa.index.indexer import IndexOptions, index_paths
from qa.ingest.articles import Article
from qa.ingest.items import Item, Problem
from qa.ingest.readers import read_paths
from qa.reading.query import Query

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Harbour Gazette</title>
  <link>https://www.harbourgazette.example/</link>
  <description>News from the coast</description>
  <item>
    <title>New ferry route links Lisbon and Porto</title>
    <link>https://www.harbourgazette.example/2024/10/ferry-route</link>
    <guid isPermaLink="false">hg-1001</guid>
    <pubDate>Mon, 07 Oct 2024 08:00:00 GMT</pubDate>
    <description>&lt;p&gt;A new &lt;a href="https://ferries.example"&gt;ferry route&lt;/a&gt; between Lisbon
      and Porto will start sailing in May, the port authority said on Monday.&lt;/p&gt;
      &lt;p&gt;Tickets for the catamaran go on sale in January.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Dock workers vote to end strike</title>
    <link>https://www.harbourgazette.example/2024/10/strike-ends</link>
    <pubDate>Tue, 08 Oct 2024 17:30:00 +0100</pubDate>
    <description>Dock workers end their strike.</description>
    <content:encoded><![CDATA[<p>Dock workers at the container terminal voted on Tuesday to end a
      three-week strike over night-shift pay.</p><p>Cranes will be working again by
      <b>Thursday</b>, the union said.</p>]]></content:encoded>
  </item>
  <item>
    <title>Lighthouse reopens to visitors</title>
    <link>https://www.harbourgazette.example/2024/10/lighthouse</link>
    <pubDate>Wed, 09 Oct 2024 06:15:00 GMT</pubDate>
    <description>&lt;p&gt;The old lighthouse on the northern cape reopened to visitors after a
      two-year restoration of its lantern room.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Courier</title>
  <id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>
  <updated>2024-10-04T12:00:00Z</updated>
  <entry>
    <title>Vineyards report record grape harvest</title>
    <link href="https://valleycourier.example/harvest"/>
    <id>urn:courier:harvest</id>
    <published>2024-10-03T09:00:00Z</published>
    <updated>2024-10-03T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Vineyards across the valley picked a record grape harvest this
      autumn, the growers' cooperative said.&lt;/p&gt;&lt;p&gt;Warm weather in September helped.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>River bridge closes for repairs</title>
    <link href="https://valleycourier.example/bridge"/>
    <id>urn:courier:bridge</id>
    <updated>2024-10-05T00:30:00+02:00</updated>
    <summary type="text">The river bridge closes for six weeks of repairs to its steel cables.</summary>
  </entry>
</feed>
"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://mountain.example/"><title>Mountain Post</title>
    <link>https://mountain.example/</link><description>d</description></channel>
  <item rdf:about="https://mountain.example/snow">
    <title>Early snow closes the pass</title><link>https://mountain.example/snow</link>
    <description>Early snow closed the mountain pass on Friday night.</description>
    <dc:date>2024-10-11T22:00:00Z</dc:date>
  </item>
</rdf:RDF>
"""

PDF_STORY = [
    "City council approves new water rates",
    "The city council approved new water rates on Sunday after a long debate.",
    "Households will pay four percent more from January, the treasurer said.",
]


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(lines: list[str], info: dict[str, str]) -> bytes:
    """A one-page PDF written by hand: Helvetica text lines (none: an empty page) and an /Info dictionary."""
    ops = "".join(f"{_pdf_string(line)} Tj 0 -16 Td " for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {ops}ET".encode() if lines else b""
    info_entries = " ".join(f"/{key} {_pdf_string(value)}" for key, value in info.items())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< {info_entries} >>".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


GOOD_PDF = {
    "Title": "Council approves water rates",
    "CreationDate": "D:20241006093000+02'00'",
    "Publisher": "Civic Ledger",
}

CSV = "\n".join(
    [
        "title,date,source,url,text",
        "Museum opens new wing,2024-10-01,Town Crier,https://towncrier.example/museum,"
        '"The museum opened a new wing for its collection of maritime maps, the curator said."',
        "Library extends opening hours,2024-10-02,Town Crier,https://towncrier.example/library,",
        "School builds solar roof,2024-10-03,Town Crier,https://towncrier.example/solar,"
        '"The primary school finished a solar roof that will power its classrooms, the head teacher said."',
        "",
    ]
)

TSV = (
    "Headline\tPublished\tOutlet\tBody\n"
    "Market hall gets a new roof\t2024-09-30\tMarket News\tThe market hall got a new copper roof.\n"
)


def write_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Date", "Source", "URL", "Text"])
    sheet.append(
        [
            "Orchestra announces winter season",
            dt.datetime(2024, 10, 5, 14, 30),
            "Evening Score",
            "https://eveningscore.example/season",
            "The city orchestra announced a winter season of twelve concerts, opening with a cello concerto.",
        ]
    )
    sheet.append(["Zoo welcomes twin pandas", "2024-10-06", "Evening Score", "", "Twin panda cubs arrived at the zoo."])
    book.save(path)


def articles(items: list[Item]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def problems(items: list[Item]) -> list[Problem]:
    return [item for item in items if isinstance(item, Problem)]


def by_title(items: list[Item]) -> dict[str, Article]:
    return {a.title: a for a in articles(items)}


# -- feeds ----------------------------------------------------------------------------------------


def test_rss_items_are_articles(tmp_path: Path) -> None:
    path = tmp_path / "gazette.rss"
    path.write_text(RSS, encoding="utf-8")
    items = list(read_paths([path]))
    assert problems(items) == []
    found = by_title(items)
    assert len(found) == 3
    ferry = found["New ferry route links Lisbon and Porto"]
    assert ferry.date == dt.date(2024, 10, 7)
    assert ferry.url == "https://www.harbourgazette.example/2024/10/ferry-route"
    assert ferry.source == "Harbour Gazette"
    assert ferry.from_feed
    assert ferry.key == f"{path.resolve()}#hg-1001"
    assert "ferry route between Lisbon and Porto" in ferry.text
    assert "\n\nTickets for the catamaran" in ferry.text  # the paragraph break kept
    strike = found["Dock workers vote to end strike"]
    assert strike.date == dt.date(2024, 10, 8)
    assert "three-week strike" in strike.text and "Thursday" in strike.text  # content:encoded, not description
    assert found["Lighthouse reopens to visitors"].date == dt.date(2024, 10, 9)
    for article in found.values():
        assert "<" not in article.text and "&lt;" not in article.text


def test_atom_and_rdf_entries(tmp_path: Path) -> None:
    (tmp_path / "courier.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "post.rdf.xml").write_text(RDF, encoding="utf-8")
    items = list(read_paths([tmp_path]))
    assert problems(items) == []
    found = by_title(items)
    harvest = found["Vineyards report record grape harvest"]
    assert (harvest.date, harvest.source, harvest.url) == (
        dt.date(2024, 10, 3),
        "Valley Courier",
        "https://valleycourier.example/harvest",
    )
    assert "record grape harvest" in harvest.text and "<" not in harvest.text
    bridge = found["River bridge closes for repairs"]
    assert bridge.date == dt.date(2024, 10, 5)  # only <updated>; the day as written, not UTC's
    assert bridge.text.startswith("The river bridge closes")
    snow = found["Early snow closes the pass"]
    assert (snow.date, snow.source) == (dt.date(2024, 10, 11), "Mountain Post")


def test_feed_saved_as_xml_reads_the_same(tmp_path: Path) -> None:
    (tmp_path / "gazette.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "gazette.xml").write_text(RSS, encoding="utf-8")

    def fields(name: str) -> list[tuple[object, ...]]:
        found = articles(list(read_paths([tmp_path / name])))
        return [(a.id, a.title, a.date, a.source, a.url, a.text) for a in found]

    assert len(fields("gazette.xml")) == 3
    assert fields("gazette.xml") == fields("gazette.rss")


def test_feed_item_without_text_or_title(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        "<item><title>Only a headline</title><link>https://news.example/a</link></item>"
        "<item><link>https://www.news.example/b</link><description>Text with no headline at all.</description></item>"
        "</channel></rss>"
    )
    (tmp_path / "bare.rss").write_text(feed)
    items = list(read_paths([tmp_path / "bare.rss"]))
    assert [p.message for p in problems(items)] == ["item 1 (Only a headline): no text, skipped"]
    [article] = articles(items)
    assert article.source == "news.example"  # no feed title: the link's host
    assert article.title_derived and article.date is None


ALERTS_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
  <title>My news alerts</title><link>https://alerts.example/</link>
  <item><title>Ferry service to Porto resumes</title><link>https://news.google.com/rss/articles/a1</link>
    <source url="https://lisbonpost.example">Lisbon Post</source>
    <description>Ferry service between Lisbon and Porto resumed on Monday after the storm.</description></item>
  <item><title>Harbour wall repaired</title><link>https://news.google.com/rss/articles/a2</link>
    <source url="https://www.harbourtimes.example/rss"/>
    <description>Workers finished repairing the harbour wall damaged in the storm.</description></item>
  <item><title>Storm closes schools</title><link>https://news.google.com/rss/articles/a3</link>
    <dc:creator>Ana Costa</dc:creator>
    <description>Schools along the coast closed on Friday as the storm arrived.</description></item>
</channel></rss>
"""

ALERTS_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>My news alerts</title><id>urn:alerts</id>
  <updated>2024-10-08T00:00:00Z</updated>
  <entry><title>Bridge toll to rise</title><id>urn:b1</id><updated>2024-10-08T00:00:00Z</updated>
    <link href="https://valleycourier.example/toll"/>
    <source><id>urn:vc</id><title>Valley Courier</title><updated>2024-10-08T00:00:00Z</updated></source>
    <author><name>Rui Lopes</name></author>
    <content type="text">The bridge toll will rise by ten cents in January, the operator said.</content></entry>
  <entry><title>Snow closes the pass</title><id>urn:b2</id><updated>2024-10-08T00:00:00Z</updated>
    <link href="https://mountainpost.example/pass"/>
    <source><id>urn:mp</id><author><name>Mountain Post</name></author></source>
    <content type="text">Early snow closed the mountain pass to traffic on Tuesday.</content></entry>
  <entry><title>Museum opens new wing</title><id>urn:b3</id><updated>2024-10-08T00:00:00Z</updated>
    <link href="https://museums.example/wing"/><author><name>Rita Sousa</name></author>
    <content type="text">The city museum opened its new wing of modern art on Sunday.</content></entry>
</feed>
"""


def test_an_alerts_feed_names_each_items_own_outlet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An alerts feed's own title is no outlet: each item names where it ran, in its <source>.
    (tmp_path / "alerts.rss").write_text(ALERTS_RSS, encoding="utf-8")
    (tmp_path / "alerts.atom").write_text(ALERTS_ATOM, encoding="utf-8")
    outlets = {a.title: a.source for a in articles(list(read_paths([tmp_path])))}
    assert outlets == {
        "Ferry service to Porto resumes": "Lisbon Post",  # RSS <source url=...>Name</source>
        "Harbour wall repaired": "harbourtimes.example",  # a <source url> without a name: its site
        "Storm closes schools": "My news alerts",  # the item names no outlet (a byline is not one)
        "Bridge toll to rise": "Valley Courier",  # Atom <source><title>
        "Snow closes the pass": "Mountain Post",  # Atom <source><author>
        "Museum opens new wing": "My news alerts",  # the entry's own author is a byline
    }
    # What a user sees: each quote cited under the outlet its item names.
    index = tmp_path / "index"
    index_paths(index, [tmp_path / "alerts.rss", tmp_path / "alerts.atom"], lambda: HashEncoder(64))
    capsys.readouterr()
    args = ["--index", str(index), "--model", "hash-64", "-k", "6"]
    assert main(["ask", "Which ferry resumed after the storm?", *args]) == 0
    citations = [line for line in capsys.readouterr().out.splitlines() if line[:1].isdigit()]
    assert len(citations) == 6
    assert any("Lisbon Post · Ferry service to Porto resumes" in c for c in citations)
    assert any("Mountain Post · Snow closes the pass" in c for c in citations)
    assert sum("My news alerts" in c for c in citations) == 2


def test_feed_dates_feedparser_reads_and_bad_ones(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>A</title><pubDate>07 Oct 2024 08:00 GMT</pubDate><description>One.</description></item>"
        "<item><title>B</title><pubDate>sometime soon</pubDate><description>Two.</description></item>"
        "</channel></rss>"
    )
    (tmp_path / "dates.rss").write_text(feed)
    items = list(read_paths([tmp_path / "dates.rss"]))
    assert by_title(items)["A"].date == dt.date(2024, 10, 7)
    assert by_title(items)["B"].date is None
    [warning] = problems(items)
    assert not warning.fatal and warning.message.startswith("item 2 (B): bad date")


# -- PDFs -----------------------------------------------------------------------------------------


def test_pdf_text_layer_title_and_date(tmp_path: Path) -> None:
    (tmp_path / "council.pdf").write_bytes(make_pdf(PDF_STORY, GOOD_PDF))
    (tmp_path / "untitled.pdf").write_bytes(make_pdf(PDF_STORY, {}))
    (tmp_path / "scan.pdf").write_bytes(make_pdf([], {"Title": "A scan"}))
    items = list(read_paths([tmp_path]))
    found = by_title(items)
    council = found["Council approves water rates"]
    assert council.date == dt.date(2024, 10, 6)
    assert council.source == "Civic Ledger"
    assert "four percent more from January" in council.text
    untitled = found["City council approves new water rates"]  # the first line
    assert untitled.date is None and untitled.source == "" and untitled.title_derived  # no publisher: no outlet
    [problem] = problems(items)
    assert problem.path.endswith("scan.pdf") and "no text layer" in problem.message


def test_encrypted_pdf(tmp_path: Path) -> None:
    for password in ("secret", ""):  # an empty user password opens without asking
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(PDF_STORY, GOOD_PDF))))
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        with (tmp_path / f"locked-{password or 'open'}.pdf").open("wb") as fh:
            writer.write(fh)
    items = list(read_paths([tmp_path]))
    [problem] = problems(items)
    assert problem.path.endswith("locked-secret.pdf") and "encrypted" in problem.message
    assert [a.title for a in articles(items)] == ["Council approves water rates"]


# -- spreadsheets ---------------------------------------------------------------------------------


def test_csv_tsv_and_xlsx_rows(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "market.tsv").write_text(TSV, encoding="utf-8")
    write_xlsx(tmp_path / "culture.xlsx")
    items = list(read_paths([tmp_path]))
    [blank] = problems(items)
    assert blank.path.endswith("export.csv") and blank.line == 3
    found = by_title(items)
    assert set(found) == {
        "Museum opens new wing",
        "School builds solar roof",
        "Market hall gets a new roof",
        "Orchestra announces winter season",
        "Zoo welcomes twin pandas",
    }
    museum = found["Museum opens new wing"]
    assert (museum.date, museum.source, museum.url) == (
        dt.date(2024, 10, 1),
        "Town Crier",
        "https://towncrier.example/museum",
    )
    assert "maritime maps" in museum.text
    market = found["Market hall gets a new roof"]  # aliases: headline, published, outlet, body
    assert (market.date, market.source) == (dt.date(2024, 9, 30), "Market News")
    orchestra = found["Orchestra announces winter season"]  # a real datetime cell
    assert (orchestra.date, orchestra.source) == (dt.date(2024, 10, 5), "Evening Score")
    assert found["Zoo welcomes twin pandas"].date == dt.date(2024, 10, 6)


def test_sheet_without_text_column_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text("name;price\nbread;2\nmilk;1\n")
    items = list(read_paths([tmp_path / "list.csv"]))
    [problem] = items
    assert isinstance(problem, Problem)
    assert "no text column" in problem.message and "text, body, content" in problem.message


# -- all together ---------------------------------------------------------------------------------


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
