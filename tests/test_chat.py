"""The chat driven with Pilot as a user would: type, wait for the workers, read the cards."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from qa.settings import Settings
from tui.app import DatelineApp
from tui.screens import ArticleScreen, HelpScreen
from tui.widgets import AnswerCard, Notice, QuestionLine


async def ask(pilot, app: DatelineApp, question: str) -> None:  # type: ignore[no-untyped-def]
    app.query_one("#ask", Input).value = question
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_question_gives_dated_quoted_cards(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "5 articles" in str(app.query_one("#status").render())
        await ask(pilot, app, "Who led the North Korean delegation that met Wang Yi?")
        cards = list(app.query(AnswerCard))
        assert cards
        first = cards[0]
        assert first.hit.passage.source.startswith("003_")
        shown = str(first.render())
        assert "2024-03-28" in shown and "Kim Song Nam" in shown and "before" in shown


async def test_keys_open_copy_help_clear(bundled_index: Path, tmp_path: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await ask(pilot, app, "What did Kim Yo Jong denounce?")
        await pilot.press("tab")
        assert isinstance(app.focused, AnswerCard)
        await pilot.press("down")
        second = app.focused
        assert isinstance(second, AnswerCard) and second.hit.rank == 2
        await pilot.press("c")
        assert app.clipboard.startswith("“") and second.hit.passage.source in app.clipboard
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article.id == second.hit.passage.article_id
        await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        app.query_one("#ask", Input).focus()
        await ask(pilot, app, f"/export {tmp_path / 'chat.md'}")
        saved = (tmp_path / "chat.md").read_text()
        assert "## What did Kim Yo Jong denounce?" in saved and "> " in saved
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not list(app.query(AnswerCard))


async def test_history_and_filters(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await ask(pilot, app, "/asof 2024-02-01")
        assert "as of 2024-02-01" in str(app.query_one("#status").render())
        await ask(pilot, app, "Who met Choe Son-hui in Pyongyang?")
        assert all(c.hit.passage.date and c.hit.passage.date.isoformat() <= "2024-02-01" for c in app.query(AnswerCard))
        await pilot.press("up")
        assert app.query_one("#ask", Input).value == "Who met Choe Son-hui in Pyongyang?"


async def test_follow_up_is_read_with_the_previous_question(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await ask(pilot, app, "What did Xi Jinping say to Kim Jong Un on the anniversary?")
        await ask(pilot, app, "And what did Kim say?")
        lines = list(app.query(QuestionLine))
        assert "follow-up" in str(lines[-1].render())
        first_of_follow_up = [c for c in app.query(AnswerCard) if c.hit.rank == 1][-1]
        assert first_of_follow_up.hit.passage.source[:3] in {"001", "004"}
        assert "Kim" in first_of_follow_up.hit.passage.text


async def test_nothing_found_is_said_plainly(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await ask(pilot, app, "What is the GDP of France?")
        notices = [str(n.render()) for n in app.query(Notice)]
        assert "Nothing relevant in this archive." in notices


async def test_missing_index_is_a_notice_and_the_question_comes_back(tmp_path: Path) -> None:
    app = DatelineApp(Settings(tmp_path / "none"), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#ask", Input).value = "Who is Kim Song Nam?"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("no index" in str(n.render()) for n in app.query(Notice))
        assert app.query_one("#ask", Input).value == "Who is Kim Song Nam?"
        assert app.is_running


async def test_markup_and_escapes_in_articles_are_shown_literally(tmp_path: Path) -> None:
    import json

    from embeddings.encoder import HashEncoder
    from qa.indexer import index_paths

    evil = "Officials met in [bold red]Geneva[/] today. \x1b]52;c;ZXZpbA==\x07 The talks ended."
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps({"title": "[link=file:///etc]Talks[/link]", "date": "2024-02-02", "text": evil}))
    index_paths(tmp_path / "index", [path], lambda: HashEncoder(64))
    app = DatelineApp(Settings(tmp_path / "index", model="hash-64"), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await ask(pilot, app, "Geneva talks")
        shown = str(app.query(AnswerCard).first().render())
        assert "[bold red]Geneva[/]" in shown and "[link=file:///etc]Talks[/link]" in shown
        assert "\x1b" not in shown and "\\x1b]52" in shown


async def test_a_question_typed_while_loading_is_answered_when_ready(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        # No waiting for the engine: the question goes in at once.
        app.query_one("#ask", Input).value = "Who led the North Korean delegation that met Wang Yi?"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        cards = list(app.query(AnswerCard))
        assert cards and cards[0].hit.passage.source.startswith("003_")
        assert not app.pending
