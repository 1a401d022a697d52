"""What the chat needs of the core, and how it opens it: the engine answers, counts and reads articles.

The chat holds one engine and calls it from worker threads, one search at a time; the engine is
safe to share between those threads (`qa.answering.retriever.Retriever` is one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from qa.ingest.articles import Article
from qa.ranking.answers import Answer
from qa.reading.query import Query
from qa.settings import Settings, bundled_corpus

if TYPE_CHECKING:  # numpy, FAISS and the index code load in the engine worker, after the first paint
    from qa.index.records import Stats


class Engine(Protocol):
    def ask(self, query: Query) -> Answer: ...

    def stats(self) -> Stats: ...

    def article(self, article_id: str) -> Article | None: ...

    def warm(self) -> None: ...

    def close(self) -> None: ...


EngineOpener = Callable[[Settings, bool, Callable[[str], None]], "Engine"]


def open_engine(settings: Settings, build_default: bool, say: Callable[[str], None]) -> Engine:
    """Open the index (indexing the bundled corpus first when asked and there is none) and load the model.

    `say` is told what is happening when it takes long (indexing the bundled corpus, preparing the model).
    """
    from embeddings.factory import indexing_encoder
    from qa.answering.opening import open_retriever
    from qa.index.indexer import ensure_index
    from qa.settings import model_cache

    if build_default:
        ensure_index(
            settings.index_dir,
            bundled_corpus(),
            lambda: indexing_encoder(settings.model, cache_dir=model_cache()),
            announce=lambda: say("indexing the bundled corpus…"),
        )
    retriever = open_retriever(settings, say=say)
    retriever.warm()
    return retriever
