"""A saved page's date, outlet, headline and link, as its card shows them: the page's own statements,
in the order qa/ingest/page_meta.py documents, never a script's timestamp or a CMS's name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qa.ingest.articles import Article
from qa.ingest.page_meta import date_in_url, strip_suffix
from qa.ingest.readers import read_file
from tests.conftest import ROOT

HTML_DEV = ROOT.parent / "shared" / "eval" / "html-dev"
needs_html_dev = pytest.mark.skipif(not HTML_DEV.exists(), reason="the html-dev pages are not beside this checkout")

BODY = (
    "<article><h1>{h1}</h1>"
    "<p>The harbour authority said on Tuesday that the new breakwater would protect the old town from winter "
    "storms, after three floods in five years closed the fish market and the ferry pier.</p>"
    "<p>Engineers expect the work to take two years and to cost about forty million euros, most of it paid by "
    "the regional government and the rest by a loan the council agreed last spring.</p></article>"
)


def page(tmp_path: Path, head: str, h1: str = "Harbour wall to rise", name: str = "page.html") -> Article:
    path = tmp_path / name
    path.write_text(f"<html><head>{head}</head><body>{BODY.format(h1=h1)}</body></html>", encoding="utf-8")
    found = [a for a in read_file(path) if isinstance(a, Article)]
    assert len(found) == 1
    return found[0]


def test_a_page_that_names_its_own_address_is_linked(tmp_path: Path) -> None:
    article = page(tmp_path, '<link rel="canonical" href="https://news.example/2024/05/02/harbour-wall"/>')
    assert article.url == "https://news.example/2024/05/02/harbour-wall"
    only_og = page(tmp_path, '<meta property="og:url" content="https://news.example/harbour"/>', name="og.html")
    assert only_og.url == "https://news.example/harbour"


def test_the_date_is_the_pages_statement_not_a_scripts_timestamp(tmp_path: Path) -> None:
    script = '<script>var built = "2019-11-14T08:00:00Z";</script>'
    stated = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-02T09:00:00Z"}</script>'
    )
    assert page(tmp_path, script + stated).date == dt.date(2024, 5, 2)
    published = '<meta property="article:published_time" content="2024-05-03T10:00:00+02:00"/>'
    assert page(tmp_path, script + published, name="meta.html").date == dt.date(2024, 5, 3)
    # Nothing stated in the markup: the address's date, not the script's.
    linked = '<link rel="canonical" href="https://www.cnn.com/2019/11/18/world/harbour/index.html"/>'
    assert page(tmp_path, script + linked, name="url.html").date == dt.date(2019, 11, 18)
    assert date_in_url("https://www.theguardian.com/education/2020/oct/02/halls") == dt.date(2020, 10, 2)
    assert date_in_url("https://example.com/story/12345") is None


def test_a_utc_timestamp_gives_way_to_the_outlets_own_day_one_day_off(tmp_path: Path) -> None:
    # 20:09 in Denver is 03:09 the next day in UTC: the address keeps the day the outlet printed.
    evening = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-11-09T03:09:55Z"}</script>'
    )
    linked = '<link rel="canonical" href="https://www.denverpost.com/2023/11/08/harbour-wall/"/>'
    assert page(tmp_path, evening + linked).date == dt.date(2023, 11, 8)
    # A timestamp in the outlet's own zone is its day; so is a UTC one the address does not contradict.
    local = evening.replace("03:09:55Z", "03:09:55+02:00")
    assert page(tmp_path, local + linked, name="local.html").date == dt.date(2023, 11, 9)
    noon = evening.replace("03:09:55Z", "12:25:36Z")  # noon in London is 11-09 from Hawaii to Tokyo
    assert page(tmp_path, noon + linked, name="noon.html").date == dt.date(2023, 11, 9)
    far = linked.replace("2023/11/08", "2023/11/01")
    assert page(tmp_path, evening + far, name="far.html").date == dt.date(2023, 11, 9)
    assert date_in_url("https://www.registerguard.com/news/20200413/second-suspect") == dt.date(2020, 4, 13)
    assert date_in_url("https://example.com/story/20201345/x") is None


def test_a_site_name_that_names_no_outlet_gives_way_to_the_host(tmp_path: Path) -> None:
    head = '<meta property="og:site_name" content="Hosted"/><link rel="canonical" href="https://apnews.com/article/x"/>'
    assert page(tmp_path, head).source == "apnews.com"
    # A section in og:site_name ("U.S.") gives way to the publisher the page's JSON-LD names.
    head = (
        '<meta property="og:site_name" content="U.S."/>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"@type": "Organization",'
        ' "name": "Reuters"}}</script>'
    )
    assert page(tmp_path, head, name="reuters.html").source == "Reuters"
    # A "site name" that is the headline is no outlet either.
    head = '<meta property="og:site_name" content="Harbour wall to rise"/><link rel="canonical" href="https://www.msn.com/x"/>'
    assert page(tmp_path, head, name="msn.html").source == "msn.com"


def test_a_headline_loses_the_sites_suffix_and_never_is_a_cms_name(tmp_path: Path) -> None:
    head = (
        "<title>The Guardian view on harbours | Editorial | The Guardian</title>"
        '<meta property="og:site_name" content="The Guardian"/>'
    )
    assert page(tmp_path, head, h1="").title == "The Guardian view on harbours"
    assert (
        strip_suffix("Harbour wall to rise - Reuters", "Reuters", "https://www.reuters.com/x") == "Harbour wall to rise"
    )
    # A dash inside a headline stays; so does a short headline that is all there is.
    assert strip_suffix("Harbour wall to rise - and fall", "Reuters", "https://www.reuters.com/x") == (
        "Harbour wall to rise - and fall"
    )
    assert strip_suffix("Brexit | Live", "The Guardian", "https://www.theguardian.com/x") == "Brexit | Live"
    head = '<title>escenic</title><meta property="og:title" content="Plumber jailed after boiler leak"/>'
    assert page(tmp_path, head, h1="", name="cms.html").title == "Plumber jailed after boiler leak"


@needs_html_dev
def test_real_pages_cite_their_own_headline_outlet_and_address() -> None:
    telegraph = next(a for a in read_file(HTML_DEV / "telegraph.co.uk.plumber.html") if isinstance(a, Article))
    assert telegraph.title == "Plumber jailed after boiler killed millionaire's daughter"
    assert telegraph.source == "The Telegraph" and telegraph.url.startswith("https://www.telegraph.co.uk/news/")
    # An MSN copy of a Guardian story: linked to and credited by the address it names as its own.
    msn = next(a for a in read_file(HTML_DEV / "msn.com.university.html") if isinstance(a, Article))
    assert msn.url.startswith("https://www.theguardian.com/education/2020/oct/02/")
    assert msn.source == "theguardian.com" and msn.date == dt.date(2020, 10, 2)
    reuters = next(a for a in read_file(HTML_DEV / "reuters.com.parasite.html") if isinstance(a, Article))
    assert reuters.source == "Reuters" and reuters.date == dt.date(2020, 1, 19)
    assert reuters.url == "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"
