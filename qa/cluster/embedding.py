"""Embedding passages as a Ray Data job: encoder actors on the cluster's workers, GPUs where it has them.

`RayEncoder` is an `Encoder` like any other, so the indexer keeps every promise it makes on one
machine (only new passages embedded, vectors kept in the embed cache as groups finish, one commit
at the end): only the embedding of each group of passages is spread over the cluster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Encoder, Vectors
from qa.config import Cluster
from qa.errors import DatelineError


class PassageEncoder:
    """What each worker of the job holds: the encoder, loaded once per actor."""

    def __init__(self, model: str | None, cache_dir: str, precision: str, device: str | None) -> None:
        import ray

        from embeddings.base import limit_threads
        from embeddings.factory import indexing_encoder

        # As many threads as the CPUs this actor holds, not one per core of its whole node.
        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 0.0)  # type: ignore[no-untyped-call]
        if cpus >= 1:
            limit_threads(int(cpus))

        self.encoder = indexing_encoder(model, cache_dir=Path(cache_dir), device=device, precision=precision)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        vectors = self.encoder.encode_passages([str(t) for t in batch["text"]])
        return {"row": batch["row"], "vector": list(vectors)}


class RayEncoder:
    """Encodes passages on the cluster; `local` gives the name and size (and encodes questions)."""

    def __init__(
        self, ray: Any, local: Encoder, model: str | None, cache_dir: Path, precision: str, cluster: Cluster
    ) -> None:
        self.ray, self.local, self.cluster = ray, local, cluster
        quiet(ray)
        resources = ray.cluster_resources()
        self.gpus = int(resources.get("GPU", 0))
        self.workers = cluster.embed_workers or max(1, self.gpus or int(resources.get("CPU", 1)))
        # Every worker embeds the same way: the path this machine chose, or the GPU's.
        device = "cuda" if self.gpus else None
        self.args = (model, str(cache_dir), precision, device)

    @property
    def name(self) -> str:
        return self.local.name

    @property
    def dim(self) -> int:
        return self.local.dim

    def describe(self) -> str:
        kind = f"{self.gpus} GPUs" if self.gpus else "CPUs"
        return f"a Ray Data job, {self.workers} encoder actors on the cluster's {kind}"

    def warm(self) -> None:
        """Nothing to load here: the workers load the model."""

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self.local.encode_queries(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        data = self.ray.data.from_items([{"row": i, "text": t} for i, t in enumerate(texts)])
        actors = min(self.workers, max(1, len(texts) // self.cluster.embed_batch))
        embedded = data.map_batches(
            PassageEncoder,
            fn_constructor_args=self.args,
            batch_size=self.cluster.embed_batch,
            compute=self.ray.data.ActorPoolStrategy(size=actors),
            num_cpus=0 if self.gpus else 1,
            num_gpus=1 if self.gpus else 0,
        )
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        try:
            for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
                out[np.asarray(batch["row"], dtype=np.int64)] = np.stack(list(batch["vector"]))
        except Exception as exc:  # Ray's failures are many classes (a lost node, a dead actor, a task error)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatelineError(
                f"the cluster's embedding job failed ({first}); the archive is as it was before this run, "
                "and running the same command again resumes (groups already embedded are kept)",
                "Embedding job failed",
            ) from exc
        return out


def quiet(ray: Any) -> None:
    """Ray Data reports each job's progress and plan on stderr: dateline draws its own progress line."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False


def ray_encoder(
    address: str, local: Encoder, model: str | None, cache_dir: Path, precision: str, cluster: Cluster
) -> RayEncoder:
    from qa.cluster.connect import connect

    return RayEncoder(connect(address), local, model, cache_dir, precision, cluster)
