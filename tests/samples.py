"""Sample feeds (RSS, Atom, RDF), a hand-written PDF and spreadsheets (CSV, TSV, xlsx) for the readers' tests,
and the articles and problems a read gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from qa.ingest.articles import Article
from qa.ingest.items import Item, Problem

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
