"""Indexing as a stream: vectors made while articles are still being read, an interrupted run resumed where it
stopped, and articles that change between the planning read and the streaming read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.config import Config, Indexing
from qa.index import embedding, indexer, plan
from qa.index.indexer import IndexOptions, index_paths
from qa.ingest import chunker
from qa.ingest.articles import Article, Passage
from qa.reading.query import Query

from .helpers import CountingEncoder, build, count


class StopsAtCall(CountingEncoder):
    """Stops the run at its n-th batch, as Ctrl-C would; notes how many articles were cut by its first."""

    def __init__(self, stop_at: int, chunked: list[str]) -> None:
        super().__init__()
        self.stop_at = stop_at
        self.chunked = chunked
        self.chunked_at_first_batch: int | None = None

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        if self.chunked_at_first_batch is None:
            self.chunked_at_first_batch = len(self.chunked)
        if self.calls + 1 == self.stop_at:
            raise KeyboardInterrupt
        return super().encode_passages(texts)


def test_indexing_streams_and_an_interrupted_run_resumes_where_it_stopped(
    tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = Config(indexing=Indexing(group_passages=8, embed_batch=4))
    index = tmp_path / "index"
    build(index, [corpus_copy], HashEncoder())
    before = count(index)
    more = tmp_path / "more.jsonl"
    with more.open("w", encoding="utf-8") as fh:
        for i in range(30):
            text = "\n\n".join(
                f"Report {i} part {j} says the harbour council {i * 7 + j} met again. " * 5 for j in range(4)
            )
            record = {"id": f"r{i}", "title": f"Harbour report {i}", "date": "2024-02-01", "text": text}
            fh.write(json.dumps(record) + "\n")

    chunked: list[str] = []
    real_passages = chunker.article_passages

    def passages(article: Article, config: Any) -> list[Passage]:
        chunked.append(article.id)
        return real_passages(article, config)

    monkeypatch.setattr(embedding, "article_passages", passages)
    stopping = StopsAtCall(stop_at=5, chunked=chunked)
    with pytest.raises(KeyboardInterrupt):
        build(index, [corpus_copy, more], stopping, config=small)
    # Streaming: the first vectors were made before most articles had even been cut into passages.
    assert stopping.chunked_at_first_batch is not None and 0 < stopping.chunked_at_first_batch < 30
    assert count(index) == before  # the unfinished run left nothing visible
    done_before = stopping.texts_encoded
    assert done_before == 16

    resumed = CountingEncoder()
    report = build(index, [corpus_copy, more], resumed, config=small)
    assert report.added == 30 and report.unchanged == 5
    assert resumed.texts_encoded == report.passages_embedded
    assert report.passages_reused == done_before
    assert count(index)[0] == 35
    retriever = Retriever.open(index, "hash-64")
    try:
        assert retriever.ask(Query("harbour council report 17 part 2", k=1)).hits
    finally:
        retriever.close()


def test_articles_that_change_between_the_two_reads_are_reported(
    tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real_read = indexer.read_paths  # type: ignore[attr-defined]

    def read_paths(paths: list[Path], limits: Any) -> Iterator[object]:
        reads.append(1)
        items = list(real_read(paths, limits))
        # The second read (the streaming pass) no longer finds the last article: it was edited meanwhile.
        return iter(items if len(reads) == 1 else items[:-1])

    monkeypatch.setattr(plan, "read_paths", read_paths)  # the planning pass
    monkeypatch.setattr(indexer, "read_paths", read_paths)  # the streaming pass
    seen: list[str] = []
    report = index_paths(
        tmp_path / "index", [corpus_copy], HashEncoder, IndexOptions(on_problem=lambda p: seen.append(str(p)))
    )
    assert count(tmp_path / "index")[0] == 4
    assert report.skipped == 0 and len(seen) == 1
    assert "1 article(s) changed while this run read them" in seen[0] and "run `dateline index` again" in seen[0]
    monkeypatch.setattr(plan, "read_paths", real_read)
    monkeypatch.setattr(indexer, "read_paths", real_read)
    again = index_paths(tmp_path / "index", [corpus_copy], HashEncoder)
    assert again.added == 1 and count(tmp_path / "index")[0] == 5
