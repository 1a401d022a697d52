"""The OpenVINO paths: close to the exact model on real bundled passages, a text's vector its own
whatever it is batched with, and never loaded by importing `qa`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from embeddings.base import Vectors, default_model_dir
from embeddings.cache import needs_preparing, prepare
from embeddings.factory import LazyEncoder, fixed_encoder
from embeddings.openvino_paths import int8_path
from embeddings.settings import Calibration
from embeddings.st_encoder import SentenceTransformerEncoder
from tests.conftest import CORPUS, ROOT

pytest.importorskip("openvino")
pytest.importorskip("nncf")


def passages() -> list[str]:
    """The bundled articles' passages as indexing embeds them, then short texts (headings, one word:
    where int8 strays most)."""
    from qa.ingest.chunker import article_passages, embedding_text
    from qa.ingest.items import Problem
    from qa.ingest.readers import read_paths

    texts = []
    for item in read_paths([CORPUS]):
        if not isinstance(item, Problem):
            texts += [embedding_text(item.title, p.text) for p in article_passages(item)]
    return texts + SHORT


SHORT = ["BEIJING", "LATEST NEWS", "Recommended", "Geopolitical Implications", "Pyongyang", "a"]


@pytest.fixture(scope="module")
def exact() -> Vectors:
    return SentenceTransformerEncoder(default_model_dir()).encode_passages(passages())


@pytest.mark.parametrize("path", ["ov-fp32", "ov-bf16", "ov-int8", "ov-int8-bf16"])
def test_openvino_vectors_are_close_to_the_exact_models(
    path: str,
    model_cache: Path,
    exact: Vectors,
) -> None:
    # bf16 runs in fp32 where the CPU has no bfloat16: close either way.
    vectors = fixed_encoder(None, model_cache, path).encode_passages(passages())
    cosines = (vectors * exact).sum(axis=1)
    n = len(SHORT)
    assert cosines[:-n].min() >= (0.9999 if path == "ov-fp32" else 0.99), path
    assert cosines[-n:].min() >= Calibration().min_cosine, path


def test_a_text_gets_the_same_vector_alone_or_in_any_batch(model_cache: Path) -> None:
    texts = passages()
    for path in ("ov-int8", "ov-fp32"):
        encoder = fixed_encoder(None, model_cache, path)
        together = encoder.encode_passages(texts)
        alone = np.vstack([encoder.encode_passages([t]) for t in texts])
        reversed_ = encoder.encode_passages(texts[::-1])[::-1]
        assert np.array_equal(together, alone) and np.array_equal(together, reversed_), path


def test_prepare_makes_the_int8_graph_once(model_cache: Path) -> None:
    prepare(None, model_cache)
    graphs = list(model_cache.glob("*-ov-int8.xml"))
    assert graphs and all(g.with_suffix(".bin").exists() for g in graphs)
    assert not list(model_cache.glob("*.tmp*"))
    assert not needs_preparing(None, cache_dir=model_cache, precision="ov-int8")
    assert needs_preparing(None, cache_dir=model_cache / "empty", precision="ov-int8")
    assert prepare(None, model_cache) == []
    encoder = fixed_encoder(None, model_cache, "ov-int8")
    assert isinstance(encoder, LazyEncoder) and encoder.loaded().graph.name.endswith("-ov-int8.xml")  # type: ignore[attr-defined]
    assert int8_path(Path("m-abc.onnx")).name == "m-abc-ov-int8.xml"


def test_importing_qa_does_not_load_openvino() -> None:
    code = (
        "import qa.cli, qa.answering.retriever, qa.index.indexer, embeddings.factory, embeddings.kernels, sys; "
        "embeddings.kernels.candidate_paths(); print('openvino' in sys.modules, 'nncf' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False False"


def test_openvino_and_nncf_send_no_usage_statistics() -> None:
    # Both send to Google Analytics by default when the user never opted out; dateline sends nothing.
    # In a fresh process: NNCF turns its telemetry off by itself under pytest, a user's run would not.
    code = (
        "from embeddings.openvino_encoder import no_telemetry; no_telemetry(); "
        "import openvino.tools.ovc.convert_impl as c, nncf.telemetry.wrapper as w; "
        "print(c.tm.__name__, type(w.telemetry).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["openvino.tools.ovc.telemetry_stub", "MagicMock"]


def test_a_cpu_whose_kernels_differ_by_batch_gets_each_text_alone() -> None:
    from embeddings.openvino_encoder import batches_alike

    def exact(ids: np.ndarray) -> np.ndarray:
        return ids.astype(np.float32) / 7

    def by_batch(ids: np.ndarray) -> np.ndarray:  # another kernel, another rounding, for bigger batches
        return exact(ids) * np.float32(1 + 2**-20 if len(ids) > 2 else 1)

    assert batches_alike(exact, 32)
    assert not batches_alike(by_batch, 32)
    assert batches_alike(by_batch, 2)
