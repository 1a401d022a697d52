"""Passage-encoding throughput on the CPU: sentence-transformers fp32 against ONNX Runtime.

    .venv/bin/python -m bench.encode_speed [--passages 512] [--runs 5]

Encodes the same passages (the benchmark's first articles, cut by dateline's chunker, with their
headlines, as indexing does) with each encoder, the encoders taking turns run by run so that a noisy
spell hits them alike, and prints medians and the ratio against sentence-transformers measured in
the same run. Also reports how close each encoder's vectors are to sentence-transformers'.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from bench.common import OUT, machine, median, sample_passages, table
from embeddings.base import Encoder, default_model_dir, model_dim, model_name
from embeddings.export import export_onnx, graph_path, int8_path, quantize_onnx
from embeddings.kernels import KERNEL_FLAGS, candidate_paths, cpu_flags
from embeddings.onnx_encoder import OnnxEncoder
from embeddings.st_encoder import SentenceTransformerEncoder


def per_tensor(graph: Path) -> Path:
    """The first int8 trial: unfused graph, one scale per weight tensor (kept for comparison)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = graph.with_name(graph.stem + "-int8-per-tensor.onnx")
    if not target.exists():
        # The graph is fused; its fused operators hide some tensor types from shape inference (all float).
        quantize_dynamic(str(graph), str(target), weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": 1})
    return target


def profile(graph: Path, texts: list[str]) -> None:
    """Where the int8 graph's time goes, by operator (ONNX Runtime's profiler), batches of 8."""
    import collections

    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(default_model_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.enable_profiling = True
    session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
    ordered = sorted(texts, key=len)
    for b in range(0, len(ordered), 8):
        encodings = tokenizer.encode_batch(ordered[b : b + 8])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
    trace = Path(session.end_profiling())
    spent: collections.Counter[str] = collections.Counter()
    for event in json.loads(trace.read_text()):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            spent[event["args"]["op_name"]] += event["dur"]
    trace.unlink()
    total = sum(spent.values())
    rows = [[op, f"{us / 1000:.0f}", f"{100 * us / total:.1f}%"] for op, us in spent.most_common(8)]
    print(table(["operator (int8 graph)", "ms", "share"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=512)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also show the int8 graph's time by operator")
    args = parser.parse_args()
    texts = sample_passages(args.passages)
    path = default_model_dir()
    name, dim = model_name(path), model_dim(path)
    cache = OUT / "models"
    graph = graph_path(cache, path, name)
    if not graph.exists():
        export_onnx(path, graph)
    if not int8_path(graph).exists():
        quantize_onnx(graph, int8_path(graph))
    if not int8_path(graph, every_layer=True).exists():
        quantize_onnx(graph, int8_path(graph, every_layer=True), ffn_down_fp32=False)
    offered = candidate_paths()
    st = SentenceTransformerEncoder(path)
    tokens = sum(len(e) for e in st._model.tokenizer(texts, truncation=True, max_length=256)["input_ids"])
    encoders: list[tuple[str, Encoder]] = [
        ("sentence-transformers fp32, batch 32 (baseline)", st),
        ("sentence-transformers fp32, batch 8", SentenceTransformerEncoder(path, batch_size=8)),
        ("ONNX Runtime fp32, batch 8", OnnxEncoder(graph, path, name, dim)),
        ("ONNX Runtime int8 per-tensor, unfused, batch 8", OnnxEncoder(per_tensor(graph), path, name, dim)),
        (
            "ONNX int8 per-channel, fused, batch 8 (dateline's int8 path)",
            OnnxEncoder(int8_path(graph), path, name, dim),
        ),
        # Timed everywhere for the record; indexing offers it only where int8 dot products are native.
        (
            "ONNX int8 every layer, fused, batch 8 (dateline's int8-all path"
            + ("" if "int8-all" in offered else ", not offered on this CPU")
            + ")",
            OnnxEncoder(int8_path(graph, every_layer=True), path, name, dim),
        ),
    ]
    if "bf16" in offered:  # only where the CPU computes in bfloat16 (AVX-512 BF16, AMX)
        encoders.append(("torch bf16, batch 32 (dateline's bf16 path)", SentenceTransformerEncoder(path, bf16=True)))
    reference = st.encode_passages(texts)
    times: list[list[float]] = [[] for _ in encoders]
    last: list[Any] = [None] * len(encoders)
    for _, encoder in encoders:
        encoder.encode_passages(texts[:32])  # warm up
    for _ in range(args.runs):
        for i, (_, encoder) in enumerate(encoders):
            start = time.perf_counter()
            last[i] = encoder.encode_passages(texts)
            times[i].append(time.perf_counter() - start)
    rows, base = [], median(times[0])
    for (label, _), runs, vectors in zip(encoders, times, last, strict=True):
        t = median(runs)
        cos = float((vectors * reference).sum(axis=1).min())
        rows.append([label, f"{len(texts) / t:.1f}", f"{tokens / t:,.0f}", f"{base / t:.2f}x", f"{cos:.4f}"])
    print(f"{len(texts)} passages, {tokens:,} tokens, median of {args.runs} runs; {machine()}")
    print(f"kernel flags: {', '.join(sorted(cpu_flags() & set(KERNEL_FLAGS))) or 'none known'}")
    print(f"paths indexing times here: {', '.join(offered)}")
    print(table(["encoder", "passages/s", "tokens/s", "vs baseline", "min cosine to baseline"], rows))
    if args.profile:
        profile(int8_path(graph), texts)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
