"""The embeddings' tunable numbers, in typed sections: how encoders run, how a machine's fastest way
is chosen, and when the vector index turns approximate.

`qa.config.Config` holds these as its `embeddings` section (embeddings never imports qa); code here
takes the section it needs as an argument, `DEFAULT`'s by default. docs/benchmarks.md says how the
numbers were measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Encoding:
    """How an encoder runs a model."""

    max_tokens: int = 256
    """Word pieces a text is cut to when the model does not say (its sentence_bert_config.json)."""
    max_threads: int = 8
    """The most CPU threads an encoder or the judge runs on, whatever the machine's cores."""
    batch: int = 32
    """Texts encoded at a time on a CPU (but `passage_batch` for an ONNX graph's passages)."""
    passage_batch: int = 8
    """Passages an ONNX graph encodes at a time."""
    device_batch: int = 256
    """Texts sentence-transformers encodes at a time on a GPU or another device."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """How the fastest way to embed on this machine is chosen (embeddings/kernels.py).

    A path is accepted by what retrieval would see, not by its worst passage (one-word windows are
    where every int8 path strays most): most passages close, none far, and the sample's questions
    finding the same neighbours."""

    close_cosine: float = 0.99
    """A passage's vector this close to the exact model's counts as close."""
    close_share: float = 0.995
    """The share of the sample's passages a path must keep close (below 200 passages: every one)."""
    min_cosine: float = 0.95
    """No passage's vector may fall below this cosine to the exact model's."""
    neighbours: int = 10
    """How many nearest passages of each sample question are compared with the exact model's."""
    min_overlap: float = 0.9
    """The mean share of those neighbours a path must find too: 9 of 10 on average, one swap at the
    border of the top 10 (a near tie) tolerated, not a reordered top (docs/benchmarks.md, "OpenVINO")."""
    exact_cosine: float = 0.9999
    """A path this close to the exact model on every passage is the exact model, computed another way."""
    min_gain: float = 1.1
    """How many times the exact model's speed an approximate path must reach to be worth its error."""
    sample: int = 96
    """Passages a calibration reads: each path encodes every one once (a third of them timed per run)."""
    quantizer_sample: int = 128
    """Shipped passages the static int8 graph's activation ranges are fitted on (NNCF), at `dateline prepare`."""


@dataclass(frozen=True, slots=True)
class VectorSearch:
    """The vector index: exact below `hnsw_threshold` vectors, an 8-bit HNSW graph from there."""

    hnsw_threshold: int = 200_000
    """Vectors from which the index is an HNSW graph instead of exact search."""
    hnsw_m: int = 32
    """Neighbours per node in the HNSW graph."""
    ef_construction: int = 80
    """Candidates the graph weighs per node while it is built."""
    ef_search: int = 128
    """Candidates the graph weighs per search."""


@dataclass(frozen=True, slots=True)
class Embeddings:
    """Every tunable number of the embeddings package."""

    encoding: Encoding = field(default_factory=Encoding)
    calibration: Calibration = field(default_factory=Calibration)
    vectors: VectorSearch = field(default_factory=VectorSearch)


DEFAULT = Embeddings()
