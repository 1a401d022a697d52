"""The files of one index directory; nothing outside this module names them.

- `dateline.sqlite` (WAL mode): the single source of truth, vectors included.
- `dateline.sqlite.new`: a rebuild in progress, swapped in when it commits.
- `vectors-<generation>.faiss`: the vectors file derived from a generation of the database.
- `write.lock`: held by the one writer. `embed-cache.sqlite`: vectors of an unfinished run.
- `dateline.sqlite.damaged-<time>`: a damaged database set aside for the user.

A sharded archive's directory instead holds `manifest.json` and one index directory per period
(qa.index.archive).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "dateline.sqlite"
# Bumped when the database's schema changes: an index of another format is rebuilt, never misread.
FORMAT_VERSION = "1"
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class Layout:
    directory: Path

    @property
    def db(self) -> Path:
        return self.directory / DB_NAME

    @property
    def rebuild_db(self) -> Path:
        """Where a rebuild writes, beside the database that keeps answering until the swap."""
        return self.directory / (DB_NAME + ".new")

    @property
    def manifest(self) -> Path:
        """A sharded archive's manifest (an archive directory has it instead of a database)."""
        return self.directory / "manifest.json"

    @property
    def lock(self) -> Path:
        return self.directory / "write.lock"

    @property
    def embed_cache(self) -> Path:
        return self.directory / "embed-cache.sqlite"

    def is_archive(self) -> bool:
        return self.manifest.is_file()

    def exists(self) -> bool:
        """True when the directory holds an index (possibly empty or damaged)."""
        return self.db.exists()

    def damaged(self, stamp: str) -> Path:
        return self.directory / f"{DB_NAME}.damaged-{stamp}"

    def vectors(self, generation: int) -> Path:
        return self.directory / f"vectors-{generation}.faiss"

    def vector_files(self) -> dict[int, Path]:
        """Every vectors file present, by generation."""
        out = {}
        for path in self.directory.glob("vectors-*.faiss"):
            stem = path.stem.removeprefix("vectors-")
            if stem.isdigit():
                out[int(stem)] = path
        return out

    def remove_vector_files(self, older_than: int | None = None) -> None:
        """Remove vectors files (only those of generations before `older_than`, when given)."""
        for generation, path in self.vector_files().items():
            if older_than is None or generation < older_than:
                with contextlib.suppress(OSError):
                    path.unlink()

    @staticmethod
    def remove_db(path: Path) -> None:
        """Remove a database file with its write-ahead log and shared memory."""
        for suffix in ("", *_SIDE_FILES):
            with contextlib.suppress(OSError):
                Path(str(path) + suffix).unlink()

    @staticmethod
    def remove_side_files(path: Path) -> None:
        """Remove a database's write-ahead log and shared memory (the file itself stays)."""
        for suffix in _SIDE_FILES:
            with contextlib.suppress(OSError):
                Path(str(path) + suffix).unlink()

    @staticmethod
    def move_db(path: Path, target: Path) -> None:
        """Move a database file with its side files (a rebuild swapped in, a damaged one set aside)."""
        for suffix in ("", *_SIDE_FILES):
            with contextlib.suppress(FileNotFoundError):
                Path(str(path) + suffix).replace(Path(str(target) + suffix))
