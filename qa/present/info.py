"""What `dateline info` shows of an index: a JSON object, or a few aligned lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.index.archive import Manifest
from qa.index.records import Stats
from qa.present.words import safe

# Outlets named on the `sources` line before "and N more".
TOP_SOURCES = 8
# How the `sources` line counts the articles whose input names no outlet (a text file).
NO_OUTLET = "no outlet named"


DEFAULT_QUESTIONS = "fp32 ONNX (the exact model)"
"""How a transformer's questions are encoded when no faster way was chosen (`IndexInfo.questions` None)."""


def shards_line(manifest: Manifest) -> str:
    """`4 by month: 2024-01 (1), 2024-03 (1), 2024-10 (2), undated (1)` (articles in each)."""
    periods = ", ".join(f"{s.period} ({s.articles})" for s in manifest.shards)
    return f"{len(manifest.shards)} by {manifest.shard_by}: {periods}"


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What `dateline info` reports. `embedding`: how indexing embeds on this machine (None: not
    chosen yet); `questions`: how questions are encoded (None: a transformer's exact graph, as when
    nothing was chosen); both say the one way of a model that has only one (the test encoder, a static
    model); `judge`: the answer judge; `manifest`: an archive's (None: a single index)."""

    index_dir: Path
    stats: Stats
    meta: dict[str, str]
    embedding: str | None = None
    judge: str | None = None
    questions: str | None = None
    manifest: Manifest | None = None


def info_record(info: IndexInfo) -> dict[str, Any]:
    index_dir, stats, meta, manifest = info.index_dir, info.stats, info.meta, info.manifest
    embedding, judge, questions = info.embedding, info.judge, info.questions
    return {
        "index": str(index_dir),
        "articles": stats.articles,
        "passages": stats.passages,
        "first_date": stats.first_date.isoformat() if stats.first_date else None,
        "last_date": stats.last_date.isoformat() if stats.last_date else None,
        "undated": stats.undated,
        "sources": dict(stats.sources),
        "model": meta.get("model"),
        "dim": int(meta.get("dim", 0) or 0),
        "chunker": meta.get("chunker"),
        "bytes": stats.bytes,
        "embedding": embedding,
        "judge": judge,
        "questions": questions or DEFAULT_QUESTIONS,
        "shards": None
        if manifest is None
        else {
            "by": manifest.shard_by,
            "generation": manifest.generation,
            "periods": [{"period": s.period, "articles": s.articles, "passages": s.passages} for s in manifest.shards],
        },
    }


def info_text(info: IndexInfo) -> str:
    index_dir, stats, meta, manifest = info.index_dir, info.stats, info.meta, info.manifest
    embedding, judge, questions = info.embedding, info.judge, info.questions
    span = f"{stats.first_date} to {stats.last_date}" if stats.first_date else "no dated articles"
    top = ", ".join(f"{safe(s) or NO_OUTLET} ({n})" for s, n in stats.sources[:TOP_SOURCES])
    more = f", and {len(stats.sources) - TOP_SOURCES} more" if len(stats.sources) > TOP_SOURCES else ""
    return "\n".join(
        [
            f"index     {index_dir} ({stats.bytes / 1e6:.1f} MB)",
            f"articles  {stats.articles} ({stats.undated} undated)",
            f"passages  {stats.passages}",
            f"dates     {span}",
            f"sources   {top}{more}",
            *([] if manifest is None else [f"shards    {shards_line(manifest)}"]),
            f"model     {meta.get('model')} ({meta.get('dim')} dimensions), passages {meta.get('chunker')}",
            f"embedding {embedding or 'chosen by measurement on the next indexing run'}",
            f"questions {questions or DEFAULT_QUESTIONS}",
            f"judge     {judge or 'none (this install ships no answer judge)'}",
        ]
    )
