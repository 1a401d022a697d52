"""The chat's layout in a real terminal: resizing keeps the view, a long question is shown short."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tui.widgets import AnswerCard, QuestionLine

from .test_chat_keys import answered, canned_app
from .test_chat_snapshots import DELEGATION


async def test_resizing_keeps_the_view_where_it_was(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        for _ in range(4):
            await answered(pilot, app)
        log = app.query_one("#log")
        log.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        for size in ((60, 30), (120, 40), (80, 24)):  # at the end, it stays at the end
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert log.scroll_y == log.max_scroll_y > 0, size
        second = list(app.query(QuestionLine))[1]
        log.scroll_to_widget(second, top=True, animate=False, immediate=True)
        await pilot.pause()
        above = second.virtual_region.y - log.scroll_y  # its top margin
        for size in ((50, 30), (120, 40)):  # further up, the same question stays at the top
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert log.scroll_y == second.virtual_region.y - above > 0, size


async def test_a_long_question_is_shown_short_and_asked_whole(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    long = DELEGATION + " " + "x" * (2600 - len(DELEGATION) - 1)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app, long)
        line = app.query_one(QuestionLine)
        shown = str(line.render())
        assert line.question == long and len(shown) < 400 and "… (2,600 characters)" in shown
        assert app.conversation.turns[-1].question == long and app.query(AnswerCard)
        assert f"## {long}" in app.conversation.to_markdown()
        card = app.query(AnswerCard).first()
        assert app.query_one("#log").region.contains_region(card.region)  # the answer on screen
        assert app.query_one("#ask", Input).value == ""
