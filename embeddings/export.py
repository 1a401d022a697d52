"""Exporting a sentence-transformers model's transformer to ONNX, once, from its local weights.

Needs torch and onnx (both installed with dateline); runs when torch is loaded anyway, so a later
`dateline ask` can encode its question with ONNX Runtime and never import torch.

Indexing encodes passages with an int8 copy of the graph: attention, layer norms and GELU fused by
ONNX Runtime's transformer optimizer, then the weights quantized per output channel (per-tensor
scales lose too much: min cosine 0.91 against 0.985). docs/benchmarks.md has the speed and quality.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import warnings
from pathlib import Path
from typing import Any

from embeddings.base import INT8_SUFFIXES

# Bumped when the export changes, so caches made by an older export are made again.
EXPORT_VERSION = "3"
_FFN_DOWN = re.compile(r"layer\.\d+/output/dense/MatMul$")


def _stamp(model_dir: Path) -> str:
    """The weights file's size and time: what tells new weights from the ones a graph was made of."""
    weights = [p for p in ("model.safetensors", "pytorch_model.bin") if (model_dir / p).exists()]
    if not weights:
        return ""
    st = (model_dir / weights[0]).stat()
    return f"{st.st_size}-{int(st.st_mtime)}"


def graph_path(cache_dir: Path, model_dir: Path, name: str) -> Path:
    """Where the exported graph of this model lives: keyed by the weights file, so new weights re-export."""
    digest = hashlib.sha1(f"{model_dir.resolve()}|{_stamp(model_dir)}|{EXPORT_VERSION}".encode()).hexdigest()[:12]
    return cache_dir / f"{name}-{digest}.onnx"


def _source_record(graph: Path) -> Path:
    return graph.with_name(graph.stem + ".source.json")


def temp_beside(target: Path) -> Path:
    """A file name beside `target` that no other process or thread writing the same target uses: the
    cache is shared by every DATELINE_HOME, so two processes may make one graph at once."""
    return target.with_name(f"{target.name}.tmp{os.getpid()}-{secrets.token_hex(4)}")


def record_source(model_dir: Path, graph: Path) -> None:
    """Note beside a graph which weights it was made of, so a later set-up can tell when they are gone
    (atomically: `stale_graphs` in another process must never read half a record)."""
    record = {"model": str(model_dir.resolve()), "stamp": _stamp(model_dir), "export": EXPORT_VERSION}
    target = _source_record(graph)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(target)
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, target)


def stale_graphs(cache_dir: Path) -> list[Path]:
    """Graphs in the cache (with their int8 copies and records) made of weights that are gone or have
    changed since, or by an older export: every reinstall puts the model's weights at a new path or
    time, and would otherwise leave ~120 MB behind. A graph with no record was made before records
    were kept, and is stale too: where it is still wanted, it is made again on first use."""
    stale = []
    for graph in sorted(cache_dir.glob("*.onnx")):
        if graph.name.endswith(INT8_SUFFIXES):
            continue
        record = _source_record(graph)
        try:
            made = json.loads(record.read_text(encoding="utf-8"))
            model_dir, stamp, export = Path(made["model"]), made["stamp"], made["export"]
            if export == EXPORT_VERSION and model_dir.is_dir() and _stamp(model_dir) == stamp:
                continue
        except FileNotFoundError:
            pass  # made before records were kept
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a record it cannot read: not proof that the graph is stale
        files = (graph, int8_path(graph), int8_path(graph, every_layer=True), record)
        stale += [f for f in files if f.exists()]
    return stale


def _config(model_dir: Path) -> dict[str, Any]:
    """The model's config.json ({} when missing or unreadable)."""
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def exportable(model_dir: Path) -> bool:
    """Whether the model is a transformer to export (a static model2vec model has no graph to run)."""
    config = _config(model_dir)
    return bool(config) and config.get("model_type") != "model2vec"


def int8_path(graph: Path, *, every_layer: bool = False) -> Path:
    """Where the int8 copy of an exported graph lives (`every_layer`: the copy with no fp32 layer left)."""
    return graph.with_name(graph.stem + (INT8_SUFFIXES[1] if every_layer else INT8_SUFFIXES[0]))


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Write the model's transformer (token embeddings out) as an ONNX graph, atomically, with a
    record of the weights it was made of."""
    # The record first: `dateline prepare` in another process takes a graph without one for stale.
    record_source(model_dir, target)
    return _export(model_dir, target, "last_hidden_state")


def _export(model_dir: Path, target: Path, output: str) -> Path:
    """Export the model as an ONNX graph whose one output is `output` of the model's forward pass
    (`last_hidden_state` of the transformer, or `logits` of a classifier head), fused when it can
    be; atomically."""
    # Offline and quiet: every file is in the directory, and load reports are not for users.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]

    # Eager attention exports as plain MatMul/Softmax, the pattern ONNX Runtime fuses into one
    # Attention kernel; the default (SDPA) exports a masked form it cannot fuse.
    loader = AutoModelForSequenceClassification if output == "logits" else AutoModel
    model = loader.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager")
    model.eval()

    class Output(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return getattr(out, output)  # type: ignore[no-any-return]

    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    out_axes = {0: "batch"} if output == "logits" else axes
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(target)
    fused = tmp.with_name(tmp.name + ".fused")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Output(model),
                (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=[output],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, output: out_axes},
                opset_version=17,
                dynamo=False,
            )
        try:
            if fuse(tmp, model_dir, fused):
                os.replace(fused, tmp)
        except Exception:  # noqa: BLE001 - an unfused graph gives the same results, a little slower
            pass
        os.replace(tmp, target)
    finally:  # an export that failed part way leaves nothing in the shared cache
        tmp.unlink(missing_ok=True)
        fused.unlink(missing_ok=True)
    return target


def fuse(graph: Path, model_dir: Path, target: Path) -> bool:
    """Write `graph` with attention, layer norms and GELU fused into single kernels; False if not BERT-like.

    The same arithmetic in fewer, faster kernels (vectors unchanged, cosine >= 0.999, tested).
    """
    config = _config(model_dir)
    if config.get("model_type") != "bert":  # the fusions know BERT's layer pattern
        return False
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(
        str(graph),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
        opt_level=1,
    )
    fused.save_model_to_file(str(target))
    return True


def quantize_onnx(graph: Path, target: Path, *, ffn_down_fp32: bool = True) -> Path:
    """Write an int8 (dynamic, per-channel) copy of an exported (and so already fused) graph, atomically.

    `ffn_down_fp32=False` quantizes every layer: the shipped judge must stay small (about 23 MB, not 33).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = temp_beside(target)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer logs advice to the root logger, meant for its developers
    try:
        # The feed-forward down-projection reads the GELU output, whose range is the widest in the
        # layer: left in fp32 it halves the vectors' error (mean cosine 0.992 -> 0.996) for ~5% speed.
        nodes = onnx.load(str(graph)).graph.node
        keep_fp32 = [n.name for n in nodes if _FFN_DOWN.search(n.name)] if ffn_down_fp32 else []
        quantize_dynamic(
            str(graph),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_exclude=keep_fp32,
            # fused operators hide some tensor types from shape inference; they are all float
            extra_options={"DefaultTensorType": 1},
        )
        os.replace(tmp, target)
    finally:
        root.setLevel(level)
        tmp.unlink(missing_ok=True)
    return target


def export_classifier(model_dir: Path, target: Path) -> Path:
    """Write a sequence-classification model (its logits out) as an ONNX graph, fused, atomically:
    what qa.training quantizes into the judge's graph."""
    return _export(model_dir, target, "logits")
