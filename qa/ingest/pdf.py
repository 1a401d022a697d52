"""PDF files: the text layer of every page, the title and creation date from the document's metadata."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader

from qa.config import Indexing
from qa.ingest.items import Item, Problem, derive_title, make_article

# Metadata keys that name who published the document (author and producer name a person or a program).
_PUBLISHER_KEYS = ("/Publisher", "/Company")


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs every repair it makes to stderr; the user gets one Problem line instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_pdf(path: Path, data: bytes, limits: Indexing) -> Iterator[Item]:
    """One article per PDF; a PDF without a text layer, encrypted or damaged is one problem."""
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                yield Problem(str(path), "encrypted PDF (it needs a password), skipped")
                return
            pages = [(page.extract_text() or "").strip() for page in reader.pages]
            meta = reader.metadata
            meta_title = str(meta.title or "").strip() if meta else ""
            publisher = next((str(meta[k]).strip() for k in _PUBLISHER_KEYS if meta and meta.get(k)), "")
        # pypdf reports a damaged file with many kinds of error (PdfReadError, ValueError, KeyError...).
        except Exception as exc:  # noqa: BLE001
            yield Problem(str(path), f"not a readable PDF ({_reason(exc)}), skipped")
            return
        date, bad_date = _creation_date(reader)
    text = "\n\n".join(p for p in pages if p)
    if not text:
        yield Problem(str(path), "no text layer in this PDF (a scanned image?): skipped")
        return
    if bad_date:
        yield Problem(str(path), f"bad creation date ({bad_date}); indexed as undated", fatal=False)
    title = meta_title or derive_title(text)
    yield make_article(
        path,
        str(path.resolve()),
        title,
        date,
        "",
        text,
        not meta_title,
        outlet=publisher,
        limits=limits,
    )


def _creation_date(reader: PdfReader) -> tuple[dt.date | None, str]:
    """The metadata's creation date, or the reason it could not be read."""
    try:
        meta = reader.metadata
        stamp = meta.creation_date if meta else None
    # pypdf raises on a malformed D:... string; the article is still worth indexing undated.
    except Exception as exc:  # noqa: BLE001
        return None, _reason(exc)
    return (stamp.date() if stamp else None), ""


def _reason(exc: Exception) -> str:
    return (str(exc).strip() or type(exc).__name__)[:120]
