"""The chat's widgets: the question line, answer cards, notices and the status bar.

Article text is always put into Rich `Text` objects, never markup strings, so `[bold]` in an
article shows as typed; control characters are made visible first (qa.present.words.safe).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Input, Static

from qa.config import DEFAULT, Gauge
from qa.present.words import also_in, distance, safe
from qa.ranking.answers import Hit
from tui.ask import plain_paste

if TYPE_CHECKING:  # the index code loads in the engine worker, after the first paint
    from qa.index.records import Stats


def relevance_bar(relevance: float, gauge: Gauge = DEFAULT.gauge) -> str:
    """Five dots for the cosine: `gauge.low` (0.3) and below is one dot, one more every `gauge.step` (0.1)."""
    filled = max(1, min(5, round((relevance - gauge.low) / gauge.step) + 1))
    return "●" * filled + "○" * (5 - filled)


# A URL, and the places it divides: after a slash (not inside the scheme's `//`), hyphen, underscore or
# dot, and before its query, a parameter or its fragment (`?`, `&`, `#`).
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_URL_DIVIDES = re.compile(r"(?<=[/\-_.])(?!/)|(?=[?&#])")


def url_breaks(url: str, width: int) -> list[int]:
    """Where the lines of a URL end so that each fits `width`: the last place it divides before the edge."""
    breaks, start, fit = [], 0, 0
    for at in sorted({m.start() for m in _URL_DIVIDES.finditer(url)} - {0} | {len(url)}):
        if at - start > width and fit > start:
            breaks.append(fit)
            start = fit
        fit = at
    return breaks


class UrlWrapped(Visual):
    """Text that wraps between words as Textual wraps it, and a URL too long for a line where it divides.

    Textual cuts a word longer than the line at the edge; a URL is one such word, cut mid-word.
    """

    def __init__(self, content: Content) -> None:
        self.content = content

    @classmethod
    def of(cls, text: Text) -> UrlWrapped:
        return cls(Content.from_rich_text(text))

    def __str__(self) -> str:
        return str(self.content)

    def at(self, width: int) -> Content:
        """The text with a line end where each URL longer than `width` divides."""
        cuts = [
            url.start() + at
            for url in _URL.finditer(self.content.plain)
            if cell_len(url.group()) > width
            for at in url_breaks(url.group(), width)
        ]
        return Content("\n").join(self.content.divide(cuts)) if cuts else self.content

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self.at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.at(width).get_height(rules, width)


# A question longer than this is echoed shortened: a pasted page would push its answer off screen.
SHOWN_QUESTION = 300


def shown_question(question: str) -> str:
    """The question as its line shows it: whole, or its start and how long it is."""
    if len(question) <= SHOWN_QUESTION:
        return question
    return f"{question[:SHOWN_QUESTION].rstrip()}… ({len(question):,} characters)"


class QuestionLine(Static):
    """A question as asked; `question` is always the whole of it (asked, exported)."""

    def __init__(self, question: str, note: str | None = None) -> None:
        self.question = question
        super().__init__(self._text(note))

    def _text(self, note: str | None) -> Text:
        text = Text("› ", style="bold") + Text(safe(shown_question(self.question)), style="bold")
        if note:
            text += Text(f"\n  {note}", style="dim italic")
        return text

    def note(self, note: str) -> None:
        """Add how the question was read (e.g. as a follow-up) under it."""
        self.update(self._text(note))


# The keys a card keeps for itself (its bindings and the app's `?`); other printable keys are typing.
CARD_KEYS = frozenset({"o", "c", "question_mark"})


class AnswerCard(Static, can_focus=True):
    """One quote: the best sentence highlighted (the answer line's words in it underlined: `answer`),
    then date, distance, source, title and relevance (`gauge`: off for a period's stories)."""

    BINDINGS = [
        Binding("o,enter", "app.open_article", "Open article"),
        Binding("c", "app.copy", "Copy quote"),
        Binding("down", "app.card(1)", show=False),
        Binding("up", "app.card(-1)", show=False),
    ]

    def __init__(
        self,
        hit: Hit,
        reference: dt.date,
        reference_name: str = "today",
        *,
        closest: bool = False,
        gauge: bool = True,
        answer: tuple[int, int] | None = None,
    ) -> None:
        self.hit = hit
        self.closest = closest  # shown under "nothing relevant": the nearest there is, not an answer
        p = hit.passage
        start, end = hit.highlight
        quote = Text()
        quote.append(safe(p.text[:start]))
        # Under "nothing relevant" the nearest sentence is marked more quietly: it is not an answer.
        quote.append(safe(p.text[start:end]), style="bold" if closest else "bold reverse")
        quote.append(safe(p.text[end:]))
        if answer is not None and safe(p.text) == p.text:  # escaped text would shift the offsets
            quote.stylize("underline", *answer)
        cite = Text()
        cite.append(f"{hit.rank}. ", style="bold")
        cite.append(hit.date_text, style="bold cyan")
        if p.date:
            cite.append(f" · {distance(p.date, reference, reference_name)}", style="cyan")
        if p.source:  # an input that names no outlet shows none
            cite.append(f" · {safe(p.source)}", style="green")
        if gauge:  # a period's stories are listed by date, not by nearness: their dots would mean nothing
            cite.append(f"  {relevance_bar(hit.relevance)}", style="yellow")
        if p.headline:
            cite.append(f"\n{safe(p.headline)}", style="italic")
        if hit.also:
            cite.append(f"\nalso in: {safe(also_in(hit))}", style="dim")
        super().__init__(UrlWrapped.of(cite + Text("\n") + quote), classes="card closest" if closest else "card")

    async def _on_key(self, event: events.Key) -> None:
        # Before the bindings (they run when the key has bubbled to the app): a letter typed on a card
        # is the start of the next question, and Escape is the way back to the input. Once focus has
        # left, keys that were already on their way here are typing, `o` and `c` included.
        mine = self.screen.focused is self and event.key in CARD_KEYS
        if event.key == "escape" or (event.is_printable and event.character and not mine):
            event.stop()
            event.prevent_default()
            ask = self.screen.query_one("#ask", Input)
            # Focus at once and type at once, not after a refresh: keys already sent to this card
            # land here in order and go into the input behind this one.
            self.screen.set_focus(ask)
            if event.key != "escape" and event.character:
                ask.insert_text_at_cursor(event.character)
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        # A paste is the next question too, whatever has focus.
        event.stop()
        event.prevent_default()
        ask = self.screen.query_one("#ask", Input)
        self.screen.set_focus(ask)
        ask.insert_text_at_cursor(plain_paste(event.text))


class Notice(Static):
    """A line from dateline itself: nothing found, a failure, a command's result."""

    def __init__(self, text: str, kind: str = "info") -> None:
        super().__init__(Text(text), classes=f"notice {kind}")


def corpus_forms(stats: Stats) -> tuple[tuple[str, ...], str]:
    """The index as the status bar says it, in forms from the longest to the shortest, and its span of dates."""
    count = f"{stats.articles} article{'' if stats.articles == 1 else 's'}"
    if stats.first_date and stats.last_date:
        span = f"{stats.first_date} → {stats.last_date}"
        months = f"{stats.first_date:%Y-%m} → {stats.last_date:%Y-%m}"
        return (f"{count} · {span}", f"{count} · {months}", count), span
    return (f"{count} · undated", count), "undated"


class StatusBar(Widget):
    """The index (its size and dates) and the conversation's filters, on one line of any width.

    The index is said in the longest of its forms that fits beside the filters, or not at all: the
    filters (k, the as-of day, the date range, the outlets) decide what an answer shows, so they are
    never cut; in a terminal too narrow for them all they take a second line.
    """

    SEPARATOR = "  │  "

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.corpus: tuple[str, ...] = ()
        self.filters = ""

    def show(self, corpus: tuple[str, ...], filters: str) -> None:
        """Show the index in `corpus`'s forms, longest first, and the filters."""
        self.corpus, self.filters = corpus, filters
        self.refresh(layout=True)  # the filters may take another line

    def render(self) -> Text:
        width = self.content_region.width
        for form in self.corpus:
            line = f" {form}{self.SEPARATOR}{self.filters}"
            if cell_len(line) <= width:
                return Text(line)
        # The filters alone, on as many lines as they need (each filter whole): never cut.
        lines = [""]
        for part in self.filters.split(" · "):
            joined = f"{lines[-1]} · {part}" if lines[-1] else f" {part}"
            if lines[-1] and cell_len(joined) > width:
                lines.append(f" {part}")
            else:
                lines[-1] = joined
        return Text("\n".join(lines))


class Log(VerticalScroll, can_focus=False):
    """The conversation; Tab moves into its cards, not onto the log itself.

    A resize reflows the text, so the same scroll offset would show another part of the
    conversation: the log remembers what it showed (the end, or the widget at its top) and
    goes back there after a resize.
    """

    at_end = True
    top: Widget | None = None
    _resizing = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self._resizing:
            self.at_end = new_value >= self.max_scroll_y
            self.top = next((w for w in self.children if w.virtual_region.bottom > new_value), None)

    def on_resize(self) -> None:
        self._resizing = True
        self.call_after_refresh(self._restore)

    def _restore(self) -> None:
        if self.at_end:
            self.scroll_end(animate=False, immediate=True)
        elif self.top is not None and self.top.is_attached:
            self.scroll_to_widget(self.top, top=True, animate=False, immediate=True)
        self._resizing = False
