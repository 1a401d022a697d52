"""A real three-node Ray cluster on loopback, driven as a user would: run by tests/test_cluster.py.

    python -m tests.cluster_checks WORKDIR

Run only inside a network namespace that has nothing but loopback (the test starts it with
`unshare --net`): Ray binds some services to every interface and probes an outside address to find
its own, and there neither can reach anything. It checks that first, then:

1. indexes a slice of the dev benchmark into a month-sharded archive, embedding over the cluster
   (`dateline index --ray`), and into one index in this process;
2. answers the slice's questions from the archive served by shard actors, and from the one index;
3. kills a shard actor between two halves of a batch (it is restarted), then a worker node (its
   actors move), then a shard for good (its period is reported as not searched);
4. adds the next questions' articles over the cluster and loses a node while they are embedded:
   the archive answers as before meanwhile, and running the command again completes it;

and prints one JSON object of what it saw. The cluster is shut down by its own API.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "rtqa-2024q1"
QUESTIONS = 10
MIB = 1024 * 1024


def loopback_only() -> list[str]:
    """The network interfaces of this network namespace: the checks refuse to start a cluster
    where there is any but loopback."""
    import socket

    return sorted(name for _, name in socket.if_nameindex())


def slice_of_dev(target: Path, start: int = 0, skip: Path | None = None) -> list[dict[str, Any]]:
    """Questions `start`.. of the dev set (`QUESTIONS` of them) and the articles their searches found
    (top 3 each), less those already in `skip`."""
    every = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text().splitlines()]
    questions = every[start : start + QUESTIONS]
    wanted: set[str] = set()
    for line in (EVAL / "search.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["id"] in {q["id"] for q in questions}:
            wanted.update(row["urls"][:3])
    if skip is not None:
        wanted -= {json.loads(line)["url"] for line in skip.read_text().splitlines()}
    with (EVAL / "articles.jsonl").open() as source, target.open("w") as out:
        for line in source:
            if json.loads(line)["url"] in wanted:
                out.write(line)
    return questions


def saturated(ray: Any, indexing: threading.Thread, limit: float = 300.0) -> bool:
    """Wait until the embedding job's actors hold every CPU of the cluster (or the run ends)."""
    deadline = time.monotonic() + limit
    while indexing.is_alive() and time.monotonic() < deadline:
        if ray.available_resources().get("CPU", 0.0) < 0.5:
            return True
        time.sleep(0.2)
    return False


def seen(answer: Any) -> list[list[str]]:
    return [[h.passage.article_id, h.passage.text] for h in answer.hits]


