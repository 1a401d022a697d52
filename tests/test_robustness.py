"""Hostile input, damaged indexes, interruption, two processes, and text that must not drive a terminal."""

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
from hypothesis import given, settings
from hypothesis import strategies as st

from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.cli import main
from qa.index.database import Store
from qa.index.indexer import index_paths
from qa.index.lock import write_lock
from qa.ingest.articles import Article
from qa.ingest.items import Problem
from qa.ingest.readers import read_paths
from qa.reading.query import Query
from tests.conftest import CORPUS, EVAL, ROOT
from tests.helpers import ctrl_c_reaches_the_child


def dateline(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.launcher", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )


def build(index: Path, paths: list[Path]) -> None:
    index_paths(index, paths, lambda: HashEncoder(64))


def answers(index: Path, question: str = "North Korea China delegation") -> list[tuple[str, int]]:
    r = Retriever.open(index, "hash-64")
    try:
        return [(h.passage.article_id, h.passage.ordinal) for h in r.ask(Query(question, k=10, apply_bar=False)).hits]
    finally:
        r.close()


# -- hostile files --------------------------------------------------------------------------------


def test_hostile_directory(tmp_path: Path) -> None:
    d = tmp_path / "hostile"
    d.mkdir()
    story = "Officials in Lisbon announced a new ferry route on Monday. The service starts in May."
    (d / "latin1.txt").write_bytes(("Café owners in Lisbon protest. " + story).encode("latin-1"))
    (d / "utf16.txt").write_bytes(("Ferry news from Porto. " + story).encode("utf-16"))
    (d / "binary.txt").write_bytes(os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00" * 10)
    (d / "empty.txt").write_bytes(b"")
    (d / "huge.txt").write_bytes(b"word " * 10_000_000)  # 50 MB on one line
    (d / "broken.jsonl").write_text(
        '{"title": "Good", "date": "2024-01-02", "text": "A good record about ferries."}\n'
        '{"title": "Cut off", "text": "no end\n'
        '{"title": 5, "text": "Wrong type of title, text kept."}\n'
        '{"text": ["not", "a", "string"]}\n'
        '{"date": "2024-13-45", "text": "Impossible date."}\n'
        '{"date": "yesterday", "text": "Vague date."}\n'
        '{"title": "no text"}\n',
        encoding="utf-8",
    )
    (d / "loop").symlink_to(d / "loop")
    (d / "sub").mkdir()
    (d / "sub" / "up").symlink_to(d, target_is_directory=True)  # a directory loop
    (d / "points-elsewhere.json").write_text(json.dumps({"text": "Record naming /etc/shadow", "path": "/etc/shadow"}))
    index = tmp_path / "index"
    result = dateline("index", str(d), "--index", str(index), "--model", "hash-64")
    assert result.returncode == 3, result.stderr
    err = result.stderr
    assert "Traceback" not in err
    for expected in (
        "binary.txt: binary file",
        "empty.txt: empty file",
        "huge.txt: article too long",
        "broken.jsonl:2: not valid JSON",
        "broken.jsonl:4: text is not a non-empty string",
        "broken.jsonl:5: bad date",
        "broken.jsonl:6: bad date",
        "broken.jsonl:7: no text field",
        "broken.jsonl:3: title is not a string",
        "loop: not a regular file",
    ):
        assert expected in err, expected
    store = Store.open(index)
    try:
        titles = {a.path.rsplit("/", 1)[-1]: a for a in store.articles()}
        texts = " ".join(a.text for a in store.articles())
    finally:
        store.close()
    assert "Café owners" in texts and "Ferry news from Porto" in texts
    assert "Impossible date." in texts and "Vague date." in texts
    assert "points-elsewhere.json" in titles  # the record is indexed; the path it names is never opened


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("text")
    path.chmod(0)
    (problem,) = list(read_paths([path]))
    assert isinstance(problem, Problem) and "cannot read" in problem.message


records = st.dictionaries(
    st.sampled_from(["title", "headline", "date", "published_at", "source", "url", "text", "body", "id", "x"]),
    st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=30),
        st.lists(st.integers(), max_size=2),
        st.sampled_from(["2024-01-05", "2024-02-30", "2024-01-05T10:00:00Z", ""]),
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(records, st.text(max_size=20), st.integers()), max_size=8))
def test_any_json_lines_give_articles_or_problems(tmp_path_factory: pytest.TempPathFactory, rows: list[object]) -> None:
    path = tmp_path_factory.mktemp("j") / "x.jsonl"
    path.write_text("\n".join(json.dumps(r) if not isinstance(r, str) else r for r in rows), encoding="utf-8")
    for item in read_paths([path]):
        assert isinstance(item, Article | Problem)
        if isinstance(item, Article):
            assert item.text.strip() and isinstance(item.title, str) and item.title


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_as_a_text_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("b") / "x.txt"
    path.write_bytes(data)
    for item in read_paths([path]):
        assert isinstance(item, Article | Problem)


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


# -- untrusted text -------------------------------------------------------------------------------


def test_escape_sequences_and_markup_are_shown_literally(tmp_path: Path) -> None:
    evil = "Officials met in [bold red]Geneva[/] today. \x1b]52;c;ZXZpbA==\x07 The \x1b[2J talks ended."
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps({"title": "Talks \x1b[31m", "date": "2024-02-02", "text": evil}) + "\n")
    index = tmp_path / "index"
    build(index, [path])
    result = dateline("ask", "Geneva talks", "--index", str(index), "--model", "hash-64")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[bold red]Geneva[/]" in result.stdout and "\\x1b]52" in result.stdout
    assert not any(p.suffix == ".pkl" or p.suffix == ".pickle" for p in index.iterdir())
