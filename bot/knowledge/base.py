"""The knowledge base: catalog, store, embedder, cache, ingestion and search, wired from settings."""

from __future__ import annotations

import json
import logging
import threading
from functools import cached_property
from pathlib import Path

from bot.knowledge.cache import EmbeddingCache
from bot.knowledge.catalog import Catalog, forgotten_key
from bot.knowledge.embedder import MODEL_NAME, MiniLMEmbedder
from bot.knowledge.ingest import IngestReport, Ingestor, chunk_metadata, discover
from bot.knowledge.names import NameResolver, Resolution, common_words
from bot.knowledge.search import HybridSearcher
from bot.knowledge.store import ChromaStore
from bot.models import Paper
from bot.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

BUNDLED_CACHE = PROJECT_ROOT / "knowledge" / "cache" / "embeddings.npz"
AMBIGUOUS_LIST = PROJECT_ROOT / "knowledge" / "papers" / "authors.json"


def signature(settings: Settings) -> str:
    """What the index depends on; a change rebuilds it."""
    return f"{MODEL_NAME}/max{settings.embedder.max_tokens}/mean/l2|chunks:abstract+fulltext1200/150"


class KnowledgeBase:
    """Everything the assistant knows, loaded once per process."""

    def __init__(self, settings: Settings, client=None):
        self.settings = settings
        self.signature = signature(settings)
        self.store = ChromaStore(settings.store, self.signature, client=client)
        self.catalog = Catalog.load(self._catalog_path())
        if self.store.rebuilt or self.catalog.data.signature != self.signature:
            self.catalog.data.sources.clear()  # the vectors are gone: every file must be read again
            self.catalog.data.signature = self.signature
        if not self.catalog.data.ambiguous_ids and AMBIGUOUS_LIST.is_file():
            self.catalog.data.ambiguous_ids = json.loads(AMBIGUOUS_LIST.read_text())["excluded_ambiguous_names"]
        self._lock = threading.RLock()

    def _catalog_path(self) -> Path:
        store = self.settings.store
        if store.mode == "persistent":
            return store.path / f"{store.collection}.catalog.json"
        return self.settings.data_dir / f"{store.collection}@{store.host}-{store.port}.catalog.json"

    @cached_property
    def embedder(self) -> MiniLMEmbedder:
        e = self.settings.embedder
        return MiniLMEmbedder(e.max_tokens, e.batch_size, e.threads, e.memory_arena)

    def _cache(self) -> EmbeddingCache | None:
        if not self.settings.embedder.cache:
            return None
        return EmbeddingCache(self.embedder.signature, [BUNDLED_CACHE],
                              self.settings.data_dir / "cache" / "embeddings.npz")

    def ingest(self, paths: list[Path] | None = None, on_total=None, on_advance=None,
               candidate: str | None = None) -> IngestReport:
        """Brings files into the knowledge base; unchanged files are skipped unread."""
        roots = paths or self.settings.knowledge.sources
        files, errors = discover(roots, skip=[self.settings.knowledge.company_dir])
        with self._lock:
            ingestor = Ingestor(self.catalog, self.store, self.embedder.embed_array, self._cache(),
                                self.settings.knowledge.max_file_mb, self.settings.knowledge.max_pdf_pages)
            report = ingestor.run(files, roots, on_total, on_advance, candidate=candidate)
            self.__dict__.pop("searcher", None)
            self.__dict__.pop("resolver", None)
        report.failed[:0] = errors
        return report

    def add_pdf(self, person_id: str, data: bytes, filename: str) -> Paper:
        """Adds a PDF's text to a candidate's papers; ValueError says why it cannot be read."""
        folder = self.settings.data_dir / "uploads" / person_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(filename).name
        path.write_bytes(data)
        report = self.ingest([path], candidate=person_id)
        if report.failed:
            path.unlink(missing_ok=True)
            raise ValueError(report.failed[0].message)
        paper_id = self.catalog.data.sources[str(path)].paper_ids[0]
        return self.catalog.papers[paper_id]

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.catalog, self.store, self.embedder, self.settings.search)

    @cached_property
    def resolver(self) -> NameResolver:
        from itertools import islice

        weight = {c.id: len(c.paper_ids) for c in self.catalog.candidates.values()}
        # Word frequencies from up to 20k papers are plenty to tell "German" from "Sennrich".
        texts = (p.text() for p in islice(self.catalog.papers.values(), 20000))
        return NameResolver(self.catalog.name_table(), weight, common_words(texts))

    def resolve(self, text: str) -> Resolution:
        return self.resolver.resolve(text)

    def forget(self, person_id: str) -> dict[str, int]:
        """Removes a person from the catalog, the index and the caches of this process; returns counts."""
        with self._lock:
            catalog = self.catalog
            catalog.data.forgotten.append(forgotten_key(person_id))
            dropped_chunks, updated = [], []
            for paper in list(catalog.papers.values()):
                if person_id not in paper.author_ids:
                    continue
                keep = [(n, a) for n, a in zip(paper.authors, paper.author_ids) if a != person_id]
                chunk_ids = [c.id for c in catalog.data.chunks.values() if c.paper_id == paper.id]
                if keep:
                    catalog.papers[paper.id] = paper.model_copy(
                        update={"authors": [n for n, _ in keep], "author_ids": [a for _, a in keep]})
                    for chunk_id in chunk_ids:
                        catalog.data.chunks[chunk_id].author_ids = [a for _, a in keep]
                    updated += chunk_ids
                else:
                    catalog.papers.pop(paper.id)
                    for chunk_id in chunk_ids:
                        catalog.data.chunks.pop(chunk_id)
                    dropped_chunks += chunk_ids
                for record in catalog.data.sources.values():
                    if paper.id in record.paper_ids and not keep:
                        record.paper_ids.remove(paper.id)
            dossier = catalog.data.dossiers.pop(person_id, None)
            for record in catalog.data.sources.values():
                if person_id in record.dossier_ids:
                    record.dossier_ids.remove(person_id)
            catalog.changed()
            self.store.delete(dropped_chunks)
            self.store.update_metadata(updated, [chunk_metadata(catalog.data.chunks[c], catalog) for c in updated])
            catalog.save()
            self.__dict__.pop("searcher", None)
            self.__dict__.pop("resolver", None)
        return {"chunks_removed": len(dropped_chunks), "chunks_redacted": len(updated), "dossier": int(bool(dossier))}
