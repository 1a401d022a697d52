"""The chat's layout in a real terminal: resizing keeps the view, a long question is shown short."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input

from qa.index.records import Stats
from qa.ingest.articles import Article
from qa.ingest.readers import read_file
from qa.ranking.answers import Answer
from qa.reading.query import Query
from qa.settings import Settings
from tests.conftest import ROOT
from tests.pilot import opened
from tui.app import DatelineApp
from tui.engine import Engine
from tui.screens import ArticleScreen
from tui.widgets import AnswerCard, QuestionLine

from .test_chat_keys import answered, canned_app
from .test_chat_snapshots import DELEGATION, CannedEngine


async def test_resizing_keeps_the_view_where_it_was(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        for _ in range(4):
            await answered(pilot, app)
        log = app.query_one("#log")
        log.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        for size in ((60, 30), (120, 40), (80, 24)):  # at the end, it stays at the end
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert log.scroll_y == log.max_scroll_y > 0, size
        second = list(app.query(QuestionLine))[1]
        log.scroll_to_widget(second, top=True, animate=False, immediate=True)
        await pilot.pause()
        above = second.virtual_region.y - log.scroll_y  # its top margin
        for size in ((50, 30), (120, 40)):  # further up, the same question stays at the top
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert log.scroll_y == second.virtual_region.y - above > 0, size


async def test_a_long_question_is_shown_short_and_asked_whole(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    long = DELEGATION + " " + "x" * (2600 - len(DELEGATION) - 1)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app, long)
        line = app.query_one(QuestionLine)
        shown = str(line.render())
        assert line.question == long and len(shown) < 400 and "… (2,600 characters)" in shown
        assert app.conversation.turns[-1].question == long and app.query(AnswerCard)
        assert f"## {long}" in app.conversation.to_markdown()
        card = app.query(AnswerCard).first()
        assert app.query_one("#log").region.contains_region(card.region)  # the answer on screen
        assert app.query_one("#ask", Input).value == ""


async def test_export_expands_home_says_where_and_keeps_how_each_question_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    (tmp_path / "user").mkdir()
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        await answered(pilot, app, "/k 1")
        await answered(pilot, app, "And what did he say?")
        await answered(pilot, app, "/export ~/notes.md")
        saved = (tmp_path / "user" / "notes.md").read_text()
        said = [n.message for n in app._notifications]
        assert f"saved to {tmp_path / 'user' / 'notes.md'}" in said
        assert f"_read as a follow-up to: {DELEGATION}_" in saved
        # The first question's, not today's k=1; and the day "today" was, for whoever reads it later.
        assert f"_filters: k=5 · as of today, {dt.date.today()}_" in saved
        assert saved.count("_filters:") == 1
        await answered(pilot, app, "/export ~/missing/notes.md")
        assert any(
            f"there is no folder {tmp_path / 'user' / 'missing'}" in m for m in (n.message for n in app._notifications)
        )
        assert not (tmp_path / "user" / "missing").exists()
        await pilot.press("ctrl+s")
        exports = list((tmp_path / "home" / "exports").iterdir())
        assert len(exports) == 1 and exports[0].read_text() == saved
        assert any(f"saved to {exports[0]}" == n.message for n in app._notifications)


async def test_copy_says_what_was_done_and_leaves_the_quote_in_a_file(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await answered(pilot, app)
        await pilot.press("tab", "c")
        file = tmp_path / "home" / "clipboard.txt"
        assert file.read_text() == app.clipboard + "\n" and "Kim Song Nam" in app.clipboard
        message = list(app._notifications)[-1].message
        assert "OSC 52" in message and str(file) in message and "copied" not in message


class Reindexed(CannedEngine):
    """The canned engine after another process re-indexed: more articles once the first answer is in."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def ask(self, query: Query) -> Answer:
        self.asked += 1
        return super().ask(query)

    def stats(self) -> Stats:
        s = super().stats()
        return replace(s, articles=9, last_date=dt.date(2024, 12, 1)) if self.asked else s


def reindexed(settings: Settings, build_default: bool, say: Callable[[str], None]) -> Engine:
    return Reindexed()


async def test_status_follows_the_index_the_answers_read(tmp_path: Path) -> None:
    app = DatelineApp(Settings(tmp_path), build_default=False, opener=reindexed)
    async with app.run_test(size=(100, 34)) as pilot:
        await opened(pilot, app)
        assert "5 articles" in str(app.query_one("#status").render())
        await answered(pilot, app)
        status = str(app.query_one("#status").render())
        assert "9 articles" in status and "→ 2024-12-01" in status


def test_a_saved_conversation_has_a_blank_line_before_each_question() -> None:
    from qa.conversation import Conversation
    from qa.ranking.answers import Answer

    conversation = Conversation()
    for question in ("Who is Kim Song Nam?", "What is the GDP of France?"):
        filters = conversation.filters_text(dt.date.today())
        conversation.record(question, Answer(question, None, nothing_found=True), filters=filters)
    markdown = conversation.to_markdown()
    top = f"# dateline conversation\n\n_k=5 · as of today, {dt.date.today()}_\n\n## Who is Kim Song Nam?\n\n"
    assert markdown.startswith(top)
    assert "_Nothing relevant in this archive._\n\n## What is the GDP of France?\n\n" in markdown


