"""The words an answer is shown in, said once for every view: `ask`, batch's formats and the chat.

Article text can hold anything, so every view passes it through `safe` (control characters made
visible) before a terminal sees it.
"""

from __future__ import annotations

import datetime as dt
import re

from qa.ranking.answers import Answer, Hit

NOTHING_FOUND = "Nothing relevant in this archive."
# Under NOTHING_FOUND: the passages nearest the question, kept in view so that a wrong verdict does
# not take every passage off the screen, and labelled so that none is read as an answer.
CLOSEST = "The nearest passages, none close enough to count as an answer:"


def nothing_found(answer: Answer) -> str:
    """NOTHING_FOUND, and why when words of the question decided it: what the archive never mentions."""
    if not answer.unmentioned:
        return NOTHING_FOUND
    quoted = [f"“{safe(w)}”" for w in answer.unmentioned]
    words = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"{NOTHING_FOUND} No article in it mentions {words}."


# Everything that could drive a terminal (escape sequences, bells, backspaces) from article text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Text with control characters made visible, so article text can never drive the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def citation(hit: Hit) -> str:
    """One line for the terminal: date · outlet · headline."""
    p = hit.passage
    return " · ".join(part for part in (hit.date_text, p.source, p.headline) if part)


def reference(hit: Hit) -> str:
    """A written citation: outlet, “headline”, date <url> (Markdown, a copied quote); no outlet when
    the article names none."""
    p = hit.passage
    url = f" <{p.url}>" if p.url else ""
    parts = [p.source, f"“{p.headline}”" if p.headline else "", hit.date_text]
    return ", ".join(part for part in parts if part) + url


def also_in(hit: Hit) -> str:
    """The other outlets that ran the quote, each with its date, oldest first ("" when none)."""
    return ", ".join(c.label for c in hit.also)


def best_sentence(hit: Hit) -> str:
    start, end = hit.highlight
    return hit.passage.text[start:end]


def distance(date: dt.date | None, reference_day: dt.date, reference: str = "today") -> str:
    """How far a date lies from the reference day, in words: '1 year 6 months before today', 'same day'.

    `reference` names the reference day ("today", "the as-of day"); "" for an undated article, whose
    "undated" says it all.
    """
    if date is None:
        return ""
    days = (reference_day - date).days
    if days == 0:
        return f"same day as {reference}" if reference != "today" else "today"
    word = "before" if days > 0 else "after"
    days = abs(days)
    years, rest = divmod(days, 365)
    months = rest // 30
    if years:
        parts = [f"{years} year{'s' if years > 1 else ''}"] + (
            [f"{months} month{'s' if months > 1 else ''}"] if months else []
        )
    elif days >= 30:
        parts = [f"{days // 30} month{'s' if days >= 60 else ''}"]
    elif days >= 7:
        parts = [f"{days // 7} week{'s' if days >= 14 else ''}"]
    else:
        parts = [f"{days} day{'s' if days > 1 else ''}"]
    return f"{' '.join(parts)} {word} {reference}"
