"""The chat's actions on answer cards: moving between them, opening a card's article, copying its quote.

An App base of `DatelineApp` (not a plain mixin): the cards' bindings name `app.` actions, and
Textual registers an `@on` handler only on a class it builds.
"""

from __future__ import annotations

from textual import on, work
from textual.app import App
from textual.widgets import Input

from qa.present.words import reference
from tui.ask import HistoryInput
from tui.engine import Engine
from tui.export import clipboard_file
from tui.messages import ArticleLoaded
from tui.screens import ArticleScreen
from tui.widgets import AnswerCard


class CardActions(App[None]):
    """Up, Down and Tab between the cards; `o` opens a card's article, `c` copies its quote."""

    engine: Engine | None

    def _card(self) -> AnswerCard | None:
        return self.focused if isinstance(self.focused, AnswerCard) else None

    def action_tab(self) -> None:
        """From the input, to the first card of the latest answer; from a card, back to the input.

        Up and Down move between the cards; Tab is the way in and out of them.
        """
        if self.screen is not self.screen_stack[0]:
            self.screen.focus_next()
        elif isinstance(self.focused, HistoryInput):
            self.action_focus_answer()
        else:
            self.screen.set_focus(self.query_one("#ask", Input))

    def _focus_now(self, card: AnswerCard) -> None:
        # At once, not after the next refresh (Widget.focus): the keys that follow go to the card.
        self.screen.set_focus(card)
        card.scroll_visible()

    def action_focus_answer(self) -> None:
        """Focus the first card of the latest answer."""
        cards = list(self.query(AnswerCard))
        if not cards:
            return
        latest = max(i for i, c in enumerate(cards) if c.hit.rank == 1)
        self._focus_now(cards[latest])

    def action_card(self, step: int) -> None:
        cards = list(self.query(AnswerCard))
        card = self._card()
        if not cards or card is None:
            return
        index = max(0, min(len(cards) - 1, cards.index(card) + step))
        self._focus_now(cards[index])

    def action_open_article(self) -> None:
        card = self._card()
        if card is not None and self.engine is not None:
            self.load_article(card.hit.passage.article_id, card.hit.passage.start, card.hit.passage.end)

    @work(thread=True, exclusive=True, exit_on_error=False, group="article")
    def load_article(self, article_id: str, start: int, end: int) -> None:
        """Read the article off the UI thread (it waits for a search in progress to finish with the index)."""
        assert self.engine is not None
        try:
            self.post_message(ArticleLoaded(self.engine.article(article_id), start, end))
        except Exception as exc:  # noqa: BLE001 - shown as a notice; the app keeps running
            self.post_message(ArticleLoaded(None, start, end, str(exc) or type(exc).__name__))

    @on(ArticleLoaded)
    def article_loaded(self, message: ArticleLoaded) -> None:
        if message.error:
            self.notify(f"could not open the article: {message.error}", severity="error")
        elif message.article is None:
            self.notify("that article is no longer in the index", severity="warning")
        else:
            self.push_screen(ArticleScreen(message.article, message.start, message.end))

    def action_copy(self) -> None:
        card = self._card()
        if card is None:
            return
        text = f"“{card.hit.passage.text}” — {reference(card.hit)}"
        # OSC 52 reaches the clipboard only where the terminal passes it on (tmux does not by default),
        # and nothing says whether it did: the file is the copy that always works.
        self.copy_to_clipboard(text)
        try:
            where = f"; if nothing arrives, the quote is also in {clipboard_file(text)}"
        except OSError as exc:
            where = f" (could not also write it to a file: {exc.strerror})"
        self.notify(f"quote and citation sent to the terminal clipboard (OSC 52){where}", title="Copy")
