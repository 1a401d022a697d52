"""What `--resume` finds already answered in an output file: (id, question) pairs, counted.

An id alone is not enough: a .txt file's ids are line numbers, so a question inserted at the top
would shift every id and an old answer would be taken for a new question. A failed question
(JSON Lines `error`, a CSV `failed: ...` row, Markdown's **Failed:**) is not an answer: it is asked again.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

from qa.present.rows import CSV_COLUMNS, NO_QUOTE, OLDER_CSV_COLUMNS, STATUS_COLUMN

Done = Counter[tuple[str, str]]
_RANK, _OLD_STATUS = CSV_COLUMNS.index("rank"), 7  # rows before every column was written put it in `score`


def same_text(question: str) -> str:
    """The question as compared: spacing is not a different question."""
    return " ".join(question.split())


def drop_partial_line(path: Path) -> None:
    """Cut a last line left half-written by an interruption, so appended answers start clean."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as fh:
            fh.truncate(data.rfind(b"\n") + 1)


def answered(path: Path, fmt: str) -> Done:
    """How many answers the output holds for each (id, question)."""
    if not path.exists():
        return Counter()
    text = path.read_text(encoding="utf-8", errors="replace")
    pairs = {"jsonl": _jsonl, "csv": _csv}.get(fmt, _markdown)(text)
    return Counter((ident, same_text(question)) for ident, question in pairs)


def csv_columns(path: Path) -> list[str]:
    """The columns of the CSV output that --resume appends to: a file from before the `url`, the
    `notes` or the `answer` column keeps its own, so every row stays under its header."""
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        header = next(csv.reader(fh), None)
    return header if header in OLDER_CSV_COLUMNS else CSV_COLUMNS


def older_columns_note(output: str, columns: list[str]) -> str | None:
    """What to tell the user when --resume appends to a CSV written by an older dateline (None: it is not)."""
    if columns == CSV_COLUMNS:
        return None
    missing, gets = next(
        (column, gets)
        for column, gets in (("url", "the links"), ("notes", "the notes"), ("answer", "the answer lines"))
        if column not in columns
    )
    return (
        f"note: {output} has no {missing} column (written by an older dateline); the answers added "
        f"keep its columns: write a new file (without --resume) to get {gets}"
    )


def _jsonl(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by an interruption is answered again
        if isinstance(record, dict) and "id" in record and "error" not in record:
            out.append((str(record["id"]), str(record.get("question", ""))))
    return out


def _csv(text: str) -> list[tuple[str, str]]:
    """One pair per answer: its rank-1 row, or the one row of a question without quotes (the nearest
    passages under that row, ranked `closest 1`..., are no answer)."""
    rows = list(csv.reader(io.StringIO(text)))
    if rows and (rows[0] == CSV_COLUMNS or rows[0] in OLDER_CSV_COLUMNS):
        rows = rows[1:]
    out = []
    for row in rows:
        if len(row) <= _OLD_STATUS:
            continue
        if row[_RANK] == "1" or (not row[_RANK] and NO_QUOTE in (row[STATUS_COLUMN], row[_OLD_STATUS])):
            out.append((row[0], row[1]))
    return out


def _markdown(text: str) -> list[tuple[str, str]]:
    """The `<!-- id: ... -->` anchor and the `## question` under it, for each section that did not fail."""
    out = []
    for section in text.split("<!-- id: ")[1:]:
        ident, _, rest = section.partition(" -->\n")
        heading, _, body = rest.partition("\n")
        if heading.startswith("## ") and "\n**Failed:** " not in f"\n{body}":
            out.append((ident, heading[3:]))
    return out
