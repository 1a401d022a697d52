"""Test helpers: an encoder that counts what it is asked to encode."""

from __future__ import annotations

from embeddings.base import Vectors
from embeddings.hash_encoder import HashEncoder


class CountingEncoder(HashEncoder):
    """The deterministic test encoder, counting its calls and the texts it encoded (production
    encoders keep no such counters)."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.calls = 0
        self.texts_encoded = 0

    def _encode(self, texts: list[str]) -> Vectors:
        self.calls += 1
        self.texts_encoded += len(texts)
        return super()._encode(texts)
