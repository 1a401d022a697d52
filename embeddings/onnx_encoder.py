"""Query (and passage) encoding through ONNX Runtime and `tokenizers`, without importing torch.

The graph is exported once from the same weights (embeddings/export.py), so its vectors match the
sentence-transformers ones (cosine >= 0.999, tested) and an index built with either answers the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import EncoderError, Vectors, cpu_threads, is_int8, load_tokenizer, mean_pool
from embeddings.settings import DEFAULT, Encoding


class OnnxEncoder:
    """Mean-pooled, normalised sentence embeddings from an exported transformer graph."""

    def __init__(
        self,
        onnx_path: Path,
        model_dir: Path,
        name: str,
        dim: int,
        *,
        threads: int | None = None,
        encoding: Encoding = DEFAULT.encoding,
    ) -> None:
        try:
            import onnxruntime as ort
            import tokenizers  # noqa: F401
        except ImportError as exc:  # pragma: no cover - an install problem
            raise EncoderError("onnxruntime or tokenizers is not installed; re-run the set-up command") from exc
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or cpu_threads(encoding)
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
        try:
            self._session: Any = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
            self._tokenizer: Any = load_tokenizer(model_dir, encoding)
        except Exception as exc:
            raise EncoderError(f"cannot load the ONNX model {onnx_path}: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._name, self._dim = name, dim
        self.graph = onnx_path
        """The graph it runs (which precision: `dateline info` and the tests ask)."""
        # Small batches of similar length keep each layer's activations in cache: 8 passages a
        # batch ran faster than 32 or more (docs/benchmarks.md).
        self._batch, self._passage_batch = encoding.batch, encoding.passage_batch
        # An int8 graph quantizes activations with one scale per run: batched, a text's vector would
        # depend on its batchmates (an archive's shards, a re-index, `batch` against `ask` would
        # differ). Alone, a text always gets the same vector, at about 8% of int8's speed.
        self._alone = is_int8(onnx_path)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: list[str], batch_size: int) -> Vectors:
        batch_size = 1 if self._alone else batch_size
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths pad less
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            out[idx] = mean_pool(self._session.run(None, feed)[0], mask)
        return out

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, self._batch)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self._encode(texts, self._passage_batch)

    def warm(self) -> None:
        pass  # loaded when constructed
