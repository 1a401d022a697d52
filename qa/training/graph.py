"""The judge's ONNX graph as training makes it: exported from trained weights, read at its layers, given a token head.

dateline only runs the graph (embeddings/judge.py); these write it (train_judge, fit_judge_highlight).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from embeddings.export import export_classifier, quantize_onnx


def export_judge(model_dir: Path, target: Path) -> Path:
    """Write a trained cross-encoder (a sequence-classification model with one logit) as an int8 ONNX
    graph: exported, fused and quantized like the passage graph, atomically."""
    plain = target.with_name(target.name + f".fp32-{os.getpid()}")
    try:
        return quantize_onnx(export_classifier(model_dir, plain), target, ffn_down_fp32=False)
    finally:
        plain.unlink(missing_ok=True)


def layer_output(layer: int) -> str:
    """The name the exported judge graph gives encoder layer `layer`'s output (its token states)."""
    return f"/inner/bert/encoder/layer.{layer}/output/LayerNorm/LayerNormalization_output_0"


def judge_with_layer_outputs(graph: Path, layers: tuple[int, ...]) -> bytes:
    """The judge graph with these encoder layers' token states as extra outputs ("layer3", ...), to
    fit a head on (qa.training.fit_judge_highlight); the logit is computed as before."""
    import onnx

    model = onnx.load(str(graph))
    for layer in layers:
        model.graph.node.append(onnx.helper.make_node("Identity", [layer_output(layer)], [f"layer{layer}"]))
        model.graph.output.append(onnx.helper.make_tensor_value_info(f"layer{layer}", onnx.TensorProto.FLOAT, None))
    serialized: bytes = model.SerializeToString()
    return serialized


def add_token_head(graph: Path, weights: dict[int, Any], bias: float, target: Path) -> Path:
    """Write the judge graph with a second output, "token_scores" [batch, tokens]: each token's
    sum over `weights`' layers of its state there times that layer's weights, plus `bias`. A sentence's
    mean token score is then a linear read of its mean states, in the same call as the logit."""
    return add_heads(graph, {"token_scores": (weights, bias)}, target)


def add_heads(graph: Path, heads: dict[str, tuple[dict[int, Any], float]], target: Path) -> Path:
    """Write the judge graph with one more output per head, name -> (per layer its weights, bias):
    [batch, tokens], each token's states at those layers times the weights, summed, plus the bias."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(graph))
    present = {o.name for o in model.graph.output}
    for output, (weights, bias) in heads.items():
        if output in present:
            raise ValueError(f"{graph} already has the output {output!r}; fit on the judge exported without it")
        nodes, parts = model.graph.node, []
        head = output.removesuffix("_scores")
        prefix = "token_head" if output == "token_scores" else f"{head}_head"
        for layer, w in sorted(weights.items()):
            name = f"{prefix}_{layer}"
            model.graph.initializer.append(numpy_helper.from_array(np.asarray(w, np.float32).reshape(-1, 1), name))
            nodes.append(helper.make_node("MatMul", [layer_output(layer), name], [f"{name}_out"]))
            parts.append(f"{name}_out")
        model.graph.initializer.append(numpy_helper.from_array(np.array([bias], np.float32), f"{prefix}_bias"))
        nodes.append(helper.make_node("Sum", [*parts, f"{prefix}_bias"], [f"{prefix}_sum"]))
        model.graph.initializer.append(numpy_helper.from_array(np.array([-1], np.int64), f"{prefix}_axis"))
        nodes.append(helper.make_node("Squeeze", [f"{prefix}_sum", f"{prefix}_axis"], [output]))
        model.graph.output.append(helper.make_tensor_value_info(output, onnx.TensorProto.FLOAT, None))
    partial = target.with_name(target.name + f".part-{os.getpid()}")
    onnx.save(model, str(partial))
    partial.replace(target)
    return target
