"""Embeddings cached by content hash and embedder signature.

The project ships a cache for its bundled papers (``knowledge/cache/``) so a first run does not spend
two and a half minutes re-embedding texts that never change; anything new or changed misses the cache
and is really embedded. Local additions go to a cache under the data directory.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from bot.knowledge.loaders import content_hash

logger = logging.getLogger(__name__)


class EmbeddingCache:
    """A read-mostly map from text hash to vector, backed by ``.npz`` files."""

    def __init__(self, signature: str, read_paths: list[Path], write_path: Path | None):
        self.signature = signature
        self.write_path = write_path
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty: dict[str, np.ndarray] = {}
        for path in [*read_paths, *([write_path] if write_path else [])]:
            self._read(path)

    def key(self, text: str) -> str:
        return content_hash(self.signature, text)

    def _read(self, path: Path) -> None:
        if not path.is_file():
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["signature"]) != self.signature:
                    logger.info("embedding cache %s is for another embedder; not used", path)
                    return
                self._vectors.update(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("embedding cache %s cannot be read (%s); ignored", path, exc)

    def get(self, text: str) -> np.ndarray | None:
        return self._vectors.get(self.key(text))

    def put(self, text: str, vector: np.ndarray) -> None:
        key = self.key(text)
        self._vectors[key] = vector
        self._dirty[key] = vector

    def __len__(self) -> int:
        return len(self._vectors)

    def save(self, path: Path | None = None, everything: bool = False) -> None:
        """Saves new vectors (or all, for the bundled cache) atomically."""
        path = path or self.write_path
        if path is None or not (self._dirty or everything):
            return
        items = dict(self._vectors) if everything else {**self._existing(path), **self._dirty}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".npz")
        os.close(fd)
        keys = sorted(items)
        np.savez_compressed(tmp, signature=np.array(self.signature), keys=np.array(keys),
                            vectors=np.stack([items[k] for k in keys]).astype(np.float32))
        os.replace(tmp, path)
        self._dirty.clear()

    def _existing(self, path: Path) -> dict[str, np.ndarray]:
        if not path.is_file():
            return {}
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"]))
