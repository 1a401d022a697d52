"""How well saved news pages are read: expected text kept, boilerplate left out, dates and outlets found.

Run: python -m bench.html_extraction (reads ../shared/eval/html-dev as a user's saved pages).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench.common import ROOT, machine, median, table
from qa.ingest.articles import Article
from qa.ingest.readers import read_file

HTML_DEV = ROOT.parent / "shared" / "eval" / "html-dev"


def main() -> None:
    """Print the table over every page in html-dev, and the pages that miss an expected string."""
    if not HTML_DEV.exists():
        raise SystemExit(f"the html-dev pages are not at {HTML_DEV}: put ../shared beside this checkout")
    expected: dict[str, dict[str, list[str]]] = json.loads((HTML_DEV / "expected.json").read_text(encoding="utf-8"))
    kept = clean = dated = named = 0
    times: list[float] = []
    misses: list[str] = []
    for name, want in sorted(expected.items()):
        start = time.perf_counter()
        found = [a for a in read_file(Path(HTML_DEV / name)) if isinstance(a, Article)]
        times.append((time.perf_counter() - start) * 1000)
        text = found[0].text if found else ""
        lost = [s for s in want["with"] if s not in text]
        extra = [s for s in want["without"] if s in text]
        kept += not lost
        clean += not extra
        dated += bool(found) and found[0].date is not None
        named += bool(found) and found[0].source != name
        misses += [f"{name}: lost {s!r}" for s in lost] + [f"{name}: kept {s!r}" for s in extra]
    print(f"html-dev pages read through read_file; {machine()}\n")
    headers = ["pages", "all 'with' kept", "no 'without' kept", "dates found", "outlets found", "median ms/page"]
    n = len(expected)
    row = [str(n), f"{kept}/{n}", f"{clean}/{n}", f"{dated}/{n}", f"{named}/{n}", f"{median(times):.0f}"]
    print(table(headers, [row]))
    if misses:
        print("\n" + "\n".join(f"- {m}" for m in misses))


if __name__ == "__main__":
    main()
