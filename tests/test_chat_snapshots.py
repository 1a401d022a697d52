"""SVG snapshots of the chat (pytest-textual-snapshot): empty, an answer, nothing found, an error.

Dates are shown relative to the as-of day, so each snapshot fixes it with /asof to stay stable.
Update after an intended change with `pytest tests/test_chat_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from qa.settings import Settings
from tui.app import DatelineApp

SIZE = (100, 34)


def chat(index: Path, *lines: str) -> tuple[DatelineApp, Any]:
    app = DatelineApp(Settings(index), build_default=False)

    async def run_before(pilot: Any) -> None:
        app.query_one("#ask", Input).cursor_blink = False
        await app.workers.wait_for_complete()
        await pilot.pause()
        for line in lines:
            app.query_one("#ask", Input).value = line
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.pause()

    return app, run_before


def test_empty_chat(snap_compare: Any, bundled_index: Path) -> None:
    app, before = chat(bundled_index, "/asof 2024-12-31")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_an_answer(snap_compare: Any, bundled_index: Path) -> None:
    app, before = chat(
        bundled_index, "/asof 2024-12-31", "/k 2", "Who led the North Korean delegation that met Wang Yi?"
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_nothing_found(snap_compare: Any, bundled_index: Path) -> None:
    app, before = chat(bundled_index, "/asof 2024-12-31", "What is the GDP of France?")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_an_error(snap_compare: Any) -> None:
    app, before = chat(Path("/nonexistent/dateline-index"), "Who is Kim Song Nam?")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
