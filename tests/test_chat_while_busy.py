"""The chat while it is busy: questions typed while it loads, typed fast or in one burst, answered one at
a time in the order asked, and an article opened while a search runs."""

from __future__ import annotations

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
from tests.pilot import ask, opened, settle
from tui.app import DatelineApp
from tui.engine import Engine, open_engine
from tui.screens import ArticleScreen
from tui.widgets import AnswerCard, Notice, QuestionLine


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
