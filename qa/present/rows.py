"""An answer as rows and records: batch's CSV (a row per quote) and JSON Lines (an object per question)."""

from __future__ import annotations

from typing import Any

from qa.present.words import best_sentence
from qa.ranking.answers import Answer

CSV_COLUMNS = [
    "id", "question", "rank", "date", "source", "title", "quote", "score", "best_sentence", "also_in", "url",
]  # fmt: skip
# Files written before the `url` column (last, so every other column keeps its place): --resume
# appends to one in its own columns.
CSV_COLUMNS_BEFORE_URL = CSV_COLUMNS[:-1]


NO_QUOTE = "nothing found"
FAILED = "failed: "
STATUS_COLUMN = CSV_COLUMNS.index("title")


def csv_rows(ident: str, question: str, answer: Answer | None, error: str | None = None) -> list[list[object]]:
    """One row per quote, in `CSV_COLUMNS`; a question with none gets one row saying why.

    That row has every column, so a spreadsheet's columns stay aligned: rank, quote, score and
    best_sentence empty, the reason in `title` (text a reader reads, where a number column like
    score would hold a word). A period's stories ("What happened in March?") have no score.
    """
    hits = answer.hits if answer else ()
    listed = answer is not None and answer.digest  # a period's stories: listed oldest first, not ranked
    if not hits:
        row: list[object] = [ident, question, *[""] * (len(CSV_COLUMNS) - 2)]
        row[STATUS_COLUMN] = f"{FAILED}{error}" if error else NO_QUOTE
        return [row]
    return [
        [
            ident,
            question,
            h.rank,
            h.date_text,
            h.passage.source,
            h.passage.title,
            h.passage.text,
            "" if listed else f"{h.score:.4f}",
            best_sentence(h),
            "; ".join(c.label for c in h.also),
            h.passage.url,
        ]
        for h in hits
    ]


def json_record(ident: str, question: str, answer: Answer | None, error: str | None = None) -> dict[str, Any]:
    """`ask --json`'s object plus the question's id (and `error` for a question that failed)."""
    record: dict[str, Any] = {"id": ident}
    if answer is not None:
        record.update(answer.to_json())
    else:
        record.update({"question": question, "passages": []})
    if error:
        record["error"] = error
    return record
