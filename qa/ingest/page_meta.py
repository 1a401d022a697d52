"""What a saved page says about itself: its headline, publication date, outlet and address.

A page states these in several places, not all of them trustworthy. The order below is the one
place that decides, first found wins:
- address: the web archive's record (where the page came from one), `<link rel="canonical">`,
  `og:url`, the JSON-LD article's `url`;
- date: the JSON-LD article's `datePublished`, `article:published_time` (or `itemprop=datePublished`),
  the date in the address (`/2019/11/18/`, `/20191118/`), then what htmldate finds in the markup; never
  a timestamp found in a script, which is often the page's build or an ad's. One exception: a stated
  timestamp in UTC gives way to the address's (else the markup's) day when that is one day off where a
  time zone puts it ("2023-11-09T01:09Z" under `/2023/11/08/`: an evening story in Denver), in
  qa/ingest/html.py's `dated`; a page with none of these is undated (or dated by its web archive's
  capture);
- outlet: `og:site_name`, the JSON-LD `publisher`'s name, trafilatura's site name, the address's
  host; a "name" that is no name (a CMS's, a section's such as "U.S.", "Hosted", the headline
  itself) is passed over;
- headline: the page's own (trafilatura: its `<title>` or heading), `og:title`, the JSON-LD
  `headline`, passing over a CMS's name ("escenic"), less a site or section suffix ("… | Education |
  The Guardian", "… - Reuters").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html

# Site names that name no outlet: content systems and hosting tags, and section names some pages
# put in og:site_name.
_NOT_NAMES = frozenset(
    ["hosted", "escenic", "wordpress", "drupal", "arc", "brightspot", "sophi", "ghost", "medium", "blogger",
     "squarespace", "wix", "home", "homepage", "news", "u.s.", "us", "world", "politics", "business", "sport",
     "sports", "opinion"]
)  # fmt: skip
_ARTICLE_TYPES = ("Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
                  "BlogPosting", "LiveBlogPosting", "Report", "BackgroundNewsArticle", "ReviewNewsArticle")  # fmt: skip
# /2019/11/18/, /2019-11-18/, 20191118 between slashes, or /2020/oct/02/ (the Guardian's).
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](\d\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[/-](\d\d)(?:/|-|$)", re.I
)
# 20200413 between slashes (/news/20200413/second-suspect…).
_URL_DAY = re.compile(r"/((?:19|20)\d\d)(\d\d)(\d\d)/")
# A timestamp with a time at UTC: "…T01:09:55Z", "…+00:00", "…T00:38:07.000Z".
_UTC = re.compile(r"\d[T ](\d\d):\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]00:?00)$", re.I)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}  # noqa: SIM905
_SUFFIX = re.compile(r"\s+(?:\||-|–|—|::)\s+([^|–—]+)$")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page's head states, each "" or None when it says nothing usable."""

    headlines: tuple[str, ...] = ()
    """og:title and the JSON-LD headline, in that order, where given."""
    date: dt.date | None = None
    utc_hour: int | None = None
    """The hour when `date` is a UTC timestamp's ("2023-11-09T01:09:55Z": 1): its day may not be the
    outlet's own (an evening story in New York is the next day in UTC)."""
    outlets: tuple[str, ...] = ()
    """og:site_name and the JSON-LD publisher's name, in that order, where given."""
    url: str = ""


def page_meta(page: bytes | lxml.html.HtmlElement) -> PageMeta:
    """The page's own statements about itself, from its bytes or its parsed tree (read, never changed);
    never raises: a page that cannot be parsed says nothing."""
    try:
        root = page if isinstance(page, lxml.html.HtmlElement) else lxml.html.fromstring(_decoded(page))
    except (ValueError, lxml.etree.ParserError):
        return PageMeta()
    meta: dict[str, str] = {}
    for tag in root.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        value = (tag.get("content") or "").strip()
        if key and value and key not in meta:
            meta[key] = value
    canonical = next((link.get("href", "").strip() for link in root.iter("link") if _rel(link) == "canonical"), "")
    article = next(_articles(root), {})
    publisher = article.get("publisher")
    publisher = publisher[0] if isinstance(publisher, list) and publisher else publisher
    url = _first(canonical, meta.get("og:url", ""), _text(article.get("url")), _id(article.get("mainEntityOfPage")))
    stated = (
        article.get("datePublished"),
        meta.get("article:published_time") or meta.get("og:article:published_time"),
        meta.get("datepublished"),
    )
    published = next((v for v in stated if iso_date(v)), None)
    return PageMeta(
        headlines=tuple(h for h in (_text(meta.get("og:title")), _text(article.get("headline"))) if h),
        date=iso_date(published),
        utc_hour=int(m.group(1)) if isinstance(published, str) and (m := _UTC.search(published.strip())) else None,
        outlets=tuple(o for o in (_text(meta.get("og:site_name")), _text(_field(publisher, "name"))) if o),
        url=url if url.startswith(("http://", "https://")) else "",
    )


