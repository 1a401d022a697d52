"""Which extractor keeps a saved page's story and nothing else: dateline and its alternatives, on public pages.

The pages are trafilatura's evaluation set (its tests/: evaldata.json, eval/, cache/; html-dev's 24 pages are
among them), each with strings the story must hold ('with') and boilerplate it must not ('without'). A fixed
hash of the file name splits them into a fit half (read its failures, choose) and a report half (only report).
- recall: the share of 'with' strings kept; clean: the share of pages with no 'without' string (a precision
  proxy); both: pages with every 'with' and no 'without'.

Run: python -m bench.extraction_variants --pages DIR [--half fit|report] [--lang en|all] [--show VARIANT]
DIR is a copy of trafilatura's tests/ folder: `git archive HEAD tests | tar x` in a clone of adbar/trafilatura.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trafilatura

from bench.common import machine, median, table
from qa.ingest.articles import Article
from qa.ingest.cleaning import story_spans
from qa.ingest.extraction import extract_body
from qa.ingest.readers import read_file

_SPACE = re.compile(r"\s+")
_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})")


@dataclass(frozen=True, slots=True)
class Page:
    """One evaluation page: its file, address and expected strings."""

    path: Path
    url: str
    want: tuple[str, ...]
    not_want: tuple[str, ...]


def half(name: str) -> str:
    """'fit' or 'report', fixed by the file name's hash (never by results)."""
    return "fit" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "report"


def load(root: Path, which: str, lang: str) -> list[Page]:
    """The pages of one half (or both), English only when `lang` is 'en' (by the page's <html lang>)."""
    pages = []
    for url, entry in json.loads((root / "evaldata.json").read_text(encoding="utf-8")).items():
        name = entry["file"]
        if which != "both" and half(name) != which:
            continue
        path = root / "eval" / name if (root / "eval" / name).exists() else root / "cache" / name
        if lang != "all":
            found = _LANG.search(path.read_bytes()[:200_000])
            if not found or found.group(1).decode().lower() != lang:
                continue
        pages.append(Page(path, url, tuple(entry.get("with", [])), tuple(entry.get("without", []))))
    return sorted(pages, key=lambda p: p.path.name)


def indexed(text: str, title: str = "") -> str:
    """What the chunker indexes of an article's text: its story spans."""
    return "\n".join(text[s:e] for s, e in story_spans(text, title))


def dateline(page: Page) -> str:
    """The article as dateline indexes it: read_file, then the story spans."""
    found = [a for a in read_file(page.path) if isinstance(a, Article)]
    return indexed(found[0].text, "" if found[0].title_derived else found[0].title) if found else ""


def _trafilatura(**options: Any) -> Callable[[Page], str]:
    def run(page: Page) -> str:
        return trafilatura.extract(page.path.read_bytes(), **options) or ""

    return run


def _body(**options: Any) -> Callable[[Page], str]:
    def run(page: Page) -> str:
        return indexed(extract_body(page.path.read_bytes(), **options))

    return run


def _readability(page: Page) -> str:
    import lxml.html
    from readability import Document  # type: ignore[import-not-found,unused-ignore]  # optional: bench only

    html = Document(page.path.read_bytes().decode("utf-8", "replace")).summary(html_partial=True)
    return str(lxml.html.fromstring(html).text_content()) if html.strip() else ""


def _vote(page: Page) -> str:
    """Trafilatura's paragraphs (pruned) that readability-lxml also keeps: the two must agree."""
    other = _norm(_readability(page))
    blocks = extract_body(page.path.read_bytes()).split("\n\n")
    return indexed("\n\n".join(b for b in blocks if _norm(b)[:60] in other))


VARIANTS: dict[str, Callable[[Page], str]] = {
    "dateline (read_file)": dateline,
    "trafilatura default": _trafilatura(),
    "trafilatura favor_precision": _trafilatura(favor_precision=True),
    "trafilatura include_links": _trafilatura(include_links=True),
    "readability-lxml": _readability,
    "body: trafilatura only": _body(prune=False),
    "body: + pruning": _body(prune=True),
    "body: + pruning + favor_precision": _body(prune=True, precision=True),
    "body: + pruning, readability vote": _vote,
}


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def score(pages: list[Page], run: Callable[[Page], str]) -> tuple[list[str], list[str]]:
    """The variant's row, and its misses (page: lost/kept string)."""
    kept = wanted = clean = both = 0
    times: list[float] = []
    misses: list[str] = []
    for page in pages:
        start = time.perf_counter()
        try:
            text = _norm(run(page))
        except Exception as exc:  # noqa: BLE001 -- a competitor failing on a page scores it empty
            text, misses = "", [*misses, f"{page.path.name}: failed {type(exc).__name__}"]
        times.append((time.perf_counter() - start) * 1000)
        lost = [s for s in page.want if _norm(s) not in text]
        extra = [s for s in page.not_want if _norm(s) in text]
        kept += len(page.want) - len(lost)
        wanted += len(page.want)
        clean += not extra
        both += not extra and not lost
        misses += [f"{page.path.name}: lost {s!r}" for s in lost] + [f"{page.path.name}: kept {s!r}" for s in extra]
    n = len(pages)
    row = [f"{kept / wanted:.3f}", f"{clean / n:.3f}", f"{both / n:.3f}", f"{median(times):.0f}"]
    return row, misses


def main() -> None:
    """Print one row per variant over the chosen half; --show prints one variant's misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True, help="a copy of trafilatura's tests/ folder")
    parser.add_argument("--half", choices=["fit", "report", "both"], default="fit")
    parser.add_argument("--lang", default="en", help="'en' (default) or 'all'")
    parser.add_argument("--only", nargs="*", default=None, help="variants to run (default: all)")
    parser.add_argument("--show", default=None, help="print this variant's misses")
    args = parser.parse_args()
    pages = load(args.pages, args.half, args.lang)
    print(f"{len(pages)} pages, {args.half} half, lang {args.lang}; {machine()}\n")
    rows = []
    for name, run in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        row, misses = score(pages, run)
        rows.append([name, *row])
        if name == args.show:
            print("\n".join(f"- {m}" for m in misses) + "\n")
    print(table(["variant", "recall ('with' kept)", "clean pages", "pages right", "median ms/page"], rows))


if __name__ == "__main__":
    main()
