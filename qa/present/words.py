"""The words an answer is shown in, said once for every view: `ask`, batch's formats and the chat.

Article text can hold anything, so every view passes it through `safe` (control characters made
visible) before a terminal sees it.
"""

from __future__ import annotations

import datetime as dt
import re

from qa.ranking.answers import Answer, Hit, Said

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


def answer_line(said: Said) -> str:
    """The answer in one line, as every front end writes it."""
    return f"Answer: {said.text}" + ("" if said.rank == 1 else f" (quote {said.rank})")


def marked(
    text: str, sentence: tuple[int, int], answer: tuple[int, int] | None, marks: tuple[str, str, str, str]
) -> str:
    """`text` with its best sentence between marks[0] and marks[1] and the answer's words, where given,
    between marks[2] and marks[3]: each mark touches the words it wraps, and the answer's words are
    marked only inside the sentence or apart from it, never across its edge."""
    spans = [(*_trimmed(text, *sentence), marks[0], marks[1])]
    if answer is not None:
        a, b = _trimmed(text, *answer)
        s, e = spans[0][:2]
        inside, apart = s <= a and b <= e, b <= s or e <= a
        if a < b and (inside or apart):
            spans.append((a, b, marks[2], marks[3]))
    # Inner marks go in before outer ones at the same place, so the answer's sit inside the sentence's.
    cuts = sorted(
        [(s, 1 if i else 0, opening) for i, (s, e, opening, _) in enumerate(spans) if e > s]
        + [(e, 0 if i else 1, closing) for i, (s, e, _, closing) in enumerate(spans) if e > s],
        key=lambda c: (c[0], c[1]),
    )
    out, at = [], 0
    for place, _, mark in cuts:
        out += [text[at:place], mark]
        at = place
    return "".join([*out, text[at:]])


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces at its edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


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
