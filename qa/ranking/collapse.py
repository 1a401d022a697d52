"""What is shown: the top k down the ranking, one story once, at most a few quotes of one article.

Walking down the ranking, a passage from another article that copies a quote already kept (another
outlet's run of the same story) is listed under that quote ("also in") instead of taking a slot;
once k quotes are kept, a few more candidates are read for copies only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from qa.config import Search
from qa.index.records import StoredPassage
from qa.ranking.answers import Copy
from qa.ranking.dedupe import copied_from, shingles
from qa.ranking.scoring import Ranked, Texts
from qa.search.candidates import CandidateSource


@dataclass(slots=True)
class Shown:
    """A quote kept for the answer, its text's shingles, the other outlets' copies found so far, and
    (once chosen) the span of its answering sentence."""

    passage: StoredPassage
    shingles: frozenset[int]
    copies: list[Copy] = field(default_factory=list)
    highlight: tuple[int, int] | None = None

    def sorted_copies(self) -> tuple[Copy, ...]:
        """Oldest first, one per outlet."""
        return tuple(sorted(self.copies, key=lambda c: (c.date or dt.date.max, c.source)))


def as_copy(p: StoredPassage) -> Copy:
    """`p` as it is listed under the quote it repeats."""
    return Copy(p.source, p.date, p.title, p.url, p.article_id, p.id)


def folded(p: StoredPassage, sh: frozenset[int], kept: list[Shown], same: float) -> bool:
    """Whether `p` (its shingles `sh`) copies a quote kept from another article: then it is listed
    under that quote ("also in"), once per article, instead of being kept."""
    others = [k for k in kept if k.passage.article_id != p.article_id]
    found = copied_from(sh, [k.shingles for k in others], same)
    if found is None:
        return False
    twin = others[found]
    if all(c.article_id != p.article_id for c in twin.copies):
        twin.copies.append(as_copy(p))
    return True


def _maybe_copies(source: CandidateSource, shown: list[int], after: list[int], similar: float) -> set[int]:
    """Of the candidates after the last quote, those whose vector is close enough to a shown quote's to
    be a copy of it (text and headline embedded together: another outlet's headline and cut keep a copy
    above `similar`); only their texts are fetched and compared."""
    if not after:
        return set()
    near = source.similarity(after, shown).max(axis=1)
    return {pid for pid, sim in zip(after, near.tolist(), strict=True) if sim >= similar}


def select(ranked: Ranked, k: int, texts: Texts, source: CandidateSource, config: Search) -> list[Shown]:
    """The top k, one story once (copies listed under the first), at most `per_article` per article."""
    cfg = config.collapse
    order, score = ranked.order, ranked.score
    kept: list[Shown] = []
    per_article: dict[str, int] = {}
    full_at, last = None, 0.0
    maybe: set[int] = set()
    for n, pid in enumerate(order):
        if full_at is not None and (n > full_at + cfg.copy_lookahead or score[pid] < last - cfg.copy_gap):
            break  # enough were looked at for copies of the stories shown
        capped = per_article.get(ranked.candidates[pid].article_id, 0) >= cfg.per_article
        if capped and not cfg.enabled:
            continue
        if full_at is not None and pid not in maybe:
            continue
        if pid not in texts.known:
            # Text is fetched only for passages that may be shown, a few at a time.
            texts.fetch(order[n : n + 2 * k])
        p = texts.known.get(pid)
        if p is None:
            continue  # deleted by a writer since the search began
        sh = shingles(p.text, cfg.shingle) if cfg.enabled else frozenset()
        if cfg.enabled and folded(p, sh, kept, cfg.same_story):
            continue
        if full_at is not None or capped:
            continue  # a capped article's passage is read only as another outlet's copy
        kept.append(Shown(p, sh))
        per_article[p.article_id] = per_article.get(p.article_id, 0) + 1
        if len(kept) == k:
            full_at, last = n, score[pid]
            if not cfg.enabled:
                break
            after = order[n + 1 : n + 1 + cfg.copy_lookahead]
            maybe = _maybe_copies(source, [s.passage.id for s in kept], after, cfg.copy_similar)
            texts.fetch([c for c in maybe if c not in texts.known])
    return kept


def _found_in(sentence: str, text: str) -> tuple[int, int] | None:
    """Where `sentence` stands in `text`, however either spaces its words (None: not there)."""
    words = sentence.split()
    match = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
    return match.span() if match else None


def first_runs(shown: list[Shown], texts: Texts) -> list[Shown]:
    """Quote each story where it ran first: a copy dated before the quote kept, and holding its
    highlighted sentence, takes its place with that sentence highlighted; the later runs, the kept
    one among them, are listed under it (a reprint's "on Thursday" then points at the right day, and
    no answer is lost to an edit)."""
    out = []
    for s in shown:
        start, end = s.highlight or (0, 0)
        sentence = s.passage.text[start:end]
        at = {
            c.passage_id: span
            for c in s.copies
            if c.date and c.passage_id in texts.known
            if (span := _found_in(sentence, texts.known[c.passage_id].text)) is not None
        }
        dated = [c for c in s.copies if c.passage_id in at]
        earliest = min(dated, key=lambda c: (c.date or dt.date.max, c.source), default=None)
        if earliest is None or earliest.date is None or not s.passage.date or earliest.date >= s.passage.date:
            out.append(s)
            continue
        first = texts.known[earliest.passage_id]
        old = s.passage
        later = [c for c in s.copies if c is not earliest]
        later.append(as_copy(old))
        out.append(Shown(first, s.shingles, later, at[earliest.passage_id]))
    return out
