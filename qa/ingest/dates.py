"""Reading dates from article records and from the command line."""

from __future__ import annotations

import datetime as dt
import re

from qa.errors import DatelineError

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


# Epoch numbers are taken as seconds (or milliseconds) when they fall in this span of years.
_EPOCH_YEARS = (1990, 2100)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_NUMBER = re.compile(r"^\s*\d{9,13}(?:\.\d+)?\s*$")
# Two defaults far apart: a component the text leaves out shows up as a difference between them.
_DEFAULTS = (dt.datetime(1901, 1, 1), dt.datetime(1902, 2, 2))


def _epoch(value: float) -> dt.date | None:
    for seconds in (value, value / 1000):
        try:
            day = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            continue
        if _EPOCH_YEARS[0] <= day.year <= _EPOCH_YEARS[1]:
            return day
    return None


def parse_record_date(value: object, *, day_first: bool = False) -> dt.date | None:
    """A publication date as archives write it; None when absent.

    Read with python-dateutil: ISO dates and datetimes, RFC 2822 (`Mon, 06 Oct 2024 08:00:00 GMT`,
    the RSS standard), `October 6, 2024`, `6 October 2024`, `20241006`, and epoch seconds or
    milliseconds. A datetime keeps the day it states in its own time zone. A numeric date such as
    `10/06/2024` is read month first (October 6) unless `day_first` (`dateline index --date-order dmy`).
    Raises ValueError for a value that is present but is not one whole, real date (no guessing of a
    missing year or day).
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"date must be text or a number, not {type(value).__name__}")
    if isinstance(value, int | float) or _NUMBER.match(value):
        day = _epoch(float(value))
        if day is None:
            raise ValueError(f"{str(value)[:40]!r} is not a date (as epoch seconds it falls outside {_EPOCH_YEARS})")
        return day
    if match := _COMPACT.match(value):
        return dt.date(*(int(g) for g in match.groups()))
    from dateutil import parser

    try:
        first, second = (parser.parse(value, default=d, dayfirst=day_first) for d in _DEFAULTS)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value[:40]!r} is not a date ({exc})") from exc
    if first.date() != second.date():
        raise ValueError(f"{value[:40]!r} is not a whole date (it lacks a year, a month or a day)")
    return first.date()


def parse_cli_date(value: str, *, end: bool = False) -> dt.date:
    """YYYY-MM-DD, YYYY-MM or YYYY; a partial date means its first day, or its last with `end`."""
    try:
        if m := _ISO_DATE.match(value):
            return dt.date(*(int(g) for g in m.groups()))
        if m := _MONTH.match(value):
            year, month = int(m.group(1)), int(m.group(2))
            first = dt.date(year, month, 1)
            if not end:
                return first
            nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        if m := _YEAR.match(value):
            year = int(m.group(1))
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError as exc:
        raise DatelineError(f"{value!r} is not a real date ({exc})", "Bad date") from exc
    raise DatelineError(f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY", "Bad date")
