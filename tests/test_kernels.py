"""Choosing how indexing embeds on this machine: the fastest path within the cosine bar, remembered.

The paths here are stand-ins whose cost is counted on a clock they advance, so the choice never
depends on how fast this machine happens to be."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from embeddings.base import Encoder, Vectors, default_model_dir, model_name
from embeddings.factory import CalibratingEncoder, indexing_encoder
from embeddings.hash_encoder import HashEncoder
from embeddings.kernels import Choice, Trial, calibrate, recorded, save
from qa.cli import main as cli_main


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Path_(HashEncoder):
    """A path that costs `cost` seconds per passage and bends the exact vectors by `bend`."""

    def __init__(self, clock: Clock, cost: float, bend: float) -> None:
        super().__init__(16)
        self.clock, self.cost, self.bend = clock, cost, bend

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        self.clock.now += self.cost * len(texts)
        exact = super().encode_passages(texts)
        bent = exact + self.bend * np.roll(exact, 1, axis=1)
        out: Vectors = (bent / np.linalg.norm(bent, axis=1, keepdims=True)).astype(np.float32)
        return out


def makers(paths: dict[str, Path_]) -> dict[str, Callable[[], Encoder]]:
    return {p: (lambda e=e: e) for p, e in paths.items()}  # type: ignore[misc]


TEXTS = [f"passage number {i} about the talks in Pyongyang" for i in range(16)]


def test_the_fastest_path_within_the_bar_is_chosen() -> None:
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Path_(clock, 0.004, 0.01), "bf16": Path_(clock, 0.002, 0.5)}
    choice = calibrate(makers(paths), TEXTS, tokens=[100] * 16, clock=clock)
    by_path = {t.path: t for t in choice.trials}
    assert not by_path["bf16"].usable()  # fastest, but its vectors are too far from the exact model's
    assert by_path["int8"].usable() and choice.path == "int8"
    assert "2.5x fp32" in choice.describe()


class Tail_(Path_):
    """Close to the exact model on every passage but one."""

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        out = super().encode_passages(texts)
        exact = HashEncoder(16).encode_passages(texts)
        keep = np.array(["number 13 " not in t for t in texts])
        return np.where(keep[:, None], exact, out).astype(np.float32)


def test_one_passage_below_the_bar_rules_a_path_out() -> None:
    # Each run times its own share of the sample, so every passage is compared, not just the first few.
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Tail_(clock, 0.002, 0.5)}
    choice = calibrate(makers(paths), TEXTS, tokens=[100] * 16, clock=clock)
    assert choice.path == "fp32"
    assert not {t.path: t for t in choice.trials}["int8"].usable()


def test_the_exact_model_when_nothing_else_is_close_enough() -> None:
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Path_(clock, 0.001, 0.5)}
    choice = calibrate(makers(paths), TEXTS, tokens=[100] * 16, clock=clock)
    assert choice.path == "fp32"


def test_the_choice_is_remembered_and_forcing_one_skips_it(tmp_path: Path) -> None:
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Path_(clock, 0.004, 0.01)}
    choice = calibrate(makers(paths), TEXTS, tokens=[100] * 16, clock=clock)
    model = model_name(default_model_dir())
    save(choice, tmp_path, model)
    again = recorded(tmp_path, model)
    assert isinstance(again, Choice) and again.path == "int8" and again.trials == choice.trials
    told: list[str] = []
    encoder = indexing_encoder(None, cache_dir=tmp_path, on_choice=told.append)
    assert not isinstance(encoder, CalibratingEncoder)
    assert told == ["int8 ONNX, 2.5x fp32 on this CPU"]
    told.clear()
    indexing_encoder(None, cache_dir=tmp_path, precision="fp32", on_choice=told.append)
    assert told == []  # forced: nothing measured, nothing said


def test_a_damaged_record_is_measured_again(tmp_path: Path) -> None:
    from embeddings.kernels import record_path

    record_path(tmp_path, "m").write_text("{not json")
    assert recorded(tmp_path, "m") is None


def test_info_says_how_this_machine_embeds(
    bundled_index: Path, model_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["info", "--index", str(bundled_index)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "embedding" in lines and "judge" in lines


def test_a_path_barely_faster_than_the_exact_model_is_not_worth_its_error() -> None:
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Path_(clock, 0.0095, 0.05)}
    choice = calibrate(makers(paths), TEXTS, tokens=[100] * 16, clock=clock)
    assert choice.path == "fp32"
    assert choice.describe() == "fp32 (the exact model); int8 ONNX gains only 1.05x over it"


def test_the_exact_model_computed_faster_counts_as_exact() -> None:
    # Its fp32 graph gives the model's own vectors: the approximate path must beat it, not the slower original.
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "onnx": Path_(clock, 0.0090, 0.0), "int8": Path_(clock, 0.0085, 0.05)}
    choice = calibrate(makers(paths), TEXTS, tokens=[100] * 16, clock=clock)
    assert choice.path == "onnx"
    said = "fp32 ONNX graph (the exact model), 1.1x fp32 on this CPU; int8 ONNX gains only 1.06x over it"
    assert choice.describe() == said


def test_the_paths_offered_follow_the_cpu_flags() -> None:
    from embeddings.kernels import candidate_paths, question_paths

    assert candidate_paths({"avx2", "fma"}, openvino=False) == ["int8", "fp32", "onnx"]
    # Every-layer int8 is never chosen by itself (a tenth of real passages fall below the bar).
    assert candidate_paths({"avx2", "avx512_vnni"}, openvino=False) == ["int8", "fp32", "onnx"]
    assert candidate_paths({"avx512_vnni", "amx_int8", "amx_bf16"}, openvino=False) == ["int8", "fp32", "onnx", "bf16"]
    assert candidate_paths({"avx2"}, openvino=True) == ["int8", "fp32", "onnx", "ov-fp32", "ov-int8"]
    with_bf16 = candidate_paths({"avx512_bf16"}, openvino=True)
    assert with_bf16 == ["int8", "fp32", "onnx", "bf16", "ov-fp32", "ov-int8", "ov-bf16", "ov-int8-bf16"]
    assert question_paths({"avx512_vnni", "amx_bf16"}) == ["int8", "fp32"]  # never torch, nor OpenVINO


class Question_(Path_):
    """A path timed only when it encodes questions one by one, as asking does."""

    def encode_queries(self, texts: list[str]) -> Vectors:
        assert len(texts) == 1
        return self.encode_passages(texts)


def test_questions_are_timed_one_at_a_time_and_recorded_apart(tmp_path: Path) -> None:
    clock = Clock()
    paths = {"fp32": Question_(clock, 0.010, 0.0), "int8": Question_(clock, 0.002, 0.01)}
    choice = calibrate(makers(paths), TEXTS, tokens=[10] * 16, clock=clock, questions=True)  # type: ignore[arg-type]
    assert choice.path == "int8"
    save(choice, tmp_path, "m", "questions")
    assert recorded(tmp_path, "m") is None  # indexing's choice is its own
    again = recorded(tmp_path, "m", "questions")
    assert again is not None and again.path == "int8"


def test_questions_use_the_recorded_path(model_cache: Path, tmp_path: Path) -> None:
    from embeddings.cache import prepare
    from embeddings.export import graph_path, int8_path
    from embeddings.factory import LazyEncoder, question_encoder
    from embeddings.onnx_encoder import OnnxEncoder

    prepare(None, model_cache)
    model_dir = default_model_dir()
    graph = graph_path(model_cache, model_dir, model_name(model_dir))
    for made in (graph, int8_path(graph)):
        (tmp_path / made.name).symlink_to(made)
    exact = question_encoder(None, tmp_path)
    assert isinstance(exact, LazyEncoder)
    loaded = exact.loaded()
    assert isinstance(loaded, OnnxEncoder) and loaded.graph == tmp_path / graph.name  # nothing recorded: exact
    trials = [Trial("int8", 2.0, 0.995), Trial("fp32", 1.0, 1.0)]
    save(Choice("int8", "test", [], trials), tmp_path, model_name(model_dir), "questions")
    fast = question_encoder(None, tmp_path)
    assert isinstance(fast, LazyEncoder)
    loaded = fast.loaded()
    assert isinstance(loaded, OnnxEncoder) and loaded.graph == tmp_path / int8_path(graph).name
