"""Every tunable number of dateline in one typed config, in sections.

The defaults are the measured choices (docs/benchmarks.md says how each was measured). Code takes
the section it needs as an argument; benchmarks and tests build variants with `dataclasses.replace`
instead of changing module globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Chunking:
    """How articles are cut into passages (changing it rebuilds an index: `version` is recorded)."""

    max_words: int = 100
    """all-MiniLM-L6-v2 was trained on 128 word pieces; ~100 words is about 130 of them."""
    min_words: int = 30
    """A shorter last passage is folded into the one before it."""

    @property
    def version(self) -> str:
        return f"sentences-v3-max{self.max_words}-min{self.min_words}-title"


@dataclass(frozen=True, slots=True)
class Indexing:
    """How an indexing run reads, embeds and stores."""

    embed_batch: int = 256
    """Passages per encoder call (longest first, so a batch pads little)."""
    group_passages: int = 2048
    """Passages embedded and written per group: what one run holds in memory at a time."""
    ahead_passages: int = 20_000
    """A sharded archive embedded on a cluster embeds this many passages per job, ahead of writing
    the shards: each job costs seconds to start."""
    vector_rows: int = 8192
    """Rows read from SQLite at a time when the vectors file is built."""
    hnsw_threshold: int = 200_000
    """Below this many vectors search is exact; above, an 8-bit HNSW graph."""
    max_article_chars: int = 2_000_000
    """A single article longer than this is almost surely not an article (a dump, a log, a book)."""
    max_file_bytes: int = 2_000_000_000
    date_order: str = "mdy"
    """How a numeric date like 10/06/2024 is read: "mdy" (October 6) or "dmy" (10 June); never guessed."""


@dataclass(frozen=True, slots=True)
class Candidates:
    """Where candidates come from: the dense and keyword pools inside the question's dates."""

    dense: bool = True
    keyword: bool = True
    pool: int = 100
    """How many candidates each side brings to the fusion."""
    keyword_depth: int = 4
    """The keyword search first ranks `keyword_depth * pool` matches without the date join (a third
    cheaper) and keeps those inside the dates; only when too few survive is it run with the join."""
    title_weight: float = 0.5
    """BM25 weight of the headline column against the passage text (1.0)."""
    common_words: float = 0.02
    """Single words found in more than this share of passages are left out of the keyword search:
    BM25 gives them almost no weight, and dropping them makes it several times faster (0: keep all)."""
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
    it shows (qa/ranking/highlight.py, `FEATURES`, one weight each).

    Fitted by `bench/fit_highlight.py` on rtqa-train's answer-holding passages, the 2023 Q1 questions
    held out (there and on the dev set only checked): the sentence picked holds the answer in 0.658 of
    the held-out passages and 0.642 of the dev set's, against 0.562 and 0.587 for question words (the
    picker before; docs/benchmarks.md).
    """

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
    """Candidates looked at past the last quote shown, for other outlets' copies of the stories shown
    (on the benchmark: 55 copies listed instead of 39, for about 7% of the batch rate)."""
    copy_gap: float = 0.3
    """...while their score stays within this of the last quote's: another headline and date move a
    copy's score that much."""
    copy_similar: float = 0.5
    """...and their vector is at least this similar to a quote's (copies found on the benchmark are
    all at least 0.55; below 0.5 a candidate is not read at all)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """When to say "nothing relevant", and which quotes are off the topic."""

    relevance_bar: float = 0.25
    """Below this cosine between a question (of more than `short_words` content words) and its best
    candidate, nothing in the archive answers it, unless a quote holds every word or every name the
    question names ("Who is Sergei Lavrov?" scores 0.27 against the one passage naming him in
    passing). Chosen with the unmentioned rule on 18 small archives of rtqa-train
    (`bench/small_archives.py`, `bench/verdict_rules.py`, docs/benchmarks.md): 0.30 hid one
    answerable question of 99 there."""
    short_bar: float = 0.15
    """The relevance bar for a short question (at most `short_words` content words): such questions
    score far lower against the passage that answers them, the more so when they name things as
    the article does not ("What did Washington supply to Kyiv?" 0.17 over "the United States'
    decision to supply $8 billion in military aid to Ukraine"; "Who chairs the CPPCC?" 0.22). On the
    36 small archives no unanswerable question this short lies between this bar and 0.25."""
    short_words: int = 5
    """At most this many content words make a question short (`short_bar`)."""
    unmentioned_bar: float = 0.45
    """When names of the question appear nowhere in the archive ("Who did Lukashenko tell Shoigu?"
    over North Korea news that names neither), nothing answers it unless a candidate is at least this
    close (a strong paraphrase). 0: off. Chosen with `relevance_bar`, `unmentioned_words` and
    `unmentioned_least` on 18 small archives (the rule catching most unanswerable questions while
    hiding at most 1% of answerable ones, `bench/verdict_rules.py`): on the 18 others it hides none of
    103 answerable questions and says "nothing relevant" to 12.4% of 121 unanswerable ones, where the
    rule before (any word, below 0.6) hid 2.9% and 12.4% by the loose reading (docs/benchmarks.md)."""
    unmentioned_words: Literal["names", "any"] = "names"
    """Which of the question's words the unmentioned rule reads: "names", written with a capital past
    a sentence's start ("Pyongyang", "GDP", "Disney"), or "any" content word, as before, which hid
    answers: verbs and words of time ("decide", "went", "late") and words a passage says otherwise
    ("cinemas" for "theaters")."""
    unmentioned_least: int = 2
    """How many of the question's names the archive must never mention for the rule to decide: one
    alone is often another name for what it does say ("Moscow" for "Russia"), and hid an answerable
    question of the fitting half."""
    quote_floor: float = 0.15
    """Below this cosine a quote is off the question's topic (a stray keyword match, the only article
    left in a date range): left out even when other quotes clear the bar."""
    closest: int = 3
    """How many of the nearest passages a "nothing relevant" answer keeps: the chat and batch's
    Markdown show them under the verdict, `ask` with `--closest`."""


@dataclass(frozen=True, slots=True)
class Judging:
    """The answer judge (embeddings/judge.py): how it re-ranks, and when it says "nothing relevant".

    Fitted on rtqa-train questions the judge never learned from (bench/fit_judge.py), chosen on the
    dev set (docs/benchmarks.md).
    """

    enabled: bool = True
    """Off (`--no-judge`, DATELINE_JUDGE=off): the ranking without it, ~4x faster, for bulk runs."""
    depth: int = 4
    """How many of the best fused candidates the judge reads per question (one call each). 5 ranked
    as well as 10 on the training slice and the dev set, at half the cost; 4 as well as 5 on the dev
    set (strict R@1 0.821, MRR@10 0.867 both) and within one question of it on the slice (R@3 0.921
    against 0.929), at a fifth less: batch 12.3 questions/s against 10.3 on an AVX2 EPYC. 3 reaches
    15.4 there but lost a question of R@1 and of R@3 on the dev set (docs/benchmarks.md)."""
    weight: float = 0.2
    """The judge's probability that a passage answers, added to its fused score with this weight
    (fitted on rtqa-train 2023 Q1: strict R@1 0.740 -> 0.780; 0.5 and 1 did worse)."""
    bar: float | None = None
    """Below this judge logit for the best candidate it read, nothing in the archive answers. None:
    the cosine bar decides (`Verdict.relevance_bar`). The judge's best logit separates questions with
    a recent answering article from unanswerable ones (AUC 0.84 against the cosine's 0.76 on
    rtqa-train 2023 Q1), but not those answered only by older articles, which it scores at its
    floor: a bar hiding at most 2% of answerable questions catches 2.8% of the rest there (dev: 4.8%;
    reading the top 10; at depth 5, 5.6% and 6.4%, against the cosine bar's 5.6% and
    4.8%)."""
    dated: bool = True
    """Whether the judge reads each candidate's age ("this week", "years ago") before it. Off, it reads
    every candidate as undated: its score is then about the text alone, and the dates count only
    through the fused score's date rules. Measured off, with a judge trained also on on-topic
    negatives (docs/benchmarks.md): its best logit tells unanswerable questions from answerable ones
    better than the cosine bar (AUC 0.68 against 0.65 on rtqa-train 2023 Q1, 0.76 against 0.63 on the
    dev set), but not at 2% of answerable questions hidden on both, and it ranked worse on the
    training slice (strict R@1 0.787 -> 0.764), so it stays on."""
    highlight: float = 1.0
    """How much the judge's reading counts in picking the highlighted sentence of a quote it read:
    this times its token scores over each sentence (`pool`), read from the call that ranks the quote
    (a head in its graph: no call more), added to the sentence features' score with `highlighting`'s
    weights. 0: the sentence features alone (`Search.highlighting`), as for quotes it did not read.
    Fitted by bench/fit_judge_highlight.py on rtqa-train's answer-holding passages: the pick holds
    the answer in 0.719 of the held-out 2023 Q1 passages and 0.742 of the dev set's, against 0.658
    and 0.641 for the sentence features alone; of the strict questions' quotes, 0.738 and 0.780
    (training slice, dev) against 0.679 and 0.679 (docs/benchmarks.md)."""
    pool: Literal["mean", "max"] = "mean"
    """How a sentence reads its tokens' scores: their mean (the shipped head: a linear read of the
    sentence's mean states), or their best (a head that marks the answer's own tokens; it did better
    on the held-out passages and worse on the dev set's quotes and the bundled corpus)."""
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


