"""SVG snapshots of the chat (pytest-textual-snapshot): empty, an answer, nothing found, an error.

A snapshot pins what the screen looks like, so it must not depend on the CPU or the clock:
- answers come from fixed `Answer`s built from the bundled corpus's real text (the real model's
  cosines differ in their last digits between CPUs, and a gauge can tip over a boundary); what the
  real model answers is checked on content in test_chat.py;
- dates are shown relative to the as-of day, so each snapshot fixes it with /asof;
- the toasts that /asof and /k raise are cleared before the picture is taken.

Update after an intended change with `pytest tests/test_chat_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input

from qa.index.records import Stats, StoredPassage
from qa.ingest.articles import Article
from qa.ingest.chunker import article_passages
from qa.ingest.readers import read_file
from qa.ranking.answers import Answer, Copy, Hit
from qa.ranking.highlight import best_sentence
from qa.reading.query import Query
from qa.settings import Settings
from tui.app import DatelineApp
from tui.engine import Engine

from .conftest import CORPUS
from .pilot import opened, settle

SIZE = (100, 34)
DELEGATION = "Who led the North Korean delegation that met Wang Yi?"
FRANCE = "What is the GDP of France?"


def _articles() -> list[Article]:
    return [a for path in sorted(CORPUS.iterdir()) for a in read_file(path) if isinstance(a, Article)]


def _hit(rank: int, article: Article, phrase: str, relevance: float, question: str) -> Hit:
    """The passage of `article` holding `phrase`, as a hit with a fixed relevance."""
    passage = next(p for p in article_passages(article) if phrase in p.text)
    stored = StoredPassage(
        rank, article.id, passage.ordinal, passage.start, passage.end, passage.text,
        article.title, article.date, article.source, article.url, article.title_derived,
    )  # fmt: skip
    return Hit(rank, stored, relevance + 0.2, best_sentence(question, passage.text), relevance=relevance)


class CannedEngine:
    """The bundled corpus's articles and fixed answers for the snapshot's questions."""

    def __init__(self) -> None:
        self.articles = {a.id: a for a in _articles()}
        kim = next(a for a in self.articles.values() if Path(a.path).name.startswith("003_"))
        wang = next(a for a in self.articles.values() if Path(a.path).name.startswith("002_"))
        first = _hit(1, kim, "Kim Song Nam, led a delegation", 0.66, DELEGATION)
        copy = Copy("Yonhap", dt.date(2024, 3, 29), kim.title, "", "copy", 99)
        self.answers = {
            DELEGATION: Answer(
                DELEGATION,
                None,
                hits=(
                    Hit(1, first.passage, first.score, first.highlight, (copy,), first.relevance),
                    _hit(2, wang, "Wang voiced", 0.52, DELEGATION),
                ),
            ),
            FRANCE: Answer(FRANCE, None, nothing_found=True),
        }

    def ask(self, query: Query) -> Answer:
        answer = self.answers.get(query.question) or self.answers[DELEGATION]  # any other: the delegation's
        return Answer(query.question, query.as_of, hits=answer.hits[: query.k], nothing_found=answer.nothing_found)

    def stats(self) -> Stats:
        dates = sorted(a.date for a in self.articles.values() if a.date)
        sources = [(a.source, 1) for a in self.articles.values()]
        return Stats(len(self.articles), 40, dates[0], dates[-1], 0, sources, 1)

    def article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def warm(self) -> None:
        pass

    def close(self) -> None:
        pass


def canned(settings: Settings, build_default: bool, say: Callable[[str], None]) -> Engine:
    return CannedEngine()


def chat(index: Path, *lines: str, fixed: bool = True) -> tuple[DatelineApp, Any]:
    app = DatelineApp(Settings(index), build_default=False, **({"opener": canned} if fixed else {}))

    async def run_before(pilot: Any) -> None:
        app.query_one("#ask", Input).cursor_blink = False
        await opened(pilot, app)
        for line in lines:
            app.query_one("#ask", Input).value = line
            await pilot.press("enter")
            await settle(pilot, app)
        app.clear_notifications()
        await pilot.pause()

    return app, run_before


def test_empty_chat(snap_compare: Any, bundled_index: Path) -> None:
    app, before = chat(bundled_index, "/asof 2024-12-31", fixed=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_an_answer(snap_compare: Any, tmp_path: Path) -> None:
    app, before = chat(tmp_path, "/asof 2024-12-31", "/k 2", DELEGATION)
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_nothing_found(snap_compare: Any, tmp_path: Path) -> None:
    app, before = chat(tmp_path, "/asof 2024-12-31", FRANCE)
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_an_error(snap_compare: Any) -> None:
    app, before = chat(Path("/nonexistent/dateline-index"), "Who is Kim Song Nam?", fixed=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
