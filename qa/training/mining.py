"""Mining the judge's training pairs from rtqa-train: (question, passage as the judge reads it, label)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random

from qa.evaluation import norm
from qa.ingest.chunker import chunk, sentence_spans
from qa.reading.text import content_words
from qa.training.data import HOLD_OUT, TRAIN, dated_input, held_out

WITHIN = 30
"""Days before a question within which a relevant article's answer-holding passages are positives."""
OLD = 60
"""Days past which an answer-holding passage is a stale mention: a negative."""
NEGATIVES = 7
"""Search-result negatives per positive, by default."""


def _recent_others(by_url: dict[str, dict[str, str]], search: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each day's articles (by URL), for negatives from other stories of the same days."""
    days: dict[str, list[str]] = {}
    for url in sorted({u for urls in search.values() for u in urls}):
        article = by_url.get(url)
        if article is not None and article["date"]:
            days.setdefault(article["date"], []).append(url)
    return days


def _sentence_pairs(text: str, golds: list[str]) -> tuple[list[str], list[str]]:
    """The sentences of a passage that hold a gold answer, and those that do not."""
    holding: list[str] = []
    other: list[str] = []
    for span in sentence_spans(text, 0, len(text)):
        sentence = text[span.start : span.end]
        (holding if any(g in norm(sentence) for g in golds) else other).append(sentence)
    return holding, other


def _unanswered(
    questions: dict[str, dict[str, object]],
    answered: set[str],
    search: dict[str, list[str]],
    by_url: dict[str, dict[str, str]],
    per: int,
    spans: tuple[tuple[str, str], ...],
) -> list[tuple[dict[str, object], dict[str, str], str]]:
    """Negatives from the questions no article answers: (question, article, passage).

    Web search returned on-topic stories for them, none of which holds the answer: what an on-topic
    question the archive cannot answer looks like ("What is the population of Pyongyang?" over North
    Korea news). Per question, the `per` passages sharing the most question words, from articles
    published within WITHIN days before it where there are any (as dateline would rank them). A
    passage holding any of the answer's words (or their first five letters) is left out: a paraphrase
    may still answer.
    """
    found = []
    for qid in sorted(questions):
        q = questions[qid]
        asked = str(q["date"])
        if qid in answered or any(held_out(asked, span) for span in spans):
            continue
        stems = {w[:5] for a in q["answers"] for w in content_words(str(a))}  # type: ignore[attr-defined]
        wanted = set(content_words(str(q["question"])))
        scored = []
        for url in search.get(qid, []):
            article = by_url.get(url)
            if article is None or not article["date"] or article["date"] > asked:
                continue
            age = (dt.date.fromisoformat(asked) - dt.date.fromisoformat(article["date"])).days
            for p in chunk("x", article["text"], article["title"]):
                words = content_words(f"{article['title']} {p.text}")
                if stems & {w[:5] for w in words}:
                    continue
                scored.append((age > WITHIN, -len(wanted & set(words)), url, p.start, article, p.text))
        for *_, article, text in sorted(scored, key=lambda s: s[:4])[:per]:
            found.append((q, article, text))
    return found


def mine(
    max_pairs: int,
    seed: int,
    others: int = 0,
    undated: float = 0.0,
    cut: bool = False,
    sentences: int = 0,
    negatives_per: int = NEGATIVES,
    unanswered: int = 0,
    aged: float = 0.0,
    stale: bool = True,
    siblings: int = 0,
    hold_out: tuple[tuple[str, str], ...] = (HOLD_OUT,),
) -> tuple[list[tuple[str, str, float]], dict[str, int]]:
    """(question, passage input, label) pairs and their counts.

    `cut`: per positive, the same passage with its answer-holding sentences taken out, as a negative
    (on the question's topic, from the right days, yet it does not say the answer: what "nothing
    relevant" must catch). `sentences`: per positive, its first answer-holding sentence alone as a
    positive and that many of its other sentences alone as negatives (what the highlight picks from).

    `others`: per positive, that many passages of other stories published in the 14 days before the
    question (recent, but not about it: recency alone must not look like an answer). `undated`: the
    share of inputs whose age is shown as "undated" (archives hold undated files; the judge must
    read those on their text alone). `unanswered`: per question no article answers, that many of its
    search results' passages as negatives (`_unanswered`).

    `aged`: the share of positives shown as if published 15 to 1,000 days before the question. The
    positives all come from the weeks before it, so without this every older tag means "no" and the
    judge learns the tag instead of the text: it scored a passage of eight months before that
    answers below one of this week that does not (the bundled corpus). `stale`: answer-holding
    passages over OLD days old are negatives ("this week's" question); off, they are left out.

    `siblings`: per positive, that many passages of the same article that hold no answer, as
    negatives: the right story's wrong passage is the judge's commonest miss on held-out news.
    `hold_out`: the spans (first and last day, ISO) whose questions give no pairs: 2023 Q1 for the
    shipped judge, a fold's quarter in cross-validation (qa.training.folds).
    """
    rng = random.Random(seed)
    with gzip.open(TRAIN / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        by_url = {a["url"]: a for a in map(json.loads, fh)}
    questions = {q["id"]: q for q in map(json.loads, (TRAIN / "questions.jsonl").read_text().splitlines())}
    search = {r["id"]: r["urls"] for r in map(json.loads, (TRAIN / "search.jsonl").read_text().splitlines())}
    pairs: list[tuple[str, str, float]] = []
    counts = {"questions": 0, "positives": 0, "negatives": 0, "cut": 0, "sentences": 0}
    days = _recent_others(by_url, search) if others else {}

    def shown(article: dict[str, str], text: str, asked: str) -> str:
        published = None if undated and rng.random() < undated else article["date"]
        return dated_input(article["title"], text, published, asked)

    def aged_shown(article: dict[str, str], text: str, asked: str) -> str | None:
        """The passage shown as an older story, for a share `aged` of positives (None: as it is)."""
        if not aged or rng.random() >= aged:
            return None
        published = dt.date.fromisoformat(asked) - dt.timedelta(days=rng.randint(15, 1000))
        return dated_input(article["title"], text, published.isoformat(), asked)

    for rel in map(json.loads, (TRAIN / "qrels.jsonl").read_text().splitlines()):
        q = questions[rel["id"]]
        if any(held_out(q["date"], span) for span in hold_out):
            continue
        asked = dt.date.fromisoformat(q["date"])
        # In the qrels' order, not a set's: a set of strings iterates in a per-process order, and
        # which three positives are kept would change from run to run.
        near = list(
            dict.fromkeys(
                r["url"]
                for r in rel["relevant"]
                if r["date"] and 0 <= (asked - dt.date.fromisoformat(r["date"])).days <= WITHIN
            )
        )
        if not near:
            continue
        golds = [norm(g) for g in q["answers"]]
        positives, negatives = [], []  # positives: (input, article, passage text)
        same: dict[str, list[str]] = {}  # per relevant article, its passages holding no answer
        for url in dict.fromkeys([*near, *search.get(q["id"], [])]):
            article = by_url.get(url)
            if article is None or (article["date"] and article["date"] > q["date"]):
                continue
            for p in chunk("x", article["text"], article["title"]):
                holds = any(g in norm(f"{article['title']} {p.text}") for g in golds)
                text = shown(article, p.text, q["date"])  # with undated=0, never touches rng
                too_old = not article["date"] or (asked - dt.date.fromisoformat(article["date"])).days > OLD
                if holds and url in near:
                    positives.append((text, article, p.text))
                elif not holds and url in near:
                    same.setdefault(url, []).append(text)
                    negatives.append(text)
                elif not holds or (stale and too_old):
                    # An old story that mentions the answer does not answer "this week's" question.
                    negatives.append(text)
        if not positives:
            continue
        counts["questions"] += 1
        for positive, article, passage_text in positives[:3]:
            older = aged_shown(article, passage_text, q["date"])
            pairs.append((q["question"], older or positive, 1.0))
            counts["aged"] = counts.get("aged", 0) + (older is not None)
            counts["positives"] += 1
            holding, other = _sentence_pairs(passage_text, golds)
            title_holds = any(g in norm(article["title"]) for g in golds)
            if cut and holding and len(other) >= 2 and not title_holds:
                pairs.append((q["question"], shown(article, " ".join(other), q["date"]), 0.0))
                counts["cut"] += 1
            if sentences and holding and other:
                pairs.append((q["question"], shown(article, holding[0], q["date"]), 1.0))
                for sentence in rng.sample(other, min(sentences, len(other))):
                    pairs.append((q["question"], shown(article, sentence, q["date"]), 0.0))
                counts["sentences"] += 1
            if siblings:
                pool = same.get(article["url"], [])
                for negative in rng.sample(pool, min(siblings, len(pool))):
                    pairs.append((q["question"], negative, 0.0))
                    counts["siblings"] = counts.get("siblings", 0) + 1
            for negative in rng.sample(negatives, min(negatives_per, len(negatives))):
                pairs.append((q["question"], negative, 0.0))
                counts["negatives"] += 1
            mine_too = {*search.get(q["id"], []), *near}
            recent = [
                u
                for d in range(1, 15)
                for u in days.get((asked - dt.timedelta(days=d)).isoformat(), [])
                if u not in mine_too
            ]
            for url in rng.sample(recent, min(others, len(recent))):
                article = by_url[url]
                passages = list(chunk("x", article["text"], article["title"]))
                if not passages:
                    continue
                passage = rng.choice(passages)
                pairs.append((q["question"], shown(article, passage.text, q["date"]), 0.0))
                counts["others"] = counts.get("others", 0) + 1
    if unanswered:
        answered = {json.loads(line)["id"] for line in (TRAIN / "qrels.jsonl").read_text().splitlines()}
        for q, article, text in _unanswered(questions, answered, search, by_url, unanswered, hold_out):
            pairs.append((str(q["question"]), shown(article, text, str(q["date"])), 0.0))
            counts["unanswered"] = counts.get("unanswered", 0) + 1
    rng.shuffle(pairs)
    return pairs[:max_pairs], counts
