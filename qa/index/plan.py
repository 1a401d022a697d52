"""Planning an indexing run from ids and keys alone: what is new, replaced, unchanged or gone."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qa.config import Indexing
from qa.index.report import IndexReport
from qa.ingest.articles import Article
from qa.ingest.items import Item, Problem
from qa.ingest.readers import read_paths


@dataclass
class Plan:
    """What a run will change, decided from ids and keys alone (no text is kept)."""

    add: set[str] = field(default_factory=set)
    delete: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)
    """Of `delete`, the old versions of articles read again with other content."""
    outlets: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Outlet and link of each stored article read again unchanged: what its input says of them now
    (a reader that learnt to read them differently relabels the article, without re-embedding it)."""


def make_plan(
    stored: dict[str, str],
    paths: list[Path],
    prune: bool,
    report: IndexReport,
    on_problem: Callable[[Problem], None] | None,
    limits: Indexing,
    accept: Callable[[Article], bool] | None = None,
    reader: Callable[[], Iterable[Item]] | None = None,
) -> Plan:
    """Read the files once to decide what is new, replaced, unchanged or gone.

    `accept`: only the articles it accepts belong here (one shard of an archive); a stored article
    whose file now holds an article this index does not accept has moved away, and is deleted.
    `reader`: what the files hold, read already (an archive reads them once for all its shards)."""
    by_key: dict[str, set[str]] = {}
    for article_id, key in stored.items():
        by_key.setdefault(key, set()).add(article_id)
    plan = Plan()
    seen_keys: set[str] = set()
    # A feed item is often a summary of a page: when the run also reads the page itself, the page wins.
    feed_items: dict[str, str] = {}
    page_urls: set[str] = set()
    counted_as_added: set[str] = set()
    for item in reader() if reader else read_paths(paths, limits):
        if isinstance(item, Problem):
            report.problems.append(item)
            if on_problem:
                on_problem(item)
            continue
        if accept is not None and not accept(item):
            moved = by_key.get(item.key, set()) - plan.delete - {item.id}
            plan.delete |= moved
            continue
        seen_keys.add(item.key)
        if item.url:
            if item.from_feed:
                feed_items[item.id] = item.url
            else:
                page_urls.add(item.url)
        if item.id in stored or item.id in plan.add:
            if item.id in stored and item.id not in plan.delete:
                report.unchanged += 1
                plan.outlets[item.id] = (item.source, item.url)
            else:
                report.duplicates += 1
            continue
        old_ids = by_key.get(item.key, set()) - plan.delete
        if old_ids:
            plan.delete |= old_ids
            plan.replaced |= old_ids
            report.replaced += 1
        else:
            report.added += 1
            counted_as_added.add(item.id)
        plan.add.add(item.id)
    for article_id, url in feed_items.items():
        if url in page_urls and article_id in plan.add:
            plan.add.discard(article_id)
            report.duplicates += 1
            if article_id in counted_as_added:
                report.added -= 1
            else:
                report.replaced -= 1
    if prune:
        roots = [str(Path(p).resolve()) for p in paths]
        # A file that could not be read this time keeps its articles: prune only what is known gone.
        unread = {str(Path(p.path).resolve()) for p in report.problems if p.fatal and p.line is None}
        for article_id, key in stored.items():
            file_part = key.split("#", 1)[0]
            file_gone = not Path(file_part).exists()
            read_now = file_part not in unread and any(
                file_part == root or file_part.startswith(root + os.sep) for root in roots
            )
            if article_id not in plan.delete and (file_gone or (read_now and key not in seen_keys)):
                plan.delete.add(article_id)
                report.pruned += 1
    return plan
