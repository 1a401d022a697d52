"""Every tunable number of dateline in one typed config, in sections.

The defaults are the measured choices: docs/benchmarks.md says how each was measured, and its
section "Why the settings are what they are" why each has its value. `DEFAULT` is the one default
config: code takes the section it needs as an argument, `DEFAULT`'s when none is given; benchmarks
and tests build variants with `dataclasses.replace` instead of changing module globals. The
embeddings' own section (`embeddings.settings`) is part of it, as `Config.embeddings`, and the
search's sections are written in qa/search_config.py; import every section from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from embeddings.settings import Embeddings
from qa.search_config import (
    AnswerLine,
    AnswerTypes,
    Candidates,
    Collapse,
    Highlighting,
    Judging,
    QuestionDates,
    Scoring,
    Search,
    Verdict,
)

__all__ = [
    "DEFAULT",
    "AnswerLine",
    "AnswerTypes",
    "Answering",
    "Candidates",
    "Chunking",
    "Cluster",
    "Collapse",
    "Config",
    "Gauge",
    "Highlighting",
    "Indexing",
    "Judging",
    "QuestionDates",
    "Scoring",
    "Search",
    "Verdict",
]


@dataclass(frozen=True, slots=True)
class Chunking:
    """How articles are cut into passages (changing it rebuilds an index: `version` is recorded)."""

    max_words: int = 100
    """The most words in a passage (about 130 word pieces, all-MiniLM-L6-v2 having been trained on 128)."""
    min_words: int = 30
    """A shorter last passage is folded into the one before it."""

    @property
    def version(self) -> str:
        return f"sentences-v3-max{self.max_words}-min{self.min_words}-title"


@dataclass(frozen=True, slots=True)
class Indexing:
    """How an indexing run reads, embeds and stores."""

    embed_batch: int = 256
    """Passages per encoder call (longest first, so a batch pads little)."""
    group_passages: int = 2048
    """Passages embedded and written per group: what one run holds in memory at a time."""
    ahead_passages: int = 20_000
    """A sharded archive embedded on a cluster embeds this many passages per job, ahead of writing
    the shards: each job costs seconds to start."""
    vector_rows: int = 8192
    """Rows read from SQLite at a time when the vectors file is built."""
    max_article_chars: int = 2_000_000
    """A single article longer than this is almost surely not an article (a dump, a log, a book)."""
    max_file_bytes: int = 2_000_000_000
    date_order: str = "mdy"
    """How a numeric date like 10/06/2024 is read: "mdy" (October 6) or "dmy" (10 June); never guessed."""


@dataclass(frozen=True, slots=True)
class Gauge:
    """The chat's five-dot relevance gauge: one dot at `low` and below, one more every `step`."""

    low: float = 0.3
    step: float = 0.1


@dataclass(frozen=True, slots=True)
class Answering:
    """Files of questions: batch and evaluation."""

    k: int = 5
    """Quotes an answer shows when the question does not say (`-k`, the chat's `/k`)."""
    batch_size: int = 32
    """Questions `dateline batch` encodes together, in one model call; each is then answered and
    written on its own, as soon as it is done."""
    eval_k: int = 20
    """Quotes ranked per benchmark question: enough to fill the largest word budget."""
    max_k: int = 50
    """The most quotes one question may ask for (`-k`, a question file's `k`, the chat's `/k`)."""
    outlets_named: int = 8
    """Outlets (those with the most articles first) a "no articles from X" note names when a source
    filter matches none; `dateline info` lists them all."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A sharded archive on a Ray cluster (`--ray ADDRESS`): shard actors and the embedding job."""

    call_timeout: float = 120.0
    """Seconds a shard may take to answer one call (restarts included) before its periods are
    reported as not searched."""
    restarts: int = 3
    """How often a shard actor is restarted (and its call retried) after it dies."""
    embed_batch: int = 64
    """Passages a worker encodes at a time in the embedding job."""
    embed_workers: int = 0
    """Encoder actors in the embedding job (0: one per CPU, or per GPU, of the cluster)."""


@dataclass(frozen=True, slots=True)
class Config:
    """The whole config, one section per stage."""

    chunking: Chunking = field(default_factory=Chunking)
    indexing: Indexing = field(default_factory=Indexing)
    embeddings: Embeddings = field(default_factory=Embeddings)
    search: Search = field(default_factory=Search)
    answering: Answering = field(default_factory=Answering)
    gauge: Gauge = field(default_factory=Gauge)
    cluster: Cluster = field(default_factory=Cluster)


DEFAULT = Config()
"""The defaults: what every caller that is given no config uses."""
