"""The chat: ask in the input, read answers as cards of quoted, dated passages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input

from qa.conversation import Conversation
from qa.errors import DatelineError
from qa.reading.query import Query
from qa.settings import Settings
from tui.answer_widgets import answer_widgets
from tui.ask import HistoryInput
from tui.card_actions import CardActions
from tui.driver import use_paste_parser
from tui.engine import Engine, EngineOpener, open_engine
from tui.export import export_path
from tui.messages import AnswerFailed, AnswerReady, EngineFailed, EngineReady
from tui.queue import Asked, QuestionQueue
from tui.screens import HelpScreen
from tui.widgets import AnswerCard, Log, Notice, QuestionLine, StatusBar, corpus_forms

if TYPE_CHECKING:  # the index code loads in the engine worker, after the first paint
    from qa.index.records import Stats


class DatelineApp(CardActions):
    """The dateline chat."""

    TITLE = "dateline"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit"),
        Binding("f1", "help", "Keys"),
        Binding("question_mark", "help", "Keys", show=False),
        Binding("ctrl+l", "clear", "Clear"),
        Binding("ctrl+s", "export", "Save"),
        # Taken by the app before any widget, so that focus has moved before the next key arrives
        # (Tab then `o` typed fast opens the article rather than typing "o" into the input).
        Binding("tab", "tab", "Cards", show=False, priority=True),
    ]

    def __init__(self, settings: Settings, *, build_default: bool = True, opener: EngineOpener = open_engine) -> None:
        super().__init__()
        self.settings = settings
        self.build_default = build_default
        self.open_engine = opener
        self.conversation = Conversation()
        self.engine: Engine | None = None
        self.questions = QuestionQueue()
        self.engine_error: str | None = None
        self.corpus: tuple[str, ...] = ("opening the index…",)
        """What the status bar says of the index, in forms from the longest to the shortest."""

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Log(id="log")
        yield HistoryInput(self.conversation.history, placeholder="Ask about the news…  (F1 for keys)", id="ask")
        yield Footer()

    def on_mount(self) -> None:
        self.add(Notice("Loading the index and the model… you can type a question meanwhile.", "pending-load"))
        self.query_one("#ask", Input).focus()
        self.refresh_status()
        # After the first frame: the worker's imports (numpy, FAISS, ONNX Runtime) hold the GIL.
        self.call_after_refresh(self.load_engine)

    # -- the engine --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="engine")
    def load_engine(self) -> None:
        """Open the index and load the model off the UI thread (the import alone takes seconds)."""
        try:
            engine = self.open_engine(
                self.settings, self.build_default, lambda text: self.call_from_thread(self._set_corpus, text)
            )
            self.post_message(EngineReady(engine, engine.stats()))
        except DatelineError as exc:
            self.post_message(EngineFailed(str(exc)))
        except Exception as exc:  # noqa: BLE001 - any failure becomes a notice, never a crash
            self.post_message(EngineFailed(f"could not open the index: {exc or type(exc).__name__}"))

    def _set_corpus(self, text: str) -> None:
        self.corpus = (text,)
        self.refresh_status()

    @on(EngineReady)
    def engine_ready(self, message: EngineReady) -> None:
        self.engine = message.engine
        s = message.stats
        span = self._corpus_stats(s)
        self.refresh_status()
        for notice in self.query(".pending-load"):
            notice.remove()
        self.add(Notice(f"Ready: {self.corpus[-1]}, {span}. Ask a question; F1 shows the keys."))  # its size
        self.next_search()

    @on(EngineFailed)
    def engine_failed(self, message: EngineFailed) -> None:
        self.engine_error = message.error
        for notice in self.query(".pending-load"):
            notice.remove()
        self.corpus = ("no index",)
        self.refresh_status()
        self.add(Notice(message.error, "error"))
        self.notify(message.error, title="Cannot answer yet", severity="error", timeout=10)
        dropped = self.questions.drop_waiting()
        if dropped:
            self.query_one("#ask", Input).value = dropped[0].question
            for asked in dropped:
                asked.placeholder.remove()

    def _corpus_stats(self, s: Stats) -> str:
        """Show the index's size and dates in the status bar; returns the span of dates."""
        self.corpus, span = corpus_forms(s)
        return span

    def refresh_status(self) -> None:
        self.query_one(StatusBar).show(self.corpus, self.conversation.filters_text())

    # -- asking ------------------------------------------------------------------------------

    @on(Input.Submitted, "#ask")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        self.conversation.remember(text)
        if text.startswith("/"):
            self.slash(text)
        elif self.engine_error:
            self.add(QuestionLine(text), Notice(self.engine_error, "error"))
            self.notify(self.engine_error, title="Cannot answer", severity="error", timeout=10)
            if not event.input.value:  # never over what the user is typing
                event.input.value = text
        else:
            self.ask(text)

    def slash(self, text: str) -> None:
        try:
            command = self.conversation.command(text)
        except DatelineError as exc:
            self.notify(str(exc), title=exc.title, severity="error")
            return
        if command.name == "clear":
            self.action_clear()
        elif command.name == "export":
            self.export(command.arg or None)
        elif command.name == "help":
            self.action_help()
        else:
            self.notify(command.said, title="Filter")
            self.refresh_status()

    def ask(self, question: str) -> None:
        """Queue a question; it is searched when the engine is ready and the questions before it are answered."""
        waiting = "waiting for the index and model to load…" if self.engine is None else "waiting…"
        asked = Asked(question, QuestionLine(question), Notice(waiting, "pending"))
        self.add(asked.line, asked.placeholder)
        self.questions.add(asked)
        self.next_search()

    def next_search(self) -> None:
        """Start the next queued search, unless one is running or the engine is not ready."""
        asked = self.questions.start() if self.engine is not None else None
        if asked is None:
            return
        # Read now, not when typed: a follow-up is read with the question answered just before it.
        try:
            query, followed = self.conversation.query(asked.question)
        except DatelineError as exc:  # e.g. filters that leave no day: said, and the next question goes on
            self.questions.finish()
            asked.placeholder.update(f"Could not answer: {exc}")
            self.call_after_refresh(self.next_search)
            return
        if followed:
            asked.line.note(f"read as a follow-up to: {followed}")
        asked.placeholder.update("searching…")
        asked.filters = self.conversation.filters_text(dt.date.today())
        self.run_search(asked.question, query, followed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def run_search(self, question: str, query: Query, followed: str | None) -> None:
        assert self.engine is not None
        try:
            answer = self.engine.ask(query)
            # Counted here, off the UI thread, so the status bar tells of the index this answer read.
            self.post_message(AnswerReady(question, answer, followed, self.engine.stats()))
        except Exception as exc:  # noqa: BLE001 - shown as a notice; the app keeps running
            self.post_message(AnswerFailed(question, str(exc) or type(exc).__name__))

    def _finish_search(self) -> Asked:
        asked = self.questions.finish()
        self.call_after_refresh(self.next_search)
        return asked

    @on(AnswerReady)
    async def answer_ready(self, message: AnswerReady) -> None:
        asked = self._finish_search()
        if message.stats is not None:
            self._corpus_stats(message.stats)
            self.refresh_status()
        if not asked.placeholder.is_attached:
            return  # the conversation was cleared while it was searched
        answer = self.conversation.record(message.question, message.answer, message.followed, asked.filters)
        day = self.conversation.as_of or dt.date.today()
        day_name = "the as-of day" if self.conversation.as_of else "today"
        log = self.query_one("#log", Log)
        # The answer goes under its own question, even when later questions are already queued below.
        await log.mount(*answer_widgets(answer, day, day_name), after=asked.placeholder)
        await asked.placeholder.remove()
        # Show the answer from its question down, not from its last card.
        self.call_after_refresh(log.scroll_to_widget, asked.line, top=True, animate=False)

    @on(AnswerFailed)
    async def answer_failed(self, message: AnswerFailed) -> None:
        asked = self._finish_search()
        self.notify(message.error, title="Search failed", severity="error")
        if not asked.placeholder.is_attached:
            return
        log = self.query_one("#log", Log)
        await log.mount(Notice(f"Could not answer: {message.error}", "error"), after=asked.placeholder)
        await asked.placeholder.remove()
        ask = self.query_one("#ask", Input)
        if not ask.value:  # never over what the user is typing
            ask.value = message.question

    def add(self, *widgets: QuestionLine | Notice | AnswerCard) -> None:
        log = self.query_one("#log", VerticalScroll)
        log.mount(*widgets)
        log.scroll_end(animate=False)

    # -- actions (the cards' own: tui/card_actions.py) --------------------------------------

    def action_clear(self) -> None:
        self.query_one("#log", VerticalScroll).remove_children()
        self.questions.drop_waiting()
        self.conversation.clear()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_export(self) -> None:
        self.export(None)

    def export(self, arg: str | None) -> None:
        if not self.conversation.turns:
            self.notify("nothing to save yet", severity="warning")
            return
        try:
            path = export_path(arg, dt.datetime.now())
            path.write_text(self.conversation.to_markdown(), encoding="utf-8")
        except DatelineError as exc:
            self.notify(str(exc), title=exc.title, severity="error")
            return
        except OSError as exc:
            self.notify(f"could not save {exc.filename or arg}: {exc.strerror}", severity="error")
            return
        self.notify(f"saved to {path}", title="Exported")


def run_chat(index: str | None, model: str | None, judge: bool | None = None, ray: str | None = None) -> int:
    """Open the chat on the given (or default) index."""
    settings = Settings.resolve(index, model, judge, ray)
    use_paste_parser()
    DatelineApp(settings, build_default=index is None).run()
    return 0
