"""The last step: quotes become hits with their best sentence, and the relevance bar decides
between an answer and "nothing relevant"."""

from __future__ import annotations

from dataclasses import replace

from qa.config import Search
from qa.search.answers import Answer, Hit
from qa.search.collapse import Shown
from qa.search.highlight import best_sentence
from qa.search.question import Reading
from qa.search.scoring import Ranked


def hits(shown: list[Shown], ranked: Ranked, reading: Reading, config: Search) -> list[Hit]:
    """Each quote kept, ranked, with the sentence that best answers the question highlighted."""
    question, bonus = reading.query.question, config.answer_types.highlight_bonus
    return [
        Hit(
            rank,
            s.passage,
            ranked.score[s.passage.id],
            best_sentence(question, s.passage.text, reading.expected, bonus),
            also=s.sorted_copies(),
            relevance=ranked.candidates[s.passage.id].cosine,
        )
        for rank, s in enumerate(shown, 1)
    ]


def verdict(reading: Reading, found: list[Hit], ranked: Ranked, config: Search) -> Answer:
    """The answer: the hits, or "nothing relevant" when the best candidate of all is below the bar
    (unless the query ranks regardless, as evaluation does); quotes off the topic are left out.

    The bar is judged on every candidate, not on the quotes shown: how many quotes were asked for
    never turns an answer into "nothing relevant".
    """
    cfg = config.verdict
    query = reading.query
    best = max((c.cosine for c in ranked.candidates.values()), default=0.0)
    answer = Answer(query.question, query.as_of, since=query.since, until=query.until, notes=reading.notes)
    if found and best < cfg.relevance_bar and query.apply_bar:
        return replace(answer, nothing_found=True, closest=tuple(found[: cfg.closest]))
    if query.apply_bar:
        on_topic = [h for h in found if h.relevance >= cfg.quote_floor]
        found = [replace(h, rank=rank) for rank, h in enumerate(on_topic, 1)]
    return replace(answer, hits=tuple(found), nothing_found=not found)
