"""Indexing on a GPU: passages a second through sentence-transformers, and `dateline index --device cuda`.

    python -m bench.gpu_speed [--device cuda] [--runs 3] [--articles FILE] [--questions FILE] [--model DIR]

1. The benchmark's passages, cut as indexing cuts them (headline + passage), encoded by
   sentence-transformers on the device at batch 32 and 256 (median of runs, after a warm-up).
2. `dateline index --device cuda` building the whole benchmark index from scratch, end to end
   (model load, reading, chunking, SQLite, FTS5, FAISS), median wall clock of runs.
3. `dateline eval` on that index: the same AR as the CPU fp32 index.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, gpu_arguments, machine, median, require_device, table
from embeddings.base import default_model_dir
from embeddings.st_encoder import SentenceTransformerEncoder
from qa.ingest.chunker import chunk, embedding_text


def passages(articles: Path) -> list[str]:
    out: list[str] = []
    with open(articles, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out += [embedding_text(r["title"], p.text) for p in chunk("x", r["text"], r["title"])]
    return out


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    gpu_arguments(parser)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    require_device(args.device)
    model = args.model or default_model_dir()
    texts = passages(args.articles)
    texts.sort(key=len, reverse=True)  # as indexing orders a group: less padding
    rows = []
    for batch in (32, 256):
        encoder = SentenceTransformerEncoder(model, device=args.device, batch_size=batch)
        encoder.encode_passages(texts[:2048])
        times = []
        for _ in range(args.runs):
            synchronize(args.device)
            start = time.perf_counter()
            encoder.encode_passages(texts)
            synchronize(args.device)
            times.append(time.perf_counter() - start)
        rows.append([f"sentence-transformers, batch {batch}", f"{len(texts) / median(times):,.0f}"])
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        for _ in range(args.runs):
            command = [sys.executable, "-m", "tui.launcher", "index", "--device", args.device, "--index", str(index)]
            command += ["--rebuild", "--model", str(model), str(args.articles)]
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
            walls.append(time.perf_counter() - start)
        rows.append([f"`dateline index --device {args.device}`, end to end", f"{len(texts) / median(walls):,.0f}"])
        evaluation = subprocess.run(
            [sys.executable, "-m", "tui.launcher", "eval", str(args.questions), "--index", str(index)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    print(f"{len(texts):,} passages; device {args.device}; {machine()}")
    print(table(["what", "passages/s (median)"], rows))
    print(f"`dateline index` wall clock: median {median(walls):.1f} s of {[round(w, 1) for w in walls]}")
    print(evaluation.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
