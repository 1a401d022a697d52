"""Reading a question: the date range to search, a period it names, and the kind of answer it wants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from qa.config import Search
from qa.search.answer_types import AnswerType, expected_type
from qa.search.query import Query
from qa.search.question_dates import DateHint, read_dates


@dataclass(frozen=True, slots=True)
class Reading:
    """How one question is searched: what the pipeline steps after reading it need to know."""

    query: Query
    since: dt.date | None
    until: dt.date | None
    """The dates searched: the user's filters, narrowed by a period the question names."""
    hint: DateHint | None
    """The period the question names, when it is searched (hard) or favoured (soft)."""
    reference: dt.date | None
    """The day recency counts back from: the as-of day, or the archive's newest article."""
    expected: AnswerType | None
    """The kind of answer asked for ("which country"), when the question asks for one we know."""
    notes: tuple[str, ...] = ()
    """How the question was read, for the user ("searched articles from ...")."""


def read_question(
    query: Query, newest: dt.date | None, holds_any: Callable[[dt.date | None, dt.date | None], bool], config: Search
) -> Reading:
    """Read a question. `holds_any(since, until)` says whether the archive has anything in a range."""
    since, until = query.since, query.latest
    reference = query.as_of or newest or dt.date.today()
    hint = read_dates(query.question, reference, config.dates) if config.dates.enabled else None
    expected = expected_type(query.question) if config.answer_types.weight else None
    plain = Reading(query, since, until, hint, query.as_of or newest, expected)
    if hint is None or not hint.hard:
        return plain
    h_since = max(filter(None, (since, hint.since)), default=None)
    h_until = min(filter(None, (until, hint.until)), default=None)
    if (h_since and h_until and h_since > h_until) or not holds_any(h_since, h_until):
        note = f"the question names {hint.label}, but the archive has nothing from then; searched all dates"
        return Reading(query, since, until, None, plain.reference, expected, (note,))
    span = f"{h_since or 'the start'} to {h_until or 'the end'}"
    note = f"read as asking about {hint.label}: searched articles from {span}"
    return Reading(query, h_since, h_until, hint, plain.reference, expected, (note,))
