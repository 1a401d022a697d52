"""`dateline info`: what the index holds."""

from __future__ import annotations

import argparse
import json

from qa.cli.options import index_options
from qa.errors import ExitCode
from qa.settings import Settings

HELP = "what the index holds"
EPILOG = "example: dateline info --json"


def declare(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    index_options(p)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from embeddings.judge import shipped_name
    from embeddings.kernels import recorded
    from embeddings.models import one_way
    from qa.index.archive import describe_archive, is_archive
    from qa.index.database import Store
    from qa.present.info import IndexInfo, info_record, info_text
    from qa.settings import model_cache

    manifest = None
    if is_archive(settings.index_dir):
        stats, meta, manifest = describe_archive(settings.index_dir)
    else:
        stats, meta = Store.describe(settings.index_dir)
    choice = recorded(model_cache(), meta["model"]) if meta.get("model") else None
    embedding = choice.describe() if choice else None
    asked = recorded(model_cache(), meta["model"], "questions") if meta.get("model") else None
    questions = asked.describe() if asked else None
    if meta.get("model") and (fixed := one_way(settings.model or meta.get("model_path") or None)):
        embedding = questions = fixed  # a model that runs one way: nothing was or will be chosen
    name = shipped_name()
    judge = name if settings.judge or not name else f"{name}, off (--no-judge or DATELINE_JUDGE=off)"
    info = IndexInfo(settings.index_dir, stats, meta, embedding, judge, questions, manifest)
    print(json.dumps(info_record(info), ensure_ascii=False) if args.json else info_text(info))
    return ExitCode.OK
