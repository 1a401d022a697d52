"""How often a saved page's date is right, wrong or missing, on htmldate's public dated pages.

Run: python -m bench.date_accuracy PATH/TO/htmldate/tests [--show fit]
(`tests/` of github.com/adbar/htmldate: eval_default.json and eval_mediacloud_2020.json map each page to
its publication date; the pages are under eval/, test_set/ and cache/). Nothing is fetched.

The pages are split by a fixed hash of the file name into a fit half (where rules may be read) and a
report half (where they are only measured). Each page is read as a user's saved file, without its
address: dateline's date is the Article's (a page dateline skips is counted apart, with the date its
chain would have given); htmldate alone runs on the same bytes with `original_date=True`, and with
its defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
from collections import Counter
from pathlib import Path

from htmldate import find_date

from bench.common import machine, table
from qa.ingest.articles import Article
from qa.ingest.extraction import extract, parse
from qa.ingest.html import dated
from qa.ingest.page_meta import iso_date, page_meta
from qa.ingest.readers import read_file

GOLD_FILES = ("eval_mediacloud_2020.json", "eval_default.json")
PAGE_DIRS = ("test_set", "cache", "eval")
KINDS = ("right", "wrong", "missing")


def half(name: str) -> str:
    """The page's half, fixed by its file name: "fit" or "report"."""
    return "fit" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "report"


def gold(tests: Path) -> dict[str, dt.date]:
    """Each page's file (under `tests`) and its publication date."""
    pages: dict[str, dt.date] = {}
    for name in GOLD_FILES:
        for entry in json.loads((tests / name).read_text(encoding="utf-8")).values():
            path = next((tests / d / entry["file"] for d in PAGE_DIRS if (tests / d / entry["file"]).is_file()), None)
            day = iso_date(entry.get("date"))
            if path is not None and day is not None:
                pages[str(path.relative_to(tests))] = day
    return pages


def verdict(found: dt.date | None, want: dt.date) -> str:
    return "missing" if found is None else "right" if found == want else "wrong"


def chain(data: bytes) -> tuple[dt.date | None, str]:
    """The date dateline's chain gives the page, and its source (qa.ingest.html.dated): for a page it
    skips (no prose found), what it would have shown."""
    tree = parse(data)
    if tree is None:
        return None, ""
    said = page_meta(tree)
    doc = extract(tree, said.url)
    url = said.url or (doc.url if doc is not None and isinstance(doc.url, str) else "")
    return dated(said, url, doc)


def htmldate(data: bytes, *, original: bool) -> dt.date | None:
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            return iso_date(find_date(data, original_date=original))
        except Exception:  # noqa: BLE001 -- a page htmldate cannot read is undated for it
            return None


def main() -> None:
    """Print right / wrong / missing per half for dateline and htmldate, and the wrong pages of `--show`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tests", type=Path, help="htmldate's tests/ folder (its dated pages and their gold dates)")
    parser.add_argument("--show", choices=("fit", "report"), help="list this half's wrong and missing dates")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    pages = gold(args.tests)
    counts: dict[tuple[str, str], Counter[str]] = {}
    by_source: dict[tuple[str, str], Counter[str]] = {}
    shown: list[str] = []
    for rel, want in sorted(pages.items()):
        part = half(Path(rel).name)
        data = (args.tests / rel).read_bytes()
        found = [a for a in read_file(args.tests / rel) if isinstance(a, Article)]
        day, source = chain(data)
        ours = found[0].date if found else day
        if ours == day:
            by_source.setdefault((part, source or "undated"), Counter())[verdict(day, want)] += 1
        who = "dateline" if found else "dateline, skipped pages"
        results = {
            who: ours,
            "htmldate, original_date=True": htmldate(data, original=True),
            "htmldate, defaults": htmldate(data, original=False),
        }
        for name, day in results.items():
            counts.setdefault((part, name), Counter())[verdict(day, want)] += 1
        if part == args.show and verdict(ours, want) != "right":
            shown.append(f"- {rel}: gold {want}, dateline {ours} ({source or 'undated'}{'' if found else ', skipped'})")
    print(f"htmldate's dated pages ({len(pages)}), read as saved files without their address; {machine()}\n")
    for part in ("fit", "report"):
        rows = []
        for (p, name), c in sorted(counts.items(), key=lambda kv: _order(kv[0][1])):
            if p == part:
                n = sum(c.values())
                rows.append([name, str(n), *(f"{c[k]} ({c[k] / n:.3f})" for k in KINDS)])
        print(f"**{part} half**\n\n" + table(["reader", "pages", *KINDS], rows) + "\n")
        rows = [[name, *(str(c[k]) for k in KINDS)] for (p, name), c in sorted(by_source.items()) if p == part]
        print(f"dateline's dates by source, {part} half (all pages)\n\n" + table(["source", *KINDS], rows) + "\n")
    if shown:
        print("\n".join(shown))


def _order(name: str) -> int:
    return ["dateline", "dateline, skipped pages", "htmldate, original_date=True", "htmldate, defaults"].index(name)


if __name__ == "__main__":
    main()
