"""The graphs a model gets in the model cache: whether a question or an indexing run will first
wait to make them, making them ahead (`dateline prepare`), and removing the stale and moved ones."""

from __future__ import annotations

import contextlib
from pathlib import Path

from embeddings.base import model_name
from embeddings.models import is_hash, model_path


def graph_missing(model: str | Path | None, cache_dir: Path) -> bool:
    """True when a question will first load torch to export the model's graph (~15 s, once)."""
    if is_hash(model):
        return False
    from embeddings.export import exportable, graph_path

    path = model_path(model)
    return exportable(path) and not graph_path(cache_dir, path, model_name(path)).exists()


def prepare(model: str | Path | None, cache_dir: Path) -> list[str]:
    """Make the model's graphs now (the fp32 one for questions, the int8 ones for indexing: ONNX
    Runtime's, and OpenVINO's where it is installed), so that neither the first question nor the
    first indexing run waits on them; what was made."""
    if is_hash(model):
        return []
    from embeddings.export import export_onnx, exportable, graph_path, int8_path, quantize_onnx, record_source

    path = model_path(model)
    if not exportable(path):
        return []
    graph = graph_path(cache_dir, path, model_name(path))
    made = []
    if not graph.exists():
        export_onnx(path, graph)
        made.append(str(graph))
    else:
        record_source(path, graph)  # a graph made before records were kept gets one now
    if not int8_path(graph).exists():
        quantize_onnx(graph, int8_path(graph))
        made.append(str(int8_path(graph)))
    if _openvino_int8_missing(graph):
        from embeddings.openvino_paths import make_int8, shipped_sample

        made.append(str(make_int8(path, graph, shipped_sample()[0])))
    return made


def _openvino_int8_missing(graph: Path) -> bool:
    """Whether OpenVINO is installed, the package ships the passages to fit its int8 graph on, and
    that graph is not made yet."""
    from embeddings.openvino_encoder import available
    from embeddings.openvino_paths import SAMPLE, int8_path

    return available() and SAMPLE.is_file() and not int8_path(graph).exists()


def remove_stale(cache_dir: Path) -> int:
    """Delete the cache's graphs of model weights that are gone or changed (export.stale_graphs); the bytes freed."""
    from embeddings.base import INT8_SUFFIXES
    from embeddings.export import stale_graphs
    from embeddings.openvino_paths import int8_files

    freed = 0
    stale = stale_graphs(cache_dir)
    graphs = [p for p in stale if p.suffix == ".onnx" and not p.name.endswith(INT8_SUFFIXES)]
    for path in [*stale, *(f for g in graphs for f in int8_files(g) if f.exists())]:
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:  # another set-up removed it first, or it is not ours to remove
            continue
        freed += size
    return freed


def remove_moved(old_dir: Path, cache_dir: Path) -> int:
    """Delete the graphs and timing records an earlier dateline kept in `old_dir` (a home's
    `models/`), now kept in `cache_dir` and no longer read there; the bytes freed. Only dateline's
    own files (`*.onnx`, their records, `kernels-*.json`) go, and the folder only when left empty."""
    if not old_dir.is_dir() or old_dir.resolve() == cache_dir.resolve():
        return 0
    freed = 0
    for path in [*old_dir.glob("*.onnx"), *old_dir.glob("*.source.json"), *old_dir.glob("kernels-*.json")]:
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            continue
        freed += size
    with contextlib.suppress(OSError):  # something else is in it: not ours to remove
        old_dir.rmdir()
    return freed


def int8_missing(model: str | Path | None, cache_dir: Path) -> bool:
    """True when `load_encoder(..., int8=True)` will first export and quantize the model (~20 s, once)."""
    if is_hash(model):
        return False
    from embeddings.export import exportable, graph_path, int8_path

    path = model_path(model)
    return exportable(path) and not int8_path(graph_path(cache_dir, path, model_name(path))).exists()


def needs_preparing(model: str | None, *, cache_dir: Path, device: str | None = None, precision: str = "auto") -> bool:
    """True when indexing will first export and quantize the model (a one-time wait of ~20 s): for
    `auto`, when this machine has not chosen its path yet and an int8 graph it would time is missing,
    or when the path it chose is int8 and its graph is missing."""
    if device not in (None, "cpu") or is_hash(model):
        return False
    from embeddings.export import exportable, graph_path
    from embeddings.kernels import recorded

    path = model_path(model)
    if not exportable(path):
        return False
    choice = recorded(cache_dir, model_name(path)) if precision == "auto" else None
    precision = choice.path if choice else precision
    ort = precision in ("auto", "int8") and int8_missing(model, cache_dir)
    ov = precision in ("auto", "ov-int8", "ov-int8-bf16") and _openvino_int8_missing(
        graph_path(cache_dir, path, model_name(path))
    )
    return ort or ov
