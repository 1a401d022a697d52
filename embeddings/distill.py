"""Bulk mode: a static-embedding model distilled offline from a sentence-transformers model.

model2vec runs the model once over its own vocabulary (no download, ~20 s on 2 cores for
all-MiniLM-L6-v2) and keeps one vector per token: encoding becomes a lookup and a mean, tens of times
faster, at some cost in quality (docs/benchmarks.md). It is an explicit choice, never the default:
`dateline distill DIR`, then `dateline index --model DIR`.
"""

from __future__ import annotations

import os
from pathlib import Path

from embeddings.base import EncoderError, default_model_dir


def distill_static(out_dir: Path, model_dir: Path | None = None, dims: int = 256) -> Path:
    """Write a static model distilled from `model_dir` (default: the bundled model) into `out_dir`."""
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        raise EncoderError(
            "bulk mode needs model2vec: install it with `.venv/bin/pip install 'dateline[bulk]'` "
            "(or `pip install 'model2vec[distill]'`)"
        ) from exc
    source = model_dir or default_model_dir()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        model = distill(model_name=str(source), pca_dims=dims, device="cpu")
    except Exception as exc:
        raise EncoderError(f"could not distill {source}: {exc}") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out_dir))
    return out_dir
