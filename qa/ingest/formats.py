"""Which reader reads a file: its kind, from its name and, where the name does not say, its first bytes.

A file named on the command line is judged exactly as one found in a directory. A kind not listed
in `READERS` is refused with one line naming what dateline reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from qa.ingest.feeds import read_feed
from qa.ingest.html import read_html
from qa.ingest.items import Item
from qa.ingest.jsonfiles import read_json, read_jsonl, stream_jsonl
from qa.ingest.markdown import read_markdown
from qa.ingest.pdf import read_pdf
from qa.ingest.plain import read_text
from qa.ingest.sheets import read_csv, read_xlsx
from qa.ingest.warc import read_warc

# A reader takes the file's decoded text, its bytes, or only its path (it streams the file itself).
Takes = Literal["text", "bytes", "path"]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    """How the kind is called in messages ("HTML page")."""
    takes: Takes
    read: Callable[..., Iterator[Item]]
    """`read(path, text_or_bytes, limits)`, or `read(path, limits)` when it takes the path."""


READERS: dict[str, Format] = {
    "text": Format("text", "text", read_text),
    "markdown": Format("Markdown", "text", read_markdown),
    "json": Format("JSON", "text", read_json),
    "jsonl": Format("JSON Lines", "path", stream_jsonl),
    "jsonl-whole": Format("JSON Lines", "text", read_jsonl),
    "html": Format("HTML page", "bytes", read_html),
    "warc": Format("web archive (WARC)", "path", read_warc),
    "feed": Format("RSS or Atom feed", "bytes", read_feed),
    "pdf": Format("PDF", "bytes", read_pdf),
    "csv": Format("CSV", "text", read_csv),
    "xlsx": Format("Excel workbook", "bytes", read_xlsx),
}

SUFFIXES: dict[str, str] = {
    "": "text",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".xml": "xml",
    ".rss": "feed",
    ".atom": "feed",
    ".warc": "warc",
    ".arc": "warc",
    ".csv": "csv",
    ".tsv": "csv",
    ".pdf": "pdf",
    ".xlsx": "xlsx",
}


def suffix_of(path: Path) -> str:
    """The suffix that says the kind: `.warc.gz` is a WARC, `news.csv.gz` a CSV (read decompressed)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        return suffixes[-2] if len(suffixes) > 1 else ""
    return path.suffix.lower()


def sniff(head: bytes) -> str | None:
    """The kind the first bytes show, for a file whose name does not settle it."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"%pdf-"):
        return "pdf"
    if start.startswith(b"warc/"):
        return "warc"
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith(b"<?xml") or start.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        window = start[:4096]
        if b"<rss" in window or b"<feed" in window or b"<rdf:rdf" in window:
            return "feed"
        if b"<html" in window:
            return "html"
    return None


def kind_of(path: Path, head: bytes) -> str | None:
    """The file's kind (a key of `SUFFIXES`' values), or None when dateline does not read it.

    The bytes decide for plain text and XML (a page saved as .txt is still a page); the name
    decides for the rest.
    """
    named = SUFFIXES.get(suffix_of(path))
    if named in (None, "text", "xml"):
        return sniff(head) or ("text" if named == "text" else None)
    return named


def readable() -> str:
    """The kinds of file dateline reads, for the message that refuses another."""
    names = sorted({s for s, k in SUFFIXES.items() if s and k in READERS})
    return ", ".join(names)
