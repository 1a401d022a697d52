"""Make the passage sample shipped in embeddings/calibration/ (run once; the file is committed).

    .venv/bin/python -m bench.calibration_sample [--passages 256]

One passage from each of evenly spaced articles of the judge's training archive (rtqa-train, not the
dev set), cut and headed as indexing embeds them. `dateline prepare` fits the static int8 graph's
activation ranges on the first half and chooses this machine's path on the second
(embeddings/openvino_paths.py, embeddings/kernels.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random

from bench.common import EVAL
from embeddings.openvino_paths import SAMPLE
from qa.ingest.chunker import chunk, embedding_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=256)
    args = parser.parse_args()
    with gzip.open(EVAL.parent / "rtqa-train" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh]
    pick = random.Random(42)
    step = len(articles) / args.passages
    texts = []
    for i in range(args.passages):
        r = articles[int(i * step)]
        passages = chunk("x", r["text"], r["title"])
        if passages:
            texts.append(embedding_text(r["title"], pick.choice(passages).text))
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(SAMPLE, "wb", mtime=0) as out:  # mtime 0: the same bytes each time it is made
        out.write("".join(json.dumps({"text": t}) + "\n" for t in texts).encode())
    print(f"wrote {len(texts)} passages to {SAMPLE}")


if __name__ == "__main__":
    main()
