"""Joining a Ray cluster, quietly and without reporting usage anywhere."""

from __future__ import annotations

import logging
import os
from typing import Any

from qa.errors import DatelineError

NAMESPACE = "dateline"


def ray_module() -> Any:
    """Ray, imported with its usage reporting off; a clear error when it is not installed."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    # Ray's own core logs warnings on stderr (its address probe, its actor restarts): not for users.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "error")
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    try:
        import ray
    except ImportError as exc:
        raise DatelineError(
            "--ray needs Ray, which this install lacks: pip install 'dateline[cluster]'", "Ray missing"
        ) from exc
    return ray


def connect(address: str) -> Any:
    """Join the cluster at `address` (host:port of its head) once per process; Ray itself."""
    ray = ray_module()
    if ray.is_initialized():
        return ray
    try:
        ray.init(
            address=address,
            namespace=NAMESPACE,
            log_to_driver=False,
            logging_level=logging.ERROR,
        )
    except Exception as exc:
        raise DatelineError(
            f"cannot join the Ray cluster at {address}: {exc}; check the address (its head's host:port)",
            "Ray unreachable",
        ) from exc
    return ray
