"""Shared fixtures: a temporary DATELINE_HOME for every test, and the bundled corpus indexed once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from embeddings.base import default_model_dir, model_name
from embeddings.factory import indexing_encoder
from embeddings.hash_encoder import HashEncoder
from embeddings.kernels import Choice, Trial, save
from qa.answering.retriever import Retriever
from qa.index.indexer import index_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"
EVAL = ROOT.parent / "shared" / "eval" / "rtqa-2024q1"


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One exported ONNX graph for the whole run (exporting takes a few seconds).

    The machine's embedding paths are recorded up front (int8 for passages, the exact graph for
    questions): measuring them would make which path embeds (and so the last digits of every vector)
    depend on this machine's speed. Choosing by
    measurement is tested on its own, with a clock the test controls (test_kernels.py).
    """
    cache = tmp_path_factory.mktemp("models")
    trials = [Trial("int8", 0.0, 1.0), Trial("fp32", 0.0, 1.0)]
    save(Choice("int8", "test", [], trials), cache, model_name(default_model_dir()))
    save(Choice("fp32", "test", [], trials), cache, model_name(default_model_dir()), "questions")
    # For the whole run, so that fixtures shared by many tests (opened before any test's own
    # DATELINE_HOME) never read the user's cache, where `dateline prepare` recorded this machine's paths.
    with pytest.MonkeyPatch.context() as session:
        session.setenv("DATELINE_CACHE", str(cache))
        session.setenv("DATELINE_HOME", str(tmp_path_factory.mktemp("home")))
        yield cache


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> None:
    monkeypatch.setenv("DATELINE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATELINE_CACHE", str(model_cache))
    monkeypatch.delenv("DATELINE_INDEX", raising=False)
    monkeypatch.delenv("DATELINE_MODEL", raising=False)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """The bundled corpus indexed with the real bundled model (once per test run).

    Embedded at fp32, the exact model, as `dateline index --precision fp32` does: the int8 path's
    vectors depend on which kernels the CPU runs (test_encoders.py checks they stay close), and an
    answer test must give the same answer on every machine.
    """
    directory = tmp_path_factory.mktemp("bundled") / "index"
    index_paths(directory, [CORPUS], lambda: indexing_encoder(None, cache_dir=model_cache, precision="fp32"))
    return directory


@pytest.fixture(scope="session")
def retriever(bundled_index: Path) -> Iterator[Retriever]:
    r = Retriever.open(bundled_index)
    yield r
    r.close()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder(64)


@pytest.fixture
def hash_index(tmp_path: Path) -> Path:
    """The bundled corpus indexed with the 64-dimension hash encoder (fast, and the same everywhere)."""
    directory = tmp_path / "index"
    index_paths(directory, [CORPUS], lambda: HashEncoder(64))
    return directory
