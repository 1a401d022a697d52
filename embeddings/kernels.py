"""Which way of embedding passages is fastest on this machine: measured once, then remembered.

The same model can run several ways on a CPU: the int8 ONNX graph (fast where int8 matrix kernels
are: AVX2, VNNI), the fp32 graph, torch in bfloat16 where the CPU computes in it (AVX-512 BF16,
AMX), and, where OpenVINO is installed, its fp32, bfloat16 and static int8 paths
(embeddings/openvino_paths.py). Which is fastest depends on the CPU, so the first indexing run on a
machine (or `dateline prepare`) times each on real passages, drops any whose vectors retrieval would
notice (`accepted`, by the rule in `embeddings.settings.Calibration`), and keeps the fastest. The
choice is recorded in the model cache, per model and machine.

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
    "ov-fp32": "fp32 OpenVINO (the exact model)",
    "ov-bf16": "bfloat16 OpenVINO",
    "ov-int8": "static int8 OpenVINO",
    "ov-int8-bf16": "static int8 OpenVINO, bfloat16 between",
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

    from embeddings.openvino_encoder import version

    flags = sorted(cpu_flags() & set(KERNEL_FLAGS))
    text = f"{cpu_model()}|{','.join(flags)}|{os.cpu_count()}|ort {onnxruntime.__version__}"
    if openvino := version():  # installing it (or another version) means measuring again
        text += f"|ov {openvino}"
    return hashlib.sha1(text.encode()).hexdigest()[:10]


BF16_FLAGS = {"avx512_bf16", "amx_bf16"}


def candidate_paths(flags: set[str] | None = None, openvino: bool | None = None) -> list[str]:
    """The paths worth timing here: bfloat16 only where the CPU computes in it, OpenVINO's only where
    it is installed (`openvino`: whether it is; None: look).

    Every-layer int8 (`int8-all`) is not among them, whatever the CPU: over 1,024 benchmark passages
    a tenth of its vectors fall below the cosine bar (min 0.977 on a VNNI Zen 4; 0.983 on Zen 1),
    and the benchmark re-indexed with it lost 0.028 AR@200w, yet a calibration sample of a few dozen
    passages can miss that tail (docs/benchmarks.md). It stays a forced `--precision` for bulk runs."""
    flags = cpu_flags() if flags is None else flags
    if openvino is None:
        from embeddings.openvino_encoder import available

        openvino = available()
    bf16 = bool(flags & BF16_FLAGS)
    paths = ["int8", "fp32", "onnx"] + (["bf16"] if bf16 else [])
    if openvino:
        paths += ["ov-fp32", "ov-int8"] + (["ov-bf16", "ov-int8-bf16"] if bf16 else [])
    return paths


def question_paths(flags: set[str] | None = None) -> list[str]:
    """The ways to encode a question here: ONNX Runtime's graphs only ("fp32" is the exact graph
    there). Never torch; nor OpenVINO, whose import and compile cost a question more than its
    faster kernels save on a dozen tokens (docs/benchmarks.md, "OpenVINO")."""
    return [p for p in candidate_paths(flags, openvino=False) if p not in ("bf16", "onnx")]


@dataclass(frozen=True, slots=True)
class Trial:
    path: str
    tokens_per_s: float
    min_cosine: float
    close: float = 1.0
    """The share of the sample's texts within `Calibration.close_cosine` of the exact model."""
    overlap: float = 1.0
    """The mean share of each probe question's nearest sample passages that are the exact model's too."""

    def usable(self, calibration: Calibration = DEFAULT.calibration) -> bool:
        """Whether its vectors are close enough to the exact model's to be used."""
        return accepted(self.min_cosine, self.close, self.overlap, calibration)


