"""Calibration's acceptance rule reads retrieval: most passages close, none far, neighbours kept.

Made-up numbers and stand-in paths only: nothing here depends on this machine's speed or kernels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from embeddings.kernels import Trial, accepted, calibrate, neighbour_overlap, question_like
from embeddings.settings import Calibration
from tests.test_kernels import Clock, Path_, makers

RULE = Calibration()


def test_the_rules_numbers() -> None:
    assert (RULE.close_cosine, RULE.close_share, RULE.min_cosine) == (0.99, 0.995, 0.95)
    assert (RULE.neighbours, RULE.min_overlap) == (10, 0.9)


def test_one_passage_in_a_thousand_below_the_close_bar_is_accepted() -> None:
    assert accepted(min_cosine=0.975, close=0.999, overlap=0.97)
    assert accepted(min_cosine=0.95, close=0.995, overlap=0.9)  # every bar met exactly


def test_too_many_passages_below_the_close_bar_reject_a_path() -> None:
    assert not accepted(min_cosine=0.979, close=0.992, overlap=0.97)  # 0.8% below 0.99


def test_one_passage_far_off_rejects_a_path() -> None:
    assert not accepted(min_cosine=0.94, close=0.999, overlap=0.99)


def test_lost_neighbours_reject_a_path() -> None:
    assert not accepted(min_cosine=0.995, close=1.0, overlap=0.85)


def test_the_rule_is_the_configs() -> None:
    loose = replace(RULE, close_share=0.9, min_cosine=0.9, min_overlap=0.5)
    trial = Trial("int8", 1.0, 0.93, close=0.95, overlap=0.6)
    assert trial.usable(loose) and not trial.usable(RULE)


def test_a_record_made_before_the_rule_reads_as_close() -> None:
    old = Trial(path="int8", tokens_per_s=2.0, min_cosine=0.995)
    assert old.close == 1.0 and old.overlap == 1.0 and old.usable()


def test_neighbour_overlap_counts_the_shared_nearest() -> None:
    corpus = np.eye(4, dtype=np.float32)
    probe = np.array([[1.0, 0.9, 0.1, 0.0]], dtype=np.float32)
    assert neighbour_overlap(probe, corpus, corpus, k=2) == 1.0
    swapped = corpus[[0, 2, 1, 3]]  # rows 1 and 2 trade places: the second neighbour is another passage
    assert neighbour_overlap(probe, corpus, swapped, k=2) == 0.5
    assert neighbour_overlap(probe[:0], corpus, swapped, k=2) == 1.0  # no probes: nothing to lose


def test_calibration_measures_the_neighbours_of_its_probe_questions() -> None:
    clock = Clock()
    paths = {"fp32": Path_(clock, 0.010, 0.0), "int8": Path_(clock, 0.004, 0.01), "far": Path_(clock, 0.001, 0.6)}
    words = [
        "talks",
        "summit",
        "treaty",
        "trade",
        "ferry",
        "harbour",
        "election",
        "budget",
        "storm",
        "court",
        "vaccine",
        "rocket",
    ]
    texts = [" ".join(words[(i * 5 + j * 7) % 12] for j in range(4)) + f" {i}" for i in range(24)]
    probes = [" ".join(words[i : i + 2]) for i in range(10)]
    near = replace(RULE, neighbours=3, min_overlap=0.5)  # 16-dimensional stand-ins tie often
    choice = calibrate(makers(paths), texts, tokens=[100] * 24, clock=clock, probes=probes, calibration=near)
    trials = {t.path: t for t in choice.trials}
    assert trials["fp32"].overlap == 1.0 and 0.5 <= trials["int8"].overlap < 1.0  # measured, not assumed
    assert not trials["far"].usable(near)
    assert choice.path == "int8"


def test_question_like_texts_are_question_length() -> None:
    passages = ["Kim Song Nam led the delegation to Beijing on Tuesday. He met Wang Yi. Short one."]
    assert question_like(passages, words=5) == ["Kim Song Nam led the"]
