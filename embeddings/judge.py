"""The answer judge: a cross-encoder that scores whether a passage answers a question.

Trained here (qa.training.train_judge) from the bundled all-MiniLM-L6-v2 weights and shipped inside the
package as an int8 ONNX graph with its tokenizer and model card (embeddings/judge_model/), so judging
needs ONNX Runtime and `tokenizers` only: no torch, no download.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from embeddings.base import EncoderError, cpu_threads

Scores = npt.NDArray[np.float32]
SHIPPED = Path(__file__).resolve().parent / "judge_model"
GRAPH = "judge-int8.onnx"


@dataclass(frozen=True, slots=True)
class JudgeReading:
    """What the judge made of one passage: its logit and, where its graph has a token head, a score
    for each token of the passage it read (spans: character (start, end) in the passage's text)."""

    logit: float
    spans: npt.NDArray[np.int64]
    scores: Scores
    starts: Scores = field(default_factory=lambda: np.zeros(0, np.float32))
    """Per token of `spans`, how likely an answer starts there (graphs with span heads; else empty)."""
    ends: Scores = field(default_factory=lambda: np.zeros(0, np.float32))
    """Per token, how likely an answer ends there."""


class Judge(Protocol):
    """Scores (question, passage) pairs: higher is more likely to answer; a logit, so 0 is even odds."""

    @property
    def name(self) -> str:
        """The judge's name and version (recorded with what it judged; part of cache keys)."""
        ...

    @property
    def reads_tokens(self) -> bool:
        """Whether `read` gives token scores (the graph has a token head), not only logits."""
        ...

    @property
    def reads_spans(self) -> bool:
        """Whether `read` gives where an answer starts and ends (the graph has span heads)."""
        ...

    def score(self, question: str, passages: list[str]) -> Scores: ...

    def read(self, question: str, passages: list[str]) -> list[JudgeReading]: ...


def passage_tokens(encoding: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The tokens of a (question, passage) encoding that belong to the passage: their positions in the
    input and their character spans in the passage (special and empty tokens left out)."""
    rows = [
        (i, start, end)
        for i, (sequence, (start, end)) in enumerate(zip(encoding.sequence_ids, encoding.offsets, strict=True))
        if sequence == 1 and end > start
    ]
    index = np.array([r[0] for r in rows], dtype=np.int64)
    spans = np.array([r[1:] for r in rows], dtype=np.int64).reshape(-1, 2)
    return index, spans


class OnnxJudge:
    """A cross-encoder graph run by ONNX Runtime: the [CLS] logit of "question [SEP] passage"."""

    def __init__(self, directory: Path = SHIPPED, *, threads: int | None = None, batch: int = 1) -> None:
        """`batch` 1: the graph is int8 with activations quantized per run, so batched pairs would
        score by their batchmates; one at a time, a passage's score depends on it alone."""
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - an install problem
            raise EncoderError("onnxruntime or tokenizers is not installed; re-run the set-up command") from exc
        try:
            card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.intra_op_num_threads = threads or cpu_threads()
            options.add_session_config_entry("session.set_denormal_as_zero", "1")
            self._session: Any = ort.InferenceSession(
                str(directory / GRAPH), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer: Any = Tokenizer.from_file(str(directory / "tokenizer.json"))
        except (OSError, ValueError, KeyError) as exc:
            raise EncoderError(f"cannot load the answer judge from {directory}: {exc}") from exc
        except Exception as exc:  # onnxruntime raises its own types for a damaged graph
            raise EncoderError(f"cannot load the answer judge from {directory}: {exc}") from exc
        self._tokenizer.enable_truncation(max_length=int(card["max_length"]))
        self._tokenizer.enable_padding()
        self._inputs = {i.name for i in self._session.get_inputs()}
        outputs = {o.name for o in self._session.get_outputs()}
        self._tokens = "token_scores" in outputs
        self._span = {"start_scores", "end_scores"} <= outputs
        self._name = f"{card['name']}-v{card['version']}"
        self._batch = batch

    @property
    def name(self) -> str:
        return self._name

    @property
    def reads_tokens(self) -> bool:
        return self._tokens

    @property
    def reads_spans(self) -> bool:
        return self._span

    def _feed(self, encodings: list[Any]) -> dict[str, npt.NDArray[np.int64]]:
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        return feed

    def score(self, question: str, passages: list[str]) -> Scores:
        out = np.zeros(len(passages), dtype=np.float32)
        order = sorted(range(len(passages)), key=lambda i: -len(passages[i]))  # similar lengths pad less
        for b in range(0, len(order), self._batch):
            idx = order[b : b + self._batch]
            encodings = self._tokenizer.encode_batch([(question, passages[i]) for i in idx])
            out[idx] = self._session.run(["logits"], self._feed(encodings))[0].reshape(-1)
        return out

    def read(self, question: str, passages: list[str]) -> list[JudgeReading]:
        """Each passage's logit and, where the graph has those heads, its tokens' scores and where an
        answer starts and ends, one pair a run (as `score`: a passage's reading depends on it alone)."""
        if not self._tokens and not self._span:
            none = np.zeros((0, 2), dtype=np.int64)
            return [JudgeReading(float(x), none, np.zeros(0, np.float32)) for x in self.score(question, passages)]
        names = [
            "logits",
            *(["token_scores"] if self._tokens else []),
            *(["start_scores", "end_scores"] if self._span else []),
        ]
        empty = np.zeros(0, np.float32)
        out = []
        for passage in passages:
            encoding = self._tokenizer.encode(question, passage)
            got = dict(zip(names, self._session.run(names, self._feed([encoding])), strict=True))
            index, spans = passage_tokens(encoding)
            heads = {n: got[n][0][index].astype(np.float32) if n in got else empty for n in names[1:]}
            out.append(
                JudgeReading(
                    float(got["logits"].reshape(-1)[0]),
                    spans,
                    heads.get("token_scores", empty),
                    heads.get("start_scores", empty),
                    heads.get("end_scores", empty),
                )
            )
        return out


def shipped_name(directory: Path = SHIPPED) -> str | None:
    """The shipped judge's name and version, read from its card without loading it (None: none shipped)."""
    try:
        card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
        return f"{card['name']}-v{card['version']}" if (directory / GRAPH).exists() else None
    except (OSError, ValueError, KeyError):
        return None


def load_judge(directory: Path = SHIPPED) -> Judge | None:
    """The shipped judge, or None when this install has none (the ranking then works without it)."""
    if not (directory / GRAPH).exists():
        return None
    return OnnxJudge(directory)
