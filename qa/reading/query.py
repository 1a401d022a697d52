"""A question and its filters: light to import (the chat builds queries before the engine loads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from qa.config import DEFAULT
from qa.errors import DatelineError


@dataclass(frozen=True, slots=True)
class Query:
    """A question and its filters; `as_of` hides everything published after that day."""

    question: str
    k: int = DEFAULT.answering.k
    as_of: dt.date | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()
    """Outlets to search, as the user named them (matched case-insensitively); empty: every outlet."""
    apply_bar: bool = True
    """False to rank even when nothing clears the relevance bar (evaluation does)."""

    def __post_init__(self) -> None:
        if self.since and self.latest and self.since > self.latest:
            last = "as-of day" if self.as_of == self.latest else "until"
            raise DatelineError(
                f"no day is both on or after {self.since} (since) and on or before {self.latest} ({last}):"
                " the range is empty; swap the dates or drop one",
                "Empty date range",
            )

    @property
    def latest(self) -> dt.date | None:
        if self.as_of and self.until:
            return min(self.as_of, self.until)
        return self.as_of or self.until


def outlet_names(values: Iterable[str]) -> tuple[str, ...]:
    """Outlet names as given, each value one name or a comma-separated list: spaces tidied, each
    name once (case-insensitively), in the order given."""
    names: dict[str, str] = {}
    for value in values:
        for part in value.split(","):
            if name := " ".join(part.split()):
                names.setdefault(name.casefold(), name)
    return tuple(names.values())
