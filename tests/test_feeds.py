"""Feeds: each RSS, Atom or RDF item its own article with its own date, link and outlet; an item without
text is one problem line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from embeddings.hash_encoder import HashEncoder
from qa.cli import main
from qa.index.indexer import index_paths
from qa.ingest.readers import read_paths
from tests.samples import (
    ATOM,
    RDF,
    RSS,
    articles,
    by_title,
    problems,
)


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
