"""A sharded archive: one ordinary index per publication period, and a manifest naming them.

An archive directory holds `manifest.json` and one index directory per period (`2024-01`,
`2024-Q1` or `2024`, and `undated`). Each shard is built and updated by the single-index indexer,
which keeps its promises shard by shard: incremental, resumable, and the old shard answering until
its run commits. The manifest is written last, atomically, so a reader sees the shards of the
previous run or of this one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.errors import DatelineError
from qa.index.database import Store
from qa.index.layout import Layout
from qa.index.records import Stats

SHARD_BY = ("month", "quarter", "year")
UNDATED = "undated"


def period_of(date: dt.date | None, shard_by: str) -> str:
    """The shard a publication date belongs to: `2024-01`, `2024-Q1`, `2024`, or `undated`."""
    if date is None:
        return UNDATED
    if shard_by == "month":
        return f"{date.year}-{date.month:02d}"
    if shard_by == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    return str(date.year)


def period_span(period: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a period (None, None for the undated shard)."""
    if period == UNDATED:
        return None, None
    year, _, rest = period.partition("-")
    y = int(year)
    if not rest:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if rest.startswith("Q"):
        first = 3 * (int(rest[1:]) - 1) + 1
        return dt.date(y, first, 1), dt.date(y, first + 2, calendar.monthrange(y, first + 2)[1])
    m = int(rest)
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


@dataclass(frozen=True, slots=True)
class ShardEntry:
    """One period's index, as the manifest names it."""

    period: str
    directory: str
    """Relative to the archive."""
    articles: int
    passages: int
    generation: int

    def span(self) -> tuple[dt.date | None, dt.date | None]:
        return period_span(self.period)

    def overlaps(self, since: dt.date | None, until: dt.date | None) -> bool:
        """Whether a question searching [since, until] reads this shard (undated only with no dates,
        as a single index does)."""
        first, last = self.span()
        if first is None or last is None:
            return since is None and until is None
        return (since is None or last >= since) and (until is None or first <= until)


@dataclass(frozen=True, slots=True)
class Manifest:
    shard_by: str
    model: str
    dim: str
    chunker: str
    generation: int
    shards: tuple[ShardEntry, ...]

    def to_json(self) -> str:
        raw = asdict(self)
        raw["shards"] = [asdict(s) for s in self.shards]
        return json.dumps(raw, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        shards = tuple(ShardEntry(**s) for s in raw["shards"])
        return cls(raw["shard_by"], raw["model"], raw["dim"], raw["chunker"], int(raw["generation"]), shards)


def is_archive(directory: Path) -> bool:
    return Layout(directory).is_archive()


def read_manifest(directory: Path) -> Manifest:
    """The archive's manifest; a clear error when it cannot be read."""
    path = Layout(directory).manifest
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatelineError(
            f"the archive manifest {path} cannot be read ({exc}); "
            "re-run `dateline index --shard-by ...` over the same files to write it again",
            "Damaged archive",
        ) from exc


def write_manifest(directory: Path, manifest: Manifest) -> None:
    target = Layout(directory).manifest
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, target)


def combined(parts: list[Stats]) -> Stats:
    """The counts of several shards as one archive's."""
    sources: dict[str, int] = {}
    for part in parts:
        for name, n in part.sources:
            sources[name] = sources.get(name, 0) + n
    return Stats(
        sum(p.articles for p in parts),
        sum(p.passages for p in parts),
        min((p.first_date for p in parts if p.first_date), default=None),
        max((p.last_date for p in parts if p.last_date), default=None),
        sum(p.undated for p in parts),
        sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
        sum(p.bytes for p in parts),
    )


def describe_archive(directory: Path) -> tuple[Stats, dict[str, str], Manifest]:
    """What the archive holds, how it was built, and its shards (for `dateline info`)."""
    manifest = read_manifest(directory)
    described = [Store.describe(directory / s.directory) for s in manifest.shards]
    return combined([stats for stats, _ in described]), described[0][1], manifest
