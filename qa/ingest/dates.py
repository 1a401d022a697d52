"""Reading dates from article records and from the command line."""

from __future__ import annotations

import datetime as dt
import re

from qa.errors import DatelineError

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def parse_record_date(value: object) -> dt.date | None:
    """An ISO date or datetime (`2024-01-05`, `2024-01-05T10:00:00Z`); None when absent.

    Raises ValueError for a value that is present but is not a real date.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"date must be a string, not {type(value).__name__}")
    match = _ISO_DATE.match(value)
    if not match:
        raise ValueError(f"{value[:40]!r} is not an ISO date (YYYY-MM-DD)")
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


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
