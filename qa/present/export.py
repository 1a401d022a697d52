"""`dateline export`: the stored articles as JSON Lines or CSV, as they were read (check, move, reuse)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from qa.ingest.articles import Article

COLUMNS = ["title", "date", "source", "url", "text", "path"]


def _row(article: Article) -> dict[str, str | None]:
    return {
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "source": article.source,
        "url": article.url,
        "text": article.text,
        "path": article.path,
    }


def export_articles(articles: Iterable[Article], stream: TextIO, fmt: str) -> int:
    """Write each article as a JSON line or a CSV row; how many were written.

    JSON Lines read back with `dateline index` give the same articles (title, date, source, url, text).
    """
    count = 0
    writer = csv.DictWriter(stream, COLUMNS) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for article in articles:
        row = _row(article)
        if writer:
            writer.writerow(row)
        else:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    stream.flush()
    return count
