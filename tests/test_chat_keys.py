"""The chat's keys as a user in a real terminal meets them: cards, the article view, help, paste.

The answers are the snapshots' fixed ones (CannedEngine): these tests are about keys, not ranking.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.events import Paste
from textual.widget import Widget
from textual.widgets import Footer, Input

from qa.ingest.articles import Article
from qa.settings import Settings
from tui.app import DatelineApp
from tui.ask import PasteParser, plain_paste
from tui.screens import ArticleScreen, HelpScreen
from tui.widgets import AnswerCard

from .pilot import opened, settle
from .test_chat_snapshots import DELEGATION, canned


def canned_app(tmp_path: Path) -> DatelineApp:
    return DatelineApp(Settings(tmp_path), build_default=False, opener=canned)


async def answered(pilot: Any, app: DatelineApp, question: str = DELEGATION) -> None:
    await opened(pilot, app)
    app.query_one("#ask", Input).value = question
    await pilot.press("enter")
    await settle(pilot, app)


def focused(app: DatelineApp) -> Widget | None:
    """What has focus now (read afresh: an earlier isinstance check does not hold after a key)."""
    return app.focused


def burst(app: DatelineApp, data: str) -> None:
    """Post what a terminal sends in one read, as the driver turns its bytes into events."""
    for event in XTermParser().feed(data):
        app.post_message(event)


async def test_letters_typed_on_a_card_go_to_the_input_in_order(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        await pilot.press("tab")
        assert isinstance(app.focused, AnswerCard)
        burst(app, "who is Kim")  # `o` and `c` among them are typed too once the input has focus
        await pilot.pause()
        ask = app.query_one("#ask", Input)
        assert focused(app) is ask and ask.value == "who is Kim"
        assert isinstance(app.screen, type(app.screen_stack[0]))


async def test_every_key_pressed_on_a_card_goes_to_the_input(tmp_path: Path) -> None:
    """The first key moves focus to the input, and the input's own focus handling keeps it there."""
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        ask = app.query_one("#ask", Input)
        await pilot.press("tab", *"Who is")  # one key after another, as a terminal sends them
        assert focused(app) is ask and ask.value == "Who is"
        await pilot.press("space", *"Kim")
        assert ask.value == "Who is Kim"


async def test_keys_pressed_after_closing_the_article_go_to_the_input(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        ask = app.query_one("#ask", Input)
        for sent in ("keys", "burst"):
            ask.value = ""
            await pilot.press("tab", "o")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ArticleScreen)
            if sent == "keys":
                await pilot.press("escape", *"Who is")
            else:  # Esc and the letters behind it queued together: they reach the chat, not the closing view
                app.post_message(events.Key("escape", "\x1b"))
                burst(app, "Who is")
                await pilot.pause()
            assert not isinstance(app.screen, ArticleScreen), sent
            assert focused(app) is ask and ask.value == "Who is", sent


async def test_escape_and_tab_on_a_card_return_to_the_input(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        ask = app.query_one("#ask", Input)
        await pilot.press("tab")
        assert isinstance(app.focused, AnswerCard) and app.focused.hit.rank == 1
        await pilot.press("escape")
        assert focused(app) is ask
        await pilot.press("tab", "down")
        assert isinstance(app.focused, AnswerCard) and app.focused.hit.rank == 2
        await pilot.press("tab")  # not on to the next card: back to the input
        assert focused(app) is ask and ask.value == ""


def _long_article(quote_at: int) -> tuple[Article, int, int]:
    paragraphs = [f"Paragraph {i} of the report on the talks." for i in range(80)]
    paragraphs[quote_at] = "The delegation was led by Kim Song Nam."
    text = "\n\n".join(paragraphs)
    start = text.index("The delegation")
    article = Article("a1", "Talks in Beijing", dt.date(2024, 3, 28), "Yonhap", "", "x.txt", "x.txt", text)
    return article, start, start + len("The delegation was led by Kim Song Nam.")


async def test_article_opens_with_its_header_and_the_quote_in_view(tmp_path: Path) -> None:
    for quote_at in (1, 70):  # near the top (header and quote fit together), and far down
        app = canned_app(tmp_path)
        async with app.run_test(size=(100, 34)) as pilot:
            await opened(pilot, app)
            article, start, end = _long_article(quote_at)
            await app.push_screen(ArticleScreen(article, start, end))
            await pilot.pause()
            await pilot.pause()
            screen = app.screen
            head, quoted = screen.query_one("#article-head"), screen.query_one("#quoted")
            text = screen.query_one("#article")
            assert head.region.height and screen.region.contains_region(head.region), quote_at
            assert text.region.contains_region(quoted.region), quote_at
            assert "Talks in Beijing" in str(head.render()) and "Yonhap" in str(head.render())
            if quote_at == 1:
                assert text.scroll_y == 0  # the text from its start: nothing above the quote hidden


async def test_modal_screens_say_esc_closes_and_the_footer_shows_their_keys(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        await pilot.press("tab")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "Esc" in str(app.screen.query_one("#help").render())
        for screen_type in (HelpScreen, ArticleScreen):
            if screen_type is ArticleScreen:
                await pilot.press("escape", "o")  # back on the card that had focus
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert isinstance(app.screen, screen_type)
            keys = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}
            assert "Close" in keys and "Open article" not in keys and "Copy quote" not in keys
            assert app.screen.query(Footer)  # its own footer, over the chat's


async def test_a_paste_is_plain_text_and_stays_in_the_input(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        ask = app.query_one("#ask", Input)
        ask.value = "x "
        ask.cursor_position = 2
        # Coloured text with a Tab, copied from a terminal, through the parser the chat's driver uses.
        for event in PasteParser().feed("\x1b[200~a\x1b[31mb\tc\x1b[201~"):
            app.post_message(event)
        await pilot.pause()
        assert focused(app) is ask and ask.value == "x ab c"
        await pilot.press("tab")  # a real Tab still moves to the cards
        assert isinstance(app.focused, AnswerCard)
        burst_paste = "\x1b[200~line one\r\nline two\x07\x1b]0;title\x07\x1b[201~z"
        for event in PasteParser().feed(burst_paste):  # pasted on a card: the input takes it, then `z`
            app.post_message(event)
        await pilot.pause()
        assert focused(app) is ask and ask.value == "x ab cline one line twoz"
        assert isinstance(app.screen, type(app.screen_stack[0]))


def test_plain_paste_and_a_paste_split_across_reads() -> None:
    assert plain_paste("a\x1b[31mb\tc\x1b[0m\n\x9bd\x00") == "ab c d"
    parser = PasteParser()
    events = [*parser.feed("\x1b[200~Kim Y"), *parser.feed("o Jong\x1b[31m!\x1b[201~")]
    assert [e.text for e in events if isinstance(e, Paste)] == ["Kim Yo Jong\x1b[31m!"]
    assert all(isinstance(e, Paste) for e in events)
