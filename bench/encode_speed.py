"""Passage-encoding speed and closeness of every path indexing can take on this CPU, side by side.

    .venv/bin/python -m bench.encode_speed [--passages 1024] [--runs 3] [--paths onnx ov-int8 ...]

Encodes the same real passages (the benchmark's first articles, cut and headed as indexing embeds
them) with each path as dateline runs it (`embeddings.factory.fixed_encoder`: its own batching,
tokenizing included), the paths taking turns run by run so that a noisy spell hits them alike, and
prints medians against sentence-transformers fp32 measured in the same run; then how close each
path's vectors are to the exact model's (min and mean cosine, the share within 0.99, and the share
of the benchmark questions' top-10 passages kept) and whether calibration's rule accepts it.
Paths that need bfloat16 are timed only where the CPU computes in it.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from bench.common import EVAL, OUT, machine, median, sample_passages, table
from embeddings.base import Encoder, Vectors
from embeddings.factory import LazyEncoder, fixed_encoder
from embeddings.kernels import KERNEL_FLAGS, LABELS, accepted, candidate_paths, cpu_flags, neighbour_overlap
from embeddings.settings import Calibration

BASELINE = "fp32"  # sentence-transformers: the exact model
NAMES = {
    "fp32": "sentence-transformers fp32",
    "onnx": "onnxruntime, dateline's fp32 graph",
    "int8": "onnxruntime, dateline's int8 graph (each text alone)",
    "bf16": "torch bf16",
    "ov-fp32": "OpenVINO fp32",
    "ov-bf16": "OpenVINO, bf16 precision hint",
    "ov-int8": "OpenVINO int8, NNCF static",
    "ov-int8-bf16": "OpenVINO int8, NNCF static, bf16 between",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paths", nargs="*", help="paths to time (default: every one offered on this CPU)")
    args = parser.parse_args()
    texts = sample_passages(args.passages)
    questions = [json.loads(line)["question"] for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    cache = OUT / "models"
    paths = [BASELINE, *[p for p in (args.paths or candidate_paths()) if p != BASELINE]]
    encoders: dict[str, Encoder] = {}
    for path in paths:
        encoder = fixed_encoder(None, cache, path)
        encoders[path] = encoder.loaded() if isinstance(encoder, LazyEncoder) else encoder  # graphs made now
        encoders[path].encode_passages(texts[:32])  # warm up
    times: dict[str, list[float]] = {p: [] for p in paths}
    vectors: dict[str, Vectors] = {}
    for _ in range(args.runs):
        for path, encoder in encoders.items():
            start = time.perf_counter()
            vectors[path] = encoder.encode_passages(texts)
            times[path].append(time.perf_counter() - start)
    exact = vectors[BASELINE]
    asked = encoders[BASELINE].encode_queries(questions)
    rule, base, rows = Calibration(), median(times[BASELINE]), []
    for path in paths:
        unit = vectors[path] / np.linalg.norm(vectors[path], axis=1, keepdims=True)  # bf16 vectors' norms stray
        t, cos = median(times[path]), (unit * exact).sum(axis=1)
        close = float(np.mean(cos >= rule.close_cosine))
        overlap = neighbour_overlap(asked, exact, vectors[path], rule.neighbours)
        ok = accepted(float(cos.min()), close, overlap, rule)
        rows.append(
            [
                NAMES.get(path, LABELS.get(path, path)),
                f"{len(texts) / t:.1f}",
                f"{base / t:.2f}x",
                f"{cos.min():.5f}",
                f"{cos.mean():.5f}",
                f"{100 * close:.1f}%",
                f"{overlap:.3f}",
                "yes" if ok else "no",
            ]
        )
    print(f"{len(texts)} passages, {len(questions)} questions, median of {args.runs} alternating runs; {machine()}")
    print(
        f"kernel flags: {', '.join(sorted(cpu_flags() & set(KERNEL_FLAGS))) or 'none known'}; threads {os.cpu_count()}"
    )
    head = ["path", "passages/s", "vs sentence-transformers fp32", "min cosine", "mean cosine", "within 0.99"]
    print(table([*head, "top-10 kept", "rule accepts"], rows))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
