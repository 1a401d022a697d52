"""The judge's reading of answer-holding passages: its token states at chosen layers, per passage.

What qa.training.fit_judge_highlight fits the highlight's token head on, and what bench probes read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.judge import GRAPH, passage_tokens
from qa.ranking.highlight import sentence_features, sentence_tokens
from qa.ranking.judging import judge_input
from qa.reading.answer_types import expected_type
from qa.training.data import answer_passages
from qa.training.graph import judge_with_layer_outputs


@dataclass(slots=True)
class Passage:
    """What the judge read of one answer-holding passage."""

    day: str
    dev: bool
    features: np.ndarray  # per sentence, qa.ranking.highlight.FEATURES
    states: np.ndarray  # per token of the passage, its states at the layers read (float16)
    inside: list[np.ndarray]  # per sentence, its tokens
    answer: np.ndarray  # per token, whether it lies in a gold answer
    right: np.ndarray  # per sentence, whether it holds one


class Reader:
    """The judge graph with its layers' token states as outputs."""

    def __init__(self, judge: Path, layers: tuple[int, ...]) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
        graph = judge_with_layer_outputs(judge / GRAPH, layers)
        self.session: Any = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        card = json.loads((judge / "card.json").read_text(encoding="utf-8"))
        self.tokenizer: Any = Tokenizer.from_file(str(judge / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=int(card["max_length"]))
        self.outputs = [f"layer{layer}" for layer in layers]

    def states(self, question: str, text: str) -> tuple[list[np.ndarray], np.ndarray]:
        """Each layer's states of the passage's tokens, and those tokens' spans in `text`."""
        e = self.tokenizer.encode(question, text)
        feed = {
            "input_ids": np.array([e.ids], np.int64),
            "attention_mask": np.array([e.attention_mask], np.int64),
            "token_type_ids": np.array([e.type_ids], np.int64),
        }
        index, spans = passage_tokens(e)
        return [out[0][index] for out in self.session.run(self.outputs, feed)], spans


def passages(folder: Path, reader: Reader, dev: bool) -> list[Passage]:
    """Every answer-holding passage of `folder`'s questions as the judge reads it."""
    out = []
    for q, article, text, spans, right in answer_passages(folder):
        read = judge_input(
            article.get("title") or "", text, dt.date.fromisoformat(article["date"]), dt.date.fromisoformat(q["date"])
        )
        states, token_spans = reader.states(q["question"], read)
        offset = len(read) - len(text)
        said = [
            m.span() for a in q["answers"] if str(a).strip() for m in re.finditer(re.escape(str(a).strip()), text, re.I)
        ]
        answer = np.array([any(a <= s - offset and e - offset <= b for a, b in said) for s, e in token_spans], bool)
        features = sentence_features(q["question"], text, expected_type(q["question"]))
        out.append(
            Passage(
                q["date"],
                dev,
                np.array([v for _, v in features]),
                np.hstack(states).astype(np.float16),
                sentence_tokens(spans, token_spans, offset),
                answer,
                right,
            )
        )
    return out
