"""The verdict, the last step: the quotes become hits, or "nothing relevant" below the relevance bar."""

from __future__ import annotations

from dataclasses import replace

from qa.config import Search
from qa.ranking.answers import Answer, Hit
from qa.ranking.collapse import Shown
from qa.ranking.scoring import Ranked
from qa.reading.question import Reading
from qa.reading.text import content_words


def hits(shown: list[Shown], ranked: Ranked) -> list[Hit]:
    """Each quote kept, ranked, with its highlight (qa.ranking.highlight.highlighted)."""
    return [
        Hit(
            rank,
            s.passage,
            ranked.score[s.passage.id],
            s.highlight or (0, 0),
            also=s.sorted_copies(),
            relevance=ranked.candidates[s.passage.id].cosine,
        )
        for rank, s in enumerate(shown, 1)
    ]


def best_cosine(ranked: Ranked) -> float:
    """The cosine of the question's closest candidate: what the relevance bars read."""
    return max((c.cosine for c in ranked.candidates.values()), default=0.0)


def needs_mentions(ranked: Ranked, reading: Reading, config: Search) -> bool:
    """Whether the archive is asked which of the question's words it never mentions: when its best
    candidate is below the unmentioned bar. Between the two bars the words decide the verdict; below
    the relevance bar they only say why nothing was found."""
    return reading.query.apply_bar and best_cosine(ranked) < config.verdict.unmentioned_bar


def relevance_bar(reading: Reading, config: Search) -> float:
    """The cosine a question's best candidate must reach: lower for a short question ("Where did
    Blinken go?"), whose vector lies farther from every passage than a long one's."""
    cfg = config.verdict
    short = len(content_words(reading.query.question)) <= cfg.short_words
    return cfg.short_bar if short else cfg.relevance_bar


def below_relevance(ranked: Ranked, reading: Reading, config: Search) -> bool:
    """Whether the best candidate is below the relevance bar: then the question is off the archive's
    topic unless a quote holds every word it names (`verdict`'s `named`)."""
    return reading.query.apply_bar and best_cosine(ranked) < relevance_bar(reading, config)


def verdict(
    reading: Reading,
    found: list[Hit],
    ranked: Ranked,
    config: Search,
    unmentioned: tuple[str, ...] = (),
    *,
    held: frozenset[int] = frozenset(),
) -> Answer:
    """The answer: the hits, or "nothing relevant" when the best candidate of all is below the bar
    (unless the query ranks regardless, as evaluation does); quotes off the topic are left out.

    The bar is judged on every candidate, not on the quotes shown: how many quotes were asked for
    never turns an answer into "nothing relevant". When the answer judge read the best candidates and
    the config gives it a bar, its best score decides; otherwise the best cosine. `unmentioned`: the
    question's names the archive never holds; with enough of them (`Verdict.unmentioned_least`), the
    best candidate must clear the unmentioned bar instead; when nothing is found they say why.
    `held`: the quotes holding every word the question names, or every name ("Sergei Lavrov" for
    "Who is Sergei Lavrov?", "Blinken" for "Where did Blinken go?"): on the question's topic however
    low their cosine (short questions about a name score low against a passage that mentions it in
    passing), so the question clears the bar, and they are shown even under the quote floor.
    """
    cfg = config.verdict
    query = reading.query
    best = best_cosine(ranked)
    if ranked.judged and config.judging.bar is not None:
        below = max(ranked.judged.values()) < config.judging.bar
    else:
        below = best < relevance_bar(reading, config) and not held
    missing = unmentioned if best < cfg.unmentioned_bar else ()
    decides = len(missing) >= cfg.unmentioned_least
    answer = Answer(query.question, query.as_of, since=query.since, until=query.until, notes=reading.notes)
    if found and query.apply_bar:
        # Quotes off the topic are left out; when none is left, it is "nothing relevant" as below the
        # bar, with the nearest passages kept in view (never an empty page without a reason).
        near = [h for h in found if h.relevance >= cfg.quote_floor or h.passage.id in held]
        on_topic = [] if below or decides else near
        if not on_topic:
            return replace(answer, nothing_found=True, closest=tuple(found[: cfg.closest]), unmentioned=missing)
        found = [replace(h, rank=rank) for rank, h in enumerate(on_topic, 1)]
    return replace(answer, hits=tuple(found), nothing_found=not found, unmentioned=() if found else missing)
