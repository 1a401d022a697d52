"""`dateline prepare`: make the model's graphs now, so the first question and indexing run start at once."""

from __future__ import annotations

import argparse

from qa.cli.options import index_options, say
from qa.config import DEFAULT
from qa.errors import ExitCode
from qa.settings import Settings, dateline_home, model_cache

HELP = "make the model's fast graphs now (the set-up does this), so no question waits on them"
EPILOG = "example: dateline prepare"


def declare(p: argparse.ArgumentParser) -> None:
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.cache import prepare, remove_moved, remove_stale
    from embeddings.factory import choose_question_path, indexing_encoder
    from embeddings.kernels import question_like

    cache = model_cache()
    made = prepare(settings.model, cache)
    say(f"made {', '.join(made)}" if made else f"the model's graphs are ready in {cache}")
    # Graphs an earlier dateline made in this home's models/ are read from the per-user cache now.
    freed = remove_stale(cache) + remove_moved(dateline_home() / "models", cache)
    if freed:
        say(f"removed {freed / 1e6:,.0f} MB of old model graphs (copies gone or changed, or from an earlier dateline)")
    # Choose how this machine embeds now, on the passages the package ships, not on the first run.
    sample = _sample_passages()
    if sample:
        chosen = lambda line: say(f"indexing embeds with {line}")  # noqa: E731
        indexing_encoder(settings.model, cache_dir=cache, on_choice=chosen).encode_passages(sample)
        questions = choose_question_path(settings.model, cache, question_like(sample))
        if questions:
            say(f"questions encode with {questions}")
    return ExitCode.OK


def _sample_passages(limit: int = DEFAULT.embeddings.calibration.sample) -> list[str]:
    """The passages the package ships for choosing a path (news passages cut as indexing cuts
    them), else the bundled corpus's."""
    from embeddings.openvino_paths import shipped_sample

    return shipped_sample()[1][:limit] or _bundled_passages(limit)


def _bundled_passages(limit: int = DEFAULT.embeddings.calibration.sample) -> list[str]:
    """Passages of the bundled corpus as indexing embeds them (none outside a source checkout)."""
    from qa.ingest.chunker import article_passages, embedding_text
    from qa.ingest.items import Problem
    from qa.ingest.readers import read_paths
    from qa.settings import bundled_corpus

    if not bundled_corpus().is_dir():
        return []
    texts = []
    for item in read_paths([bundled_corpus()]):
        if not isinstance(item, Problem):
            texts += [embedding_text(item.title, p.text) for p in article_passages(item)]
    return texts[:limit]
