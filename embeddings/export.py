"""Exporting a sentence-transformers model's transformer to ONNX, once, from its local weights.

Needs torch and onnx (both installed with dateline); runs when torch is loaded anyway, so a later
`dateline ask` can encode its question with ONNX Runtime and never import torch.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path


def graph_path(cache_dir: Path, model_dir: Path, name: str) -> Path:
    """Where the exported graph of this model lives: keyed by the weights file, so new weights re-export."""
    weights = [p for p in ("model.safetensors", "pytorch_model.bin") if (model_dir / p).exists()]
    stamp = ""
    if weights:
        st = (model_dir / weights[0]).stat()
        stamp = f"{st.st_size}-{int(st.st_mtime)}"
    digest = hashlib.sha1(f"{model_dir.resolve()}|{stamp}".encode()).hexdigest()[:12]
    return cache_dir / f"{name}-{digest}.onnx"


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Write the model's transformer (token embeddings out) as an ONNX graph, atomically."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    model.eval()

    class Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state  # type: ignore[no-any-return]

    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Hidden(model),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)
    return target