def accepted(min_cosine: float, close: float, overlap: float, calibration: Calibration = DEFAULT.calibration) -> bool:
    """The acceptance rule: no text below `min_cosine`, at least `close_share` of them within
    `close_cosine`, and the probe questions' neighbours kept (`min_overlap`)."""
    return (
        min_cosine >= calibration.min_cosine and close >= calibration.close_share and overlap >= calibration.min_overlap
    )


def neighbour_overlap(probes: Vectors, exact: Vectors, other: Vectors, k: int) -> float:
    """The mean share of each probe's `k` nearest rows of `exact` that are among its `k` nearest of
    `other` (the same texts, encoded another way); 1.0 with no probes."""
    if not len(probes) or not len(exact):
        return 1.0
    k = min(k, len(exact))
    near = np.argsort(-(probes @ exact.T), axis=1, kind="stable")[:, :k]
    found = np.argsort(-(probes @ other.T), axis=1, kind="stable")[:, :k]
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(near.tolist(), found.tolist(), strict=True)]))


def question_like(passages: list[str], limit: int = 64, words: int = 14) -> list[str]:
    """Question-length texts: the passages' sentences cut to the length of a question."""
    import re

    sentences = [s for p in passages for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) >= 5]
    return [" ".join(s.split()[:words]) for s in sentences[:limit]]


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
    probes: Sequence[str] = (),
    calibration: Calibration = DEFAULT.calibration,
) -> Choice:
    """Time each path on `texts` (`tokens`: each text's count), compare its vectors with those of
    `fp32` (the exact model, which must be among them), and choose the fastest usable one, if it
    beats the exact model by `calibration.min_gain`. Each of the `runs` takes its own share of the texts (the
    paths taking turns on it), so the cosines cover every text at the cost of timing a third of
    them; speed is the median of the runs. `questions`: encode the texts as questions, one at a
    time, as asking does (their neighbours are then among the texts themselves). `probes`: questions
    whose nearest texts each path must keep (encoded by the exact model)."""
    loaded = {path: make() for path, make in encoders.items()}

    def encode(encoder: Encoder, batch: list[str]) -> Vectors:
        if questions:
            return np.vstack([encoder.encode_queries([text]) for text in batch])
        return encoder.encode_passages(batch)

    for encoder in loaded.values():
        encode(encoder, texts[:8])  # first-call costs (allocations, kernel selection) are not speed
    speeds: dict[str, list[float]] = {path: [] for path in loaded}
    vectors = {path: np.zeros((len(texts), encoder.dim), dtype=np.float32) for path, encoder in loaded.items()}
    for run in range(runs):
        share = list(range(run, len(texts), runs)) or list(range(len(texts)))
        batch, count = [texts[i] for i in share], sum(tokens[i] for i in share)
        for path, encoder in loaded.items():
            start = clock()
            vectors[path][share] = encode(encoder, batch)
            speeds[path].append(count / max(clock() - start, 1e-9))
    exact = vectors["fp32"]
    asked = loaded["fp32"].encode_queries(list(probes)) if probes else exact[:0]
    trials = []
    for path in loaded:
        cosines = np.sum(vectors[path] * exact, axis=1)
        if questions:
            overlap = neighbour_overlap(vectors[path], exact, exact, calibration.neighbours)
        else:
            overlap = neighbour_overlap(asked, exact, vectors[path], calibration.neighbours)
        speed = round(sorted(speeds[path])[len(speeds[path]) // 2], 1)
        close = round(float(np.mean(cosines >= calibration.close_cosine)), 4)
        trials.append(Trial(path, speed, round(float(np.min(cosines)), 5), close, round(overlap, 4)))
    # The exact paths (the model itself, its fp32 graph) compete on speed alone; an approximate one
    # must beat the fastest of them by min_gain.
    same, gain = calibration.exact_cosine, calibration.min_gain
    exact_speed = max(t.tokens_per_s for t in trials if t.min_cosine >= same)
    worth = [
        t for t in trials if t.usable(calibration) and (t.min_cosine >= same or t.tokens_per_s >= gain * exact_speed)
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
