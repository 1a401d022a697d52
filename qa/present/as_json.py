"""An answer as the JSON object `ask --json` prints, batch's JSON Lines hold and evaluation scores."""

from __future__ import annotations

from typing import Any

from qa.present.view import Answered, Note, answer_view, quotes
from qa.ranking.answers import Answer, Copy, Hit, Said


def copy_json(copy: Copy) -> dict[str, Any]:
    """Another outlet that ran the quote."""
    return {
        "source": copy.source,
        "date": copy.date.isoformat() if copy.date else None,
        "title": copy.title,
        "url": copy.url,
        "article_id": copy.article_id,
        "passage_id": copy.passage_id,
    }


def hit_json(hit: Hit) -> dict[str, Any]:
    """One quote: the passage, where it came from, its scores and its best sentence's span."""
    p = hit.passage
    return {
        "rank": hit.rank,
        "text": p.text,
        "date": p.date.isoformat() if p.date else None,
        "source": p.source,
        "title": p.title,
        "url": p.url,
        "article_id": p.article_id,
        "passage_id": p.id,
        "score": round(hit.score, 4),
        "highlight": {"start": hit.highlight[0], "end": hit.highlight[1]},
        "relevance": round(hit.relevance, 4),
        "also": [copy_json(c) for c in hit.also],
    }


def said_json(said: Said | None) -> dict[str, Any] | None:
    """The answer line: its words, the rank of the quote holding them, where they lie in its text, and
    the chance they are right (None: no line, the judge was not sure enough)."""
    if said is None:
        return None
    return {
        "text": said.text,
        "passage_rank": said.rank,
        "start": said.start,
        "end": said.end,
        "confidence": round(said.confidence, 3),
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer's object: the question and its filters, the verdict, the answer line (`answer`),
    the quotes (`passages`), the nearest passages (`closest`, under nothing found) and the notes,
    from the answer's view."""
    blocks = answer_view(answer)
    return {
        "question": answer.question,
        "as_of": answer.as_of.isoformat() if answer.as_of else None,
        "since": answer.since.isoformat() if answer.since else None,
        "until": answer.until.isoformat() if answer.until else None,
        "sources": list(answer.sources),
        "nothing_found": answer.nothing_found,
        "answer": said_json(next((b.said for b in blocks if isinstance(b, Answered)), None)),
        "passages": [hit_json(h) for h in quotes(blocks)],
        "closest": [hit_json(h) for h in quotes(blocks, closest=True)],
        "unmentioned": list(answer.unmentioned),
        "notes": [b.text for b in blocks if isinstance(b, Note)],
    }
