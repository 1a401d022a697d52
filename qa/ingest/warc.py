"""Web archives (WARC, .warc.gz, ARC): each page captured whole (HTTP 200, HTML) read as a saved page."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from qa.config import Indexing
from qa.ingest.html import read_html
from qa.ingest.items import Item, Problem

# warcio warns through logging about each odd header; the reader's problems are what the user sees.
logging.getLogger("warcio").addHandler(logging.NullHandler())
logging.getLogger("warcio").propagate = False

_HTML = ("text/html", "application/xhtml+xml")
# A page's body past this is not an article (trafilatura refuses more than 20 MB anyway).
_MAX_PAGE_BYTES = 20_000_000


def read_warc(path: Path, limits: Indexing) -> Iterator[Item]:
    """The articles in the archive's HTML pages; other records (images, redirects, errors) are skipped quietly."""
    pages = 0
    try:
        if not _looks_like_an_archive(path):
            # warcio reads almost any text as an old ARC file; only a real archive is read.
            yield Problem(str(path), "not a valid web archive (WARC): no WARC/ or ARC header, skipped")
            return
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh, arc2warc=True):
                if not _is_page(record):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                data = record.content_stream().read(_MAX_PAGE_BYTES + 1)
                pages += 1
                if len(data) > _MAX_PAGE_BYTES:
                    yield Problem(str(path), f"{uri}: page larger than 20 MB, skipped")
                    continue
                key = f"{path.resolve()}#{uri}"
                for item in read_html(path, data, limits, url=uri, captured=_captured(record), key=key):
                    if isinstance(item, Problem):
                        # The archive is one file of many pages: the line says which page.
                        item = Problem(item.path, f"{uri}: {item.message}", fatal=item.fatal)
                    yield item
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        # warcio says why in a long message; its first line is enough for the user.
        what = "not a valid web archive (WARC)" if not pages else f"web archive broken after {pages} pages"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield Problem(str(path), f"{what}: {reason[:160]}, skipped")


def _looks_like_an_archive(path: Path) -> bool:
    """True when the file (decompressed, if gzip) starts as a WARC or an ARC file does."""
    with path.open("rb") as fh:
        head = fh.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        start = fh.read(16)
    return start.startswith((b"WARC/", b"filedesc://"))


def _is_page(record: object) -> bool:
    """A response record holding an HTML page fetched whole (status 200)."""
    if getattr(record, "rec_type", None) != "response":
        return False
    http = getattr(record, "http_headers", None)
    if http is None or http.get_statuscode() != "200":
        return False
    kind = (http.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()
    return kind in _HTML


def _captured(record: object) -> dt.date | None:
    """The day the page was captured (WARC-Date), the date of a page that states none."""
    value = getattr(record, "rec_headers", None)
    stamp = value.get_header("WARC-Date") if value is not None else None
    try:
        return dt.date.fromisoformat(stamp[:10]) if stamp else None
    except ValueError:
        return None
