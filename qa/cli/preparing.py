"""`dateline prepare`: make the model's graphs now, so the first question and indexing run start at once."""

from __future__ import annotations

import argparse

from qa.cli.options import index_options, say
from qa.errors import ExitCode
from qa.settings import Settings, model_cache

HELP = "make the model's fast graphs now (the set-up does this), so no question waits on them"
EPILOG = "example: dateline prepare"


def declare(p: argparse.ArgumentParser) -> None:
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.factory import prepare

    cache = model_cache()
    made = prepare(settings.model, cache)
    say(f"made {', '.join(made)}" if made else f"the model's graphs are ready in {cache}")
    return ExitCode.OK
