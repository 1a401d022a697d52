"""Choosing and loading an encoder: the one place that decides which encoder serves a model.

`load_encoder` returns a `LazyEncoder` that knows the model's name and size at once and loads the
real encoder (ONNX Runtime from an exported graph, or sentence-transformers) on the first text.
`indexing_encoder` is the choice for embedding passages.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeGuard

from embeddings.base import Encoder, EncoderError, Vectors, default_model_dir, model_dim, model_name
from embeddings.hash_encoder import HashEncoder


class LazyEncoder:
    """Knows its name and size at once; loads the real model on the first text to encode.

    Opening an index or finding nothing new to embed then costs no model load at all.
    """

    def __init__(self, name: str, dim: int, load: Callable[[], Encoder]) -> None:
        self._name, self._dim, self._load = name, dim, load
        self._encoder: Encoder | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def loaded(self) -> Encoder:
        """The real encoder, loaded now if it was not yet."""
        if self._encoder is None:
            encoder = self._load()
            if encoder.dim != self._dim:
                raise EncoderError(f"the model gives {encoder.dim}-dimensional vectors, its config says {self._dim}")
            self._encoder = encoder
        return self._encoder

    def warm(self) -> None:
        """Load the model now (e.g. in a background thread)."""
        self.loaded()

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self.loaded().encode_queries(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self.loaded().encode_passages(texts, progress=progress)


def _is_hash(model: str | Path | None) -> TypeGuard[str]:
    return isinstance(model, str) and (model == "hash" or model.startswith("hash-"))


def _model_path(model: str | Path | None) -> Path:
    return default_model_dir() if model is None else Path(model).expanduser().resolve()


def graph_missing(model: str | Path | None, cache_dir: Path) -> bool:
    """True when a question will first load torch to export the model's graph (~15 s, once)."""
    if _is_hash(model):
        return False
    from embeddings.export import exportable, graph_path

    path = _model_path(model)
    return exportable(path) and not graph_path(cache_dir, path, model_name(path)).exists()


def prepare(model: str | Path | None, cache_dir: Path) -> list[str]:
    """Make the model's graphs now (the fp32 one for questions, the int8 one for indexing), so that
    neither the first question nor the first indexing run waits on them; what was made."""
    if _is_hash(model):
        return []
    from embeddings.export import export_onnx, exportable, graph_path, int8_path, quantize_onnx

    path = _model_path(model)
    if not exportable(path):
        return []
    graph = graph_path(cache_dir, path, model_name(path))
    made = []
    if not graph.exists():
        export_onnx(path, graph)
        made.append(str(graph))
    if not int8_path(graph).exists():
        quantize_onnx(graph, int8_path(graph))
        made.append(str(int8_path(graph)))
    return made


def int8_missing(model: str | Path | None, cache_dir: Path) -> bool:
    """True when `load_encoder(..., int8=True)` will first export and quantize the model (~20 s, once)."""
    if _is_hash(model):
        return False
    from embeddings.export import exportable, graph_path, int8_path

    path = _model_path(model)
    return exportable(path) and not int8_path(graph_path(cache_dir, path, model_name(path))).exists()


def load_encoder(
    model: str | Path | None = None,
    *,
    device: str | None = None,
    cache_dir: Path | None = None,
    use_graph: bool = True,
    int8: bool = False,
) -> Encoder:
    """A sentence-transformers model from a local directory, never from the network (loaded lazily).

    `model` is a directory, "hash" or "hash-DIM" (the test encoder), or None for the bundled model.
    With `cache_dir` the model runs through ONNX Runtime from graphs exported there (no torch import
    once they exist; the first load with torch exports them):
    - `use_graph`: the exported fp32 graph, vectors equal to sentence-transformers' (for questions);
    - `int8`: its fused int8 copy, made on first use: about 1.7x the passages a second of
      sentence-transformers on a CPU at cosine >= 0.98 (for indexing; docs/benchmarks.md).
    Otherwise, or on another device, or when a graph cannot be made, sentence-transformers runs it.
    """
    if _is_hash(model):
        return HashEncoder(int(model.split("-")[1]) if "-" in model else 64)
    path = _model_path(model)
    if not (path / "config.json").is_file():
        raise EncoderError(f"{path} is not a sentence-transformers model directory (no config.json)")
    name, dim = model_name(path), model_dim(path)
    on_cpu = device in (None, "cpu")

    def load() -> Encoder:
        from embeddings.export import graph_path, int8_path

        graph = graph_path(cache_dir, path, name) if cache_dir else None
        wanted = None
        if graph is not None and on_cpu:
            wanted = int8_path(graph) if int8 else graph if use_graph else None
        if wanted is not None and wanted.exists():
            from embeddings.onnx_encoder import OnnxEncoder

            try:
                return OnnxEncoder(wanted, path, name, dim)
            except EncoderError:
                pass  # a damaged graph: fall back to torch, which exports a fresh one
        # Never reach for the hub: every file must be in the directory.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from embeddings.st_encoder import SentenceTransformerEncoder

        # A GPU wants big batches (256: 2,374 passages/s on an H100 against 2,137 at 32, docs/benchmarks.md).
        encoder = SentenceTransformerEncoder(path, device=device, batch_size=32 if on_cpu else 256)
        from embeddings.export import exportable

        if graph is None or not exportable(path):
            return encoder
        with contextlib.suppress(Exception):  # no graph only means a slower start or slower indexing
            from embeddings.export import export_onnx, quantize_onnx

            if not graph.exists():
                export_onnx(path, graph)
            if int8 and on_cpu:
                from embeddings.onnx_encoder import OnnxEncoder

                quantized = int8_path(graph)
                if not quantized.exists():
                    quantize_onnx(graph, quantized)
                return OnnxEncoder(quantized, path, name, dim)
        return encoder

    return LazyEncoder(name, dim, load)


def indexing_encoder(
    model: str | None, *, cache_dir: Path, device: str | None = None, precision: str = "int8"
) -> Encoder:
    """The encoder indexing uses: on a CPU, the int8 graph unless fp32 is asked for (docs/benchmarks.md)."""
    return load_encoder(model, device=device, cache_dir=cache_dir, use_graph=False, int8=precision == "int8")


def needs_preparing(model: str | None, *, cache_dir: Path, device: str | None = None, precision: str = "int8") -> bool:
    """True when indexing will first export and quantize the model (a one-time wait of ~20 s)."""
    return precision == "int8" and device in (None, "cpu") and int8_missing(model, cache_dir)
