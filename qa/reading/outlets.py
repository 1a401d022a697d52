"""A source filter: the outlets a user names, matched to the names the archive stores.

Matching is case-insensitive and whole-name ("cnn.com" finds "CNN.com", not "edition.cnn.com"); a
name that matches nothing is noted with the archive's outlets, and with the near ones it may mean.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.config import DEFAULT

NAMED = DEFAULT.answering.outlets_named


def matches(stored: str, asked: Sequence[str]) -> bool:
    """Whether an article's stored source is one of the outlets asked for."""
    name = " ".join(stored.split()).casefold()
    return any(name == a.casefold() for a in asked)


def searched_outlets(
    asked: Sequence[str], outlets: Sequence[tuple[str, int]], named: int = NAMED
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stored names to search for the outlets asked for (`outlets`: the archive's, most articles
    first), and notes for the user: what was searched, and which names the archive has no articles from."""
    named_outlets = [stored for stored, _ in outlets if stored]  # articles that name no outlet have none to match
    found = [stored for stored in named_outlets if matches(stored, asked)]
    missing = [a for a in asked if not any(matches(stored, [a]) for stored in named_outlets)]
    notes = []
    if missing:
        notes.append(_missing_note(missing, named_outlets, named))
    if found:
        notes.append(f"searched only articles from {', '.join(found)}")
    return tuple(found), tuple(notes)


def _squashed(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


def _near(name: str, outlets: Sequence[str]) -> list[str]:
    """Outlets whose name holds this one or is held by it, spaces and punctuation aside ("cnn" and
    "CNN.com", "usatoday" and "USA Today")."""
    short = _squashed(name)
    return [o for o in outlets if short and (short in _squashed(o) or _squashed(o) in short) and _squashed(o)]


def _missing_note(missing: Sequence[str], outlets: Sequence[str], named: int) -> str:
    near = list(dict.fromkeys(o for m in missing for o in _near(m, outlets)))
    note = f"no articles from {' or '.join(missing)} in this archive"
    if near:
        note += f" (did you mean {' or '.join(near)}?)"
    if not outlets:
        return f"{note}: no article in it names its outlet"
    more = len(outlets) - named
    tail = f", and {more} more (`dateline info` lists them all)" if more > 0 else ""
    return f"{note}; its outlets: {', '.join(outlets[:named])}{tail}"
