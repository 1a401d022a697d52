"""The shape of the code: no import circles, no file past 300 lines (the layers are import-linter's,
in `make check`)."""

from __future__ import annotations

from pathlib import Path

import grimp

from tests.conftest import ROOT

PACKAGES = ("qa", "embeddings", "tui")
# Every Python file under these folders is held to the line limit.
FOLDERS = (*PACKAGES, "bench", "tests")
MAX_LINES = 300
# Files that may pass the limit, each with why it cannot be split: {path from the root: "why"}.
LONGER: dict[str, str] = {}


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = grimp.build_graph(*PACKAGES)
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                circles.append(f"{module} <-> {imported}")
    assert not circles, circles


def test_no_file_is_over_300_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (n := len(_lines(path))) > MAX_LINES and str(path.relative_to(ROOT)) not in LONGER
    ]
    assert not long, long
    # An exception outlives its reason once its file is split or shortened: it must then go.
    stale = [path for path in LONGER if not (ROOT / path).exists() or len(_lines(ROOT / path)) <= MAX_LINES]
    assert not stale, stale


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()
