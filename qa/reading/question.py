"""Reading a question: the dates to search, the period it names, the answer it wants, a period's listing.

A question that only asks what happened in a period gets the period's stories listed (qa.ranking.digest).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Protocol

from qa.config import Search
from qa.reading.answer_types import AnswerType, expected_type
from qa.reading.outlets import searched_outlets
from qa.reading.query import Query
from qa.reading.question_dates import MONTHS, DateHint, read_dates
from qa.reading.text import content_words

# Words that ask what happened without naming a topic: "What happened in March 2024?", "Any news
# from last week?". With a period named and no other word, the question asks for the period's stories.
_NO_TOPIC = frozenset(
    [
        "happened",
        "happen",
        "happens",
        "happening",
        "news",
        "new",
        "events",
        "event",
        "stories",
        "story",
        "going",
        "went",
        "latest",
        "headlines",
        "anything",
        "something",
        "reported",
        "report",
        "any",
        "tell",
        "show",
        "give",
        "list",
        "everything",
        "whole",
        "month",
        "year",
        "week",
        "day",
        "days",
        "today",
        "yesterday",
        "recently",
        "recent",
        "since",
        "past",
        # part of a month: "late March", "the end of March", "the first half of March"
        "early",
        "mid",
        "late",
        "start",
        "beginning",
        "middle",
        "end",
        "half",
        "first",
        "second",
        # other ways to ask what happened: "What took place…", "Summarize…", "the biggest stories of…"
        "took",
        "take",
        "place",
        "occurred",
        "occur",
        "came",
        "come",
        "out",
        "published",
        "ran",
        "covered",
        "coverage",
        "articles",
        "article",
        "summarize",
        "summarise",
        "summary",
        "recap",
        "overview",
        "roundup",
        "top",
        "main",
        "major",
        "biggest",
        "big",
        "key",
        "important",
        "developments",
        "updates",
    ]
) | frozenset(MONTHS)


class Archive(Protocol):
    """What reading a question needs to know of the archive."""

    def holds_any(self, since: dt.date | None, until: dt.date | None) -> bool: ...

    def date_range(self) -> tuple[dt.date | None, dt.date | None, int]: ...

    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet (source) the archive holds and its articles, most first."""
        ...


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
    digest: bool = False
    """True when the question only asks what happened in the period it names: its stories are listed."""
    sources: tuple[str, ...] | None = None
    """The outlets searched, as the archive stores their names (none matched: empty); None: every outlet."""


def _span(since: dt.date | None, until: dt.date | None) -> str:
    if since and until:
        return f"{since} to {until}"
    return f"on or after {since}" if since else f"on or before {until}" if until else "any date"


def _filter_notes(query: Query, archive: Archive) -> list[str]:
    """What the user's own date filter leaves out: everything, or the undated articles."""
    since, until = query.since, query.latest
    if since is None and until is None:
        return []
    first, last, undated = archive.date_range()
    notes = []
    if not archive.holds_any(since, until):
        dates = f"its articles run from {first} to {last}" if first else "it has no dated articles"
        notes.append(f"nothing in the archive is dated {_span(since, until)} ({dates})")
    if undated:
        many = f"{undated} undated articles are" if undated > 1 else "1 undated article is"
        notes.append(f"{many} left out by the date filter; clear the filter to include undated articles")
    return notes


def read_question(query: Query, newest: dt.date | None, archive: Archive, config: Search) -> Reading:
    """Read a question against the archive (what it holds decides how a named period is searched,
    and which stored outlets a source filter means)."""
    reading = _read_dates(query, newest, archive, config)
    if not query.sources:
        return reading
    sources, notes = searched_outlets(query.sources, archive.outlets())
    return replace(reading, sources=sources, notes=(*reading.notes, *notes))


def _read_dates(query: Query, newest: dt.date | None, archive: Archive, config: Search) -> Reading:
    """The question's dates, period and kind of answer."""
    since, until = query.since, query.latest
    reference = query.as_of or newest or dt.date.today()
    hint = read_dates(query.question, reference, config.dates) if config.dates.enabled else None
    expected = expected_type(query.question) if config.answer_types.weight else None
    notes = _filter_notes(query, archive)
    plain = Reading(query, since, until, hint, query.as_of or newest, expected, tuple(notes))
    words = content_words(query.question)
    no_topic = bool(words) and not [w for w in words if w not in _NO_TOPIC and not w.isdigit()]
    if no_topic:
        # Asking only what happened: a vague period ("last week") is the period listed, and none at
        # all ("What's new?") is the latest week.
        days = config.dates.latest_days
        latest = DateHint(reference - dt.timedelta(days=days), reference, f"the {days} days up to {reference}", True)
        hint = latest if hint is None else replace(hint, hard=True)
    if hint is None or not hint.hard:
        return plain
    h_since = max(filter(None, (since, hint.since)), default=None)
    h_until = min(filter(None, (until, hint.until)), default=None)
    if h_since and h_until and h_since > h_until:
        note = (
            f"the question names {hint.label}, but your date filter ({_span(since, until)}) leaves it out;"
            f" searched articles dated {_span(since, until)}"
        )
        return Reading(query, since, until, None, plain.reference, expected, (note, *notes))
    if not archive.holds_any(h_since, h_until):
        first, last, _ = archive.date_range()
        dates = f"its articles run from {first} to {last}" if first else "it has no dated articles"
        note = f"the question names {hint.label}, but the archive has nothing from then ({dates}); "
        note += f"searched articles dated {_span(since, until)}" if since or until else "searched all dates"
        return Reading(query, since, until, None, plain.reference, expected, (note, *notes))
    # The period asked for, then the dates searched, and why they run past it (its news comes later).
    searched = f"searched articles dated {_span(h_since, h_until)}"
    if why := hint.widened(h_since, h_until):
        searched += f" ({why})"
    if no_topic:
        note = (
            f"read as asking what happened in {hint.label}: its stories, oldest first, each by its opening; {searched}"
        )
    else:
        note = f"read as asking about {hint.label}: {searched}"
    return Reading(query, h_since, h_until, hint, plain.reference, expected, (note, *notes), no_topic)
