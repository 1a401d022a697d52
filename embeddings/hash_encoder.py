"""A deterministic bag-of-words encoder: no model, instant, for fast unit tests and `--model hash`."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from embeddings.base import Vectors

_WORD = re.compile(r"\w+")


class HashEncoder:
    """A deterministic bag-of-words encoder: no model, instant, for fast unit tests.

    Words sharing a hashed bucket get similar vectors, so texts sharing words score higher.
    """

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hash-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self._dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.asarray(out / norms, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self._encode(texts)

    def warm(self) -> None:
        pass
