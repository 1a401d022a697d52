"""What one `dateline index` run did, for the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qa.ingest.items import Problem


@dataclass
class IndexReport:
    """What one `dateline index` run did."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0
    pruned: int = 0
    passages_embedded: int = 0
    passages_reused: int = 0
    """Passages stored with a vector made before: by an interrupted run, or an edited article's unchanged ones."""
    relabelled: int = 0
    """Unchanged articles whose outlet or link reads differently now (an index made by an older dateline)."""
    rebuilt_because: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(p.fatal for p in self.problems)

    def summary(self, index_dir: Path) -> str:
        """The run's closing line: what happened to how many articles, and where."""
        reused = f", {self.passages_reused} reused" if self.passages_reused else ""
        relabelled = f" ({self.relabelled} with a new outlet or link)" if self.relabelled else ""
        return (
            f"{self.added} added, {self.replaced} replaced, {self.unchanged} unchanged{relabelled}, "
            f"{_count(self.duplicates, 'duplicate')}, {self.pruned} pruned, {self.skipped} skipped; "
            f"{_count(self.passages_embedded, 'passage')} embedded{reused} -> {index_dir}"
        )


def _count(n: int, noun: str) -> str:
    """`1 passage`, `2 passages`, `0 passages`: the counts in the closing line read as English."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
