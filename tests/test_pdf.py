"""PDFs: the text layer, title and date of a page; an encrypted file is one problem line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from qa.ingest.readers import read_paths
from tests.samples import (
    GOOD_PDF,
    PDF_STORY,
    articles,
    by_title,
    make_pdf,
    problems,
)


def test_pdf_text_layer_title_and_date(tmp_path: Path) -> None:
    (tmp_path / "council.pdf").write_bytes(make_pdf(PDF_STORY, GOOD_PDF))
    (tmp_path / "untitled.pdf").write_bytes(make_pdf(PDF_STORY, {}))
    (tmp_path / "scan.pdf").write_bytes(make_pdf([], {"Title": "A scan"}))
    items = list(read_paths([tmp_path]))
    found = by_title(items)
    council = found["Council approves water rates"]
    assert council.date == dt.date(2024, 10, 6)
    assert council.source == "Civic Ledger"
    assert "four percent more from January" in council.text
    untitled = found["City council approves new water rates"]  # the first line
    assert untitled.date is None and untitled.source == "" and untitled.title_derived  # no publisher: no outlet
    [problem] = problems(items)
    assert problem.path.endswith("scan.pdf") and "no text layer" in problem.message


def test_encrypted_pdf(tmp_path: Path) -> None:
    for password in ("secret", ""):  # an empty user password opens without asking
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(PDF_STORY, GOOD_PDF))))
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        with (tmp_path / f"locked-{password or 'open'}.pdf").open("wb") as fh:
            writer.write(fh)
    items = list(read_paths([tmp_path]))
    [problem] = problems(items)
    assert problem.path.endswith("locked-secret.pdf") and "encrypted" in problem.message
    assert [a.title for a in articles(items)] == ["Council approves water rates"]
