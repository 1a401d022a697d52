"""One story once: passages that repeat another outlet's text collapse into the first hit."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
SHINGLE = 4
# Share of 4-word shingles two passages must have in common to count as the same text.
SAME_STORY = 0.5


def shingles(text: str) -> frozenset[int]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return frozenset({hash(" ".join(words))})
    # Hashing word tuples is about twice as fast as joining strings, and this runs for every candidate.
    return frozenset(map(hash, zip(*(words[i:] for i in range(SHINGLE)), strict=False)))


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Containment of the smaller in the larger: a syndicated copy that trims or adds a line still matches."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
