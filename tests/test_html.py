"""Saved web pages and web archives: the article's text, headline, date and outlet, never markup."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from embeddings.factory import indexing_encoder
from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.index.indexer import index_paths
from qa.ingest.articles import Article
from qa.ingest.chunker import chunk
from qa.ingest.items import Item, Problem
from qa.ingest.readers import read_file, read_paths
from qa.reading.query import Query
from tests.conftest import ROOT

HTML_DEV = ROOT.parent / "shared" / "eval" / "html-dev"
needs_html_dev = pytest.mark.skipif(not HTML_DEV.exists(), reason="the html-dev pages are not beside this checkout")

# Measured over the 24 pages (bench/html_extraction.py); the four misses are named in MISSES.
MISSES = {
    "axios.com.future.html",  # a newsletter of several stories: only the first is kept
    "pcmag.com.platters.html",  # the standfirst under the headline is dropped with the header
    "dailymail.co.uk.food.html",  # the expected text ends early; trafilatura keeps the whole story
    "reuters.com.parasite.html",  # the "Trust Principles" badge is kept
}

STORY = (
    "<p>The harbour authority said on Tuesday that the new breakwater would protect the old town from winter "
    "storms, after three floods in five years closed the fish market and the ferry pier.</p>"
    "<p>Engineers expect the work to take two years and to cost about forty million euros, most of it paid by "
    "the regional government, which approved the plan after a long public consultation.</p>"
    "<p>Fishermen welcomed the decision but asked that the harbour stay open while the breakwater is built, "
    "since the winter season brings most of their catch.</p>"
)


def page(title: str, body: str = STORY, head: str = "") -> bytes:
    """A saved news page: navigation, the story in an <article>, a footer."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
    ).encode()


def articles(items: list[Item]) -> list[Article]:
    return [a for a in items if isinstance(a, Article)]


def problems(items: list[Item]) -> list[Problem]:
    return [p for p in items if isinstance(p, Problem)]


def no_markup(article: Article) -> None:
    assert not article.title.lower().startswith("<!doctype"), article.title
    for tag in ("<div", "<p>", "<html", "<script", "</"):
        assert tag not in article.text, (article.path, tag)


@needs_html_dev
def test_html_dev_pages_read_as_a_user_would() -> None:
    expected = json.loads((HTML_DEV / "expected.json").read_text(encoding="utf-8"))
    assert len(expected) == 24
    right: set[str] = set()
    for name, want in expected.items():
        (article,) = articles(list(read_file(HTML_DEV / name)))
        no_markup(article)
        assert article.date is not None, name
        assert article.source and article.source != name, name
        assert article.title and not article.title_derived, name
        ok = all(s in article.text for s in want["with"]) and not any(s in article.text for s in want["without"])
        if ok:
            right.add(name)
    assert set(expected) - right == MISSES


@needs_html_dev
def test_html_dev_metadata() -> None:
    (bbc,) = articles(list(read_file(HTML_DEV / "bbc.com.52241221.html")))
    assert bbc.source == "BBC News"
    assert bbc.date == dt.date(2020, 4, 10)
    assert bbc.url == "https://www.bbc.com/news/world-us-canada-52241221"
    assert bbc.title == "New York ramps up mass burials amid virus outbreak"
    assert "\n\n" in bbc.text  # paragraphs apart, as the chunker expects


@needs_html_dev
def test_a_promo_list_inside_the_story_is_not_indexed() -> None:
    # The BBC page carries an in-article list of links ("- HOPE AND LOSS: Your coronavirus stories").
    (bbc,) = articles(list(read_file(HTML_DEV / "bbc.com.52241221.html")))
    indexed = " ".join(p.text for p in chunk(bbc.id, bbc.text, bbc.title))
    for promo in ("HOPE AND LOSS", "LOOK-UP TOOL", "A SIMPLE GUIDE: How do I protect myself?"):
        assert promo not in indexed
    assert 'He said the state was succeeding in "flattening the curve"' in indexed
    assert "On Thursday, another glimmer of hope was heralded" in indexed


