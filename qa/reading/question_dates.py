"""Dates a question names: "in March 2024", "in late March 2024", "in 2023", "last week", "yesterday".

Explicit periods (a month, part of one, a year, a day, "last month") become a date filter; vague
recent ones ("this week", "recently") become a soft boost toward that window. The reference day is
the as-of day, or the newest article in the archive when there is none (the archive's "now").

Part of a month: "early March" (or "the start", "the beginning", "the first half of March") is its
first half (1st to 15th), "mid-March" ("the middle of") its middle (11th to 20th), "late March" ("the
end", "the second half of") its second half (16th to the end). Halves, not thirds: the period filters, and
a story a reader calls "late March" may be dated the 18th.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from qa.config import DEFAULT, QuestionDates

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_YEAR = r"((?:19|20)\d\d)"


@dataclass(frozen=True, slots=True)
class DateHint:
    """A period the question names; `hard` ones filter, soft ones only boost."""

    since: dt.date | None
    until: dt.date | None
    """The dates searched: the period, and the days around it that its news takes."""
    label: str
    hard: bool
    start: dt.date | None = None
    end: dt.date | None = None
    """The period itself ("March 2024": the 1st to the 31st), where `since` and `until` reach past it:
    the days its news keeps coming after it, a named day's previews before it."""

    def widened(self, since: dt.date | None, until: dt.date | None) -> str:
        """Why the dates searched, `since` to `until`, run past the period named, in words ("" when
        they do not): "March 2024 and the 31 days after it, while its news is still coming"."""
        lead = (self.start - since).days if since and self.start else 0
        grace = (until - self.end).days if until and self.end else 0
        before = f"the {_days(lead)} before it" if lead > 0 else ""
        after = f"the {_days(grace)} after it" if grace > 0 else ""
        if before and after:
            return f"{self.label}, {before} (previews), and {after}, while its news is still coming"
        if before:
            return f"{self.label} and {before} (previews)"
        return f"{self.label} and {after}, while its news is still coming" if after else ""


def _days(n: int) -> str:
    return "day" if n == 1 else f"{n} days"


# Part of a month: its first and last day (the last one past the month's end means "to the end").
_PARTS = {"early": (1, 15), "mid": (11, 20), "late": (16, 31)}


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _prefix(word: str | None, start: dt.date, end: dt.date, grace: int) -> tuple[dt.date | None, dt.date | None]:
    """Apply "since/after/before/until" to a period.

    News about a period is published during it and for a while after (a year's figures come out the
    next spring), so a plain period reaches `grace` days past its end.
    """
    word = (word or "").lower()
    if word in {"since", "after", "from"}:
        return (end + dt.timedelta(days=1) if word == "after" else start), None
    if word in {"before", "until", "by"}:
        return None, (start - dt.timedelta(days=1) if word == "before" else end)
    return start, end + dt.timedelta(days=grace)


