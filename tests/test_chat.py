"""The chat driven with Pilot as a user would: type, wait for the workers, read the cards."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path

from textual._xterm_parser import XTermParser
from textual.widgets import Input

from qa.index.records import Stats
from qa.ingest.articles import Article
from qa.ranking.answers import Answer
from qa.reading.query import Query
from qa.settings import Settings
from tests.pilot import opened, settle
from tui.app import DatelineApp
from tui.engine import Engine, open_engine
from tui.screens import ArticleScreen, HelpScreen
from tui.widgets import AnswerCard, Notice, QuestionLine


async def ask(pilot, app: DatelineApp, question: str) -> None:  # type: ignore[no-untyped-def]
    app.query_one("#ask", Input).value = question
    await pilot.press("enter")
    await settle(pilot, app)


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
        assert cards
        start, end = cards[0].hit.highlight
        assert "Kim Song Nam" in cards[0].hit.passage.text[start:end]
        assert app.questions.idle


class Watched:
    """The real engine, recording the searches it runs and how many ever ran at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.asked: list[str] = []
        self.running = self.most = 0
        self.lock = threading.Lock()
        # Open unless a test holds searches running (cleared), so no assertion races the clock.
        self.gate = threading.Event()
        self.gate.set()

    def ask(self, query: Query) -> Answer:
        with self.lock:
            self.asked.append(query.question)
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            # Long enough that searches started together would overlap here; answers never depend on it.
            time.sleep(0.2)
            self.gate.wait(timeout=30)
            return self.engine.ask(query)
        finally:
            with self.lock:
                self.running -= 1

    def stats(self) -> Stats:
        return self.engine.stats()

    def article(self, article_id: str) -> Article | None:
        return self.engine.article(article_id)

    def warm(self) -> None:
        self.engine.warm()

    def close(self) -> None:
        self.engine.close()


async def test_questions_typed_fast_are_answered_one_at_a_time_in_the_order_asked(bundled_index: Path) -> None:
    engines: list[Watched] = []

    def opener(settings: Settings, build_default: bool, say: Callable[[str], None]) -> Engine:
        engines.append(Watched(open_engine(settings, build_default, say)))
        return engines[-1]

    questions = [
        "Who led the North Korean delegation that met Wang Yi?",
        "What did Kim Yo Jong denounce?",
        "What is the GDP of France?",
        "Who met Choe Son-hui in Pyongyang?",
    ]
    app = DatelineApp(Settings(bundled_index), build_default=False, opener=opener)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        for question in questions:  # no waiting between them
            app.query_one("#ask", Input).value = question
            await pilot.press("enter")
        await settle(pilot, app)
        watched = engines[0]
        assert watched.asked == questions and watched.most == 1
        # Each answer sits under its own question: the cards between two question lines are that question's.
        shown: dict[str, list[str]] = {}
        current = ""
        for widget in app.query_one("#log").children:
            if isinstance(widget, QuestionLine):
                current = widget.question
                shown[current] = []
            elif isinstance(widget, AnswerCard):
                shown[current].append(("closest " if widget.closest else "") + widget.hit.passage.article_id)
            elif isinstance(widget, Notice) and "Nothing relevant" in str(widget.render()):
                shown[current].append("nothing relevant")
        assert list(shown) == questions
        for question in questions:
            alone = watched.engine.ask(Query(question))
            closest = [f"closest {h.passage.article_id}" for h in alone.closest]
            expected = [h.passage.article_id for h in alone.hits] or ["nothing relevant", *closest]
            assert shown[question] == expected, question


async def test_an_article_opens_while_a_search_runs(bundled_index: Path) -> None:
    engines: list[Watched] = []

    def opener(settings: Settings, build_default: bool, say: Callable[[str], None]) -> Engine:
        engines.append(Watched(open_engine(settings, build_default, say)))
        return engines[-1]

    app = DatelineApp(Settings(bundled_index), build_default=False, opener=opener)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What did Kim Yo Jong denounce?")
        engines[0].gate.clear()  # the second search keeps running until the article is open
        app.query_one("#ask", Input).value = "Who led the North Korean delegation that met Wang Yi?"
        await pilot.press("enter")
        assert app.questions.searching is not None  # the second search is running
        await pilot.press("tab")
        card = app.focused
        assert isinstance(card, AnswerCard)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article.id == card.hit.passage.article_id
        assert app.questions.searching is not None  # opened while the search ran
        engines[0].gate.set()
        await settle(pilot, app)
        assert engines[0].asked[-1] == "Who led the North Korean delegation that met Wang Yi?"


async def test_questions_arriving_in_one_burst_stay_apart(bundled_index: Path) -> None:
    """Keys that reach the app in one read (fast typing, tmux, a script) are two questions, not one."""
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        burst = "What did Kim Yo Jong denounce?\rWho met Choe Son-hui in Pyongyang?\r"
        for key in XTermParser().feed(burst):  # as the terminal driver turns the bytes into events
            app.post_message(key)
        await settle(pilot, app)
        asked = [line.question for line in app.query(QuestionLine)]
        assert asked == ["What did Kim Yo Jong denounce?", "Who met Choe Son-hui in Pyongyang?"]
        assert app.query_one("#ask", Input).value == ""


async def test_tab_then_o_in_one_burst_opens_the_article(bundled_index: Path) -> None:
    """Tab and `o` arriving together: `o` goes to the card Tab moved to, not into the input."""
    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        await ask(pilot, app, "What did Kim Yo Jong denounce?")
        for key in XTermParser().feed("\to"):
            app.post_message(key)
        await settle(pilot, app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert app.query_one("#ask", Input).value == ""


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