def test_a_links_hover_card_and_the_sites_asides_are_not_the_story(tmp_path: Path) -> None:
    # The Hill's markup: a name's link followed by a card shown on hover, with the name again and a
    # stranger's headline; a "Partner news" list; a call to sign up; a "Read more:" pointer.
    hover = (
        "<p>The man threatened to kill Rep. <span class='rollover-people'><a href='/people/omar'>Ilhan Omar</a>"
        "<span class='rollover-people-block'><a href='/people/omar'>Ilhan Omar</a> Hillicon Valley: Progressives "
        "oppose funding bill <a href='/more'>MORE</a></span></span> (D-Minn.) in a call to her office last "
        "week, prosecutors said in court papers filed on Monday in the federal court.</p>"
    )
    partner = (
        "<h3>Partner news</h3><ul><li><a href='/p/1'>Armenia named most popular spot for travellers</a></li>"
        "<li><a href='/p/2'>Ten beaches you must see this summer</a></li></ul>"
    )
    asides = (
        "<p>Read more: Harbour towns brace for the winter</p>"
        "<p>Never miss the latest news by signing up to our newsletter today!</p>"
    )
    (tmp_path / "hill.html").write_bytes(page("Man charged over threats", body=hover + STORY + partner + asides))
    (article,) = articles(list(read_file(tmp_path / "hill.html")))
    indexed = " ".join(p.text for p in chunk(article.id, article.text, article.title))
    assert "threatened to kill Rep. Ilhan Omar (D-Minn.) in a call to her office" in indexed
    assert indexed.count("Ilhan Omar") == 1
    for leak in ("Hillicon Valley", "MORE", "Partner news", "Armenia", "Read more", "newsletter"):
        assert leak not in indexed, leak
    assert "forty million euros" in indexed