_PREP = r"(?:\b(in|during|of|since|after|from|before|until|by|on)\s+)?"
_DAY_MDY = re.compile(_PREP + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b", re.I)
_DAY_DMY = re.compile(_PREP + r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+" + _YEAR + r"\b", re.I)
_ISO = re.compile(_PREP + r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b", re.I)
_PART = re.compile(
    _PREP
    + r"\b(?:the\s+)?(early|mid|late|(?:start|beginning|middle|end|(?:first|second)\s+half)\s+of)[-\s]?"
    + _MONTH
    + r"\b\.?(?:,?\s+(?:of\s+)?"
    + _YEAR
    + r"\b)?",
    re.I,
)
_MONTH_YEAR = re.compile(_PREP + r"\b" + _MONTH + r"\.?,?\s+(?:of\s+)?" + _YEAR + r"\b", re.I)
_YEAR_ONLY = re.compile(r"\b(in|during|since|after|from|before|until|by)\s+" + _YEAR + r"\b", re.I)
_MONTH_ONLY = re.compile(r"\b(in|during|since|after|from|before|until|by|last|this)\s+" + _MONTH + r"\b(?!\s+\d)", re.I)
_RELATIVE = re.compile(
    r"\b(yesterday|today|last week|past week|this week|last month|past month|this month|last year|this year|"
    r"recently|latest|this weekend|last weekend)\b",
)


def without_dates(question: str) -> str:
    """The question with the periods it names taken out ("in March 2024", "last week"): they are
    matched against the articles' dates, so their words need not be in any article's text."""
    for pattern in (_DAY_MDY, _DAY_DMY, _ISO, _PART, _MONTH_YEAR, _YEAR_ONLY, _MONTH_ONLY):
        question = pattern.sub(" ", question)
    return _RELATIVE.sub(" ", question.lower())


def read_dates(question: str, reference: dt.date, config: QuestionDates = DEFAULT.search.dates) -> DateHint | None:
    """The period named in the question, if any (the first one found, most specific first).

    `config` says how far a named period's news reaches past it (and a named day's before it).
    """
    for pattern, kind in ((_DAY_MDY, "mdy"), (_DAY_DMY, "dmy"), (_ISO, "iso")):
        if m := pattern.search(question):
            try:
                if kind == "mdy":
                    day = dt.date(int(m.group(4)), MONTHS[m.group(2).lower()], int(m.group(3)))
                elif kind == "dmy":
                    day = dt.date(int(m.group(4)), MONTHS[m.group(3).lower()], int(m.group(2)))
                else:
                    day = dt.date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
            except ValueError:
                continue
            since, until = _prefix(m.group(1), day, day, config.day_grace)
            if since == day:
                since = day - dt.timedelta(days=config.day_lead)
            return DateHint(since, until, day.isoformat(), True, day, day)
    if m := _PART.search(question):
        return _part(m, reference, config)
    if m := _MONTH_YEAR.search(question):
        start, end = _month_range(int(m.group(3)), MONTHS[m.group(2).lower()])
        since, until = _prefix(m.group(1), start, end, config.month_grace)
        return DateHint(since, until, f"{start:%B %Y}", True, start, end)
    if m := _YEAR_ONLY.search(question):
        year = int(m.group(2))
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        since, until = _prefix(m.group(1), start, end, config.year_grace)
        return DateHint(since, until, str(year), True, start, end)
    if m := _MONTH_ONLY.search(question):
        month = MONTHS[m.group(2).lower()]
        # "May" alone is too often the verb; only take it with a preposition that makes it a month.
        if m.group(2).lower() == "may" and m.group(1).lower() not in {"in", "during", "last", "since"}:
            return None
        year = _latest_year(month, reference, last=m.group(1).lower() == "last")
        start, end = _month_range(year, month)
        word = m.group(1) if m.group(1).lower() not in {"last", "this"} else None
        end = min(end, reference)
        since, until = _prefix(word, start, end, config.month_grace)
        return DateHint(since, until, f"{start:%B %Y}", True, start, end)
    if m := _RELATIVE.search(question):
        return _relative(m.group(1).lower(), reference, config)
    return None


def _latest_year(month: int, reference: dt.date, *, last: bool = False) -> int:
    """The year of the latest such month up to the reference day ("last March" in March: a year ago)."""
    year = reference.year if month <= reference.month else reference.year - 1
    return year - 1 if last and month == reference.month else year


def _part_of(words: str) -> str:
    """ "early", "mid" or "late" for the words naming a part of a month ("the end of", "first half of")."""
    first = words.lower().split()[0]
    if first in {"start", "beginning", "first"}:
        return "early"
    if first in {"middle", "mid"}:
        return "mid"
    return "late" if first in {"end", "second", "late"} else first


def _part(m: re.Match[str], reference: dt.date, cfg: QuestionDates) -> DateHint:
    """ "late March 2024", "in mid-March", "since early May": part of a month, its news a few days after
    it (a day's grace: what happens in it are days' events). Without a year, the latest one begun by
    the reference day, up to that day."""
    month, part = MONTHS[m.group(3).lower()], _part_of(m.group(2))
    low, high = _PARTS[part]
    year = int(m.group(4)) if m.group(4) else reference.year
    if not m.group(4) and dt.date(year, month, low) > reference:
        year -= 1
    _, last_day = _month_range(year, month)
    start, end = dt.date(year, month, low), last_day.replace(day=min(high, last_day.day))
    if not m.group(4):
        end = min(end, reference)
    since, until = _prefix(m.group(1), start, end, cfg.day_grace)
    name = "mid-" if part == "mid" else f"{part} "
    return DateHint(since, until, f"{name}{start:%B %Y}", True, start, end)


def _relative(phrase: str, ref: dt.date, cfg: QuestionDates) -> DateHint:
    day = dt.timedelta(days=1)
    if phrase == "yesterday":
        return DateHint(ref - day, ref, "yesterday", True)
    if phrase == "today":
        return DateHint(ref, ref, "today", True)
    if phrase in {"last month", "past month"}:
        if phrase == "past month":
            return DateHint(ref - cfg.past_month_days * day, ref, "the past month", False)
        start, end = _month_range(ref.year - (ref.month == 1), (ref.month - 2) % 12 + 1)
        # Like a named month, its news (figures, follow-ups) keeps coming after it ends.
        return DateHint(start, end + cfg.month_grace * day, f"{start:%B %Y}", True, start, end)
    if phrase == "this month":
        # Soft: what happens this month is often previewed in the weeks before it began.
        return DateHint(ref.replace(day=1), ref, f"{ref:%B %Y}", False)
    if phrase == "last year":
        start, end = dt.date(ref.year - 1, 1, 1), dt.date(ref.year - 1, 12, 31)
        return DateHint(start, end + cfg.year_grace * day, str(ref.year - 1), True, start, end)
    if phrase == "this year":
        return DateHint(dt.date(ref.year, 1, 1), ref, str(ref.year), True)
    if phrase in {"last week", "past week", "last weekend"}:
        return DateHint(ref - cfg.last_week_days * day, ref, "the past two weeks", False)
    # this week, this weekend, recently, latest
    return DateHint(ref - cfg.this_week_days * day, ref, "the past week", False)
