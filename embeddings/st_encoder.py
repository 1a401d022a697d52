"""The sentence-transformers encoder; importing this module is cheap, constructing it is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import EncoderError, Vectors, model_name, thread_limit
from embeddings.settings import DEFAULT, Encoding


class SentenceTransformerEncoder:
    """A local sentence-transformers model; its name is the model directory's base name.

    `batch_size`: texts a model call encodes, by default `encoding`'s for the device."""

    def __init__(
        self,
        path: Path,
        *,
        device: str | None = None,
        batch_size: int | None = None,
        bf16: bool = False,
        encoding: Encoding = DEFAULT.encoding,
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        except ImportError as exc:  # pragma: no cover - an install problem
            raise EncoderError("sentence-transformers is not installed; re-run the set-up command") from exc
        on_cpu = not device or device == "cpu"
        try:
            self._model: Any = SentenceTransformer(str(path), device=device or "cpu", local_files_only=True)
            if on_cpu and (limit := thread_limit()) is not None:
                import torch

                torch.set_num_threads(limit)
            if bf16:  # computes in bfloat16 where the CPU has it (AVX-512 BF16, AMX): about 2.6x fp32 there
                import torch

                self._model = self._model.to(torch.bfloat16)
        except Exception as exc:
            raise EncoderError(f"could not load the model in {path}: {exc}") from exc
        self._path = path
        self._batch_size = batch_size or (encoding.batch if on_cpu else encoding.device_batch)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise EncoderError(f"the model in {path} does not say its embedding size")
        self._dim = int(dim)

    @property
    def name(self) -> str:
        return model_name(self._path)

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: list[str], progress: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_tensor=True,
            show_progress_bar=progress,
        )
        # numpy has no bfloat16: vectors come back as float32 whatever the model computed in
        return np.ascontiguousarray(vectors.float().cpu().numpy(), dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, progress=False)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self._encode(texts, progress)

    def warm(self) -> None:
        pass  # loaded when constructed
