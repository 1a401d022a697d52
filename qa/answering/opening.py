"""Opening an archive for questions: one index, a sharded archive, or its shards served on a Ray cluster.

Every front end (the CLI's commands, the chat) opens it here, and shows the notice it gives.
"""

from __future__ import annotations

from collections.abc import Callable

from embeddings.cache import graph_missing
from qa.answering.retriever import Retriever
from qa.config import DEFAULT, Config
from qa.settings import Settings, model_cache

PREPARING = "preparing the question model (once, about 15 seconds; `dateline prepare` does it ahead)…"
"""The notice when the first question will wait on exporting the model's graph."""


def open_retriever(settings: Settings, config: Config = DEFAULT, say: Callable[[str], None] | None = None) -> Retriever:
    """The index or archive in the settings, opened here, or served by shard actors with `--ray`.

    `say`, when given, is told `PREPARING` when the first question will wait on the model.
    """
    opener = None
    if settings.ray:
        from qa.cluster.serving import ray_opener

        opener = ray_opener(settings.ray, config.cluster)
    retriever = Retriever.open(
        settings.index_dir, settings.model, config=config.search, judge=settings.judge, opener=opener
    )
    if say is not None and graph_missing(settings.model or retriever.model_path, model_cache()):
        say(PREPARING)
    return retriever
