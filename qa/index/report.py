"""What one `dateline index` run did, for the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.ingest.readers import Problem


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
    rebuilt_because: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(p.fatal for p in self.problems)
