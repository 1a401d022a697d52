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
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from embeddings.base import Encoder
from qa.config import Config
from qa.errors import DatelineError
from qa.index.database import Store
from qa.index.indexer import index_paths
from qa.index.layout import Layout
from qa.index.lock import write_lock
from qa.index.records import Stats
from qa.index.report import IndexReport
from qa.ingest.articles import Article
from qa.ingest.items import Problem
from qa.ingest.readers import read_paths

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
class Shard:
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
    shards: tuple[Shard, ...]

    def to_json(self) -> str:
        raw = asdict(self)
        raw["shards"] = [asdict(s) for s in self.shards]
        return json.dumps(raw, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        shards = tuple(Shard(**s) for s in raw["shards"])
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


def _write_manifest(directory: Path, manifest: Manifest) -> None:
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


def index_archive(
    directory: Path,
    paths: list[Path],
    encoder_factory: Callable[[], Encoder],
    *,
    shard_by: str | None,
    model_path: str = "",
    prune: bool = False,
    rebuild: bool = False,
    wait: bool = False,
    progress: bool | Callable[[], str] = False,
    on_problem: Callable[[Problem], None] | None = None,
    on_shard: Callable[[str], None] | None = None,
    config: Config | None = None,
    embed_ahead: bool = False,
) -> IndexReport:
    """Add the articles under `paths` to the archive in `directory`, each to its period's shard.

    `shard_by` is month, quarter or year (None: the archive's own). The files are read once to find
    the periods (and report problems once), then each shard's run reads them for its own articles.
    `embed_ahead`: embed every shard's new passages first, in big groups, into the shards' embed
    caches (for an encoder that costs seconds to start per call, such as a cluster's job).
    """
    config = config or Config()
    previous = read_manifest(directory) if is_archive(directory) else None
    if previous is None and Layout(directory).exists():
        raise DatelineError(
            f"{directory} is a single index, not an archive; give --index a new directory for the archive",
            "Not an archive",
        )
    shard_by = shard_by or (previous.shard_by if previous else None)
    if shard_by not in SHARD_BY:
        raise DatelineError(f"--shard-by must be one of {', '.join(SHARD_BY)}", "Bad option")
    if previous and previous.shard_by != shard_by and not rebuild:
        raise DatelineError(
            f"the archive at {directory} is sharded by {previous.shard_by}, not {shard_by}; "
            f"drop --shard-by, or use a new directory",
            "Archive mismatch",
        )
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise DatelineError(f"no such file or directory: {', '.join(missing)}; nothing was indexed", "No input")
    directory.mkdir(parents=True, exist_ok=True)
    encoder: Encoder | None = None

    def one_encoder() -> Encoder:  # every shard embeds with the same loaded model
        nonlocal encoder
        encoder = encoder or encoder_factory()
        return encoder

    total = IndexReport()
    with write_lock(directory, wait=wait):
        periods: set[str] = set()
        for item in read_paths(paths, config.indexing):
            if isinstance(item, Problem):
                total.problems.append(item)
                if on_problem:
                    on_problem(item)
            else:
                periods.add(period_of(item.date, shard_by))
        periods |= {s.period for s in previous.shards} if previous else set()
        ahead = _embed_ahead(directory, paths, one_encoder, shard_by, config, progress) if embed_ahead else 0
        shards = []
        for period in sorted(periods):
            if on_shard:
                on_shard(period)
            shard_dir = directory / period

            def here(article: Article, period: str = period) -> bool:
                return period_of(article.date, shard_by) == period

            report = index_paths(
                shard_dir,
                paths,
                one_encoder,
                model_path=model_path,
                prune=prune,
                rebuild=rebuild,
                progress=progress,
                config=config,
                accept=here,
            )
            _add(total, report)
            shards.append(_shard(shard_dir, period))
        kept = [s for s in shards if s.articles]
        for gone in (s for s in shards if not s.articles):  # every article of the period was pruned
            shutil.rmtree(directory / gone.directory, ignore_errors=True)
        # What was embedded ahead came from the caches: it was embedded by this run all the same.
        moved = min(ahead, total.passages_reused)
        total.passages_embedded += moved
        total.passages_reused -= moved
        if not kept:
            raise DatelineError(f"no articles to index under {', '.join(map(str, paths))}", "Nothing indexed")
        meta = Store.describe(directory / kept[0].directory)[1]
        changed = previous is None or [s.generation for s in previous.shards] != [s.generation for s in kept]
        generation = (previous.generation if previous else 0) + (1 if changed else 0)
        manifest = Manifest(shard_by, meta["model"], meta["dim"], meta["chunker"], generation, tuple(kept))
        _write_manifest(directory, manifest)
    return total


def _embed_ahead(
    directory: Path,
    paths: list[Path],
    encoder: Callable[[], Encoder],
    shard_by: str,
    config: Config,
    progress: bool | Callable[[], str],
) -> int:
    """Embed the passages of articles no shard holds yet, `Indexing.ahead_passages` at a time (one
    call each), into their shard's embed cache, where the shard's own run finds them; how many."""
    from qa.index.embed_cache import EmbedCache
    from qa.index.indexer import cache_key
    from qa.ingest.chunker import article_passages, embedding_text
    from qa.progress import Progress

    stored: dict[str, set[str]] = {}
    caches: dict[str, EmbedCache] = {}

    def known(period: str) -> set[str]:
        if period not in stored:
            stored[period] = set()
            if Layout(directory / period).exists():
                store = Store.open(directory / period)
                stored[period] = set(store.article_ids())
                store.close()
        return stored[period]

    def cache(period: str) -> EmbedCache:
        if period not in caches:
            (directory / period).mkdir(parents=True, exist_ok=True)
            caches[period] = EmbedCache(Layout(directory / period).embed_cache)
        return caches[period]

    todo: list[tuple[str, str]] = []  # (period, text)
    for item in read_paths(paths, config.indexing):
        if isinstance(item, Article):
            period = period_of(item.date, shard_by)
            if item.id not in known(period):
                todo += [(period, embedding_text(item.title, p.text)) for p in article_passages(item, config.chunking)]
    bar = Progress(len(todo), "embedding", "passages") if progress and todo else None
    step = config.indexing.ahead_passages
    try:
        for start in range(0, len(todo), step):
            group = todo[start : start + step]
            keys = [cache_key(encoder(), text) for _, text in group]
            done: set[str] = set()
            for period in {p for p, _ in group}:
                done |= set(cache(period).get([k for (p, _), k in zip(group, keys, strict=True) if p == period]))
            missing = [i for i, k in enumerate(keys) if k not in done]  # a resumed run embeds only the rest
            if missing:
                vectors = encoder().encode_passages([group[i][1] for i in missing])
                by_period: dict[str, list[tuple[str, bytes]]] = {}
                for row, i in enumerate(missing):
                    by_period.setdefault(group[i][0], []).append((keys[i], vectors[row].tobytes()))
                for period, items in by_period.items():
                    cache(period).put(items)
            if bar:
                bar.advance(len(group))
    finally:
        if bar:
            bar.close()
    return len(todo)


def _shard(directory: Path, period: str) -> Shard:
    stats, _ = Store.describe(directory)
    store = Store.open(directory)
    try:
        generation = store.generation
    finally:
        store.close()
    return Shard(period, directory.name, stats.articles, stats.passages, generation)


def _add(total: IndexReport, report: IndexReport) -> None:
    """Sum a shard's counts into the archive's (its problems were reported once, by the survey)."""
    total.added += report.added
    total.replaced += report.replaced
    total.unchanged += report.unchanged
    total.duplicates += report.duplicates
    total.pruned += report.pruned
    total.passages_embedded += report.passages_embedded
    total.passages_reused += report.passages_reused
    total.rebuilt_because = total.rebuilt_because or report.rebuilt_because
