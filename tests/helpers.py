"""Test helpers: an encoder that counts what it is asked to encode, the file a quote comes from,
Ctrl-C for child processes, `dateline batch` on a hash-encoder index, and building and counting an index."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from embeddings.base import Vectors
from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.cli import main
from qa.index.database import Store
from qa.index.indexer import IndexOptions, IndexReport, index_paths
from qa.ranking.answers import Hit


class CountingEncoder(HashEncoder):
    """The deterministic test encoder, counting its calls and the texts it encoded (production
    encoders keep no such counters)."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.calls = 0
        self.texts_encoded = 0

    def _encode(self, texts: list[str]) -> Vectors:
        self.calls += 1
        self.texts_encoded += len(texts)
        return super()._encode(texts)


def file_of(retriever: Retriever, hit: Hit) -> str:
    """The name of the file a quote's article was read from (a bundled text file names no outlet)."""
    article = retriever.article(hit.passage.article_id)
    assert article is not None
    return Path(article.path).name


def ctrl_c_reaches_the_child() -> None:
    """Popen's `preexec_fn` for tests that press Ctrl-C on a child: a shell without job control
    starts background jobs with SIGINT ignored and children inherit that, so the test would pass
    or fail by how the suite was launched. The child gets the default a terminal user has."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def batch(index: Path, *args: str) -> int:
    """`dateline batch ARGS` on an index built with the 64-dimension hash encoder."""
    return main(["batch", *args, "--index", str(index), "--model", "hash-64"])


def build(directory: Path, paths: list[Path], encoder: HashEncoder | None = None, **kw: Any) -> IndexReport:
    """Index PATHS into DIRECTORY with ENCODER (the 64-dimension hash encoder if none); KW are IndexOptions."""
    chosen = encoder if encoder is not None else HashEncoder(64)
    return index_paths(directory, paths, lambda: chosen, IndexOptions(**kw))


def count(directory: Path) -> tuple[int, int]:
    """The (articles, passages) an index holds."""
    store = Store.open(directory)
    try:
        stats = store.stats()
        return stats.articles, stats.passages
    finally:
        store.close()