@needs_html_dev
def test_a_page_cut_before_its_story_is_skipped_not_indexed_as_its_share_buttons(tmp_path: Path) -> None:
    # Saved half-way: the headline, the date and the share buttons made it, the story did not.
    whole = (HTML_DEV / "bbc.com.52241221.html").read_bytes()
    cut = tmp_path / "bbc-half.html"
    cut.write_bytes(whole[: len(whole) // 2])
    items = list(read_file(cut))
    assert [str(p) for p in problems(items)] == [f"{cut}: no article text found in the page, skipped"]
    assert not articles(items)


def test_page_with_no_article_and_a_broken_page_are_one_problem_each(tmp_path: Path) -> None:
    links = "".join(f"<li><a href='/s/{i}'>Story {i}</a></li>" for i in range(6))
    (tmp_path / "index.html").write_bytes(f"<html><body><ul>{links}</ul></body></html>".encode())
    (tmp_path / "broken.html").write_bytes(page("Harbour wall")[:70])
    (tmp_path / "binary.html").write_bytes(b"<html>\x00\x01\x02\xff\xfe" * 50)
    (tmp_path / "good.html").write_bytes(page("Harbour wall to be built"))
    for name in ("index.html", "broken.html", "binary.html"):
        items = list(read_file(tmp_path / name))
        assert [str(p) for p in problems(items)] == [f"{tmp_path / name}: no article text found in the page, skipped"]
        assert not articles(items)
    items = list(read_paths([tmp_path]))
    assert len(problems(items)) == 3
    (good,) = articles(items)
    assert good.title == "Harbour wall to be built"
    assert "forty million euros" in good.text and "Copyright" not in good.text and "Sport" not in good.text
    no_markup(good)


def test_a_page_named_alone_or_in_a_directory_or_saved_as_txt(tmp_path: Path) -> None:
    canonical = "<link rel='canonical' href='https://news.example.org/2024/harbour'>"
    (tmp_path / "harbour.html").write_bytes(page("Harbour wall to be built", head=canonical))
    (alone,) = articles(list(read_paths([tmp_path / "harbour.html"])))
    (inside,) = articles(list(read_paths([tmp_path])))
    assert alone == inside
    assert alone.url == "https://news.example.org/2024/harbour"
    assert alone.source == "news.example.org"  # no site name: the host of its canonical link
    assert alone.key == str((tmp_path / "harbour.html").resolve())
    other = tmp_path / "other"
    other.mkdir()
    (other / "saved.txt").write_bytes(page("Harbour wall to be built", head=canonical))
    (as_txt,) = articles(list(read_paths([other / "saved.txt"])))
    assert as_txt.title == "Harbour wall to be built"
    assert as_txt.text == alone.text
    no_markup(as_txt)


def test_a_page_with_no_site_or_link_names_no_outlet(tmp_path: Path) -> None:
    (tmp_path / "harbour.html").write_bytes(page("Harbour wall to be built"))
    (article,) = articles(list(read_file(tmp_path / "harbour.html")))
    assert article.source == ""  # not its file name, which would be cited as an outlet
    assert article.url == ""


def response(writer: WARCWriter, uri: str, status: str, kind: str, body: bytes, date: str) -> None:
    """One HTTP response record in the archive."""
    http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": date}
    )
    writer.write_record(record)


def make_warc(path: Path) -> Path:
    """Two articles (one dated by the page, one not), an image and a 404."""
    dated = page(
        "Harbour wall to be built",
        head="<meta property='article:published_time' content='2023-11-02T08:00:00Z'>",
    )
    undated = page(
        "Ferry timetable changes",
        body=STORY.replace("harbour authority", "ferry company").replace("breakwater", "new quay"),
    )
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        response(writer, "https://www.port-news.example/harbour", "200 OK", "text/html; charset=utf-8", dated,
                 "2024-02-01T10:00:00Z")  # fmt: skip
        response(writer, "https://ferries.example.com/timetable", "200 OK", "text/html", undated,
                 "2024-02-03T12:30:00Z")  # fmt: skip
        response(writer, "https://www.port-news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" * 20,
                 "2024-02-01T10:00:01Z")  # fmt: skip
        response(writer, "https://www.port-news.example/gone", "404 Not Found", "text/html", page("Not found"),
                 "2024-02-01T10:00:02Z")  # fmt: skip
    return path


def test_warc_gives_its_two_articles(tmp_path: Path) -> None:
    warc = make_warc(tmp_path / "crawl.warc.gz")
    items = list(read_paths([warc]))
    assert problems(items) == []
    harbour, ferry = articles(items)
    assert harbour.url == "https://www.port-news.example/harbour"
    assert harbour.source == "port-news.example"
    assert harbour.date == dt.date(2023, 11, 2)  # the page's own date, not the capture's
    assert harbour.key == f"{warc.resolve()}#https://www.port-news.example/harbour"
    assert ferry.url == "https://ferries.example.com/timetable"
    assert ferry.source == "ferries.example.com"
    assert ferry.date == dt.date(2024, 2, 3)  # none stated: the day it was captured
    for article in (harbour, ferry):
        no_markup(article)


def test_not_a_warc_is_one_problem(tmp_path: Path) -> None:
    fake = tmp_path / "fake.warc"
    fake.write_bytes(b"this is not a web archive\n" * 10)
    items = list(read_paths([fake]))
    assert not articles(items)
    (problem,) = problems(items)
    assert str(problem).startswith(f"{fake}: not a valid web archive (WARC)")
    assert "\n" not in str(problem)


@needs_html_dev
def test_pages_and_a_warc_indexed_and_asked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(HTML_DEV / "bbc.com.52241221.html", data)
    make_warc(data / "crawl.warc.gz")
    index_dir = tmp_path / "index"
    index_paths(index_dir, [data], lambda: HashEncoder(64))
    retriever = Retriever.open(index_dir, "hash-64")
    try:
        answer = retriever.ask(Query("New York mass burials Hart Island", k=3, apply_bar=False))
        top = answer.hits[0]
        assert top.passage.source == "BBC News"
        assert top.passage.date == dt.date(2020, 4, 10)
        assert "<" not in top.passage.text
        answer = retriever.ask(Query("ferry company new quay winter storms", k=3, apply_bar=False))
        top = answer.hits[0]
        assert top.passage.source == "ferries.example.com"
        assert top.passage.date == dt.date(2024, 2, 3)
    finally:
        retriever.close()


@needs_html_dev
def test_nothing_relevant_over_one_page_still_shows_the_nearest_passages(tmp_path: Path, model_cache: Path) -> None:
    # One real page, the real model: vague questions land far from every passage. Whatever the
    # verdict, the reader sees quotes, or "nothing relevant" with the nearest passages under it.
    shutil.copy(HTML_DEV / "bbc.com.52241221.html", tmp_path)
    index_dir = tmp_path / "index"
    index_paths(
        index_dir,
        [tmp_path / "bbc.com.52241221.html"],
        lambda: indexing_encoder(None, cache_dir=model_cache, precision="fp32"),
    )
    retriever = Retriever.open(index_dir)
    try:
        for question in ("What is the story about?", "Tell me about the story", "What is this about?"):
            answer = retriever.ask(Query(question, k=3))
            assert answer.hits or answer.closest, question
            assert answer.nothing_found == (not answer.hits), question
    finally:
        retriever.close()
