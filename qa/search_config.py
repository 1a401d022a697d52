"""The config's `Search` section and its parts: everything that decides what a question gets back.

`qa.config.Config.search` holds it; code imports these sections from `qa.config`, the one config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Candidates:
    """Where candidates come from: the dense and keyword pools inside the question's dates."""

    dense: bool = True
    keyword: bool = True
    pool: int = 100
    """How many candidates each side brings to the fusion."""
    keyword_depth: int = 4
    """The keyword search first ranks `keyword_depth * pool` matches without the date join and keeps
    those inside the dates; only when too few survive is it run with the join."""
    title_weight: float = 0.5
    """BM25 weight of the headline column against the passage text (1.0)."""
    common_words: float = 0.02
    """Single words found in more than this share of passages are left out of the keyword search
    (0: keep all)."""
    common_words_floor: int = 100
    """...unless they are in fewer passages than this: a small archive keeps every word."""
    shard_keywords: str = "global"
    """How a sharded archive scores keyword matches: "global" with the whole archive's word
    statistics (as one index would), "shard" with each shard's own (no extra calls to the shards)."""


@dataclass(frozen=True, slots=True)
class Scoring:
    """How a candidate's score is made: cosine + keyword + recency (+ a named window)."""

    keyword_weight: float = 0.3
    """Weight of BM25 relative to the best BM25 in the pool, added to the cosine."""
    recency_weight: float = 0.2
    recency_days: float = 14.0
    """Recency prior: weight * exp(-age / days), age counted back from the as-of day (or the archive's newest)."""
    window_weight: float = 0.1
    """Boost for passages inside a vague period the question names ("this week")."""


@dataclass(frozen=True, slots=True)
class AnswerTypes:
    """Favouring quotes that hold the kind of answer asked for ("which country", "how many")."""

    weight: float = 0.3
    """Boost for a passage (with its headline) holding such an answer (0: off)."""
    margin: float = 0.2
    """Only passages this close in cosine to the best candidate get it: on the question's topic."""
    depth: int = 100
    """How many of the best candidates are checked."""


@dataclass(frozen=True, slots=True)
class Highlighting:
    """How a quote's highlighted sentence is picked: the sentence with the highest weighted sum of what
    it shows (qa/ranking/highlight.py, `FEATURES`, one weight each)."""

    coverage: float = 1.0
    """The share of the question's content words the sentence holds."""
    words: float = 0.01
    """How many question words it holds (long words and numbers count double)."""
    kind: float = 1.96
    """It holds the kind of answer asked for ("which country": a country the question does not name)."""
    names: float = 0.35
    """log(1 + capitalised words the question does not hold, past the sentence's first word, days and
    months left out), unless the question asks how many, how much or when (its answer is a number)."""
    people: float = 0.26
    """The same, again, when the question asks who."""
    numbers: float = 0.22
    """log(1 + numbers the question does not hold), when it asks how many, how much or when."""
    position: float = -0.09
    """Its place in the passage, 0 for the first sentence to 1 for the last."""
    quoted: float = -0.11
    """It holds a quotation mark (a quote is more often comment than the fact asked for)."""


@dataclass(frozen=True, slots=True)
class QuestionDates:
    """Periods a question names ("in March 2024", "last week") and how far their news reaches."""

    enabled: bool = True
    day_grace: int = 3
    month_grace: int = 31
    year_grace: int = 92
    """How long after a named period its news keeps coming (a year's figures come out next spring)."""
    day_lead: int = 7
    """How long before a named day its news starts: previews and schedules come first."""
    latest_days: int = 7
    """Days listed, up to the as-of day (or the newest story), for a question asking only what is
    new, with no period named ("What's new?")."""
    past_month_days: int = 31
    """Days "the past month" reaches back from the as-of day."""
    last_week_days: int = 14
    """Days "last week", "past week" or "last weekend" reaches back (read as the past two weeks)."""
    this_week_days: int = 7
    """Days "this week", "recently" or "latest" reaches back."""


@dataclass(frozen=True, slots=True)
class Collapse:
    """One story once, and at most a few quotes of one article."""

    enabled: bool = True
    per_article: int = 3
    """At most this many passages of one article in an answer."""
    shingle: int = 4
    """Words per shingle when comparing two passages' text."""
    same_story: float = 0.5
    """Share of shingles two passages must have in common to be the same text."""
    copy_lookahead: int = 40
    """Candidates looked at past the last quote shown, for other outlets' copies of the stories shown."""
    copy_gap: float = 0.3
    """...while their score stays within this of the last quote's: another headline and date move a
    copy's score that much."""
    copy_similar: float = 0.5
    """...and their cosine to a quote is at least this (below it a candidate is not read at all)."""
    openings_per_story: int = 4  # a period's listing reads this many openings per story shown: copies fold


