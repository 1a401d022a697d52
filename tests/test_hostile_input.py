"""Hostile input: files no reader expects give articles or problem lines, never a crash, and text that must
not drive a terminal is shown literally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.index.database import Store
from qa.ingest.articles import Article
from qa.ingest.items import Problem
from qa.ingest.readers import read_paths
from tests.conftest import ROOT
from tests.helpers import build


def dateline(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.launcher", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )


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
