"""Choosing and loading an encoder: the one place that decides which encoder serves a model.

`load_encoder` returns a `LazyEncoder` that knows the model's name and size at once and loads the
real encoder (ONNX Runtime from an exported graph, or sentence-transformers) on the first text.
`indexing_encoder` is the choice for embedding passages.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from embeddings.base import Encoder, EncoderError, Vectors, model_dim, model_name
from embeddings.hash_encoder import HashEncoder
from embeddings.models import is_hash, model_path, runs_one_way
from embeddings.settings import DEFAULT, Embeddings, Encoding


class LazyEncoder:
    """Knows its name and size at once; loads the real model on the first text to encode.

    Opening an index or finding nothing new to embed then costs no model load at all.
    """

    def __init__(self, name: str, dim: int, load: Callable[[], Encoder]) -> None:
        self._name, self._dim, self._load = name, dim, load
        self._encoder: Encoder | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def loaded(self) -> Encoder:
        """The real encoder, loaded now if it was not yet."""
        if self._encoder is None:
            encoder = self._load()
            if encoder.dim != self._dim:
                raise EncoderError(f"the model gives {encoder.dim}-dimensional vectors, its config says {self._dim}")
            self._encoder = encoder
        return self._encoder

    def warm(self) -> None:
        """Load the model now (e.g. in a background thread)."""
        self.loaded()

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self.loaded().encode_queries(texts)

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        return self.loaded().encode_passages(texts, progress=progress)


def load_encoder(
    model: str | Path | None = None,
    *,
    device: str | None = None,
    cache_dir: Path | None = None,
    use_graph: bool = True,
    int8: bool = False,
    encoding: Encoding = DEFAULT.encoding,
) -> Encoder:
    """A sentence-transformers model from a local directory, never from the network (loaded lazily).

    `model` is a directory, "hash" or "hash-DIM" (the test encoder), or None for the bundled model.
    With `cache_dir` the model runs through ONNX Runtime from graphs exported there (no torch import
    once they exist; the first load with torch exports them):
    - `use_graph`: the exported fp32 graph, vectors equal to sentence-transformers' (for questions);
    - `int8`: its fused int8 copy, made on first use: about 1.7x the passages a second of
      sentence-transformers on a CPU at cosine >= 0.98 (for indexing; docs/benchmarks.md).
    Otherwise, or on another device, or when a graph cannot be made, sentence-transformers runs it.
    """
    if is_hash(model):
        return HashEncoder(int(model.split("-")[1]) if "-" in model else 64)
    path = model_path(model)
    if not (path / "config.json").is_file():
        raise EncoderError(f"{path} is not a sentence-transformers model directory (no config.json)")
    name, dim = model_name(path), model_dim(path)
    on_cpu = device in (None, "cpu")

    def load() -> Encoder:
        from embeddings.export import graph_path, int8_path

        graph = graph_path(cache_dir, path, name) if cache_dir else None
        wanted = None
        if graph is not None and on_cpu:
            wanted = int8_path(graph) if int8 else graph if use_graph else None
        if wanted is not None and wanted.exists():
            from embeddings.onnx_encoder import OnnxEncoder

            try:
                return OnnxEncoder(wanted, path, name, dim, encoding=encoding)
            except EncoderError:
                pass  # a damaged graph: fall back to torch, which exports a fresh one
        # Never reach for the hub: every file must be in the directory.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from embeddings.st_encoder import SentenceTransformerEncoder

        # A GPU wants big batches (256: 2,374 passages/s on an H100 against 2,137 at 32, docs/benchmarks.md).
        encoder = SentenceTransformerEncoder(path, device=device, encoding=encoding)
        from embeddings.export import exportable

        if graph is None or not exportable(path):
            return encoder
        with contextlib.suppress(Exception):  # no graph only means a slower start or slower indexing
            from embeddings.export import export_onnx, quantize_onnx

            if not graph.exists():
                export_onnx(path, graph)
            if int8 and on_cpu:
                from embeddings.onnx_encoder import OnnxEncoder

                quantized = int8_path(graph)
                if not quantized.exists():
                    quantize_onnx(graph, quantized)
                return OnnxEncoder(quantized, path, name, dim, encoding=encoding)
        return encoder

    return LazyEncoder(name, dim, load)


PRECISIONS = ("auto", "int8", "int8-all", "fp32", "onnx", "bf16", "ov-fp32", "ov-bf16", "ov-int8", "ov-int8-bf16")
"""How indexing embeds on a CPU: `auto` (the fastest path measured on this machine), or one forced."""


def fixed_encoder(model: str | None, cache_dir: Path, precision: str, settings: Embeddings = DEFAULT) -> Encoder:
    """One path: the int8 graph (`int8-all`: with every layer int8), the exact model (fp32,
    sentence-transformers; `onnx`: its fp32 graph), torch in bfloat16, or OpenVINO's (`ov-...`:
    embeddings/openvino_paths.py)."""
    if precision.startswith("ov-") and not runs_one_way(model):
        from embeddings.openvino_paths import load as load_openvino

        path = model_path(model)
        return LazyEncoder(
            model_name(path), model_dim(path), lambda: load_openvino(path, cache_dir, precision, settings)
        )
    if precision == "onnx":
        return load_encoder(model, cache_dir=cache_dir)
    if precision == "int8-all" and not runs_one_way(model):
        return _every_layer_int8(model_path(model), cache_dir)
    if precision == "bf16" and not runs_one_way(model):
        path = model_path(model)

        def load() -> Encoder:
            os.environ["HF_HUB_OFFLINE"] = "1"
            from embeddings.st_encoder import SentenceTransformerEncoder

            return SentenceTransformerEncoder(path, bf16=True)

        return LazyEncoder(model_name(path), model_dim(path), load)
    return load_encoder(model, cache_dir=cache_dir, use_graph=False, int8=precision == "int8")


def _every_layer_int8(path: Path, cache_dir: Path) -> Encoder:
    """The int8 graph with no fp32 layer left: made (with torch, once) on first use."""
    name, dim = model_name(path), model_dim(path)

    def load() -> Encoder:
        from embeddings.export import export_onnx, graph_path, int8_path, quantize_onnx
        from embeddings.onnx_encoder import OnnxEncoder

        graph = graph_path(cache_dir, path, name)
        target = int8_path(graph, every_layer=True)
        if not target.exists():
            if not graph.exists():
                export_onnx(path, graph)
            quantize_onnx(graph, target, ffn_down_fp32=False)
        return OnnxEncoder(target, path, name, dim)

    return LazyEncoder(name, dim, load)


class CalibratingEncoder(LazyEncoder):
    """`auto` on a machine that has not chosen yet: the first passages to embed time each path
    (embeddings/kernels.py); the fastest within the cosine bar is recorded and embeds the rest."""

    def __init__(
        self, model: str | None, cache_dir: Path, on_choice: Callable[[str], None], settings: Embeddings = DEFAULT
    ) -> None:
        path = model_path(model)
        super().__init__(model_name(path), model_dim(path), self._unused)
        self._model, self._cache_dir, self._on_choice, self._path = model, cache_dir, on_choice, path
        self._settings = settings

    def _unused(self) -> Encoder:  # questions never come here: indexing embeds passages only
        return fixed_encoder(self._model, self._cache_dir, "fp32")

    def encode_passages(self, texts: list[str], *, progress: bool = False) -> Vectors:
        if self._encoder is None:
            from tokenizers import Tokenizer

            from embeddings.kernels import calibrate, candidate_paths, question_like, save

            calibration, size = self._settings.calibration, self._settings.calibration.sample
            sample = texts[:: max(1, len(texts) // size)][:size]
            tokenizer = Tokenizer.from_file(str(self._path / "tokenizer.json"))
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=self._settings.encoding.max_tokens)
            tokens = [len(e.ids) for e in tokenizer.encode_batch(sample)]
            loaded: dict[str, Encoder] = {}

            def maker(precision: str) -> Callable[[], Encoder]:
                def make() -> Encoder:
                    encoder = fixed_encoder(self._model, self._cache_dir, precision, self._settings)
                    loaded[precision] = encoder.loaded() if isinstance(encoder, LazyEncoder) else encoder
                    return loaded[precision]

                return make

            paths = {p: maker(p) for p in candidate_paths()}
            choice = calibrate(paths, sample, tokens, probes=question_like(sample), calibration=calibration)
            save(choice, self._cache_dir, self.name)
            self._encoder = loaded[choice.path]
            self._on_choice(choice.describe(calibration))
        return super().encode_passages(texts, progress=progress)


def indexing_encoder(
    model: str | None,
    *,
    cache_dir: Path,
    device: str | None = None,
    precision: str = "auto",
    on_choice: Callable[[str], None] = lambda _: None,
) -> Encoder:
    """The encoder indexing uses. On a CPU, `auto` takes the path recorded for this machine, or
    measures them on the first passages (`on_choice` hears what was chosen and why); another
    precision forces that path. On another device, sentence-transformers there."""
    if device not in (None, "cpu") or runs_one_way(model):
        return load_encoder(model, device=device, cache_dir=cache_dir, use_graph=False)
    if precision == "auto":
        from embeddings.kernels import recorded

        choice = recorded(cache_dir, model_name(model_path(model)))
        if choice is None:
            return CalibratingEncoder(model, cache_dir, on_choice)
        on_choice(choice.describe())
        precision = choice.path
    return fixed_encoder(model, cache_dir, precision)


def _question_path_encoder(model: str | None, cache_dir: Path, path: str) -> Encoder:
    """One way to encode questions: an ONNX graph (`fp32` is the exact one), never torch once it exists."""
    if path == "int8-all" and not runs_one_way(model):
        return _every_layer_int8(model_path(model), cache_dir)
    return load_encoder(model, cache_dir=cache_dir, int8=path == "int8")


def question_encoder(model: str | None, cache_dir: Path) -> Encoder:
    """The encoder questions use: the path `choose_question_path` recorded for this machine, or the
    exact fp32 graph."""
    if is_hash(model):
        return load_encoder(model, cache_dir=cache_dir)
    from embeddings.kernels import recorded

    choice = recorded(cache_dir, model_name(model_path(model)), "questions")
    return _question_path_encoder(model, cache_dir, choice.path if choice else "fp32")


def choose_question_path(model: str | None, cache_dir: Path, texts: list[str]) -> str | None:
    """Time the question paths on `texts` (question-length), record the choice, and say what it is
    (a choice recorded earlier stands; None for a model with one path: the test encoder, a static model)."""
    if runs_one_way(model) or not texts:
        return None
    from tokenizers import Tokenizer

    from embeddings.kernels import calibrate, question_paths, recorded, save

    path = model_path(model)
    earlier = recorded(cache_dir, model_name(path), "questions")
    if earlier is not None:
        return earlier.describe()
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokens = [len(e.ids) for e in tokenizer.encode_batch(texts)]

    def maker(p: str) -> Callable[[], Encoder]:
        def make() -> Encoder:
            encoder = _question_path_encoder(model, cache_dir, p)
            return encoder.loaded() if isinstance(encoder, LazyEncoder) else encoder

        return make

    choice = calibrate({p: maker(p) for p in question_paths()}, texts, tokens, questions=True)
    save(choice, cache_dir, model_name(path), "questions")
    return choice.describe()
