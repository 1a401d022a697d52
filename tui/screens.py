"""Screens over the chat: the whole article, and the keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from qa.ingest.articles import Article
from qa.present.words import safe

KEYS = """\
Enter        ask the question in the input
Up / Down    in the input: earlier questions; on the cards: move between them
Tab          move between the input and the answer cards
o / Enter    on a card: open the whole article at the quoted passage
c            on a card: copy the quote with its citation
Ctrl+S       save the conversation as Markdown (or /export FILE)
Ctrl+L       clear the conversation
F1 / ?       this help            Ctrl+Q  quit

Commands typed in the input:
/k 3                passages per answer
/asof 2024-03-31    answer as of that day (/asof off)
/since 2024-03      only articles from then on (/since off)
/until 2024-06-30   only articles up to then (/until off)
/export notes.md    save the conversation
/clear              clear the conversation

A question that starts with "and", "what about"... or uses "he", "they", "that"...
with few words of its own is read together with the previous question."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Static(Text(KEYS), id="help")


class ArticleScreen(ModalScreen[None]):
    """The whole article, the quoted passage highlighted and scrolled into view."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, article: Article, start: int, end: int) -> None:
        super().__init__()
        self.article, self.start, self.end = article, start, end

    def compose(self) -> ComposeResult:
        a = self.article
        head = Text(safe(a.title), style="bold")
        head.append(f"\n{a.date_text} · {safe(a.source)}" + (f" · {safe(a.url)}" if a.url else ""), style="cyan")
        with VerticalScroll(id="article"):
            yield Static(head, id="article-head")
            yield Static(Text(safe(a.text[: self.start])), id="before")
            yield Static(Text(safe(a.text[self.start : self.end]), style="bold reverse"), id="quoted")
            yield Static(Text(safe(a.text[self.end :])), id="after")

    def on_mount(self) -> None:
        self.call_after_refresh(self.query_one("#quoted").scroll_visible, top=True, animate=False)
