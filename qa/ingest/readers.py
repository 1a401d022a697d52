"""Reading articles from files and directories: each file by its kind (qa/ingest/formats.py).

Bad input never stops a run: each problem is reported with its file (and line) and skipped.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from qa.config import DEFAULT, Indexing
from qa.ingest.formats import READERS, kind_of, readable, suffix_of
from qa.ingest.items import Item, Problem, decode
from qa.ingest.jsonfiles import is_utf16

# Enough of a file's start to tell its kind.
_HEAD = 65_536


def read_paths(paths: list[Path], limits: Indexing = DEFAULT.indexing) -> Iterator[Item]:
    """Every article under the given files and directories, and every problem met on the way.

    `limits`: the largest file and article read (qa.config.Indexing).
    """
    for path in paths:
        if not path.exists() and not path.is_symlink():
            yield Problem(str(path), "no such file or directory")
        elif path.is_dir():
            yield from _read_dir(path, limits)
        else:
            yield from read_file(path, limits)


def _read_dir(root: Path, limits: Indexing) -> Iterator[Item]:
    # followlinks=False: a symlink loop can never trap the walk.
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield from read_file(Path(dirpath) / name, limits)


def _head(path: Path) -> bytes:
    """The file's first bytes, decompressed for a `.gz` (a WARC reads its own compression)."""
    if path.suffix.lower() == ".gz" and suffix_of(path) not in (".warc", ".arc"):
        with gzip.open(path, "rb") as fh:
            return fh.read(_HEAD)
    with path.open("rb") as fh:
        return fh.read(_HEAD)


def read_file(path: Path, limits: Indexing = DEFAULT.indexing) -> Iterator[Item]:
    """The articles in one file, read by its kind; a kind dateline does not read is refused in one line."""
    try:
        if not path.is_file():
            yield Problem(str(path), "not a regular file (a broken link or a device), skipped")
            return
        head = _head(path)
        fmt = READERS.get(kind_of(path, head) or "")
        if fmt is None:
            suffix = "".join(path.suffixes[-2:]) or "no extension"
            yield Problem(str(path), f"not an article file ({suffix}): dateline reads {readable()}; skipped")
            return
        compressed = path.suffix.lower() == ".gz" and fmt.takes != "path"
        if fmt is READERS["jsonl"] and (compressed or path.suffix.lower() == ".gz" or is_utf16(path)):
            fmt = READERS["jsonl-whole"]  # read whole: UTF-16 (rare) or compressed
            compressed = path.suffix.lower() == ".gz"
        if fmt.takes == "path":
            yield from fmt.read(path, limits)
            return
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            yield Problem(str(path), f"file too large ({size / 1e9:.1f} GB), skipped")
            return
        data = gzip.decompress(path.read_bytes()) if compressed else path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        what = (
            "not a readable gzip file" if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile) else "cannot read"
        )
        yield Problem(str(path), f"{what}: {getattr(exc, 'strerror', None) or exc}, skipped")
        return
    if fmt.takes == "bytes":
        yield from fmt.read(path, data, limits)
        return
    text = decode(data)
    if text is None:
        yield Problem(str(path), f"binary file, not {fmt.name}: skipped")
    elif not text.strip():
        yield Problem(str(path), "empty file, skipped")
    else:
        yield from fmt.read(path, text, limits)
