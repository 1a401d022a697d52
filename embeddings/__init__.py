"""Text to vectors: encoders and the FAISS vector index.

Nothing here imports torch or sentence-transformers at import time; the heavy stack
loads only when a real encoder is constructed.
"""

from embeddings.encoder import Encoder, EncoderError, HashEncoder, default_model_dir, load_encoder
from embeddings.vectors import VectorIndex

__all__ = ["Encoder", "EncoderError", "HashEncoder", "VectorIndex", "default_model_dir", "load_encoder"]
