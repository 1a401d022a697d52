"""The bundled corpus's own questions, answerable and not: what each judge makes of them.

    .venv/bin/python -m bench.bundled_verdicts [--judge DIR ...] [--bar LOGIT]

For each question, the best judge logit among the candidates it read, and whether the answer is
"nothing relevant" (with the shipped cosine bar, or the judge's at `--bar`). The on-topic questions
the corpus cannot answer ("What is the population of Pyongyang?") are the hard ones: every passage
is about North Korea, so the cosine is high, yet none says the answer.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

from bench.common import BUNDLED_QUESTIONS, ROOT, machine, table
from embeddings.judge import SHIPPED, OnnxJudge
from qa.answering.retriever import Retriever
from qa.config import Judging, Search
from qa.reading.query import Query
from qa.training.measures import Memo, undated_scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judge", type=Path, nargs="*", default=[SHIPPED])
    parser.add_argument("--bar", type=float, help="a judge logit (default: the cosine bar decides, as shipped)")
    parser.add_argument("--highlight", type=float, default=Judging().highlight, help="the judge's say in the highlight")
    parser.add_argument("--index", type=Path, help="the bundled corpus's index (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            from embeddings.factory import indexing_encoder
            from qa.index.indexer import index_paths
            from qa.settings import model_cache

            index = Path(tmp) / "index"
            index_paths(
                index, [ROOT / "corpus"], lambda: indexing_encoder(None, cache_dir=model_cache(), precision="fp32")
            )
        base = Retriever.open(index, judge_loader=lambda: None)
        bar = f"cosine {Search().verdict.relevance_bar:g}" if args.bar is None else f"judge logit {args.bar:g}"
        print(f"bundled corpus; bar: {bar}; {machine()}")
        for directory in args.judge:
            judge = Memo(OnnxJudge(directory))
            config = replace(Search(), judging=Judging(bar=args.bar, highlight=args.highlight))
            r = Retriever(base.source, base.encoder, config, judge)
            ranking = Retriever(base.source, base.encoder, replace(config, judging=Judging(bar=args.bar)), judge)
            rows = []
            for question, phrase in BUNDLED_QUESTIONS:
                judge.best = float("-inf")
                # The best score among the candidates it read, before highlighting.
                ranked = ranking.ask(Query(question, k=3, apply_bar=False))
                best = judge.best
                # The same quotes read without their age: what the judge makes of the text alone.
                undated = max(undated_scores(judge, question, ranked.hits))
                answer = r.ask(Query(question, k=3))
                shown = answer.hits or answer.closest
                top = shown[0] if shown else None
                said = "nothing relevant" if answer.nothing_found else "answer"
                right = (phrase is None) == answer.nothing_found
                lit = top.passage.text[top.highlight[0] : top.highlight[1]] if top else ""
                holds = "yes" if phrase and phrase in lit else ("no" if phrase else "")
                verdict = "ok" if right else "WRONG"
                cosine = max((h.relevance for h in ranked.hits), default=0.0)
                rows.append(
                    [question, phrase or "none", f"{cosine:.3f}", f"{best:.2f}", f"{undated:.2f}", said, verdict, holds]
                )
            print(f"\njudge {judge.name} ({directory}), highlight: sentence features + {args.highlight:g} x token head")
            heads = ["question", "answer", "best quote's cosine", "best judge logit", "undated", "dateline says", ""]
            heads.append("highlight holds it")
            print(table(heads, rows))
        base.close()


if __name__ == "__main__":
    main()
