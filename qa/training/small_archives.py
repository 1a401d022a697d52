"""A reporter's folder: small archives made from rtqa-train, one week's search results each.

    .venv/bin/python -m qa.training.small_archives build --root DIR [--archives 36]
    .venv/bin/python -m qa.training.small_archives ask --root DIR [--out FILE]

`build` picks `--archives` weeks of rtqa-train whose questions' web-search results hold 50 to 150
articles, evenly over its year and a half, and indexes each week's articles as its own archive under
`DIR/<week>/index` (incremental: a second run embeds nothing). Odd and even weeks, in date order, are
the two halves: a rule is fitted on one (`fit`) and reported on the other (`report`).

`ask` asks each archive, as of its week, its own week's questions (answerable where qrels lists an
article of it holding the answer) and as many questions of the week half the list away (another
season's news: mostly unanswerable, which the text of the archive decides: no article holds a gold
answer). Each question is answered with the judge, without the verdict, and what every verdict rule
may read is written to `--out`, one JSON line per question: the best candidate's cosine, the judge's
best logit, the question's named words with whether the archive mentions each (in any form) and
their part of speech, whether a quote holds them all, and the first quote. `qa.training.verdict_rules`
reads that file and weighs the rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from qa.evaluation import norm
from qa.training.data import ROOT, TRAIN
from qa.training.report import machine

SIZES = (50, 150)


def weeks(archives: int) -> list[dict[str, Any]]:
    """The chosen weeks, oldest first: date, its questions, its articles (search results of its questions)."""
    questions = [json.loads(line) for line in (TRAIN / "questions.jsonl").open(encoding="utf-8")]
    search = {}
    for line in (TRAIN / "search.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        search[record["id"]] = record["urls"]
    qrels = {}
    for line in (TRAIN / "qrels.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        qrels[record["id"]] = [r["url"] for r in record["relevant"]]
    with gzip.open(TRAIN / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        articles = {a["url"]: a for a in map(json.loads, lines)}
    by_week: dict[str, dict[str, Any]] = defaultdict(lambda: {"questions": [], "urls": {}})
    for q in questions:
        week = by_week[q["date"]]
        q["relevant"] = qrels.get(q["id"], [])
        week["questions"].append(q)
        for url in search.get(q["id"], []):
            if url in articles:
                week["urls"][url] = None
    fitting = sorted(
        (d for d, w in by_week.items() if SIZES[0] <= len(w["urls"]) <= SIZES[1]),
    )
    step = len(fitting) / archives
    chosen = [fitting[int(i * step)] for i in range(archives)]
    return [
        {
            "week": d,
            "half": "fit" if i % 2 == 0 else "report",
            "questions": by_week[d]["questions"],
            "articles": [articles[u] for u in by_week[d]["urls"]],
        }
        for i, d in enumerate(chosen)
    ]


def build(root: Path, archives: int) -> None:
    for week in weeks(archives):
        folder = root / week["week"]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "articles.jsonl"
        path.write_text("".join(json.dumps(a) + "\n" for a in week["articles"]), encoding="utf-8")
        (folder / "questions.jsonl").write_text(
            "".join(json.dumps(q) + "\n" for q in week["questions"]), encoding="utf-8"
        )
        (folder / "half").write_text(week["half"], encoding="utf-8")
        print(f"{week['week']} ({week['half']}): {len(week['articles'])} articles", flush=True)
        subprocess.run(
            [sys.executable, "-m", "tui.launcher", "index", "--index", str(folder / "index"), str(path)],
            check=True,
            cwd=ROOT,
        )


def gold_in(answers: list[str], texts: list[str]) -> bool:
    golds = [norm(g) for g in answers]
    return any(g in t for t in texts for g in golds)


def ask(root: Path, out: Path) -> None:
    from lemminflect import getAllLemmas

    import qa.answering.retriever as retriever_module
    from qa.answering.retriever import Retriever
    from qa.ranking.answers import Answer, Hit
    from qa.ranking.scoring import Ranked
    from qa.ranking.verdict import verdict
    from qa.reading.query import Query
    from qa.reading.question import Reading
    from qa.reading.question_dates import without_dates
    from qa.reading.text import as_written, holds_all, is_name, named_words, word_forms

    folders = sorted(p.parent for p in root.glob("*/index"))
    print(f"{len(folders)} archives under {root}; {machine()}", file=sys.stderr)
    seen: dict[str, Any] = {}

    def recording(reading: Reading, found: list[Hit], ranked: Ranked, config: Any, *rest: Any, **named: Any) -> Answer:
        seen["cosine"] = max((c.cosine for c in ranked.candidates.values()), default=0.0)
        seen["judge"] = max(ranked.judged.values(), default=float("-inf"))
        seen["found"] = found
        return verdict(reading, found, ranked, config, *rest, **named)

    setattr(retriever_module, "verdict", recording)  # noqa: B010 - the name Retriever calls
    with out.open("w", encoding="utf-8") as sink:
        for i, folder in enumerate(folders):
            own = [json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")]
            other_folder = folders[(i + len(folders) // 2) % len(folders)]
            others = [json.loads(line) for line in (other_folder / "questions.jsonl").open(encoding="utf-8")]
            half = (folder / "half").read_text().strip()
            week = folder.name
            articles = [json.loads(line) for line in (folder / "articles.jsonl").open(encoding="utf-8")]
            urls = {a["url"] for a in articles}
            retriever = Retriever.open(folder / "index", judge=True)
            for kind, qs in (("own", own), ("other", others[: len(own)])):
                for q in qs:
                    as_of = q["date"] if kind == "own" else week
                    before = [norm(f"{a['title']} {a['text']}") for a in articles if a["date"] <= as_of]
                    answer = retriever.ask(
                        Query(q["question"], k=5, as_of=dt.date.fromisoformat(as_of), apply_bar=False)
                    )
                    found = seen["found"]
                    asked = q["question"]
                    forms = {w: word_forms(w) for w in named_words(without_dates(asked))}
                    names = {w: fs for w, fs in forms.items() if is_name(w, asked)}
                    absent = set(retriever.source.unmentioned([f for fs in forms.values() for f in fs]))
                    words = [
                        {
                            "word": as_written(w, asked),
                            "absent": absent.issuperset(fs),
                            "pos": sorted(getAllLemmas(w)),
                        }
                        for w, fs in forms.items()
                    ]
                    record = {
                        "archive": week,
                        "half": half,
                        "kind": kind,
                        "id": q["id"],
                        "question": asked,
                        "answers": q["answers"],
                        "as_of": as_of,
                        "articles": len(articles),
                        "strict": kind == "own" and any(u in urls for u in q["relevant"]),
                        "loose": gold_in(q["answers"], before),
                        "shown": gold_in(
                            q["answers"], [norm(f"{h.passage.title} {h.passage.text}") for h in answer.hits]
                        ),
                        "cosine": seen["cosine"],
                        "judge": seen["judge"],
                        "words": words,
                        "holds_all": any(holds_all(forms, f"{h.passage.title} {h.passage.text}") for h in found),
                        "holds_names": any(holds_all(names, f"{h.passage.title} {h.passage.text}") for h in found),
                        "quote_cosines": [h.relevance for h in answer.hits],
                        "top": f"{answer.hits[0].passage.title} | {answer.hits[0].passage.text}" if answer.hits else "",
                    }
                    sink.write(json.dumps(record) + "\n")
            print(f"{week}: asked {len(own)} own and {min(len(own), len(others))} other questions", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("build", "ask"))
    parser.add_argument("--root", type=Path, required=True, help="where the archives are kept (outside the repo)")
    parser.add_argument("--archives", type=int, default=36)
    parser.add_argument("--out", type=Path, default=Path("small_archives.jsonl"))
    args = parser.parse_args()
    if args.step == "build":
        build(args.root, args.archives)
    else:
        ask(args.root, args.out)


if __name__ == "__main__":
    main()
