"""The FAISS vector index: numpy in, numpy out, ids are passage ids."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.base import Vectors
from embeddings.settings import DEFAULT, VectorSearch

Ids = npt.NDArray[np.int64]


class VectorIndexError(Exception):
    """The vectors file is missing, damaged or of another dimension."""


class IdSet:
    """Ids a search is restricted to (a date or outlet filter); its FAISS selector is built once and reused."""

    def __init__(self, ids: Ids) -> None:
        self.ids = np.ascontiguousarray(ids, dtype=np.int64)
        self._selector: Any = None
        self._excluded: tuple[_Flat, npt.NDArray[np.intp]] | None = None
        self._sorted: Ids | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def contains(self, ids: Ids) -> npt.NDArray[np.bool_]:
        """Whether each id is in the set."""
        if self._sorted is None:
            self._sorted = np.sort(self.ids)
        if not len(self._sorted):
            return np.zeros(len(ids), dtype=bool)
        pos = np.minimum(np.searchsorted(self._sorted, ids), len(self._sorted) - 1)
        return np.asarray(self._sorted[pos] == ids)

    def selector(self) -> Any:
        if self._selector is None:
            import faiss

            self._selector = faiss.IDSelectorBatch(self.ids)
        return self._selector

    def excluded_rows(self, flat: _Flat) -> npt.NDArray[np.intp]:
        """Rows of a flat matrix whose ids are not in the set (cached for that matrix)."""
        if self._excluded is None or self._excluded[0] is not flat:
            self._excluded = (flat, np.flatnonzero(~np.isin(flat.ids, self.ids)))
        return self._excluded[1]


class _Flat:
    """A view of an exact index's vectors as one numpy matrix, with its ids.

    Exact search then runs as one matrix product per batch of questions, date filter included
    (FAISS falls back to a row-by-row scan when given a selector), and the vectors of any ids are
    one fancy-index away.
    """

    def __init__(self, index: Any) -> None:
        import faiss

        base: Any = faiss.downcast_index(index.index)
        n, d = int(base.ntotal), int(base.d)
        # A view, not a copy: valid until the index changes (VectorIndex drops it then).
        self.matrix = faiss.rev_swig_ptr(base.get_xb(), n * d).reshape(n, d) if n else np.zeros((0, d), np.float32)
        self.ids = faiss.vector_to_array(index.id_map).astype(np.int64)
        self._order = np.argsort(self.ids, kind="stable")
        self._sorted = self.ids[self._order]

    def rows(self, ids: Ids) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """Row of each id, and whether the index holds it at all."""
        pos = np.searchsorted(self._sorted, ids)
        pos = np.minimum(pos, max(len(self._sorted) - 1, 0))
        found = self._sorted[pos] == ids if len(self._sorted) else np.zeros(len(ids), dtype=bool)
        return self._order[pos], found

    def search(self, queries: Vectors, k: int, excluded: list[npt.NDArray[np.intp] | None]) -> tuple[Vectors, Ids]:
        """Top k per query, each query with its own excluded rows (one pass over the matrix per 64)."""
        n = len(self.ids)
        scores_out = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids_out = np.full((len(queries), k), -1, dtype=np.int64)
        for start in range(0, len(queries), 64):  # bounds the score matrix: 64 x rows floats
            scores = queries[start : start + 64] @ self.matrix.T
            for row, rows_out in enumerate(excluded[start : start + 64]):
                if rows_out is not None and len(rows_out):
                    scores[row, rows_out] = -np.inf
                take = min(k, n - (len(rows_out) if rows_out is not None else 0))
                if take <= 0:
                    continue
                line = scores[row]
                top = np.argpartition(-line, take - 1)[:take]
                top = top[np.argsort(-line[top], kind="stable")]
                scores_out[start + row, :take] = line[top]
                ids_out[start + row, :take] = self.ids[top]
        return scores_out, ids_out


def _filled_flat(dim: int, count: int, chunks: Iterator[tuple[Ids, Vectors]]) -> Any:
    """An exact index sized once and filled in place, chunk by chunk.

    Adding chunk by chunk grows FAISS's buffer by doubling (a peak of two to three times the
    vectors); this holds the vectors once plus one chunk. The same index `add_with_ids` makes.
    """
    import faiss

    flat = faiss.IndexFlatIP(dim)
    index = faiss.IndexIDMap2(flat)  # wrapped while empty, as FAISS requires
    flat.codes.resize(count * dim * 4)
    matrix = faiss.rev_swig_ptr(flat.codes.data(), count * dim * 4).view(np.float32).reshape(count, dim)
    ids_all = np.empty(count, dtype=np.int64)
    filled = 0
    for ids, vectors in chunks:
        if filled + len(ids) > count:
            raise VectorIndexError(f"more vectors than the {count} announced")
        matrix[filled : filled + len(ids)] = vectors
        ids_all[filled : filled + len(ids)] = ids
        filled += len(ids)
    if filled != count:
        raise VectorIndexError(f"{filled} vectors where {count} were announced")
    flat.ntotal = count
    faiss.copy_array_to_vector(ids_all, index.id_map)
    index.ntotal = count
    index.construct_rev_map()
    return index


def _value_range(chunks: Iterator[tuple[Ids, Vectors]], dim: int) -> Vectors:
    """Each dimension's minimum and maximum as two rows.

    The 8-bit quantizer trains on exactly these (its default range statistic is min-max), so
    training on the two rows equals training on every vector, without holding them all.
    """
    lo = np.full(dim, np.inf, dtype=np.float32)
    hi = np.full(dim, -np.inf, dtype=np.float32)
    for _, vectors in chunks:
        if len(vectors):
            lo = np.minimum(lo, vectors.min(axis=0))
            hi = np.maximum(hi, vectors.max(axis=0))
    return np.ascontiguousarray(np.stack([lo, hi]), dtype=np.float32)


class VectorIndex:
    """Normalised vectors keyed by int64 id; inner product is cosine similarity."""

    def __init__(self, dim: int, index: Any | None = None, settings: VectorSearch = DEFAULT.vectors) -> None:
        import faiss

        self.dim = dim
        self.settings = settings
        self._index: Any = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if self._index.d != dim:
            raise VectorIndexError(f"vectors have dimension {self._index.d}, the model gives {dim}")
        self._flat_view: _Flat | None = None

    def _flat(self) -> _Flat | None:
        """The numpy view of an exact index (None for HNSW)."""
        import faiss

        if self._flat_view is None and isinstance(faiss.downcast_index(self._index.index), faiss.IndexFlat):
            self._flat_view = _Flat(self._index)
        return self._flat_view

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, dim: int, ids: Ids, vectors: Vectors, *, settings: VectorSearch = DEFAULT.vectors) -> VectorIndex:
        """A new index over the given vectors, exact when small and HNSW when large."""
        return cls.build_streamed(dim, len(ids), lambda: iter([(ids, vectors)]), settings=settings)

    @classmethod
    def build_streamed(
        cls,
        dim: int,
        count: int,
        chunks: Callable[[], Iterator[tuple[Ids, Vectors]]],
        *,
        settings: VectorSearch = DEFAULT.vectors,
    ) -> VectorIndex:
        """The same index built from `count` vectors read chunk by chunk (`chunks()` may be read twice).

        Memory is the index plus one chunk, never a second copy of every vector.
        """
        import faiss

        if count >= settings.hnsw_threshold:
            # 8-bit scalar-quantized vectors: a quarter of the memory (a million passages fit in well
            # under 1 GB with the graph), at a recall still near 1 (docs/benchmarks.md).
            sq8 = faiss.ScalarQuantizer.QT_8bit
            base = faiss.IndexHNSWSQ(dim, sq8, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
            base.train(_value_range(chunks(), dim))
            base.hnsw.efConstruction = settings.ef_construction
            base.hnsw.efSearch = settings.ef_search
            index = faiss.IndexIDMap2(base)
        else:
            return cls(dim, _filled_flat(dim, count, chunks()), settings)
        out = cls(dim, index, settings)
        for ids, vectors in chunks():
            out.add(ids, vectors)
        return out

    def add(self, ids: Ids, vectors: Vectors) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise VectorIndexError(f"expected vectors of dimension {self.dim}, got shape {vectors.shape}")
        self._flat_view = None  # adding may move the vectors in memory
        self._index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def search(
        self, queries: Vectors, k: int, allowed: IdSet | list[IdSet | None] | None = None
    ) -> tuple[npt.NDArray[np.float32], Ids]:
        """The k nearest ids and scores for each query; -1 pads missing results.

        `allowed` restricts the search to those ids (a date or outlet filter), exactly, not by over-fetching:
        one set for all queries, or one per query (questions of a batch with different as-of days).
        """
        import faiss

        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if queries.ndim != 2 or queries.shape[1] != self.dim:
            raise VectorIndexError(f"expected queries of dimension {self.dim}, got shape {queries.shape}")
        k = max(1, min(k, len(self))) if len(self) else 1
        if len(self) == 0:
            n = queries.shape[0]
            return np.zeros((n, k), dtype=np.float32), np.full((n, k), -1, dtype=np.int64)
        per_query = allowed if isinstance(allowed, list) else [allowed] * len(queries)
        if len(per_query) != len(queries):
            raise VectorIndexError(f"{len(queries)} queries but {len(per_query)} filters")
        flat = self._flat()
        if flat is not None:
            excluded = {id(a): a.excluded_rows(flat) for a in per_query if a is not None}
            return flat.search(queries, k, [excluded[id(a)] if a is not None else None for a in per_query])
        if isinstance(allowed, list):  # HNSW: one search per distinct filter
            scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
            ids = np.full((len(queries), k), -1, dtype=np.int64)
            groups: dict[int, list[int]] = {}
            for i, a in enumerate(per_query):
                groups.setdefault(id(a), []).append(i)
            for members in groups.values():
                scores[members], ids[members] = self.search(queries[members], k, per_query[members[0]])
            return scores, ids
        params: Any = None
        if allowed is not None:
            selector = allowed.selector()
            if isinstance(faiss.downcast_index(self._index.index), faiss.IndexHNSW):
                params = getattr(faiss, "SearchParametersHNSW")()  # noqa: B009 - missing from faiss's stubs
                params.efSearch = self.settings.ef_search
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
    def load(cls, path: Path, dim: int, settings: VectorSearch = DEFAULT.vectors) -> VectorIndex:
        import faiss

        try:
            index = faiss.read_index(str(path))
        except Exception as exc:
            raise VectorIndexError(f"cannot read {path.name}: the file is damaged ({exc})") from exc
        return cls(dim, index, settings)


def reconstruct(index: VectorIndex, ids: Ids) -> Vectors:
    """The stored vectors for these ids (zeros for an id the index does not hold)."""
    ids = np.asarray(ids, dtype=np.int64)
    flat = index._flat()
    if flat is not None:
        rows, found = flat.rows(ids)
        out = flat.matrix[rows] if len(ids) else np.zeros((0, index.dim), dtype=np.float32)
        out[~found] = 0.0
        return np.asarray(out, dtype=np.float32)
    out = np.zeros((len(ids), index.dim), dtype=np.float32)
    inner = index._index
    for row, i in enumerate(ids):
        with contextlib.suppress(RuntimeError):
            out[row] = inner.reconstruct(int(i))
    return out
