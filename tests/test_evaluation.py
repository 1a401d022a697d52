"""`dateline eval` computes exactly what the reference scorer computes, on a slice of the benchmark."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.cli import main
from qa.evaluation import evaluate, load_questions, norm
from qa.index.indexer import index_paths
from qa.strict import load_qrels, strict
from tests.conftest import EVAL

# Only the tests that read the shared benchmark need it; the others run in any checkout.
needs_benchmark = pytest.mark.skipif(not EVAL.exists(), reason="the shared benchmark is not beside this checkout")


@pytest.fixture(scope="module")
def benchmark_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three weeks of questions and 150 articles (those holding their answers first), as a benchmark folder."""
    folder = tmp_path_factory.mktemp("slice")
    questions = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    questions = [q for q in questions if q["date"] in {"2024-01-12", "2024-02-16", "2024-03-08"}]
    articles = [json.loads(line) for line in (EVAL / "articles.jsonl").read_text().splitlines()]
    golds = [norm(g) for q in questions for g in q["answers"]]
    texts = [norm(a["title"] + " " + a["text"]) for a in articles]
    holding = [i for i, t in enumerate(texts) if any(g in t for g in golds)]
    others = [i for i in range(len(articles)) if i not in set(holding)]
    chosen = [articles[i] for i in (holding + others)[:150]]
    (folder / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions))
    (folder / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in chosen))
    index_paths(folder / "index", [folder / "articles.jsonl"], lambda: HashEncoder(64))
    return folder


@needs_benchmark
def test_eval_agrees_with_the_reference_scorer(benchmark_slice: Path, tmp_path: Path) -> None:
    retriever = Retriever.open(benchmark_slice / "index", "hash-64")
    try:
        summary, records = evaluate(retriever, load_questions(benchmark_slice / "questions.jsonl"))
    finally:
        retriever.close()
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps({"id": r["id"], "passages": r["passages"]}) + "\n" for r in records))
    scorer = EVAL.parent / "score.py"
    out = subprocess.run(
        [sys.executable, str(scorer), "score", str(benchmark_slice), str(answers)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    reference = {k: float(v) for k, v in re.findall(r"(\S+)=([\d.]+)", out)}
    assert reference["n"] == summary["questions"] >= 10
    for key in ("AR@200w", "AR@1000w", "R@1", "R@5", "R@10", "MRR@10"):
        assert round(summary[key], 3) == reference[key], key
    assert summary["AR@1000w"] > 0  # the slice is not trivially empty


@needs_benchmark
def test_no_quote_is_dated_after_its_question(benchmark_slice: Path, tmp_path: Path) -> None:
    out = tmp_path / "per-question.jsonl"
    code = main(
        [
            "eval",
            str(benchmark_slice / "questions.jsonl"),
            "--index",
            str(benchmark_slice / "index"),
            "--model",
            "hash-64",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    for line in out.read_text().splitlines():
        record = json.loads(line)
        assert all(p["date"] and p["date"] <= record["date"] for p in record["passages"])


def test_the_headline_shown_with_a_quote_counts_as_read(tmp_path: Path) -> None:
    story = (
        "A container ship struck the bridge before dawn on Tuesday and the span fell into the river within "
        "seconds. Divers searched the water for six road workers who had been filling potholes on the deck."
    )
    article = {"id": "b1", "title": "Bridge collapse shakes Baltimore", "date": "2024-03-26", "source": "Wire"}
    (tmp_path / "news.jsonl").write_text(json.dumps({**article, "text": story}) + "\n")
    question = {"id": "q1", "question": "Which city lost a bridge?", "date": "2024-03-29", "answers": ["Baltimore"]}
    (tmp_path / "questions.jsonl").write_text(json.dumps(question) + "\n")
    index_paths(tmp_path / "index", [tmp_path / "news.jsonl"], lambda: HashEncoder(64))
    retriever = Retriever.open(tmp_path / "index", "hash-64")
    try:
        shown, records = evaluate(retriever, load_questions(tmp_path / "questions.jsonl"))
        quotes, _ = evaluate(retriever, load_questions(tmp_path / "questions.jsonl"), headlines=False)
    finally:
        retriever.close()
    # The answer is only in the headline: read with the quote, it is found, and its words are counted.
    assert shown["AR@200w"] == 1.0 and quotes["AR@200w"] == 0.0
    assert records[0]["passages"][0]["text"] == f"Bridge collapse shakes Baltimore\n{story}"
    assert records[0]["words_to_answer"] == len(article["title"].split()) + len(story.split())


@pytest.fixture(scope="module")
def strict_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three weeks of questions, their qrels, and the articles search found for them (relevant first)."""
    folder = tmp_path_factory.mktemp("strict")
    weeks = {"2024-01-12", "2024-02-16", "2024-03-08"}
    questions = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    questions = [q for q in questions if q["date"] in weeks]
    ids = {q["id"] for q in questions}
    qrels = [json.loads(line) for line in (EVAL / "qrels.jsonl").read_text().splitlines()]
    qrels = [r for r in qrels if r["id"] in ids]
    relevant = {a["url"] for r in qrels for a in r["relevant"]}
    articles = [json.loads(line) for line in (EVAL / "articles.jsonl").read_text().splitlines()]
    chosen = [a for a in articles if a["url"] in relevant] + [a for a in articles if a["url"] not in relevant][:100]
    (folder / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions))
    (folder / "qrels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in qrels))
    (folder / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in chosen))
    index_paths(folder / "index", [folder / "articles.jsonl"], lambda: HashEncoder(64))
    return folder


@needs_benchmark
def test_strict_agrees_with_the_reference_scorer(strict_slice: Path, tmp_path: Path) -> None:
    questions = load_questions(strict_slice / "questions.jsonl")
    judged = load_qrels(strict_slice / "qrels.jsonl", questions)
    retriever = Retriever.open(strict_slice / "index", "hash-64")
    try:
        summary, records = strict(retriever, judged)
    finally:
        retriever.close()
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = subprocess.run(
        [sys.executable, str(EVAL.parent / "score.py"), "strict", str(strict_slice), str(answers)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    reference = {k: float(v) for k, v in re.findall(r"(\S+)=([\d.]+)", out)}
    assert reference["n"] == summary["questions"] >= 5
    for key in ("R@1", "R@3", "R@5", "R@10", "MRR@10", "AR@200w", "AR@1000w"):
        assert round(summary[key], 3) == reference[key], key
    assert summary["R@10"] > 0 and 0 < summary["highlight"] <= 1  # the slice is not trivially empty
