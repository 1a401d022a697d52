"""Spreadsheets: each row of a CSV, TSV or xlsx file its own article; a sheet without a text column is one
problem line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qa.ingest.items import Problem
from qa.ingest.readers import read_paths
from tests.samples import (
    CSV,
    TSV,
    by_title,
    problems,
    write_xlsx,
)


def test_csv_tsv_and_xlsx_rows(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "market.tsv").write_text(TSV, encoding="utf-8")
    write_xlsx(tmp_path / "culture.xlsx")
    items = list(read_paths([tmp_path]))
    [blank] = problems(items)
    assert blank.path.endswith("export.csv") and blank.line == 3
    found = by_title(items)
    assert set(found) == {
        "Museum opens new wing",
        "School builds solar roof",
        "Market hall gets a new roof",
        "Orchestra announces winter season",
        "Zoo welcomes twin pandas",
    }
    museum = found["Museum opens new wing"]
    assert (museum.date, museum.source, museum.url) == (
        dt.date(2024, 10, 1),
        "Town Crier",
        "https://towncrier.example/museum",
    )
    assert "maritime maps" in museum.text
    market = found["Market hall gets a new roof"]  # aliases: headline, published, outlet, body
    assert (market.date, market.source) == (dt.date(2024, 9, 30), "Market News")
    orchestra = found["Orchestra announces winter season"]  # a real datetime cell
    assert (orchestra.date, orchestra.source) == (dt.date(2024, 10, 5), "Evening Score")
    assert found["Zoo welcomes twin pandas"].date == dt.date(2024, 10, 6)


def test_sheet_without_text_column_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text("name;price\nbread;2\nmilk;1\n")
    items = list(read_paths([tmp_path / "list.csv"]))
    [problem] = items
    assert isinstance(problem, Problem)
    assert "no text column" in problem.message and "text, body, content" in problem.message