def shown(widget: Widget) -> list[str]:
    """The lines a widget draws, as the terminal shows them."""
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.size))]


async def test_the_status_bar_keeps_the_as_of_day_and_filters_at_60_columns(tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=(60, 24)) as pilot:
        await opened(pilot, app)
        bar = app.query_one("#status")
        await answered(pilot, app, "/asof 2024-02-01")
        assert shown(bar) == [" 5 articles · 2024-01 → 2024-10  │  k=5 · as of 2024-02-01"]
        await answered(pilot, app, "/since 2024-01-01")
        await answered(pilot, app, "/until 2024-01-31")
        # The index's size gives way, never the filters.
        assert shown(bar) == [" k=5 · as of 2024-02-01 · 2024-01-01 → 2024-01-31"]
        # Too many filters for one line: they take a second, each whole.
        await answered(pilot, app, "/source Reuters")
        assert shown(bar) == [" k=5 · as of 2024-02-01 · 2024-01-01 → 2024-01-31", " from Reuters"]
        await answered(pilot, app, "/source")
        await pilot.resize_terminal(100, 24)
        await pilot.pause()
        whole = " 5 articles · 2024-01-27 → 2024-10-06  │  k=5 · as of 2024-02-01 · 2024-01-01 → 2024-01-31"
        assert shown(bar) == [whole]


URL = "https://www.example-news.com/world/asia-pacific/geneva-talks-full-statement-2024-03-28/index.html?utm_source=rss"


def _url_lines(lines: list[str]) -> list[str]:
    """The lines a URL is shown on: from the one where it starts to the one where it is whole."""
    first = next(i for i, line in enumerate(lines) if "https://" in line)
    taken = [lines[first][lines[first].index("https://") :]]
    while URL not in "".join(taken):
        first += 1
        taken.append(lines[first])
    return taken


async def test_the_article_shows_its_story_not_the_pages_other_links(tmp_path: Path) -> None:
    # The bundled Xi story was scraped with the page's "LATEST NEWS" and "Recommended" lists after it.
    path = ROOT / "corpus" / "001_6b176e77b7a6bc1b.txt"
    article = next(a for a in read_file(path) if isinstance(a, Article))
    start = article.text.index("Analysts say Pyongyang")
    end = article.text.index(" and moribund economy.") + len(" and moribund economy.")
    app = canned_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot, app)
        await app.push_screen(ArticleScreen(article, start, end))
        await pilot.pause()
        lines = [line for part in app.screen.query_one("#article").children for line in shown(part)]
        seen = "\n".join(lines)
        assert "Bilateral ties have seemingly become more complex" in seen  # the story, to its end
        assert "LATEST NEWS" not in seen and "Algiers Accords" not in seen and "Recommended" not in seen
        assert lines[-1] == "(the page's menus and links to other stories are left out)"


async def test_the_article_keeps_the_quotes_paragraph_whole_and_breaks_urls_only_where_they_divide(
    tmp_path: Path,
) -> None:
    text = (
        "Officials met in Geneva on Tuesday.\n\n"
        "The talks began at noon. They ended late in the evening. Observers called them a first step.\n\n"
        f"The full statement is at {URL} for readers."
    )
    start = text.index("The talks")
    end = text.index(" They ended")
    article = Article("a1", "Talks in Geneva", dt.date(2024, 3, 28), "Yonhap", URL, "x.txt", "x.txt", text)
    app = canned_app(tmp_path)
    async with app.run_test(size=(60, 30)) as pilot:
        await opened(pilot, app)
        await app.push_screen(ArticleScreen(article, start, end))
        await pilot.pause()
        screen = app.screen
        lines = [line for part in screen.query_one("#article").children for line in shown(part)]
        # The paragraph goes on after the quote, on the same line, with no stray space starting a line.
        assert "The talks began at noon. They ended" in lines[2]
        assert not [line for line in lines if line.startswith(" ")]
        quoted = screen.query_one("#quoted")
        marked = [
            "".join(s.text for s in strip if s.style and s.style.reverse)
            for strip in quoted.render_lines(Region(0, 0, *quoted.size))
        ]
        assert "".join(marked) == "The talks began at noon."
        width = screen.query_one("#article").scrollable_content_region.width
        for url_lines in (_url_lines(lines), _url_lines(shown(screen.query_one("#article-url")))):
            assert len(url_lines) > 1 and all(cell_len(line) <= width for line in url_lines)
            # Each line of the URL ends where it divides (after a slash, hyphen or dot, before its
            # query), never inside a word.
            breaks = itertools.pairwise(url_lines)
            assert all(line[-1] in "/-._" or after[0] in "?&#" for line, after in breaks), url_lines
