"""Screens over the chat: the whole article, and the keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from qa.ingest.articles import Article
from qa.ingest.cleaning import story_spans
from qa.present.words import safe
from tui.widgets import UrlWrapped

KEYS = """\
Enter        ask the question in the input
Up / Down    in the input: earlier questions; on cards: move between them
Tab          from the input to the latest answer's cards, and back
typing       on a card: goes to the input (the next question)
o / Enter    on a card: open the whole article at the quoted passage
c            on a card: copy the quote with its citation
Ctrl+S       save the conversation as Markdown (or /export FILE)
Ctrl+L       clear the conversation
F1 / ?       this help            Ctrl+Q  quit
Esc          close this view; on a card: back to the input

Commands typed in the input:
/k 3                passages per answer
/asof 2024-03-31    answer as of that day (/asof off)
/since 2024-03      only articles from then on (/since off)
/until 2024-06-30   only articles up to then (/until off)
/source cnn.com     only articles from that outlet (/source off)
/export notes.md    save the conversation
/clear              clear the conversation

A short question that starts with "and", "what about"... or leans on "he",
"they", "that"... is read together with the previous question.

On a card the marked sentence answers best, and ●●●○○ is how near
the passage comes to the question's meaning; cards go in order of
how well they answer it."""


# Closing is a priority binding, taken by the app as the key arrives: keys typed right after it then
# go to the chat below (a card, which types them into the input), not to this screen as it closes.


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close", priority=True)]

    def compose(self) -> ComposeResult:
        # Scrolls when the terminal is shorter than the keys (24 lines is).
        with VerticalScroll(id="help-box"):
            yield Static(Text(KEYS), id="help")
        # Its own footer: the chat's, underneath, would still offer the focused card's keys.
        yield Footer()


# Under an article whose page held more than its story (menus, other stories' links).
LEFT_OUT = "(the page's menus and links to other stories are left out)"


class ArticleScreen(ModalScreen[None]):
    """The whole article, the quoted passage highlighted and scrolled into view."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", priority=True)]

    def __init__(self, article: Article, start: int, end: int) -> None:
        super().__init__()
        self.article, self.start, self.end = article, start, end

    def compose(self) -> ComposeResult:
        a = self.article
        head = Text(safe(a.title), style="bold")
        head.append(f"\n{a.date_text}" + (f" · {safe(a.source)}" if a.source else ""), style="cyan")
        # The header stays above the scrolling text, so scrolling to a quote far down never hides it.
        with Vertical(id="article-box"):
            yield Static(head, id="article-head")
            if a.url:
                yield Static(UrlWrapped.of(Text(safe(a.url), style="cyan")), id="article-url")
            with VerticalScroll(id="article"):
                yield from self._text()
        yield Footer()

    def _text(self) -> list[Static]:
        """The story before the quote's paragraphs, those paragraphs (the quote marked in them), the rest.

        Split between paragraphs, never inside one: the quote's own lines wrap as the paragraph does.
        Only the story is shown, as the passages were cut from it (qa.ingest.cleaning): a scraped
        page's menus and its list of other stories after the end are left out, and a line says so.
        """
        text = self.article.text
        spans = story_spans(text, self.article.title)
        lo = min(spans[0][0], self.start) if spans else 0
        hi = max(spans[-1][1], self.end) if spans else len(text)
        first = max(lo, text.rfind("\n", 0, self.start) + 1)
        last = text.find("\n", self.end)
        last = hi if last < 0 else min(last, hi)
        quoted = Text(safe(text[first : self.start]))
        quoted.append(safe(text[self.start : self.end]), style="bold reverse")
        quoted.append(safe(text[self.end : last]))
        parts = [Static(UrlWrapped.of(quoted), id="quoted")]
        # Each widget ends a line, so the line end between two of them is not written again.
        if first > lo:
            parts.insert(0, Static(UrlWrapped.of(Text(safe(text[lo : first - 1]))), id="before"))
        if last < hi:
            parts.append(Static(UrlWrapped.of(Text(safe(text[last + 1 : hi]))), id="after"))
        if text[hi:].strip() or text[:lo].strip():
            parts.append(Static(Text(LEFT_OUT, style="dim italic"), id="left-out"))
        return parts

    def on_mount(self) -> None:
        self.call_after_refresh(self._show_quote)

    def _show_quote(self) -> None:
        """From the start when the quote is in view there; else with the quote at the top of the text."""
        text, quoted = self.query_one("#article", VerticalScroll), self.query_one("#quoted")
        if not text.region.contains_region(quoted.region):
            text.scroll_to_widget(quoted, top=True, animate=False)
