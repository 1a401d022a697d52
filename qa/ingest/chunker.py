"""Cutting an article into passages of whole sentences, sized for the model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qa.config import DEFAULT, Chunking
from qa.ingest.articles import Article, Passage
from qa.ingest.cleaning import story_spans

_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "jr",
    "sr",
    "gov",
    "sen",
    "rep",
    "gen",
    "lt",
    "col",
    "sgt",
    "capt",
    "prof",
    "inc",
    "co",
    "corp",
    "ltd",
    "vs",
    "no",
    "jan",
    "feb",
    "mar",
    "apr",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
    "mt",
    "ft",
    "approx",
    "est",
    "dept",
    "univ",
    "etc",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "d.c",
    "a.m",
    "p.m",
}
# A sentence ends at . ! ? (and closing quotes or brackets) followed by space and a plausible start.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"\S+")
_LAST_WORD = re.compile(r"(\S+)$")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def sentence_spans(text: str, start: int, end: int) -> Iterator[Span]:
    """Sentences of text[start:end]; line breaks always end a sentence."""
    for para in re.finditer(r"[^\n]+", text[start:end]):
        p_start, p_end = start + para.start(), start + para.end()
        cursor = p_start
        chunk = text[p_start:p_end]
        for match in _END.finditer(chunk):
            cut = p_start + match.end()
            last = _LAST_WORD.search(text[cursor : p_start + match.start()])
            word = last.group(1).lower().strip("\"'“‘(") if last else ""
            if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                continue
            yield from _trimmed(text, cursor, cut)
            cursor = cut
        yield from _trimmed(text, cursor, p_end)


def _trimmed(text: str, start: int, end: int) -> Iterator[Span]:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    if start + lead < end - trail:
        yield Span(start + lead, end - trail)


_CLOSED = re.compile(r"[.!?:;,\"'”’)\]]\s*$")


def _is_line(text: str, span: Span) -> bool:
    """True when the span is a whole line of its own."""
    before = text.rfind("\n", 0, span.start)
    after = text.find("\n", span.end)
    return not text[before + 1 : span.start].strip() and not text[span.end : after if after >= 0 else None].strip()


def _word_windows(text: str, span: Span, max_words: int) -> Iterator[Span]:
    """A sentence longer than a passage, cut at word boundaries."""
    words = list(_WORD.finditer(text, span.start, span.end))
    for i in range(0, len(words), max_words):
        group = words[i : i + max_words]
        yield Span(group[0].start(), group[-1].end())


def chunk(
    article_id: str,
    text: str,
    title: str = "",
    *,
    max_words: int = DEFAULT.chunking.max_words,
    min_words: int = DEFAULT.chunking.min_words,
) -> list[Passage]:
    """Passages of whole sentences, each at most `max_words` words, never crossing a junk line."""
    spans: list[Span] = []
    for block_start, block_end in story_spans(text, title):
        current: list[Span] = []
        count = 0
        block: list[Span] = []
        for sent in sentence_spans(text, block_start, block_end):
            n = len(_WORD.findall(text, sent.start, sent.end))
            pieces = [sent] if n <= max_words else list(_word_windows(text, sent, max_words))
            heading = n <= 10 and _is_line(text, sent) and not _CLOSED.search(text, sent.start, sent.end)
            for piece in pieces:
                m = len(_WORD.findall(text, piece.start, piece.end))
                # A subheading opens the next passage rather than trailing the last one.
                if current and (count + m > max_words or (heading and count >= min_words)):
                    block.append(Span(current[0].start, current[-1].end))
                    current, count = [], 0
                current.append(piece)
                count += m
        if current:
            tail = Span(current[0].start, current[-1].end)
            prev = block[-1] if block else None
            # Fold a short last passage into the one before when that stays readable.
            if prev and count < min_words and len(_WORD.findall(text, prev.start, tail.end)) <= max_words + min_words:
                block[-1] = Span(prev.start, tail.end)
            else:
                block.append(tail)
        spans.extend(block)
    return [Passage(article_id, i, s.start, s.end, text[s.start : s.end]) for i, s in enumerate(spans)]


def article_passages(article: Article, config: Chunking = DEFAULT.chunking) -> list[Passage]:
    """The passages of an article. A title made from its own opening words is no headline to drop."""
    title = "" if article.title_derived else article.title
    return chunk(article.id, article.text, title, max_words=config.max_words, min_words=config.min_words)


def embedding_text(title: str, passage_text: str) -> str:
    """What the model reads for a passage: the headline gives the passage its context."""
    return f"{title}\n{passage_text}" if title else passage_text
