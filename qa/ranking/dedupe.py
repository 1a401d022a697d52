"""One story once: passages that repeat another outlet's text collapse into the first hit."""

from __future__ import annotations

import re

from qa.config import DEFAULT

_WORD = re.compile(r"\w+")
_DEFAULT = DEFAULT.search.collapse


def shingles(text: str, size: int = _DEFAULT.shingle) -> frozenset[int]:
    """The hashes of the text's runs of `size` words."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset({hash(" ".join(words))})
    # Hashing word tuples is about twice as fast as joining strings, and this runs for every candidate.
    return frozenset(map(hash, zip(*(words[i:] for i in range(size)), strict=False)))


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Containment of the smaller in the larger: a syndicated copy that trims or adds a line still matches."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def copied_from(sh: frozenset[int], shown: list[frozenset[int]], same: float = _DEFAULT.same_story) -> int | None:
    """Which of the passages shown (their shingles) a passage copies, if any: its index.

    A copy cut at other places (an editor's note on top, paragraphs joined) straddles two
    passages of the original, sharing under half with each: it counts as a copy when the passages
    shown hold most of its text together, and belongs to the one it shares the most with.
    """
    if not sh or not shown:
        return None
    scores = [overlap(sh, s) for s in shown]
    best = max(range(len(shown)), key=scores.__getitem__)
    if scores[best] >= same:
        return best
    shared = [len(sh & s) for s in shown]
    # The shared counts add up to at least what the union holds: most passages stop here.
    if sum(shared) < same * len(sh) or len(sh & frozenset().union(*shown)) < same * len(sh):
        return None
    return max(range(len(shown)), key=shared.__getitem__)
