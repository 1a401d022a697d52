"""A sharded archive, in one process: built by period, answered like one index, updated in place.

The answer tests use the real bundled model at fp32 on the bundled corpus, as `bundled_index` does,
so the archive and the one index hold the same vectors.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from embeddings.factory import indexing_encoder
from qa.answering.retriever import Retriever
from qa.cli import main
from qa.config import Search
from qa.index.archive import period_of, period_span, read_manifest
from qa.index.archiving import index_archive
from qa.reading.query import Query
from tests.conftest import CORPUS

QUESTIONS = [
    "Who led the North Korean delegation that met Wang Yi?",
    "How does China view North Korea's treaty with Russia?",
    "What did Xi and Kim say on the anniversary of diplomatic relations?",
    "For whom did Kim Song Nam work as an interpreter?",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    directory = tmp_path_factory.mktemp("archive") / "news"
    encoder = indexing_encoder(None, cache_dir=model_cache, precision="fp32")
    index_archive(directory, [CORPUS], lambda: encoder, shard_by="month")
    return directory


def test_periods_and_their_days() -> None:
    day = dt.date(2024, 2, 29)
    assert [period_of(day, by) for by in ("month", "quarter", "year")] == ["2024-02", "2024-Q1", "2024"]
    assert period_of(None, "month") == "undated"
    assert period_span("2024-02") == (dt.date(2024, 2, 1), day)
    assert period_span("2024-Q4") == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert period_span("undated") == (None, None)


def test_the_manifest_names_one_shard_per_period(archive: Path) -> None:
    manifest = read_manifest(archive)
    assert manifest.shard_by == "month" and manifest.generation == 1
    assert [(s.period, s.articles) for s in manifest.shards] == [
        ("2024-01", 1),
        ("2024-03", 1),
        ("2024-10", 2),
        ("undated", 1),
    ]


def _seen(retriever: Retriever, question: str, **dates: object) -> list[tuple[str, str]]:
    answer = retriever.ask(Query(question, k=5, apply_bar=False, **dates))  # type: ignore[arg-type]
    return [(h.passage.source, h.passage.text) for h in answer.hits]


def test_without_keywords_the_archive_answers_exactly_as_one_index(archive: Path, bundled_index: Path) -> None:
    # Cosines compare directly across shards: with the keyword side off, merging must lose nothing.
    config = Search()
    dense_only = replace(config, candidates=replace(config.candidates, keyword=False))
    one, many = Retriever.open(bundled_index, config=dense_only), Retriever.open(archive, config=dense_only)
    try:
        for question in QUESTIONS:
            assert _seen(many, question) == _seen(one, question), question
    finally:
        one.close()
        many.close()


def test_the_archive_answers_as_one_index_with_keywords_scored_over_the_whole_archive(
    archive: Path, bundled_index: Path
) -> None:
    # Each shard's own BM25 statistics differ from the whole archive's; scored with the archive's,
    # every quote, in order, is the one index's.
    one, many = Retriever.open(bundled_index), Retriever.open(archive)
    try:
        for question in QUESTIONS:
            assert _seen(many, question) == _seen(one, question), question
            until = _seen(many, question, until=dt.date(2024, 3, 31))
            assert until == _seen(one, question, until=dt.date(2024, 3, 31)), question
    finally:
        one.close()
        many.close()


def test_the_archive_says_what_no_shard_mentions(archive: Path) -> None:
    # "Lukashenko" and "Shoigu" are in no shard; "artillery" is in one only (October 2024).
    many = Retriever.open(archive)
    try:
        assert many.source.unmentioned(["lukashenko", "artillery", "shoigu"]) == ("lukashenko", "shoigu")
        answer = many.ask(Query("What did Lukashenko tell Shoigu?"))
        assert answer.nothing_found and answer.unmentioned == ("Lukashenko", "Shoigu")
    finally:
        many.close()


@pytest.mark.parametrize("precision", ["int8", "ov-int8"])
def test_with_an_int8_path_too_the_archive_answers_as_one_index(
    tmp_path: Path, model_cache: Path, precision: str
) -> None:
    # ONNX Runtime's int8 graph quantizes activations per run, so each passage is encoded alone;
    # OpenVINO's has fixed activation scales and pads no text. Either way a passage's vector is the
    # same whichever shard (and batch) it is embedded with, and so are the answers, scores included.
    if precision.startswith("ov-"):
        pytest.importorskip("openvino")
    encoder = indexing_encoder(None, cache_dir=model_cache, precision=precision)
    from qa.index.indexer import index_paths

    index_paths(tmp_path / "one", [CORPUS], lambda: encoder)
    index_archive(tmp_path / "archive", [CORPUS], lambda: encoder, shard_by="month")
    one, many = Retriever.open(tmp_path / "one"), Retriever.open(tmp_path / "archive")
    try:
        for question in [*QUESTIONS, "What did Xi say?"]:
            ask = Query(question, k=5, apply_bar=False)
            want = [(h.passage.text, round(h.score, 6)) for h in one.ask(ask).hits]
            assert [(h.passage.text, round(h.score, 6)) for h in many.ask(ask).hits] == want, question
    finally:
        one.close()
        many.close()


def test_keyword_scores_match_sqlites_own_bm25(bundled_index: Path) -> None:
    from qa.index.database import Store
    from qa.reading.text import fts_query
    from qa.search.bm25 import KeywordStats, phrases

    store = Store.open(bundled_index)
    try:
        rows, tokens = store.keyword_totals()
        for question in QUESTIONS:
            match = fts_query(question)
            quoted = phrases(match)
            stats = KeywordStats(rows, tokens, store.phrase_hits(quoted))
            found = store.keyword_search(match, 20, None, None, 0.5)
            ids = [pid for pid, _ in found]
            sizes = store.row_sizes(ids)
            counts = [store.phrase_counts(p, ids, 0.5) for p in quoted]
            for pid, bm25 in found:
                ours = stats.score([c.get(pid, 0.0) for c in counts], sizes[pid], quoted)
                assert ours == pytest.approx(bm25, rel=1e-9)
    finally:
        store.close()


def test_a_question_reads_only_the_shards_its_dates_allow(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["ask", "What did North Korea and China discuss?", "--until", "2024-03-31", "--json", "--index", str(archive)]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["passages"] and {p["date"][:7] for p in data["passages"]} <= {"2024-01", "2024-03"}


def test_info_and_batch_work_on_an_archive(archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--index", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "articles  5 (1 undated)" in out
    questions = tmp_path / "q.txt"
    questions.write_text("\n".join(QUESTIONS) + "\n")
    report = tmp_path / "answers.md"
    assert main(["batch", str(questions), "-o", str(report), "--index", str(archive)]) == 0
    assert "Kim Song Nam" in report.read_text()


def test_updates_go_to_their_period_and_prune_drops_an_emptied_shard(
    corpus_copy: Path, tmp_path: Path, model_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "news"
    args = ["index", str(corpus_copy), "--shard-by", "quarter", "--model", "hash", "--index", str(archive)]
    assert main(args) == 0
    first = read_manifest(archive)
    assert [s.period for s in first.shards] == ["2024-Q1", "2024-Q4", "undated"]
    capsys.readouterr()
    assert main(args[:2] + args[4:]) == 0  # again, unchanged; the archive keeps its periods
    assert "0 added" in capsys.readouterr().err
    assert read_manifest(archive).generation == first.generation
    # An article re-dated into another quarter moves there; its old shard lets it go.
    story = next(corpus_copy.glob("000_*"))
    story.write_text(story.read_text().replace("2024", "2023"))
    assert main(args[:2] + args[4:]) == 0
    moved = read_manifest(archive)
    assert moved.generation == first.generation + 1
    assert sum(s.articles for s in moved.shards) == 5
    # Pruning the only undated article's file drops the undated shard from the archive.
    undated = next(corpus_copy.glob("002_*"))
    undated.unlink()
    assert main([*args[:2], "--prune", *args[4:]]) == 0
    assert "undated" not in [s.period for s in read_manifest(archive).shards]
    assert not (archive / "undated").exists()


def test_an_archive_and_a_single_index_are_not_mixed_up(
    tmp_path: Path, bundled_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    single = tmp_path / "single"
    shutil.copytree(bundled_index, single)
    code = main(["index", str(CORPUS), "--shard-by", "month", "--model", "hash", "--index", str(single)])
    err = capsys.readouterr().err
    assert code != 0 and "is a single index, not an archive" in err and "Traceback" not in err


def test_the_cluster_options_need_an_archive(
    tmp_path: Path, bundled_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ask", "Who met Wang Yi?", "--ray", "127.0.0.1:1", "--index", str(bundled_index)])
    err = capsys.readouterr().err
    assert code != 0 and "is a single index; a cluster serves a sharded archive" in err
    code = main(["index", str(CORPUS), "--ray", "127.0.0.1:1", "--model", "hash", "--index", str(tmp_path / "new")])
    err = capsys.readouterr().err
    assert code != 0 and "--ray builds a sharded archive: add --shard-by" in err and "Traceback" not in err


class _FailingJob:
    """A Ray Data job whose cluster loses the node holding its work part-way (a stand-in for Ray)."""

    def __init__(self, *_: object, **__: object) -> None:
        self.enable_progress_bars = self.print_on_execution_start = True

    def map_batches(self, *_: object, **__: object) -> _FailingJob:
        return self

    def iter_batches(self, **_: object) -> list[object]:
        raise RuntimeError("ActorDiedError: the actor died because its node 127.0.0.2 was lost")


class _FailingRay:
    class data:  # named as the module it stands for
        ActorPoolStrategy = _FailingJob
        from_items = _FailingJob

        class DataContext:
            @staticmethod
            def get_current() -> _FailingJob:
                return _FailingJob()

    @staticmethod
    def cluster_resources() -> dict[str, float]:
        return {"CPU": 3.0}


def test_a_cluster_embedding_job_that_fails_leaves_the_archive_and_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import qa.cluster.connect

    older = tmp_path / "older"
    older.mkdir()
    for path in sorted(CORPUS.iterdir())[:3]:
        shutil.copy(path, older)
    directory = tmp_path / "news"
    assert main(["index", str(older), "--shard-by", "year", "--model", "hash", "--index", str(directory)]) == 0
    before = read_manifest(directory)
    monkeypatch.setattr(qa.cluster.connect, "connect", lambda address: _FailingRay())
    code = main(["index", str(CORPUS), "--ray", "127.0.0.1:1", "--model", "hash", "--index", str(directory)])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert "the cluster's embedding job failed (ActorDiedError: the actor died because its node" in err
    assert "the archive is as it was before this run, and running the same command again resumes" in err
    assert read_manifest(directory) == before
    retriever = Retriever.open(directory)
    assert retriever.stats().articles == 3
    retriever.close()
    monkeypatch.undo()
    assert main(["index", str(CORPUS), "--model", "hash", "--index", str(directory)]) == 0
    assert sum(s.articles for s in read_manifest(directory).shards) == 5
