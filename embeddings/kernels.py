"""Which way of embedding passages is fastest on this machine: measured once, then remembered.

The same model can run several ways on a CPU: the int8 ONNX graph (fast where int8 matrix kernels
are: AVX2, VNNI), the fp32 graph, and torch in bfloat16 where the CPU computes in it (AVX-512 BF16,
AMX). Which is fastest depends on the CPU, so the first indexing run on a machine times each on
real passages, drops any whose vectors fall below a cosine to the exact model's
(`embeddings.settings.Calibration`), and keeps the fastest. The choice is recorded in the model
cache, per model and machine.

Questions get the same choice between the ONNX graphs (`question_paths`), made by `dateline prepare`:
there the exact graph is the default, since a question takes milliseconds either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from embeddings.base import Encoder, Vectors
from embeddings.settings import DEFAULT, Calibration

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


BF16_FLAGS = {"avx512_bf16", "amx_bf16"}


def candidate_paths(flags: set[str] | None = None) -> list[str]:
    """The paths worth timing here: bfloat16 only where the CPU computes in it.

    Every-layer int8 (`int8-all`) is not among them, whatever the CPU: over 1,024 benchmark passages
    a tenth of its vectors fall below the cosine bar (min 0.977 on a VNNI Zen 4; 0.983 on Zen 1),
    and the benchmark re-indexed with it lost 0.028 AR@200w, yet a calibration sample of a few dozen
    passages can miss that tail (docs/benchmarks.md). It stays a forced `--precision` for bulk runs."""
    flags = cpu_flags() if flags is None else flags
    paths = ["int8", "fp32", "onnx"]
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

    def usable(self, calibration: Calibration = DEFAULT.calibration) -> bool:
        """Whether its vectors are close enough to the exact model's to be used."""
        return self.min_cosine >= calibration.min_cosine


@dataclass(frozen=True, slots=True)
class Choice:
    """What calibration found on this machine, and the path chosen."""

    path: str
    cpu: str
    flags: list[str]
    trials: list[Trial]

    def describe(self, calibration: Calibration = DEFAULT.calibration) -> str:
        """One line: the path and why ("int8 ONNX, 1.7x fp32 on this CPU"; a faster path not worth
        its error is named: "...; int8 ONNX gains only 1.04x over it")."""
        speeds = {t.path: t.tokens_per_s for t in self.trials}
        label = LABELS.get(self.path, self.path)
        chosen, base = speeds.get(self.path, 0.0), speeds.get("fp32", 0.0)
        words = f"{label}, {chosen / base:.1f}x fp32 on this CPU" if self.path != "fp32" and base else label
        faster = [t for t in self.trials if t.usable(calibration) and t.tokens_per_s > chosen]
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
    tokens: Sequence[int],
    runs: int = 3,
    clock: Callable[[], float] = time.perf_counter,
    *,
    questions: bool = False,
    calibration: Calibration = DEFAULT.calibration,
) -> Choice:
    """Time each path on `texts` (`tokens`: each text's count), compare its vectors with those of
    `fp32` (the exact model, which must be among them), and choose the fastest usable one, if it
    beats the exact model by `calibration.min_gain`. Each of the `runs` takes its own share of the texts (the
    paths taking turns on it), so the cosines cover every text at the cost of timing a third of
    them; speed is the median of the runs. `questions`: encode the texts as questions, one at a
    time, as asking does."""
    loaded = {path: make() for path, make in encoders.items()}

    def encode(encoder: Encoder, batch: list[str]) -> Vectors:
        if questions:
            return np.vstack([encoder.encode_queries([text]) for text in batch])
        return encoder.encode_passages(batch)

    for encoder in loaded.values():
        encode(encoder, texts[:8])  # first-call costs (allocations, kernel selection) are not speed
    speeds: dict[str, list[float]] = {path: [] for path in loaded}
    cosines: dict[str, list[Vectors]] = {path: [] for path in loaded}
    for run in range(runs):
        share = list(range(run, len(texts), runs)) or list(range(len(texts)))
        batch, count = [texts[i] for i in share], sum(tokens[i] for i in share)
        vectors: dict[str, Vectors] = {}
        for path, encoder in loaded.items():
            start = clock()
            vectors[path] = encode(encoder, batch)
            speeds[path].append(count / max(clock() - start, 1e-9))
        for path in loaded:
            cosines[path].append(np.sum(vectors[path] * vectors["fp32"], axis=1))
    trials = [
        Trial(
            path,
            round(sorted(speeds[path])[len(speeds[path]) // 2], 1),
            round(float(np.min(np.concatenate(cosines[path]))), 5),
        )
        for path in loaded
    ]
    # The exact paths (the model itself, its fp32 graph) compete on speed alone; an approximate one
    # must beat the fastest of them by min_gain.
    exact, gain = calibration.exact_cosine, calibration.min_gain
    exact_speed = max(t.tokens_per_s for t in trials if t.min_cosine >= exact)
    worth = [
        t for t in trials if t.usable(calibration) and (t.min_cosine >= exact or t.tokens_per_s >= gain * exact_speed)
    ]
    best = max(worth, key=lambda t: t.tokens_per_s)  # fp32 always is one
    return Choice(best.path, cpu_model(), sorted(cpu_flags() & set(KERNEL_FLAGS)), trials)


def save(choice: Choice, cache_dir: Path, model: str, role: str = "passages") -> None:
    """Write the record atomically (two indexing runs, from any DATELINE_HOME, may calibrate at once)."""
    target = record_path(cache_dir, model, role)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}-{secrets.token_hex(4)}")
    tmp.write_text(choice.to_json(), encoding="utf-8")
    os.replace(tmp, target)
