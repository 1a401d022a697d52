"""An answer as rows and records: batch's CSV (a row per quote) and JSON Lines (an object per question)."""

from __future__ import annotations

from typing import Any

from qa.present.as_json import answer_json
from qa.present.view import Answered, Note, NothingFound, Quote, answer_view
from qa.present.words import best_sentence
from qa.ranking.answers import Answer

CSV_COLUMNS = [
    "id", "question", "rank", "date", "source", "title", "quote", "score", "best_sentence", "also_in", "url", "notes",
    "answer",
]  # fmt: skip
# Files written before the `url` column, the `notes` column and the `answer` column (each added last,
# so every other column keeps its place): --resume appends to one in its own columns.
CSV_COLUMNS_BEFORE_URL = CSV_COLUMNS[:10]
CSV_COLUMNS_BEFORE_NOTES = CSV_COLUMNS[:11]
CSV_COLUMNS_BEFORE_ANSWER = CSV_COLUMNS[:12]
OLDER_CSV_COLUMNS = (CSV_COLUMNS_BEFORE_URL, CSV_COLUMNS_BEFORE_NOTES, CSV_COLUMNS_BEFORE_ANSWER)


NO_QUOTE = "nothing found"
FAILED = "failed: "
# A nearest passage's rank ("closest 1"): listed under a "nothing found" row, and no answer.
CLOSEST_RANK = "closest "
STATUS_COLUMN = CSV_COLUMNS.index("title")
QUOTE_COLUMN = CSV_COLUMNS.index("quote")
# How a question was read, one note a line in the cell (a note may hold "; ").
NOTES_SEPARATOR = "\n"


def _status_row(ident: str, question: str, status: str, notes: str, why: str = "") -> list[object]:
    row: list[object] = [ident, question, *[""] * (len(CSV_COLUMNS) - 4), notes, ""]
    row[STATUS_COLUMN] = status
    row[QUOTE_COLUMN] = why
    return row


def _quote_row(ident: str, question: str, quote: Quote, notes: str, said: str) -> list[object]:
    h = quote.hit
    return [
        ident,
        question,
        f"{CLOSEST_RANK}{h.rank}" if quote.closest else h.rank,
        h.date_text,
        h.passage.source,
        h.passage.title,
        h.passage.text,
        f"{h.score:.4f}" if quote.scored else "",
        best_sentence(h),
        "; ".join(c.label for c in h.also),
        h.passage.url,
        notes,
        said if quote.answer else "",
    ]


def csv_rows(ident: str, question: str, answer: Answer | None, error: str | None = None) -> list[list[object]]:
    """One row per quote, in `CSV_COLUMNS`; a question with none gets one row saying why, and the
    nearest passages, if any, each in a row under it ranked `closest 1`, `closest 2`...

    That row has every column, so a spreadsheet's columns stay aligned: rank, score and
    best_sentence empty, "nothing found" in `title` (text a reader reads, where a number column like
    score would hold a word) and the verdict's sentence in `quote` ("Nothing relevant in this
    archive. No article in it mentions …"). A period's stories ("What happened in March?") have no score. Every
    row of a question has its notes (how it was read) in `notes`; the quote holding the answer line's
    words has them in `answer`.
    """
    if error or answer is None:
        return [_status_row(ident, question, f"{FAILED}{error}" if error else NO_QUOTE, "")]
    blocks = answer_view(answer)
    notes = NOTES_SEPARATOR.join(b.text for b in blocks if isinstance(b, Note))
    said = next((b.said.text for b in blocks if isinstance(b, Answered)), "")
    rows: list[list[object]] = []
    for block in blocks:
        if isinstance(block, NothingFound):
            rows.append(_status_row(ident, question, NO_QUOTE, notes, block.text))
        elif isinstance(block, Quote):
            rows.append(_quote_row(ident, question, block, notes, said))
    return rows


def json_record(ident: str, question: str, answer: Answer | None, error: str | None = None) -> dict[str, Any]:
    """`ask --json`'s object plus the question's id (and `error` for a question that failed)."""
    record: dict[str, Any] = {"id": ident}
    if answer is not None:
        record.update(answer_json(answer))
    else:
        record.update({"question": question, "passages": []})
    if error:
        record["error"] = error
    return record
