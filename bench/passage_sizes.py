"""Passage size against retrieval quality: the benchmark indexed with passages of several sizes.

    python -m bench.passage_sizes [--device cuda] [--sizes 60:20 100:30 150:40 200:50]

Each size (at most MAX words, a short tail under MIN folded into the passage before) gets its own
index of the benchmark's articles, embedded by sentence-transformers fp32 on `--device` (a GPU
makes this minutes instead of hours), then the questions are answered as of their dates with the
default ranking and with other per-article caps. dateline's own setting is 100:30.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.common import gpu_arguments, machine, require_device, table
from embeddings.base import default_model_dir
from embeddings.st_encoder import SentenceTransformerEncoder
from qa.answering.retriever import Retriever
from qa.config import Chunking, Collapse, Config, Search
from qa.evaluation import evaluate, load_questions
from qa.index import indexer

CAPS = [3, 5, 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    gpu_arguments(parser)
    parser.add_argument("--sizes", nargs="+", default=["100:30", "60:20", "150:40", "200:50"])
    args = parser.parse_args()
    require_device(args.device)
    model = args.model or default_model_dir()
    questions = load_questions(args.questions)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            most, least = (int(v) for v in size.split(":"))

            directory = Path(tmp) / f"index-{most}"
            report = indexer.index_paths(
                directory,
                [args.articles],
                lambda: SentenceTransformerEncoder(model, device=args.device, batch_size=256),
                indexer.IndexOptions(
                    model_path=str(model), config=Config(chunking=Chunking(max_words=most, min_words=least))
                ),
            )
            retriever = Retriever.open(directory)
            try:
                for cap in CAPS:
                    variant = retriever.with_config(Search(collapse=Collapse(per_article=cap)))
                    s, _ = evaluate(variant, questions)
                    rows.append(
                        [
                            f"{most} words (min {least})",
                            f"{report.passages_embedded + report.passages_reused:,}",
                            str(cap),
                            *(f"{s[k]:.3f}" for k in ("AR@200w", "AR@1000w", "R@10", "MRR@10")),
                        ]
                    )
            finally:
                retriever.close()
    print(f"{int(s['questions'])} answerable questions; embedded on {args.device}; {machine()}")
    print(table(["passages of at most", "passages", "per article", "AR@200w", "AR@1000w", "R@10", "MRR@10"], rows))


if __name__ == "__main__":
    main()
