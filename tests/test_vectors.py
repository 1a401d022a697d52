"""The vector index: exact when small, HNSW when large, date filters applied inside the search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from embeddings import vectors
from embeddings.settings import VectorSearch
from embeddings.vectors import IdSet, VectorIndex, VectorIndexError

SMALL_HNSW = VectorSearch(hnsw_threshold=1000)


def data(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True))


def test_exact_search_with_a_filter() -> None:
    x = data(500)
    ids = np.arange(1000, 1500, dtype=np.int64)
    index = VectorIndex.build(32, ids, x)
    _, found = index.search(x[:1], 5)
    assert found[0][0] == 1000
    allowed = IdSet(np.arange(1200, 1210, dtype=np.int64))
    _, found = index.search(x[:1], 5, allowed)
    assert set(found[0].tolist()) <= set(range(1200, 1210))


def test_exact_search_matches_brute_force_with_filters_and_updates() -> None:
    x = data(700, seed=3)
    ids = np.random.default_rng(4).permutation(10_000)[:700].astype(np.int64)  # unordered, sparse ids
    index = VectorIndex.build(32, ids[:600], x[:600])
    queries = data(100, seed=5)  # more than one block of 64 questions
    keep = ids[:600][::3]
    scores, found = index.search(queries, 10, IdSet(keep))
    sims = queries @ x[:600][::3].T
    expected = keep[np.argsort(-sims, axis=1)[:, :10]]
    assert (found == expected).all()
    assert np.allclose(scores, np.sort(sims, axis=1)[:, ::-1][:, :10], atol=1e-5)
    index.add(ids[600:], x[600:])  # the numpy view must follow the index
    _, found = index.search(x[650:651], 1)
    assert found[0][0] == ids[650]
    got = vectors.reconstruct(index, np.array([ids[650], 99_999], dtype=np.int64))
    assert np.allclose(got[0], x[650]) and not got[1].any()
    _, few = index.search(queries[:2], 10, IdSet(ids[:3]))
    assert sorted(few[0][:3].tolist()) == sorted(ids[:3].tolist()) and (few[:, 3:] == -1).all()


def test_large_index_is_hnsw_with_high_recall(tmp_path: Path) -> None:
    x = data(5000, seed=1)
    ids = np.arange(5000, dtype=np.int64)
    index = VectorIndex.build(32, ids, x, settings=SMALL_HNSW)
    queries = data(50, seed=2)
    _, approx = index.search(queries, 10)
    exact = np.argsort(-(queries @ x.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)])
    assert recall >= 0.95
    index.save(tmp_path / "v.faiss")
    again = VectorIndex.load(tmp_path / "v.faiss", 32)
    assert len(again) == 5000
    _, filtered = again.search(queries[:1], 5, IdSet(np.arange(100, dtype=np.int64)))
    assert all(0 <= i < 100 for i in filtered[0] if i >= 0)


def test_a_streamed_build_equals_building_from_every_vector_at_once() -> None:
    import faiss

    x = data(3000, seed=6)
    ids = np.arange(3000, dtype=np.int64)
    chunks = [(ids[i : i + 700], x[i : i + 700]) for i in range(0, 3000, 700)]
    streamed = VectorIndex.build_streamed(32, 3000, lambda: iter(chunks), settings=SMALL_HNSW)
    # The reference: the 8-bit quantizer trained on all the vectors at once.
    base = faiss.IndexHNSWSQ(32, faiss.ScalarQuantizer.QT_8bit, 32, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
    base.train(x)

    def ranges(hnsw: Any) -> np.ndarray:
        inner: Any = faiss.downcast_index(hnsw)
        storage: Any = faiss.downcast_index(inner.storage)
        return np.asarray(faiss.vector_to_array(storage.sq.trained))

    assert np.array_equal(ranges(streamed._index.index), ranges(base))
    assert len(streamed) == 3000
    _, found = streamed.search(x[:5], 1)
    assert found[:, 0].tolist() == [0, 1, 2, 3, 4]
    small = VectorIndex.build_streamed(32, 300, lambda: iter([(ids[:150], x[:150]), (ids[150:300], x[150:300])]))
    _, exact = small.search(x[:300], 1)
    assert (exact[:, 0] == ids[:300]).all()
    reference = VectorIndex(32)
    reference.add(ids[:300], x[:300])
    probe = np.array([5, 299, 7], dtype=np.int64)
    assert np.array_equal(vectors.reconstruct(small, probe), vectors.reconstruct(reference, probe))
    window = IdSet(ids[100:200])
    assert np.array_equal(small.search(x[:20], 5, window)[1], reference.search(x[:20], 5, window)[1])
    with pytest.raises(VectorIndexError):
        VectorIndex.build_streamed(32, 301, lambda: iter([(ids[:300], x[:300])]))


def test_wrong_dimension_names_the_problem() -> None:
    index = VectorIndex(32)
    with pytest.raises(VectorIndexError, match="dimension 32"):
        index.add(np.arange(2, dtype=np.int64), data(2, dim=16))


def test_damaged_file(tmp_path: Path) -> None:
    (tmp_path / "v.faiss").write_bytes(b"not faiss")
    with pytest.raises(VectorIndexError, match="damaged"):
        VectorIndex.load(tmp_path / "v.faiss", 32)
