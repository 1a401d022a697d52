"""Waiting on the chat as a user does: until it has opened its index, and until it has answered; and asking
it a question.

One `workers.wait_for_complete()` is not enough: the index opens in a worker started after the
first frame, and an answer's worker starts when the index is open, so a single wait can come
before the worker it should wait for exists.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from tui.app import DatelineApp

_TRIES = 400


async def opened(pilot: Any, app: DatelineApp) -> None:
    """Until the chat has opened its index (or said why it could not)."""
    for _ in range(_TRIES):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.engine is not None or app.engine_error is not None:
            return
    raise AssertionError("the chat never opened its index")


async def settle(pilot: Any, app: DatelineApp) -> None:
    """Until every question asked so far is answered."""
    for _ in range(_TRIES):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.questions.idle:
            return
    raise AssertionError("the queued questions were never all answered")


async def ask(pilot: Any, app: DatelineApp, question: str) -> None:
    """Type a question, press Enter, and wait until it is answered."""
    app.query_one("#ask", Input).value = question
    await pilot.press("enter")
    await settle(pilot, app)
