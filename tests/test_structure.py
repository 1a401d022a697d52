"""The shape of the code: no import circles, no module past 400 lines (the layers are import-linter's,
in `make check`)."""

from __future__ import annotations

import grimp

from tests.conftest import ROOT

PACKAGES = ("qa", "embeddings", "tui")


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = grimp.build_graph(*PACKAGES)
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                circles.append(f"{module} <-> {imported}")
    assert not circles, circles


def test_no_file_is_over_400_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert not long, long