@dataclass(frozen=True, slots=True)
class Gauge:
    """The chat's five-dot relevance gauge: one dot at `low` and below, one more every `step`."""

    low: float = 0.3
    step: float = 0.1


@dataclass(frozen=True, slots=True)
class Answering:
    """Files of questions: batch and evaluation."""

    batch_size: int = 32
    """Questions `dateline batch` encodes together, in one model call; each is then answered and
    written on its own, as soon as it is done."""
    eval_k: int = 20
    """Quotes ranked per benchmark question: enough to fill the largest word budget."""
    max_k: int = 50
    """The most quotes one question may ask for (`-k`, a question file's `k`, the chat's `/k`): more
    is no longer evidence a reader goes through, and each one costs a search for its copies."""
    outlets_named: int = 8
    """Outlets (those with the most articles first) a "no articles from X" note names when a source
    filter matches none; `dateline info` lists them all."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A sharded archive on a Ray cluster (`--ray ADDRESS`): shard actors and the embedding job."""

    call_timeout: float = 120.0
    """Seconds a shard may take to answer one call (restarts included) before its periods are
    reported as not searched."""
    restarts: int = 3
    """How often a shard actor is restarted (and its call retried) after it dies."""
    embed_batch: int = 64
    """Passages a worker encodes at a time in the embedding job."""
    embed_workers: int = 0
    """Encoder actors in the embedding job (0: one per CPU, or per GPU, of the cluster)."""


@dataclass(frozen=True, slots=True)
class Config:
    chunking: Chunking = field(default_factory=Chunking)
    indexing: Indexing = field(default_factory=Indexing)
    search: Search = field(default_factory=Search)
    answering: Answering = field(default_factory=Answering)
    gauge: Gauge = field(default_factory=Gauge)
    cluster: Cluster = field(default_factory=Cluster)


DEFAULT = Config()
