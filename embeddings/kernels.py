"""Which way of embedding passages is fastest on this machine: measured once, then remembered.

The same model can run several ways on a CPU: the int8 ONNX graph (fast where int8 matrix kernels
are: AVX2, VNNI), the fp32 graph, and torch in bfloat16 where the CPU computes in it (AVX-512 BF16,
AMX). Which is fastest depends on the CPU, so the first indexing run on a machine times each on
real passages, drops any whose vectors fall below `MIN_COSINE` to the exact model's, and keeps the
fastest. The choice is recorded in the model cache, per model and machine.

Questions get the same choice between the ONNX graphs (`QUESTION_PATHS`), made by `dateline prepare`:
there the exact graph is the default, since a question takes milliseconds either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from embeddings.base import Encoder, Vectors

MIN_COSINE = 0.99
"""A path whose vectors fall below this cosine to the exact model's, on any passage, is not used."""

EXACT_COSINE = 0.9999
"""A path this close to the exact model on every passage is the exact model, computed another way."""

MIN_GAIN = 1.1
"""An approximate path must be at least this much faster than the exact model to be worth its error:
a smaller lead is within a busy machine's noise."""

LABELS = {
    "int8": "int8 ONNX",
    "int8-all": "int8 ONNX, every layer",
    "fp32": "fp32 (the exact model)",
    "onnx": "fp32 ONNX graph (the exact model)",
    "bf16": "bfloat16 torch",
}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> set[str]:
    """The CPU's feature flags (Linux), e.g. avx2, avx512_vnni, amx_bf16; empty where unknown."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


KERNEL_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8", "asimd")


def machine_key() -> str:
    """What makes one machine's choice differ from another's: the CPU, the flags that pick kernels,
    the cores, and the runtime versions."""
    import onnxruntime

    flags = sorted(cpu_flags() & set(KERNEL_FLAGS))
    text = f"{cpu_model()}|{','.join(flags)}|{os.cpu_count()}|ort {onnxruntime.__version__}"
    return hashlib.sha1(text.encode()).hexdigest()[:10]


INT8_DOT_FLAGS = {"avx512_vnni", "avx_vnni", "amx_int8"}
"""Where int8 dot products are native: there int8 matrices cost far less than fp32 ones, so the
fp32 layer the default int8 recipe keeps (the feed-forward down-projection) weighs most."""

BF16_FLAGS = {"avx512_bf16", "amx_bf16"}


def candidate_paths(flags: set[str] | None = None) -> list[str]:
    """The paths worth timing here: every-layer int8 only where int8 dot products are native
    (VNNI, AMX), bfloat16 only where the CPU computes in it."""
    flags = cpu_flags() if flags is None else flags
    paths = ["int8", "fp32", "onnx"]
    if flags & INT8_DOT_FLAGS:
        paths.append("int8-all")
    if flags & BF16_FLAGS:
        paths.append("bf16")
    return paths


def question_paths(flags: set[str] | None = None) -> list[str]:
    """The ways to encode a question here: the ONNX graphs only, since a question must not load torch
    ("fp32" is the exact graph there)."""
    return [p for p in candidate_paths(flags) if p not in ("bf16", "onnx")]


@dataclass(frozen=True, slots=True)
class Trial:
    path: str
    tokens_per_s: float
    min_cosine: float

    @property
    def usable(self) -> bool:
        return self.min_cosine >= MIN_COSINE


@dataclass(frozen=True, slots=True)
class Choice:
    """What calibration found on this machine, and the path chosen."""

    path: str
    cpu: str
    flags: list[str]
    trials: list[Trial]

    def describe(self) -> str:
        """One line: the path and why ("int8 ONNX, 1.7x fp32 on this CPU"; a faster path not worth
        its error is named: "...; int8 ONNX gains only 1.04x over it")."""
        speeds = {t.path: t.tokens_per_s for t in self.trials}
        label = LABELS.get(self.path, self.path)
        chosen, base = speeds.get(self.path, 0.0), speeds.get("fp32", 0.0)
        words = f"{label}, {chosen / base:.1f}x fp32 on this CPU" if self.path != "fp32" and base else label
        faster = [t for t in self.trials if t.usable and t.tokens_per_s > chosen]
        if faster and chosen:
            best = max(faster, key=lambda t: t.tokens_per_s)
            words += f"; {LABELS.get(best.path, best.path)} gains only {best.tokens_per_s / chosen:.2f}x over it"
        return words

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Choice:
        raw = json.loads(text)
        return cls(raw["path"], raw["cpu"], list(raw["flags"]), [Trial(**t) for t in raw["trials"]])


def record_path(cache_dir: Path, model: str, role: str = "passages") -> Path:
    """`role`: "passages" (indexing) or "questions"."""
    kind = "" if role == "passages" else f"{role}-"
    return cache_dir / f"kernels-{kind}{model}-{machine_key()}.json"


def recorded(cache_dir: Path, model: str, role: str = "passages") -> Choice | None:
    """The choice made earlier on this machine for this model, if any (a damaged record is none)."""
    try:
        return Choice.from_json(record_path(cache_dir, model, role).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def calibrate(
    encoders: dict[str, Callable[[], Encoder]],
    texts: list[str],
    tokens: int,
    runs: int = 3,
    clock: Callable[[], float] = time.perf_counter,
    *,
    questions: bool = False,
) -> Choice:
    """Time each path on `texts` (medians of `runs`, taking turns), compare its vectors with those of
    `fp32` (the exact model, which must be among them), and choose the fastest usable one, if it
    beats fp32 by `MIN_GAIN`. `questions`: encode the texts as questions, one at a time, as asking does."""
    loaded = {path: make() for path, make in encoders.items()}

    def encode(encoder: Encoder, batch: list[str]) -> Vectors:
        if questions:
            return np.vstack([encoder.encode_queries([text]) for text in batch])
        return encoder.encode_passages(batch)

    for encoder in loaded.values():
        encode(encoder, texts[:8])  # first-call costs (allocations, kernel selection) are not speed
    times: dict[str, list[float]] = {path: [] for path in loaded}
    vectors: dict[str, Vectors] = {}
    for _ in range(runs):
        for path, encoder in loaded.items():
            start = clock()
            vectors[path] = encode(encoder, texts)
            times[path].append(clock() - start)
    exact = vectors["fp32"]
    trials = [
        Trial(
            path,
            round(tokens / sorted(times[path])[len(times[path]) // 2], 1),
            round(float(np.min(np.sum(vectors[path] * exact, axis=1))), 5),
        )
        for path in loaded
    ]
    # The exact paths (the model itself, its fp32 graph) compete on speed alone; an approximate one
    # must beat the fastest of them by MIN_GAIN.
    exact_speed = max(t.tokens_per_s for t in trials if t.min_cosine >= EXACT_COSINE)
    worth = [
        t for t in trials if t.usable and (t.min_cosine >= EXACT_COSINE or t.tokens_per_s >= MIN_GAIN * exact_speed)
    ]
    best = max(worth, key=lambda t: t.tokens_per_s)  # fp32 always is one
    return Choice(best.path, cpu_model(), sorted(cpu_flags() & set(KERNEL_FLAGS)), trials)


def save(choice: Choice, cache_dir: Path, model: str, role: str = "passages") -> None:
    """Write the record atomically (two indexing runs may calibrate at once)."""
    target = record_path(cache_dir, model, role)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    tmp.write_text(choice.to_json(), encoding="utf-8")
    os.replace(tmp, target)