def outlet(candidates: list[str], headline: str, url: str) -> str:
    """The first candidate that is a name, else the address's host (`www.` dropped)."""
    for name in candidates:
        name = " ".join(name.split())
        if _is_name(name, headline):
            # "the Guardian" (its og:site_name) opens a citation line: capitalised as trafilatura does.
            return name[0].upper() + name[1:] if name[0].islower() and "." not in name else name
    return host(url)


def headline(candidates: list[str], outlet_name: str, url: str) -> str:
    """The first candidate that is a headline (not a content system's name), less the site's or
    section's suffix."""
    for title in candidates:
        title = " ".join(title.split())
        if title and title.casefold() not in _NOT_NAMES:
            return strip_suffix(title, outlet_name, url)
    return ""


def strip_suffix(title: str, outlet_name: str, url: str) -> str:
    """ "Thousands of UK academics … | Education | The Guardian" → "Thousands of UK academics …": a
    trailing part after `|` that is the outlet, the host, or a short section name, and after a dash
    only the outlet or the host (a dash is common inside headlines)."""
    site = {_squash(outlet_name), _squash(host(url)), _squash(host(url).split(".")[0])} - {""}
    while m := _SUFFIX.search(title):
        part, rest = m.group(1).strip(), title[: m.start()].strip()
        is_site = _squash(part) in site or any(s and s in _squash(part) for s in site)
        section = "|" in m.group(0) and len(part.split()) <= 3
        if not rest or len(rest.split()) < 3 or not (is_site or section):
            break
        title = rest
    return title


def date_in_url(url: str) -> dt.date | None:
    """The publication date an address states (`/2019/11/18/`, `/2020/oct/02/`), or None."""
    path = urlsplit(url).path if url else ""
    m = _URL_DATE.search(path) or _URL_DAY.search(path)
    if not m:
        return None
    month = int(m.group(2)) if m.group(2).isdigit() else _MONTHS[m.group(2).lower()]
    try:
        return dt.date(int(m.group(1)), month, int(m.group(3)))
    except ValueError:
        return None


def host(url: str) -> str:
    """The site an address names, `www.` dropped."""
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _is_name(name: str, headline_text: str) -> bool:
    words = name.split()
    return (
        1 <= len(words) <= 6
        and len(name) >= 2
        and name.casefold() not in _NOT_NAMES
        and _squash(name) != _squash(headline_text)
        and not (headline_text and headline_text.casefold().startswith(name.casefold()) and len(words) > 2)
    )


def _articles(root: Any) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects of an article type, in page order (inside `@graph` and lists too)."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        yield from (o for o in _objects(data) if _is_article(o))


def _objects(data: object) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph", []))


def _is_article(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k in _ARTICLE_TYPES for k in kinds)


def _rel(link: Any) -> str:
    return str(link.get("rel") or "").strip().lower()


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _id(value: object) -> str:
    if isinstance(value, dict):
        return _text(value.get("@id") or value.get("url"))
    return _text(value)


def _decoded(data: bytes) -> str:
    """The page as text, decoded as trafilatura decodes it (lxml alone reads bytes without a charset
    tag as Latin-1: "Things—if" became "Thingsâif")."""
    from trafilatura.utils import decode_file

    text = decode_file(data)
    return text if isinstance(text, str) else data.decode("utf-8", errors="replace")


def _field(value: object, key: str) -> object:
    return value.get(key) if isinstance(value, dict) else None


def _first(*values: str) -> str:
    return next((v for v in values if v), "")


def iso_date(value: object) -> dt.date | None:
    """A date written as ISO 8601 (what these fields and htmldate give), or None."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _squash(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())