def main(workdir: Path) -> None:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    interfaces = loopback_only()
    if interfaces != ["lo"]:
        sys.exit(f"not in a loopback-only network namespace (interfaces: {interfaces}); no cluster started")
    import datetime as dt
    from dataclasses import replace

    import ray
    from ray.cluster_utils import Cluster

    from embeddings.factory import indexing_encoder
    from qa.answering.opening import open_retriever
    from qa.answering.retriever import Retriever
    from qa.cli import main as cli
    from qa.cluster.serving import actor_name
    from qa.index.archive import read_manifest
    from qa.index.indexer import index_paths
    from qa.reading.query import Query
    from qa.settings import Settings, model_cache

    articles = workdir / "articles.jsonl"
    questions = slice_of_dev(articles)
    queries = [Query(q["question"], k=5, as_of=dt.date.fromisoformat(q["date"]), apply_bar=False) for q in questions]
    node: dict[str, Any] = {"num_cpus": 1, "object_store_memory": 80 * MIB, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    workers = [cluster.add_node(**node) for _ in range(2)]
    out: dict[str, Any] = {"interfaces": interfaces, "address": cluster.address}
    try:
        archive, single = workdir / "archive", workdir / "single"
        args = ["index", str(articles), "--shard-by", "month", "--precision", "fp32", "--index", str(archive)]
        out["index_exit"] = cli([*args, "--ray", cluster.address])
        out["nodes"] = len([n for n in ray.nodes() if n["Alive"]])  # type: ignore[no-untyped-call]
        encoder = indexing_encoder(None, cache_dir=model_cache(), precision="fp32")
        index_paths(single, [articles], lambda: encoder)
        manifest = read_manifest(archive)
        out["shards"] = [[s.period, s.articles] for s in manifest.shards]

        one = Retriever.open(single, judge=True)
        want = [seen(a) for a in one.ask_many(queries)]
        # Kept to one outlet, named in other capitals than the archive stores it.
        by_outlet = [replace(q, sources=("CNN.com",)) for q in queries]
        want_by_outlet = one.ask_many(by_outlet)
        one.close()
        # A question as a user asks it: the command line, the archive served by the cluster.
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            first_question = [questions[0]["question"], "--as-of", questions[0]["date"], "--json"]
            out["ask_exit"] = cli(["ask", *first_question, "--ray", cluster.address, "--index", str(archive)])
        # Over these 18 articles the question may be "nothing relevant" (it names words they never
        # use): the ranking is then in `closest`, and it must still be the one index's.
        printed_answer = json.loads(printed.getvalue())
        out["ask_first"] = (printed_answer["passages"] or printed_answer["closest"])[0]["article_id"]
        out["one_first"] = want[0][0][0]
        served = open_retriever(Settings(archive, ray=cluster.address))
        got_by_outlet = served.ask_many(by_outlet)
        out["by_outlet_same"] = [seen(a) == seen(w) for a, w in zip(got_by_outlet, want_by_outlet, strict=True)]
        out["by_outlet_sources"] = sorted({h.passage.source for a in got_by_outlet for h in a.hits})
        half = len(queries) // 2
        first = [seen(a) for a in served.ask_many(queries[:half])]
        # Where the shards were placed, read before one is killed: a restart is Ray's to place.
        holders = [ray.get_actor(actor_name(archive, s), namespace="dateline") for s in manifest.shards]
        out["actor_nodes"] = len({ray.get(h.node.remote()) for h in holders})
        # The shard most questions read dies between the two halves of the batch; Ray restarts it.
        busiest = max(manifest.shards, key=lambda s: s.articles)
        actor = ray.get_actor(actor_name(archive, busiest), namespace="dateline")
        before: Any = ray.get(actor.pid.remote())
        ray.kill(actor, no_restart=False)
        second = [seen(a) for a in served.ask_many(queries[half:])]
        out["same_as_one_index"] = [got == w for got, w in zip(first + second, want, strict=True)]
        out["restarted"] = ray.get(actor.pid.remote()) != before

        # A worker node is lost: the actors it held start again on the others, and answer the same.
        cluster.remove_node(workers[0])
        out["after_node_lost"] = [seen(a) == w for a, w in zip(served.ask_many(queries), want, strict=True)]

        # A shard that stays down: the answers say which period was not searched.
        ray.kill(ray.get_actor(actor_name(archive, busiest), namespace="dateline"), no_restart=True)
        notes = [list(a.notes) for a in served.ask_many(queries)]
        out["missing_period"] = busiest.period
        out["notes"] = notes
        served.close()

        # More articles embedded over the cluster, and a node lost while they are: until the run
        # commits, the archive answers as before; the same command again completes it.
        more = workdir / "more.jsonl"
        later = slice_of_dev(more, start=QUESTIONS, skip=articles)
        spare = cluster.add_node(**node)
        before_generation = read_manifest(archive).generation
        adding = [*args[:2], str(more), *args[2:], "--ray", cluster.address]
        exits: list[int] = []
        indexing = threading.Thread(target=lambda: exits.append(cli(adding)))
        indexing.start()
        out["saturated"] = saturated(ray, indexing)
        cluster.remove_node(spare)
        meanwhile = Retriever.open(archive, judge=True)
        out["meanwhile_same"] = [seen(a) == w for a, w in zip(meanwhile.ask_many(queries), want, strict=True)]
        out["meanwhile_generation"] = read_manifest(archive).generation  # still the old one: nothing committed
        meanwhile.close()
        indexing.join()
        out["node_lost_exit"] = exits[0]
        out["generation_before"] = before_generation
        out["generation_after_loss"] = read_manifest(archive).generation
        out["rerun_exit"] = cli(adding)
        final = read_manifest(archive)
        out["generation_after_rerun"] = final.generation
        out["archive_articles"] = sum(s.articles for s in final.shards)
        index_paths(single, [articles, more], lambda: encoder)
        one = Retriever.open(single, judge=True)
        out["single_articles"] = one.stats().articles
        later_queries = [
            Query(q["question"], k=5, as_of=dt.date.fromisoformat(q["date"]), apply_bar=False) for q in later
        ]
        want_later = [seen(a) for a in one.ask_many(later_queries)]
        one.close()
        again = open_retriever(Settings(archive, ray=cluster.address))
        out["later_same"] = [seen(a) == w for a, w in zip(again.ask_many(later_queries), want_later, strict=True)]
        again.close()
    finally:
        ray.shutdown()
        cluster.shutdown()  # type: ignore[no-untyped-call]
    print(json.dumps(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
