"""Passage-encoding throughput on the CPU: sentence-transformers fp32 against ONNX Runtime.

    .venv/bin/python -m bench.encode_speed [--passages 512] [--runs 3]

Encodes the same passages (the benchmark's first articles, cut by dateline's chunker, with their
headlines, as indexing does) with each encoder, several runs each, and prints medians and the ratio
against sentence-transformers measured in the same run. Also reports how close each encoder's
vectors are to sentence-transformers'.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import EVAL, OUT, machine, median, table
from embeddings.encoder import Encoder, default_model_dir, model_dim, model_name
from embeddings.export import export_onnx, graph_path
from embeddings.onnx_encoder import OnnxEncoder
from embeddings.st_encoder import SentenceTransformerEncoder
from qa.chunker import chunk, embedding_text


def sample_passages(n: int) -> list[str]:
    out: list[str] = []
    with open(EVAL / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out += [embedding_text(r["title"], p.text) for p in chunk("x", r["text"], r["title"])]
            if len(out) >= n:
                return out[:n]
    return out


def quantized(graph: Path) -> Path:
    """A dynamically int8-quantized copy of the graph (weights int8, activations quantized on the fly)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = graph.with_name(graph.stem + "-int8.onnx")
    if not target.exists():
        quantize_dynamic(str(graph), str(target), weight_type=QuantType.QInt8)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = sample_passages(args.passages)
    path = default_model_dir()
    name, dim = model_name(path), model_dim(path)
    cache = OUT / "models"
    graph = graph_path(cache, path, name)
    if not graph.exists():
        export_onnx(path, graph)
    st = SentenceTransformerEncoder(path)
    tokens = sum(len(e) for e in st._model.tokenizer(texts, truncation=True, max_length=256)["input_ids"])
    encoders: list[tuple[str, Callable[[], Encoder]]] = [
        ("sentence-transformers fp32 (baseline)", lambda: st),
        ("ONNX Runtime fp32, length-sorted batches", lambda: OnnxEncoder(graph, path, name, dim)),
        ("ONNX Runtime int8 (dynamic quantization)", lambda: OnnxEncoder(quantized(graph), path, name, dim)),
    ]
    reference = st.encode_passages(texts)
    rows, base = [], None
    for label, make in encoders:
        encoder = make()
        encoder.encode_passages(texts[:32])  # warm up
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            vectors = encoder.encode_passages(texts)
            times.append(time.perf_counter() - start)
        t = median(times)
        base = base or t
        cos = float((vectors * reference).sum(axis=1).min())
        rows.append([label, f"{len(texts) / t:.1f}", f"{tokens / t:,.0f}", f"{base / t:.2f}x", f"{cos:.4f}"])
    print(f"{len(texts)} passages, {tokens:,} tokens, median of {args.runs} runs; {machine()}")
    print(table(["encoder", "passages/s", "tokens/s", "vs baseline", "min cosine to baseline"], rows))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
