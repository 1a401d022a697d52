"""Passage and question encoding through OpenVINO and `tokenizers`, without importing torch.

OpenVINO reads dateline's own fp32 ONNX graph (fused operators included) or the static int8 graph
made from it (embeddings/openvino_paths.py), and computes in fp32 or, with the bf16 precision hint,
in bfloat16 where the CPU does (AVX-512 BF16, AMX). Importing this module does not import openvino.

Texts are batched only with texts of the same token length, so no text is ever padded, and only
where this CPU's kernels give a row the same result whatever the batch (`batches_alike`, checked
when the model loads: measured so on a Zen 4, but kernels are chosen per CPU and shape); otherwise
each text runs alone. Either way a text gets the same vector alone or in any batch
(tests/test_openvino.py). Padding would move a vector by about 1e-3 with its batchmates.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import EncoderError, Vectors, cpu_threads, load_tokenizer, mean_pool
from embeddings.settings import DEFAULT, Encoding


def no_telemetry() -> None:
    """Keep OpenVINO's converter and NNCF from sending usage statistics: both send them to Google
    Analytics unless the user has opted out (openvino-telemetry sends when no consent file exists),
    and dateline sends no packet anywhere. With the telemetry package unimportable, each falls back
    to its own stub (openvino.tools.ovc.telemetry_stub, NNCF's NNCFTelemetryStub). Called before
    openvino is imported."""
    sys.modules["openvino_telemetry"] = None  # type: ignore[assignment]
    os.environ["NNCF_CI"] = "1"  # NNCF's own switch for its telemetry stub


def available() -> bool:
    """Whether OpenVINO is installed (found without importing it)."""
    return importlib.util.find_spec("openvino") is not None


def version() -> str | None:
    """The installed OpenVINO's version, or None."""
    try:
        return importlib.metadata.version("openvino")
    except importlib.metadata.PackageNotFoundError:
        return None


class OpenVinoEncoder:
    """Mean-pooled, normalised sentence embeddings from a graph compiled by OpenVINO for this CPU."""

    def __init__(
        self,
        graph: Path,
        model_dir: Path,
        name: str,
        dim: int,
        *,
        bf16: bool = False,
        threads: int | None = None,
        encoding: Encoding = DEFAULT.encoding,
    ) -> None:
        """`graph`: an ONNX graph or an OpenVINO IR (`.xml`, its weights in the `.bin` beside it);
        `bf16`: compute in bfloat16 where the graph is not int8."""
        no_telemetry()
        try:
            import openvino as ov
        except ImportError as exc:  # pragma: no cover - an install problem
            raise EncoderError("openvino is not installed; re-run the set-up command") from exc
        config = {
            "INFERENCE_PRECISION_HINT": "bf16" if bf16 else "f32",
            "INFERENCE_NUM_THREADS": threads or cpu_threads(encoding),
            "PERFORMANCE_HINT": "LATENCY",  # one stream: indexing calls it from one thread at a time
        }
        try:
            self._compiled: Any = ov.Core().compile_model(str(graph), "CPU", config)
            self._tokenizer: Any = load_tokenizer(model_dir, encoding, pad=False)
        except Exception as exc:  # openvino raises its own types for a damaged or missing graph
            raise EncoderError(f"cannot load the OpenVINO model {graph}: {exc}") from exc
        self._inputs = {i.get_any_name() for i in self._compiled.inputs}
        self._name, self._dim = name, dim
        # Batched only where this CPU's kernels give a row the same result in any batch (checked here,
        # not assumed: another CPU may pick other kernels by shape); otherwise each text alone.
        request = self._compiled.create_infer_request()
        alike = batches_alike(lambda feed: request.infer(self._feed(feed))[0], encoding.batch)
        self._batch = encoding.batch if alike else 1
        self.graph = graph
        """The graph it runs (which precision: `dateline info` and the tests ask)."""
        self.bf16 = bf16

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        by_length: dict[int, list[int]] = {}
        for i, encoding in enumerate(encodings):
            by_length.setdefault(len(encoding.ids), []).append(i)
        request = self._compiled.create_infer_request()  # one per call: callers may share the encoder
        for group in by_length.values():
            for b in range(0, len(group), self._batch):
                idx = group[b : b + self._batch]
                ids = np.array([encodings[i].ids for i in idx], dtype=np.int64)
                hidden = request.infer(self._feed(ids))[0]
                out[idx] = mean_pool(np.asarray(hidden, dtype=np.float32), np.ones_like(ids))
        return out

    def _feed(self, ids: np.ndarray) -> dict[str, np.ndarray]:
        """The graph's inputs for rows of token ids of one length (no padding: every mask is 1)."""
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        return feed

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self._encode(texts)

    def warm(self) -> None:
        pass  # compiled when constructed


def batches_alike(infer: Callable[[np.ndarray], Any], batch: int, length: int = 48) -> bool:
    """Whether `infer` (token ids of one length in, states out) gives each row the same states, bit for
    bit, alone and in batches of 2 and of `batch`: fixed made-up ids, so the answer is this CPU's."""
    rows = max(batch, 2)
    ids = (1000 + (np.arange(rows)[:, None] * 37 + np.arange(length)[None, :] * 11) % 20000).astype(np.int64)
    # A kernel chosen by shape rounds every row its own way: a few rows show it, at a few runs' cost.
    alone = [np.asarray(infer(ids[i : i + 1])) for i in range(min(rows, 4))]
    for size in sorted({2, batch}):
        together = np.asarray(infer(ids[:size]))
        if not all(np.array_equal(together[i : i + 1], alone[i]) for i in range(min(size, len(alone)))):
            return False
    return True