@dataclass(frozen=True, slots=True)
class Verdict:
    """When to say "nothing relevant", and which quotes are off the topic."""

    relevance_bar: float = 0.25
    """Below this cosine between a question (of more than `short_words` content words) and its best
    candidate, nothing in the archive answers it, unless a quote holds every word or every name the
    question names."""
    short_bar: float = 0.15
    """The relevance bar for a short question (at most `short_words` content words), which scores
    far lower against the passage that answers it."""
    short_words: int = 5
    """At most this many content words make a question short (`short_bar`)."""
    unmentioned_bar: float = 0.45
    """When names of the question appear nowhere in the archive ("Who did Lukashenko tell Shoigu?"
    over North Korea news that names neither), nothing answers it unless a candidate is at least this
    close in cosine (a strong paraphrase). 0: off."""
    unmentioned_words: Literal["names", "any"] = "names"
    """Which of the question's words the unmentioned rule reads: "names", written with a capital past
    a sentence's start ("Pyongyang", "GDP", "Disney"), or "any" content word."""
    unmentioned_least: int = 2
    """How many of the question's names the archive must never mention for the rule to decide."""
    quote_floor: float = 0.15
    """Below this cosine a quote is off the question's topic (a stray keyword match, the only article
    left in a date range): left out even when other quotes clear the bar."""
    closest: int = 3
    """How many of the nearest passages a "nothing relevant" answer keeps: the chat and batch's
    Markdown show them under the verdict, `ask` with `--closest`."""


@dataclass(frozen=True, slots=True)
class Judging:
    """The answer judge (embeddings/judge.py): how it re-ranks, and when it says "nothing relevant".
    Whether it runs is `qa.settings.Settings.judge`."""

    depth: int = 4
    """How many of the best fused candidates the judge reads per question (one call each)."""
    siblings: int = 0
    """How many more passages of the article it ranks first the judge then reads (from the question's
    candidates, best fused first), so another passage of that article can become the quote. 0: none."""
    weight: float = 0.2
    """The judge's probability that a passage answers, added to its fused score with this weight."""
    bar: float | None = None
    """Below this judge logit for the best candidate it read, nothing in the archive answers. None:
    the cosine bar decides (`Verdict.relevance_bar`)."""
    dated: bool = True
    """Whether the judge reads each candidate's age ("this week", "years ago") before it. Off, it reads
    every candidate as undated: its score is then about the text alone, and the dates count only
    through the fused score's date rules."""
    highlight: float = 1.0
    """How much the judge's reading counts in picking the highlighted sentence of a quote it read:
    this times its token scores over each sentence (`pool`), read from the call that ranks the quote
    (a head in its graph: no call more), added to the sentence features' score with `highlighting`'s
    weights. 0: the sentence features alone (`Search.highlighting`), as for quotes it did not read."""
    pool: Literal["mean", "max"] = "mean"
    """How a sentence reads its tokens' scores: their mean (the shipped head: a linear read of the
    sentence's mean states), or their best (a head that marks the answer's own tokens)."""
    unread: float = 0.0
    """The token score a sentence past what the judge read (it reads 192 tokens) counts as."""
    highlighting: Highlighting = field(
        default_factory=lambda: Highlighting(
            coverage=0.831, words=-0.0385, kind=3.73, names=0.726, people=0.526, numbers=0.688, position=-0.178,
            quoted=0.103,
        )
    )  # fmt: skip
    """The sentence features' weights beside the judge's reading, fitted with it."""


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """The answer in one line: the words of the first quote that answer, shown above the quotes only
    when the judge is sure (its graph's start and end heads; qa.ranking.answer_span)."""

    span_tokens: int = 12
    """The longest answer span, in the judge's tokens (word pieces)."""
    bar: float | None = None
    """The answer line shows only when its confidence (a probability, qa.ranking.answer_span) is at
    least this; fitted so that at most one shown line in ten is wrong on the training quarters. None:
    never shown."""
    weights: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """The confidence's logistic weights: its bias, then one per feature (qa.ranking.answer_span.FEATURES)."""
    choice: tuple[float, ...] | None = None
    """Weights over qa.ranking.answer_span.CHOICE that pick the span among the heads' best few (fitted
    with the heads, qa.training.fit_answer_span); None: the heads' best."""


@dataclass(frozen=True, slots=True)
class Search:
    """Everything that decides what a question gets back."""

    candidates: Candidates = field(default_factory=Candidates)
    scoring: Scoring = field(default_factory=Scoring)
    answer_types: AnswerTypes = field(default_factory=AnswerTypes)
    highlighting: Highlighting = field(default_factory=Highlighting)
    dates: QuestionDates = field(default_factory=QuestionDates)
    collapse: Collapse = field(default_factory=Collapse)
    verdict: Verdict = field(default_factory=Verdict)
    judging: Judging = field(default_factory=Judging)
    answer_line: AnswerLine = field(default_factory=AnswerLine)
