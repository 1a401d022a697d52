"""The chat driven with Pilot as a user would: type, wait for the workers, read the cards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from qa.reading.query import Query
from qa.settings import Settings
from tests.pilot import ask, opened
from tui.app import DatelineApp
from tui.screens import ArticleScreen, HelpScreen
from tui.widgets import AnswerCard, Notice, QuestionLine


async def test_question_gives_dated_quoted_cards(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot, app)
        assert "5 articles" in str(app.query_one("#status").render())
        await ask(pilot, app, "Who led the North Korean delegation that met Wang Yi?")
        cards = list(app.query(AnswerCard))
        assert cards
        start, end = cards[0].hit.highlight
        assert "Kim Song Nam" in cards[0].hit.passage.text[start:end]
        # The answer judge (on by default) puts the undated report first; the dated one is shown with its date.
        dated = next(c for c in cards if c.hit.passage.date == dt.date(2024, 3, 28))
        shown = str(dated.render())
        assert "2024-03-28" in shown and "Kim Song Nam" in shown and "before" in shown
        # The bundled files name no outlet: the card shows none, not a file name or a bare separator.
        cite = shown.splitlines()[0]
        assert ".txt" not in shown and not cite.rstrip("●○ ").endswith("·")


async def test_a_periods_stories_show_no_nearness(bundled_index: Path) -> None:
    # Listed by date, not by how near each comes to the question: dots would mean nothing there.
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What went on in late March 2024?")
        cards = list(app.query(AnswerCard))
        assert [c.hit.passage.date for c in cards] == [dt.date(2024, 3, 28)]
        assert "●" not in str(cards[0].render()) and "○" not in str(cards[0].render())


async def test_keys_open_copy_help_clear(bundled_index: Path, tmp_path: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What did Kim Yo Jong denounce?")
        await pilot.press("tab")
        assert isinstance(app.focused, AnswerCard)
        await pilot.press("down")
        second = app.focused
        assert isinstance(second, AnswerCard) and second.hit.rank == 2
        await pilot.press("c")
        assert app.clipboard.startswith("“") and second.hit.date_text in app.clipboard
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
        # The same report batch's Markdown writes: the best sentence in bold under each quote's citation.
        first = [c for c in app.query(AnswerCard) if c.hit.rank == 1][-1]
        start, end = first.hit.highlight
        assert f"**{first.hit.passage.text[start:end]}**" in saved and "— 1. " in saved
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not list(app.query(AnswerCard))


async def test_history_and_filters(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "/asof 2024-02-01")
        assert "as of 2024-02-01" in str(app.query_one("#status").render())
        await ask(pilot, app, "Who met Choe Son-hui in Pyongyang?")
        assert all(c.hit.passage.date and c.hit.passage.date.isoformat() <= "2024-02-01" for c in app.query(AnswerCard))
        await pilot.press("up")
        assert app.query_one("#ask", Input).value == "Who met Choe Son-hui in Pyongyang?"


async def test_follow_up_is_read_with_the_previous_question(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What did Xi Jinping say to Kim Jong Un on the anniversary?")
        await ask(pilot, app, "And what did Kim say?")
        lines = list(app.query(QuestionLine))
        assert "follow-up" in str(lines[-1].render())
        first_of_follow_up = [c for c in app.query(AnswerCard) if c.hit.rank == 1][-1]
        assert first_of_follow_up.hit.passage.date == dt.date(2024, 10, 6)  # 001 or 004, the anniversary's
        assert "Kim" in first_of_follow_up.hit.passage.text


async def test_nothing_found_is_said_plainly(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What is the GDP of France?")
        notices = [str(n.render()) for n in app.query(Notice)]
        assert "Nothing relevant in this archive. No article in it mentions “GDP” or “France”." in notices
        # The nearest passages stay in view, under a line that says they do not answer, and marked apart.
        assert "The nearest passages, none close enough to count as an answer:" in notices
        cards = list(app.query(AnswerCard))
        assert cards and all(c.closest and c.has_class("closest") for c in cards)
        assert [c.hit.rank for c in cards] == list(range(1, len(cards) + 1))


async def test_an_on_topic_question_the_archive_cannot_answer_says_why(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What did Lukashenko tell Shoigu?")
        notices = [str(n.render()) for n in app.query(Notice)]
        assert "Nothing relevant in this archive. No article in it mentions “Lukashenko” or “Shoigu”." in notices
        cards = list(app.query(AnswerCard))
        assert cards and all(c.closest for c in cards)


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

    from embeddings.hash_encoder import HashEncoder
    from qa.index.indexer import index_paths

    evil = "Officials met in [bold red]Geneva[/] today. \x1b]52;c;ZXZpbA==\x07 The talks ended."
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps({"title": "[link=file:///etc]Talks[/link]", "date": "2024-02-02", "text": evil}))
    index_paths(tmp_path / "index", [path], lambda: HashEncoder(64))
    app = DatelineApp(Settings(tmp_path / "index", model="hash-64"), build_default=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "Geneva talks")
        shown = str(app.query(AnswerCard).first().render())
        assert "[bold red]Geneva[/]" in shown and "[link=file:///etc]Talks[/link]" in shown
        assert "\x1b" not in shown and "\\x1b]52" in shown


async def test_a_chain_of_follow_ups_keeps_the_topic(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "Who did Kim Song Nam meet in March 2024?")
        await ask(pilot, app, "what about Liu Jianchao?")
        await ask(pilot, app, "When was that?")
        lines = list(app.query(QuestionLine))
        assert "follow-up" in str(lines[-1].render())
        last = [c for c in app.query(AnswerCard) if c.hit.rank == 1][-1]
        # Read with the names and the period it leans on, not against the fragment alone.
        assert "Liu Jianchao" in last.hit.passage.text and last.hit.passage.date == dt.date(2024, 3, 28)
        assert not [n for n in app.query(Notice) if "Nothing relevant" in str(n.render())]


async def test_a_follow_up_naming_someone_new_is_about_them(bundled_index: Path) -> None:
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "Who did Choe Son-hui meet in Pyongyang?")
        first = [c.hit.passage.id for c in app.query(AnswerCard)]
        await ask(pilot, app, "and what did Kim say?")
        cards = [c for c in app.query(AnswerCard)][len(first) :]
        # Not the same Choe cards again: Kim's own words come first.
        assert [c.hit.passage.id for c in cards[:3]] != first[:3]
        assert any("Kim said" in c.hit.passage.text or "Kim Yo Jong" in c.hit.passage.text for c in cards[:3])


async def test_a_question_naming_whom_its_pronoun_means_is_not_a_follow_up(bundled_index: Path) -> None:
    """ "he" after "Sun Weidong" in the same question is Sun Weidong: read alone, highlighted as alone."""
    question = "Who is Sun Weidong and why did he visit Pyongyang?"
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What did Xi say to Kim in March 2024?")
        await ask(pilot, app, question)
        line = list(app.query(QuestionLine))[-1]
        assert line.question == question and "follow-up" not in str(line.render())
        first = [c for c in app.query(AnswerCard) if c.hit.rank == 1][-1]
        assert app.engine is not None
        alone = app.engine.ask(Query(question)).hits[0]
        start, end = first.hit.highlight
        assert first.hit.passage.id == alone.passage.id and (start, end) == alone.highlight
        assert "visit" in first.hit.passage.text[start:end]
        await ask(pilot, app, "What did he say?")  # a real follow-up still is one
        assert "read as a follow-up to: " + question in str(list(app.query(QuestionLine))[-1].render())
