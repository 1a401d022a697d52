"""Where dateline keeps its state: one variable, DATELINE_HOME, moves all of it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def dateline_home() -> Path:
    """$DATELINE_HOME, else $XDG_DATA_HOME/dateline, else ~/.local/share/dateline."""
    if home := os.environ.get("DATELINE_HOME"):
        return Path(home).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "dateline"


def model_cache() -> Path:
    """Where the graphs and kernel records made from an installed model are kept: $DATELINE_CACHE,
    else $XDG_CACHE_HOME/dateline, else ~/.cache/dateline. One per user, not per DATELINE_HOME: they
    depend on the model and the machine, not on the archive, and a new home would wait ~10 s to
    make them again."""
    if cache := os.environ.get("DATELINE_CACHE"):
        return Path(cache).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative path there is invalid and is ignored.
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "dateline"


def bundled_corpus() -> Path:
    """The five articles shipped beside the packages (present in a source checkout)."""
    return Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings: flags override the environment, which overrides the defaults."""

    index_dir: Path
    model: str | None = None
    """A local sentence-transformers directory, or None for the bundled all-MiniLM-L6-v2."""
    judge: bool = True
    """Whether answers use the answer judge: on unless `--no-judge` or DATELINE_JUDGE=off."""
    ray: str | None = None
    """The Ray cluster (its head's host:port) that serves a sharded archive (`--ray` or DATELINE_RAY);
    None: this process opens the shards itself."""

    @classmethod
    def resolve(
        cls,
        index_dir: str | Path | None = None,
        model: str | None = None,
        judge: bool | None = None,
        ray: str | None = None,
    ) -> Settings:
        if index_dir is None:
            index_dir = os.environ.get("DATELINE_INDEX") or dateline_home() / "index"
        if judge is None:
            judge = os.environ.get("DATELINE_JUDGE", "on").strip().lower() not in {"off", "0", "no", "false"}
        ray = ray or os.environ.get("DATELINE_RAY") or None
        return cls(Path(index_dir).expanduser(), model or os.environ.get("DATELINE_MODEL"), judge, ray)
