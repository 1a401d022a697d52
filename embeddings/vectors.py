"""The FAISS vector index: numpy in, numpy out, ids are passage ids."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.encoder import Vectors

Ids = npt.NDArray[np.int64]

# Below this many vectors exact search is fast enough and has perfect recall.
HNSW_THRESHOLD = 200_000


class VectorIndexError(Exception):
    """The vectors file is missing, damaged or of another dimension."""


class IdSet:
    """Ids a search is restricted to (a date filter); its FAISS selector is built once and reused."""

    def __init__(self, ids: Ids) -> None:
        self.ids = np.ascontiguousarray(ids, dtype=np.int64)
        self._selector: Any = None

    def __len__(self) -> int:
        return len(self.ids)

    def selector(self) -> Any:
        if self._selector is None:
            import faiss

            self._selector = faiss.IDSelectorBatch(self.ids)
        return self._selector


class VectorIndex:
    """Normalised vectors keyed by int64 id; inner product is cosine similarity."""

    def __init__(self, dim: int, index: Any | None = None) -> None:
        import faiss

        self.dim = dim
        self._index: Any = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if self._index.d != dim:
            raise VectorIndexError(f"vectors have dimension {self._index.d}, the model gives {dim}")

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, dim: int, ids: Ids, vectors: Vectors) -> VectorIndex:
        """A new index over the given vectors, exact when small and HNSW when large."""
        import faiss

        if len(ids) >= HNSW_THRESHOLD:
            base = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = 80
            base.hnsw.efSearch = 128
            index = faiss.IndexIDMap2(base)
        else:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        out = cls(dim, index)
        out.add(ids, vectors)
        return out

    def add(self, ids: Ids, vectors: Vectors) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise VectorIndexError(f"expected vectors of dimension {self.dim}, got shape {vectors.shape}")
        self._index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def search(self, queries: Vectors, k: int, allowed: IdSet | None = None) -> tuple[npt.NDArray[np.float32], Ids]:
        """The k nearest ids and scores for each query; -1 pads missing results.

        `allowed` restricts the search to those ids (a date filter), exactly, not by over-fetching.
        """
        import faiss

        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if queries.ndim != 2 or queries.shape[1] != self.dim:
            raise VectorIndexError(f"expected queries of dimension {self.dim}, got shape {queries.shape}")
        k = max(1, min(k, len(self))) if len(self) else 1
        if len(self) == 0:
            n = queries.shape[0]
            return np.zeros((n, k), dtype=np.float32), np.full((n, k), -1, dtype=np.int64)
        params: Any = None
        if allowed is not None:
            selector = allowed.selector()
            if isinstance(faiss.downcast_index(self._index.index), faiss.IndexHNSW):
                params = getattr(faiss, "SearchParametersHNSW")()  # noqa: B009 - missing from faiss's stubs
                params.efSearch = 128
            else:
                params = faiss.SearchParameters()
            params.sel = selector
        scores, ids = self._index.search(queries, k, params=params)
        return scores, ids

    def save(self, path: Path) -> None:
        """Write to a temporary file and rename it into place: never half-written."""
        import faiss

        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        faiss.write_index(self._index, str(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, dim: int) -> VectorIndex:
        import faiss

        try:
            index = faiss.read_index(str(path))
        except Exception as exc:
            raise VectorIndexError(f"cannot read {path.name}: the file is damaged ({exc})") from exc
        return cls(dim, index)


def reconstruct(index: VectorIndex, ids: Ids) -> Vectors:
    """The stored vectors for these ids (zeros for an id the index does not hold)."""
    out = np.zeros((len(ids), index.dim), dtype=np.float32)
    inner = index._index
    for row, i in enumerate(ids):
        with contextlib.suppress(RuntimeError):
            out[row] = inner.reconstruct(int(i))
    return out
