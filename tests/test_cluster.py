"""A sharded archive on a real three-node Ray cluster, on loopback only, inside `make test`.

The cluster runs in a child process inside a network namespace of its own that holds nothing but
loopback (`unshare --net`; as root, or with a user namespace otherwise), so no packet can leave
this machine whatever Ray binds or probes. tests/cluster_checks.py drives it as a user would and
reports what it saw; here we check that against one index over the same articles.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> dict[str, Any]:
    needs = "the cluster test needs unshare and ip (util-linux, iproute2)"
    assert shutil.which("unshare") and shutil.which("ip"), needs
    workdir = tmp_path_factory.mktemp("cluster")
    namespace = ["unshare", "--net"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    command = [*namespace, "--", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    command += [sys.executable, "-m", "tests.cluster_checks", str(workdir)]
    env = {
        **os.environ,
        "DATELINE_HOME": str(workdir / "home"),
        "DATELINE_CACHE": str(model_cache),
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["stderr"] = done.stderr
    return result


def test_the_cluster_ran_on_loopback_only(seen: dict[str, Any]) -> None:
    assert seen["interfaces"] == ["lo"] and seen["address"].startswith("127.0.0.1:")
    assert seen["nodes"] == 3


def test_indexing_over_the_cluster_writes_a_month_sharded_archive(seen: dict[str, Any]) -> None:
    assert seen["index_exit"] == 0
    assert len(seen["shards"]) > 3 and all(count > 0 for _, count in seen["shards"])
    assert "embedding with a Ray Data job, 3 encoder actors" in seen["stderr"]
    assert "Traceback" not in seen["stderr"]


def test_the_archive_served_by_shard_actors_answers_as_one_index(seen: dict[str, Any]) -> None:
    assert seen["ask_exit"] == 0 and seen["ask_first"] == seen["one_first"]
    assert all(seen["same_as_one_index"]), seen["same_as_one_index"]
    assert seen["actor_nodes"] == 3  # the shards are spread over every node


def test_the_archive_served_by_shard_actors_keeps_to_an_outlet_as_one_index(seen: dict[str, Any]) -> None:
    assert all(seen["by_outlet_same"]), seen["by_outlet_same"]
    assert seen["by_outlet_sources"] == ["cnn.com"]


def test_a_shard_actor_killed_mid_batch_is_restarted_and_the_batch_completes(seen: dict[str, Any]) -> None:
    assert seen["restarted"]
    assert len(seen["same_as_one_index"]) == 10


def test_a_lost_node_moves_its_shards_and_the_answers_stay_the_same(seen: dict[str, Any]) -> None:
    assert all(seen["after_node_lost"]), seen["after_node_lost"]


def test_a_shard_that_stays_down_is_named_in_every_answer_that_needed_it(seen: dict[str, Any]) -> None:
    missing = f"not searched: {seen['missing_period']} (that part of the archive did not answer)"
    assert all(missing in notes for notes in seen["notes"])


def test_a_node_lost_while_indexing_leaves_the_archive_answering_and_a_rerun_completes(seen: dict[str, Any]) -> None:
    assert seen["saturated"]  # the node went while the embedding job held every CPU
    assert seen["meanwhile_generation"] == seen["generation_before"]
    assert all(seen["meanwhile_same"]), seen["meanwhile_same"]
    # Ray may finish the job on the nodes left, or the run stops with a one-line error and changes nothing.
    if seen["node_lost_exit"] != 0:
        assert seen["generation_after_loss"] == seen["generation_before"]
        assert "the cluster's embedding job failed" in seen["stderr"]
    assert seen["rerun_exit"] == 0 and seen["generation_after_rerun"] == seen["generation_before"] + 1
    assert seen["archive_articles"] == seen["single_articles"]
    assert all(seen["later_same"]), seen["later_same"]
