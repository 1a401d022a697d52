"""A damaged index set aside or rebuilt, an interrupted run that leaves the previous index as it was, and two
processes at one index."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.cli import main
from qa.index.indexer import index_paths
from qa.index.lock import write_lock
from qa.reading.query import Query
from tests.conftest import CORPUS, EVAL, ROOT
from tests.helpers import build, ctrl_c_reaches_the_child


def answers(index: Path, question: str = "North Korea China delegation") -> list[tuple[str, int]]:
    r = Retriever.open(index, "hash-64")
    try:
        return [(h.passage.article_id, h.passage.ordinal) for h in r.ask(Query(question, k=10, apply_bar=False)).hits]
    finally:
        r.close()


# -- a damaged index ------------------------------------------------------------------------------


@pytest.fixture
def good_index(tmp_path: Path) -> Path:
    build(tmp_path / "index", [CORPUS])
    return tmp_path / "index"


def test_truncated_vectors_file_is_rebuilt_from_the_rows(good_index: Path) -> None:
    before = answers(good_index)
    (vectors,) = good_index.glob("vectors-*.faiss")
    vectors.write_bytes(vectors.read_bytes()[:100])
    assert answers(good_index) == before


def test_vectors_out_of_step_with_rows_are_rebuilt(good_index: Path, tmp_path: Path) -> None:
    before = answers(good_index)
    (vectors,) = good_index.glob("vectors-*.faiss")
    other = tmp_path / "other"
    build(other, [CORPUS / "000_6a2ebac98f284586.txt"])
    (other_vectors,) = other.glob("vectors-*.faiss")
    shutil.copy(other_vectors, vectors)  # fewer vectors than passages
    assert answers(good_index) == before


def test_corrupt_sqlite_is_reported_and_never_used(good_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = good_index / "dateline.sqlite"
    data = bytearray(db.read_bytes())
    data[:100] = os.urandom(100)
    db.write_bytes(bytes(data))
    assert main(["ask", "Kim", "--index", str(good_index), "--model", "hash-64"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dateline: error: ") and "damaged" in err and "--rebuild" in err


def test_a_damaged_index_is_set_aside_and_rebuilt_from_the_sources(good_index: Path) -> None:
    db = good_index / "dateline.sqlite"
    db.write_bytes(b"garbage" * 100)
    report = index_paths(good_index, [CORPUS], lambda: HashEncoder(64))
    assert "damaged" in report.rebuilt_because and report.added == 5
    assert list(good_index.glob("dateline.sqlite.damaged-*"))
    assert answers(good_index)


def test_other_format_version_is_refused(good_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(good_index / "dateline.sqlite") as conn:
        conn.execute("UPDATE meta SET value='99' WHERE key='format_version'")
    assert main(["ask", "Kim", "--index", str(good_index), "--model", "hash-64"]) == 1
    assert "format 99" in capsys.readouterr().err


def test_another_model_is_refused_at_question_time(good_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Kim", "--index", str(good_index), "--model", "hash-32"]) == 1
    assert "built with model 'hash-64'" in capsys.readouterr().err


# -- interruption ---------------------------------------------------------------------------------


def _embedded_so_far(index: Path) -> int:
    """Vectors the running indexer has saved to its embed cache (0 before its first batch)."""
    try:
        with sqlite3.connect(index / "embed-cache.sqlite", timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM v").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.skipif(not EVAL.exists(), reason="the shared benchmark is not beside this checkout")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_indexing_keeps_the_previous_index(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    index = tmp_path / "index"
    build(index, [CORPUS])
    before = answers(index)
    big = tmp_path / "big.jsonl"
    lines = (EVAL / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:600]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for sig in (signal.SIGKILL, signal.SIGINT):
        start = _embedded_so_far(index)  # what an interrupted run left for this one to reuse
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tui.launcher",
                "index",
                str(CORPUS),
                str(big),
                "--index",
                str(index),
                "--model",
                "hash-64",
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            preexec_fn=ctrl_c_reaches_the_child,
        )
        # Mid-run, whatever the machine's speed: after a random number of newly saved batches, with
        # most of the 600 articles' 11,000 passages still to embed.
        wanted = start + 256 * rng.randint(1, 8)
        while _embedded_so_far(index) < wanted and proc.poll() is None:
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err
        assert proc.returncode in (130, -signal.SIGKILL), err
        assert answers(index) == before  # the run did not finish: nothing of it is visible
    report = index_paths(index, [CORPUS, big], lambda: HashEncoder(64))
    assert report.unchanged >= 5
    with sqlite3.connect(index / "dateline.sqlite") as conn:
        dup = conn.execute(
            "SELECT count(*) FROM (SELECT article_id, ordinal FROM passages GROUP BY 1, 2 HAVING count(*) > 1)"
        ).fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert dup == 0 and articles == 605


# -- two processes --------------------------------------------------------------------------------


def test_a_second_writer_stops_with_a_message(good_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with write_lock(good_index):
        assert main(["index", str(CORPUS), "--index", str(good_index), "--model", "hash-64"]) == 1
    assert "another `dateline index` is writing" in capsys.readouterr().err


def test_a_reader_picks_up_what_a_writer_adds(good_index: Path, tmp_path: Path) -> None:
    reader = Retriever.open(good_index, "hash-64")
    try:
        extra = tmp_path / "extra.jsonl"
        extra.write_text(
            json.dumps(
                {
                    "title": "Zebra census",
                    "date": "2024-05-01",
                    "text": "Zebra numbers in the park doubled, rangers said.",
                }
            )
            + "\n"
        )
        build(good_index, [extra])
        hit = reader.ask(Query("zebra census rangers", k=1, apply_bar=False)).hits[0]
        assert "Zebra" in hit.passage.text
    finally:
        reader.close()
