"""Finding the story inside a scraped page: which spans of the text are article, which are junk.

The text itself is never rewritten, so every passage stays an exact slice of the article.
"""

from __future__ import annotations

import re

# A line that starts the page's chrome: everything from it on belongs to other stories.
_TAIL_MARKERS = {
    "latest news",
    "latest",
    "recommended",
    "recommended for you",
    "related",
    "related articles",
    "related stories",
    "related news",
    "read more",
    "read next",
    "more stories",
    "more from",
    "most popular",
    "most read",
    "most viewed",
    "trending",
    "trending now",
    "you may also like",
    "you might also like",
    "top stories",
    "editor's picks",
    "editors picks",
    "popular stories",
}
# A line that is page furniture wherever it stands.
_LINE_JUNK = {
    "advertisement",
    "ad",
    "share",
    "share this article",
    "share this",
    "sign up",
    "subscribe",
    "skip to content",
    "skip to main content",
    "close",
    "menu",
    "search",
    "comments",
    "print",
    "story continues below advertisement",
    "continue reading",
    "show caption",
    "hide caption",
}
# Template residue such as `Quark.Models.Entities.Ancestor?.Title?.ToUpperInvariant()`.
_CODE = re.compile(r"\b[A-Za-z_]\w*(?:\??\.[A-Za-z_]\w*){2,}(?:\(\))?|\w+\?\.\w+|\w\(\)")
# A byline or a social handle on a line of its own: "Jane Onyanga-Omara / USA TODAY", "By Jane Doe",
# "@MattGlo", "By Jane Doe and John Roe, CNN", "By Nada Tawfik, BBC News, New York", an editor's
# credit such as "Edited by Mike Firn.". Short, names only: never a line of the story.
_CREDITS = ("by ", "words by ", "reporting by ", "additional reporting by ", "written by ", "edited by ")
_BYLINE = re.compile(
    rf"^(?:(?i:{'|'.join(c.strip() for c in _CREDITS)})\s+)?[A-Z][\w.'’-]+"
    r"(?:\s+(?:[A-Z][\w.'’-]+|and|&|de|van|von|al)){0,5}(?:\s*[/|,]\s*[A-Z][\w .&'’-]{1,40}){0,2}$"
)
_HANDLES = re.compile(r"^(?:@\w{1,30}[\s,]*)+$")
_NORM = re.compile(r"[\W_]+")
_WORDS = re.compile(r"\S+")
# Body words needed before a tail marker is trusted to end the story.
_MIN_BODY_WORDS = 30
# A block this short on its own (a dateline such as "BEIJING") is not worth a passage.
_MIN_BLOCK_WORDS = 4


def _norm(line: str) -> str:
    return _NORM.sub("", line.lower())


def _marker(line: str) -> str:
    return line.strip().strip(":").strip().lower()


def story_spans(text: str, title: str = "") -> list[tuple[int, int]]:
    """The (start, end) spans of `text` that are the story; junk lines split spans apart."""
    spans: list[tuple[int, int]] = []
    seen = {_norm(title)} if title.strip() else set()
    body_words = 0
    block_start: int | None = None
    block_end = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        stripped = line.strip()
        if not stripped:
            continue
        key = _norm(stripped)
        marker = _marker(stripped)
        is_code = bool(_CODE.search(stripped)) and len(_WORDS.findall(stripped)) < 40
        if (marker in _TAIL_MARKERS or is_code) and body_words >= _MIN_BODY_WORDS:
            break
        byline = bool(_HANDLES.match(stripped)) or (
            len(_WORDS.findall(stripped)) <= 10
            and ("/" in stripped or stripped.lower().startswith(_CREDITS))
            and bool(_BYLINE.match(stripped))
        )
        junk = marker in _LINE_JUNK or is_code or byline or (key in seen and len(key) >= 12)
        if key:
            seen.add(key)
        if junk:
            if block_start is not None:
                spans.append((block_start, block_end))
                block_start = None
            continue
        if block_start is None:
            block_start = start + (len(line) - len(line.lstrip()))
        block_end = start + len(line.rstrip())
        body_words += len(_WORDS.findall(stripped))
    if block_start is not None:
        spans.append((block_start, block_end))
    big = [s for s in spans if len(_WORDS.findall(text[s[0] : s[1]])) >= _MIN_BLOCK_WORDS]
    return big or spans
