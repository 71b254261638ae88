"""The Chroma seam: an embedded ``PersistentClient`` by default, a Chroma server by settings.

Vectors are always computed by our embedder and passed in; the collection has no embedding function,
because Chroma's default one downloads a model and fails offline.

Chroma holds ids (content hashes), vectors and a chunk's kind, nothing else: no text, title, name or
person id. The catalog keeps those. So forgetting a person is deleting their vectors, which is the same in
embedded and server mode, and no copy of their words can linger in Chroma's log, full-text tables or
freed pages (which ``compact`` clears anyway in embedded mode, for stores written by older versions).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import struct
from pathlib import Path
from typing import Any

import numpy as np

from bot.settings import StoreSettings

logger = logging.getLogger(__name__)

_BATCH = 2000


class StoreError(RuntimeError):
    """The vector store cannot be opened or written."""


def _chroma():
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb, ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def open_client(settings: StoreSettings):
    """A Chroma client for the configured mode, or a StoreError that says what to fix."""
    chromadb, chroma_settings = _chroma()
    if settings.mode == "server":
        try:
            return chromadb.HttpClient(host=settings.host, port=settings.port, settings=chroma_settings)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError variants
            raise StoreError(f"cannot reach the Chroma server at {settings.host}:{settings.port}: {exc}") from exc
    path = settings.path
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise StoreError(f"the store folder {path} cannot be written: {exc.strerror or exc}") from exc
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class ChromaStore:
    """Chunks and their vectors in one Chroma collection, rebuilt when the embedder signature changes."""

    def __init__(self, settings: StoreSettings, signature: str, client: Any = None):
        self.settings = settings
        self.signature = signature
        self.client = client or open_client(settings)
        self.rebuilt = False
        self._count: int | None = None
        self.collection = self._open_collection()

    def _open_collection(self):
        name = self.settings.collection
        try:
            existing = self.client.get_or_create_collection(
                name=name, embedding_function=None,
                metadata={"hnsw:space": "cosine", "signature": self.signature},
            )
        except Exception as exc:
            raise StoreError(f"cannot open the Chroma collection {name!r}: {exc}") from exc
        if (existing.metadata or {}).get("signature") != self.signature:
            logger.info("index was built with %s; rebuilding for %s", (existing.metadata or {}).get("signature"),
                        self.signature)
            self.client.delete_collection(name)
            self.rebuilt = True
            existing = self.client.create_collection(
                name=name, embedding_function=None, metadata={"hnsw:space": "cosine", "signature": self.signature}
            )
            self.compact()  # the old collection may have held texts and names: no freed page keeps them
        return existing

    def compact(self) -> None:
        """Embedded mode: merges the full-text index and VACUUMs Chroma's SQLite file, so that deleted rows
        leave no bytes in freed pages. A Chroma server compacts its own files; nothing to do then."""
        if self.settings.mode != "persistent":
            return
        path = self.settings.path / "chroma.sqlite3"
        if not path.is_file():
            return
        try:
            with sqlite3.connect(path, timeout=30) as db:
                db.execute("INSERT INTO embedding_fulltext_search(embedding_fulltext_search) VALUES('optimize')")
            db = sqlite3.connect(path, timeout=30)
            try:
                db.execute("VACUUM")
            finally:
                db.close()
        except sqlite3.Error as exc:  # a newer Chroma may lay its tables out differently; deleting still worked
            logger.warning("could not compact %s: %s", path, exc)
        for header in self.settings.path.glob("*/header.bin"):
            scrub_hnsw(header.parent)

    def count(self) -> int:
        """Chunks in the collection (remembered: counting costs ~30 ms at 100k chunks)."""
        if self._count is None:
            self._count = self.collection.count()
        return self._count

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            page = self.collection.get(include=[], limit=10000, offset=offset)
            out.update(page["ids"])
            if len(page["ids"]) < 10000:
                return out
            offset += 10000

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict],
               documents: list[str] | None = None) -> None:
        """Stores vectors; ``documents`` is accepted and not sent (the catalog keeps texts, see above)."""
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            self.collection.upsert(ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end])
        self._count = None

    def update_metadata(self, ids: list[str], metadatas: list[dict]) -> None:
        for start in range(0, len(ids), _BATCH):
            self.collection.update(ids=ids[start:start + _BATCH], metadatas=metadatas[start:start + _BATCH])

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            self.collection.delete(ids=ids[start:start + _BATCH])
        self._count = None

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Approximate nearest chunks over the whole collection: (chunk id, cosine similarity)."""
        k = min(k, self.count())
        if k <= 0:
            return []
        result = self.collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def vectors(self, ids: list[str]) -> np.ndarray:
        """Vectors in the order of ``ids``; a chunk whose vector is not written yet (an ingest that was killed
        and not resumed) gets zeros, so it scores nothing rather than breaking the search."""
        page = self.collection.get(ids=ids, include=["embeddings"])
        order = {cid: i for i, cid in enumerate(page["ids"])}
        out = np.zeros((len(ids), 384), dtype=np.float32)
        for row, chunk_id in enumerate(ids):
            if chunk_id in order:
                out[row] = page["embeddings"][order[chunk_id]]
        return out

    def all_metadata(self, where: dict | None = None) -> dict[str, dict]:
        page = self.collection.get(where=where, include=["metadatas"])
        return dict(zip(page["ids"], page["metadatas"]))


# hnswlib's header.bin, as Chroma writes it: a format version (int32), then offsetLevel0, max_elements,
# cur_element_count, size_data_per_element, label_offset, offsetData (size_t each).
_HEADER = struct.Struct("<iQQQQQQ")


def scrub_hnsw(folder: Path) -> int:
    """Zeroes the slots of an HNSW segment's files past its last element; returns the bytes zeroed.

    hnswlib allocates its element memory for the index's whole capacity without clearing it, and Chroma writes
    the whole capacity to data_level0.bin: the slots no element uses yet hold whatever the process's heap held
    there before, which can be any text the process had seen (a name it was asked to forget, say). Nothing reads
    those slots (a new element clears its own), so zeroing them changes no search. A file laid out in any other
    way is left as it is."""
    try:
        version, _, capacity, used, size, label_at, _ = _HEADER.unpack_from((folder / "header.bin").read_bytes())
    except (OSError, struct.error):
        return 0
    zeroed = 0
    for name, width in (("data_level0.bin", size), ("length.bin", 4)):
        path = folder / name
        if version != 1 or used > capacity or label_at + 8 != size or not path.is_file() or \
                path.stat().st_size != capacity * width:
            continue
        start, end = used * width, capacity * width
        with open(path, "r+b") as handle:
            handle.seek(start)
            if handle.read(end - start).strip(b"\0"):
                handle.seek(start)
                handle.write(bytes(end - start))
                zeroed += end - start
    if zeroed:
        logger.info("zeroed %d unused bytes of the vector index", zeroed)
    return zeroed
