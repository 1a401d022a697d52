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
from embeddings.kernels import Choice, calibrate, recorded, save
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
    choice = calibrate(makers(paths), TEXTS, tokens=1600, clock=clock)
    by_path = {t.path: t for t in choice.trials}
    assert not by_path["bf16"].usable  # fastest, but its vectors are too far from the exact model's
    assert by_path["int8"].usable and choice.path == "int8"
    assert "2.5x fp32" in choice.describe()


def test_the_exact_model_when_nothing_else_is_close_enough() -> None:
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Path_(clock, 0.001, 0.5)}
    choice = calibrate(makers(paths), TEXTS, tokens=1600, clock=clock)
    assert choice.path == "fp32"


def test_the_choice_is_remembered_and_forcing_one_skips_it(tmp_path: Path) -> None:
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Path_(clock, 0.004, 0.01)}
    choice = calibrate(makers(paths), TEXTS, tokens=1600, clock=clock)
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
