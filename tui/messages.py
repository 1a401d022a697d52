"""Messages from the worker threads to the app: small dataclasses, one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from qa.ingest.articles import Article
from qa.ranking.answers import Answer

if TYPE_CHECKING:  # numpy and the index code load in the engine worker, after the first paint
    from qa.index.records import Stats
    from tui.engine import Engine


@dataclass
class EngineReady(Message):
    """The index is open and the model loaded."""

    engine: Engine
    stats: Stats


@dataclass
class EngineFailed(Message):
    """The index or the model could not be opened."""

    error: str


@dataclass
class AnswerReady(Message):
    question: str
    answer: Answer
    followed: str | None
    stats: Stats | None = None
    """The index as the answer read it (another process may have re-indexed since the chat opened)."""


@dataclass
class AnswerFailed(Message):
    question: str
    error: str


@dataclass
class ArticleLoaded(Message):
    """An article read for the article screen (None when it has left the index), with the quote's span."""

    article: Article | None
    start: int
    end: int
    error: str | None = None
