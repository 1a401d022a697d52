"""The OpenVINO paths: their graphs in the model cache and loading one.

`ov-fp32` and `ov-bf16` compile the exported fp32 ONNX graph (bf16: with the bfloat16 precision
hint, offered only where the CPU computes in it); `ov-int8` and `ov-int8-bf16` compile a static
int8 copy that NNCF makes at `dateline prepare` from passages shipped in the package
(`calibration/passages.jsonl.gz`): activation ranges fitted once, so a vector never depends on the
texts run beside it. ONNX Runtime's static quantizer was measured too and lost far more
(docs/benchmarks.md, "OpenVINO").
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from embeddings.base import Encoder, load_tokenizer, model_dim, model_name
from embeddings.export import export_onnx, graph_path, temp_beside
from embeddings.openvino_encoder import no_telemetry
from embeddings.settings import DEFAULT, Embeddings

SAMPLE = Path(__file__).resolve().parent / "calibration" / "passages.jsonl.gz"
"""News passages shipped with the package (bench/calibration_sample.py made them): the first half
fits the int8 graph's ranges, the second chooses this machine's path at `dateline prepare`."""
PATHS = ("ov-fp32", "ov-bf16", "ov-int8", "ov-int8-bf16")


def shipped_sample() -> tuple[list[str], list[str]]:
    """The shipped passages: (the quantizer's half, the calibration's half); empty where not shipped."""
    try:
        with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
    except (OSError, ValueError, KeyError):
        return [], []
    half = len(texts) // 2
    return texts[:half], texts[half:]


def int8_path(graph: Path) -> Path:
    """Where the OpenVINO int8 copy of an exported graph lives (an IR: this `.xml`, a `.bin` beside it)."""
    return graph.with_name(graph.stem + "-ov-int8.xml")


def int8_files(graph: Path) -> list[Path]:
    """The files of the int8 copy (what removing a stale graph removes with it)."""
    xml = int8_path(graph)
    return [xml, xml.with_suffix(".bin")]


def make_int8(model_dir: Path, graph: Path, texts: list[str], settings: Embeddings = DEFAULT) -> Path:
    """Write the static int8 copy of `graph` with NNCF, its activation ranges fitted on `texts` (each run
    alone and unpadded, as the encoder runs them), atomically: the `.bin` lands before the `.xml` that
    marks the copy complete."""
    no_telemetry()
    import openvino as ov

    with _quiet():
        import nncf

        tokenizer = load_tokenizer(model_dir, settings.encoding, pad=False)
        feeds = []
        for encoding in tokenizer.encode_batch(texts[: settings.calibration.quantizer_sample]):
            ids = np.array([encoding.ids], dtype=np.int64)
            feeds.append({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
        model = nncf.quantize(
            ov.convert_model(str(graph)),
            nncf.Dataset(feeds),
            model_type=nncf.ModelType.TRANSFORMER,
            subset_size=len(feeds),
        )
    target = int8_path(graph)
    tmp = temp_beside(target).with_suffix(".xml")
    try:
        ov.save_model(model, str(tmp), compress_to_fp16=False)  # the fp32 layers stay fp32
        os.replace(tmp.with_suffix(".bin"), target.with_suffix(".bin"))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_suffix(".bin").unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """NNCF's progress bars and advice are for its developers, not dateline's users."""
    root, level = logging.getLogger(), logging.getLogger().level
    root.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        root.setLevel(level)


def load(model_dir: Path, cache_dir: Path, precision: str, settings: Embeddings = DEFAULT) -> Encoder:
    """The encoder of one OpenVINO path (`PATHS`), making its graphs first where they are missing."""
    from embeddings.openvino_encoder import OpenVinoEncoder

    name, dim = model_name(model_dir), model_dim(model_dir)
    graph = graph_path(cache_dir, model_dir, name)
    if not graph.exists():
        export_onnx(model_dir, graph)
    if precision.startswith("ov-int8"):
        target = int8_path(graph)
        if not target.exists():
            make_int8(model_dir, graph, shipped_sample()[0], settings)
        graph = target
    return OpenVinoEncoder(graph, model_dir, name, dim, bf16=precision.endswith("bf16"), encoding=settings.encoding)
