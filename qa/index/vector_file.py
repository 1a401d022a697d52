"""The vectors file: a FAISS index derived from the database's vectors, one per generation."""

from __future__ import annotations

from pathlib import Path

from embeddings.vectors import VectorIndex, VectorIndexError
from qa.config import DEFAULT, Config
from qa.index.database import Store
from qa.index.layout import Layout


def load_vector_index(store: Store, config: Config = DEFAULT) -> VectorIndex:
    """The FAISS index for the store's current generation; rebuilt from SQLite when missing or stale."""
    store.conn.execute("BEGIN")
    try:
        meta = store.meta
        generation = int(meta.get("generation", "0"))
        dim = int(meta.get("dim", "0"))
        count = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        path = Layout(store.directory).vectors(generation)
        if path.exists():
            try:
                index = VectorIndex.load(path, dim, config.embeddings.vectors)
                if len(index) == count:
                    return index
            except VectorIndexError:
                pass  # damaged or out of step: rebuilt below from the rows
        # Inside the read transaction: both passes of a streamed build see the same rows.
        index = VectorIndex.build_streamed(
            dim, count, lambda: store.vector_chunks(config.indexing.vector_rows), settings=config.embeddings.vectors
        )
    finally:
        store.conn.execute("COMMIT")
    save_vector_index(store.directory, generation, index)
    return index


def save_vector_index(directory: Path, generation: int, index: VectorIndex) -> None:
    """Write this generation's vectors file and remove older ones; a read-only index just keeps it in memory."""
    layout = Layout(directory)
    try:
        index.save(layout.vectors(generation))
    except OSError:
        return
    # Only older generations: a newer file belongs to a writer that committed meanwhile.
    layout.remove_vector_files(older_than=generation)
