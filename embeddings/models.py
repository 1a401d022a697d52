"""What a model argument names: the test encoder ("hash", "hash-DIM") or a sentence-transformers
directory (None: the bundled one), and whether it runs one way only."""

from __future__ import annotations

from pathlib import Path
from typing import TypeGuard

from embeddings.base import EncoderError, default_model_dir


def is_hash(model: str | Path | None) -> TypeGuard[str]:
    """Whether `model` names the test encoder."""
    return isinstance(model, str) and (model == "hash" or model.startswith("hash-"))


def model_path(model: str | Path | None) -> Path:
    """The model's directory (None: the bundled model's)."""
    return default_model_dir() if model is None else Path(model).expanduser().resolve()


def runs_one_way(model: str | None) -> bool:
    """Whether the model runs one way only: the test encoder, or a static model (no graph to export,
    so nothing to choose between)."""
    if is_hash(model):
        return True
    from embeddings.export import exportable

    return not exportable(model_path(model))


def one_way(model: str | None) -> str | None:
    """How a model that runs one way only encodes, in words (the test encoder, a static model); None
    for a transformer, whose ways are measured and chosen (embeddings/kernels.py)."""
    if is_hash(model):
        return "hash (the test encoder)"
    from embeddings.export import exportable

    try:
        path = model_path(model)
    except EncoderError:
        return None
    if not (path / "config.json").is_file():  # the model is gone: nothing to say of it
        return None
    return None if exportable(path) else "static embeddings (sentence-transformers)"
