"""Training: how every learned or fitted thing dateline ships is made again.

What it makes, one module each, run as `.venv/bin/python -m qa.training.<module> --help`:

- `train_judge`: the answer judge (embeddings/judge_model/), a cross-encoder trained from the bundled
  all-MiniLM-L6-v2 weights on pairs mined from rtqa-train (`mining`), exported as an int8 ONNX graph
  (`graph`); needs `pip install -c constraints.txt -e '.[train]'`;
- `fit_judge_highlight`: the judge's token head for the highlight, added to that graph;
- `fit_highlight`: the highlight's sentence-feature weights (qa.config.Highlighting);
- `train_slice`, then `fit_judge` and `fit_recency`: the judge's weight and bar and the recency
  prior (qa.config.Judging, qa.config.Scoring), fitted on rtqa-train's held-out questions;
- `small_archives`, then `verdict_rules`: the "nothing relevant" rule (qa.config.Verdict).

embeddings/judge_model/card.json gives the commands that made the shipped judge. Everything reads
`../shared/eval` beside the checkout (`data`). Training takes tens of minutes to hours of CPU: it is
never run by CI, the tests or `make`; measuring what ships is bench/'s job (`python -m bench.run_all`).
torch and sentence-transformers are imported inside functions, so importing qa never loads them.
"""
