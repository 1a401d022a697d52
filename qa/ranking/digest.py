"""A period's stories, for a question that only asks what happened then ("What happened in March 2024?").

One quote each (its opening), oldest first, each story once however many outlets ran it.
"""

from __future__ import annotations

from embeddings.base import Vectors
from qa.config import Search
from qa.ranking.answers import Answer, Hit
from qa.ranking.collapse import Shown, folded
from qa.ranking.dedupe import shingles
from qa.ranking.highlight import best_sentence
from qa.reading.question import Reading
from qa.search.candidates import CandidateSource


def digest(reading: Reading, question: Vectors, source: CandidateSource, config: Search) -> Answer:
    """The period's stories: no relevance bar (every story of the period answers the question)."""
    query, cfg = reading.query, config.collapse
    # Copies of one story from several outlets fold into one, so more openings are read than shown.
    read = query.k * cfg.openings_per_story
    ids, count = source.leads(reading.since, reading.until, read, reading.sources)
    texts = source.passages(ids)
    kept: list[Shown] = []
    for pid in ids:
        p = texts.get(pid)
        if p is None:
            continue
        sh = shingles(p.text, cfg.shingle)
        if not folded(p, sh, kept, cfg.same_story) and len(kept) < query.k:
            kept.append(Shown(p, sh))
    cosines = source.cosines([s.passage.id for s in kept], question)
    hits = tuple(
        Hit(rank, s.passage, cos, best_sentence(query.question, s.passage.text), s.sorted_copies(), cos)
        for rank, (s, cos) in enumerate(zip(kept, cosines, strict=True), 1)
    )
    notes = list(reading.notes)
    if count > len(ids) or (len(ids) == read and len(kept) == query.k):
        notes.append(f"showing the first {len(kept)} of {count} articles from then; ask for more with -k (or /k)")
    return Answer(
        query.question,
        query.as_of,
        since=query.since,
        until=query.until,
        hits=hits,
        nothing_found=not hits,
        notes=tuple(notes),
        digest=True,
    )
