"""The encoders: ONNX Runtime gives the same vectors as sentence-transformers, without torch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from embeddings.base import default_model_dir, model_dim, model_name
from embeddings.cache import graph_missing, int8_missing, needs_preparing, prepare, remove_stale
from embeddings.export import export_onnx, graph_path, int8_path, record_source
from embeddings.factory import LazyEncoder, indexing_encoder, load_encoder
from embeddings.hash_encoder import HashEncoder
from embeddings.onnx_encoder import OnnxEncoder
from embeddings.st_encoder import SentenceTransformerEncoder
from tests.conftest import CORPUS, ROOT


def texts() -> list[str]:
    body = (CORPUS / "003_827395dfdfacd871.txt").read_text(encoding="utf-8")
    return [line for line in body.splitlines() if line.strip()] + ["Who led the delegation?", "a"]


def test_onnx_vectors_equal_sentence_transformers(model_cache: Path) -> None:
    path = default_model_dir()
    name, dim = model_name(path), model_dim(path)
    graph = graph_path(model_cache, path, name)
    if not graph.exists():
        export_onnx(path, graph)
    onnx = OnnxEncoder(graph, path, name, dim).encode_passages(texts())
    torch = SentenceTransformerEncoder(path).encode_passages(texts())
    cosines = (onnx * torch).sum(axis=1)
    assert cosines.min() >= 0.999
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


def test_indexing_encodes_with_a_fused_int8_graph_close_to_fp32(model_cache: Path) -> None:
    encoder = indexing_encoder(None, cache_dir=model_cache)
    fast = encoder.encode_passages(texts())
    assert isinstance(encoder, LazyEncoder)
    inner = encoder.loaded()
    assert isinstance(inner, OnnxEncoder)
    assert int8_path(graph_path(model_cache, default_model_dir(), encoder.name)).exists()
    exact = SentenceTransformerEncoder(default_model_dir()).encode_passages(texts())
    assert (fast * exact).sum(axis=1).min() >= 0.98
    assert not list(model_cache.glob("*.tmp*")) and not list(model_cache.glob("*.fused*"))
    fp32 = indexing_encoder(None, cache_dir=model_cache, precision="fp32")
    assert isinstance(fp32, LazyEncoder) and isinstance(fp32.loaded(), SentenceTransformerEncoder)


def test_a_question_needs_no_torch_once_the_graph_exists(model_cache: Path) -> None:
    load_encoder(None, cache_dir=model_cache).encode_queries(["warm up and export if needed"])
    code = (
        "import sys; from pathlib import Path; from embeddings.factory import load_encoder;"
        f"e = load_encoder(None, cache_dir=Path({str(model_cache)!r})); v = e.encode_queries(['Kim Song Nam']);"
        "print(v.shape, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "(1, 384) False"


def test_hash_encoder_is_deterministic_and_normalised() -> None:
    a = HashEncoder(32).encode_passages(["North Korea", "North Korea", ""])
    assert np.array_equal(a[0], a[1]) and abs(float(np.linalg.norm(a[0])) - 1) < 1e-6
    assert not a[2].any()


def test_bulk_mode_distils_a_static_model_that_answers(tmp_path: Path) -> None:
    from qa.answering.retriever import Retriever
    from qa.cli import main
    from qa.reading.query import Query

    static = tmp_path / "static"
    assert main(["distill", str(static), "--dims", "64"]) == 0
    index = tmp_path / "index"
    assert main(["index", str(CORPUS), "--index", str(index), "--model", str(static)]) == 0
    retriever = Retriever.open(index)  # the index remembers its model
    try:
        assert retriever.encoder.dim == 64
        answer = retriever.ask(Query("Kim Yo Jong denounced military aid to Ukraine", k=3, apply_bar=False))
    finally:
        retriever.close()
    assert any("Kim Yo Jong" in h.passage.text for h in answer.hits)


def test_the_one_time_preparation_is_announced_only_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path
) -> None:
    empty = tmp_path / "empty"
    assert needs_preparing(None, cache_dir=empty)
    assert not needs_preparing(None, cache_dir=empty, precision="fp32")
    assert not needs_preparing("hash-32", cache_dir=empty)
    static = tmp_path / "static"
    static.mkdir()
    (static / "config.json").write_text('{"model_type": "model2vec", "hidden_dim": 64}')
    assert not needs_preparing(str(static), cache_dir=empty)  # bulk mode's static model runs as it is
    indexing_encoder(None, cache_dir=model_cache).encode_passages(["made now if missing"])
    assert not needs_preparing(None, cache_dir=model_cache)


def test_prepare_makes_the_graphs_and_a_question_says_when_it_must_wait(
    tmp_path: Path, model_cache: Path, bundled_index: Path
) -> None:
    prepare(None, model_cache)
    assert not graph_missing(None, model_cache) and not int8_missing(None, model_cache)
    assert prepare(None, model_cache) == []  # made once
    env = {"DATELINE_HOME": str(tmp_path), "DATELINE_CACHE": str(tmp_path / "cold"), "PATH": "/usr/bin:/bin"}
    ask = [sys.executable, "-m", "tui.launcher", "ask", "Who is Kim Song Nam?", "--index", str(bundled_index)]
    cold = subprocess.run(ask, capture_output=True, text=True, cwd=ROOT, env=env)
    assert cold.returncode == 0 and "preparing the question model (once" in cold.stderr
    env["DATELINE_CACHE"] = str(model_cache)
    warm = subprocess.run(ask, capture_output=True, text=True, cwd=ROOT, env=env)
    assert warm.returncode == 0 and "preparing" not in warm.stderr


def test_set_up_removes_graphs_of_model_copies_that_are_gone(tmp_path: Path) -> None:
    # Every reinstall puts the weights at a new path or time; the graphs made of the old copy go.
    cache = tmp_path / "cache"
    cache.mkdir()
    made = []
    for name in ("kept", "reinstalled", "deleted"):
        model = tmp_path / name
        model.mkdir()
        (model / "model.safetensors").write_bytes(b"weights")
        graph = graph_path(cache, model, "m")
        for path in (graph, int8_path(graph)):
            path.write_bytes(b"graph")
        record_source(model, graph)
        made.append(graph)
    legacy = cache / "m-000000000000.onnx"  # made before records were kept: made again if wanted
    legacy.write_bytes(b"graph")
    weights = tmp_path / "reinstalled" / "model.safetensors"
    stat = weights.stat()
    os.utime(weights, (stat.st_atime, stat.st_mtime + 60))
    shutil.rmtree(tmp_path / "deleted")
    records = sum((cache / f"{g.stem}.source.json").stat().st_size for g in made[1:])
    assert remove_stale(cache) == 5 * len(b"graph") + records
    kept = made[0]
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [kept.name, int8_path(kept).name, f"{kept.stem}.source.json"]
    )
    assert remove_stale(cache) == 0
