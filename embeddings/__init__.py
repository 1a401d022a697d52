"""Text to vectors: encoders and the FAISS vector index.

Nothing here imports torch or sentence-transformers at import time; the heavy stack
loads only when a real encoder is constructed.
"""

from embeddings.base import Encoder, EncoderError, default_model_dir
from embeddings.factory import load_encoder
from embeddings.hash_encoder import HashEncoder
from embeddings.vectors import VectorIndex

__all__ = ["Encoder", "EncoderError", "HashEncoder", "VectorIndex", "default_model_dir", "load_encoder"]
