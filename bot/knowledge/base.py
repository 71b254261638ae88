"""The knowledge base: catalog, store, embedder, cache, ingestion and search, wired from settings."""

from __future__ import annotations

import json
import logging
import threading
from contextlib import contextmanager
from pathlib import Path

from bot.knowledge.cache import EmbeddingCache
from bot.knowledge.catalog import Catalog
from bot.knowledge.embedder import MODEL_NAME, MiniLMEmbedder
from bot.knowledge.files import discover
from bot.knowledge.ingest import IngestReport, Ingestor
from bot.knowledge.mentions import Resolution
from bot.knowledge.name_index import common_words
from bot.knowledge.names import NameResolver
from bot.knowledge.search import HybridSearcher
from bot.knowledge.store import ChromaStore, StoreError
from bot.models import Paper
from bot.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

BUNDLED_CACHE = PROJECT_ROOT / "knowledge" / "cache" / "embeddings.npz"
AMBIGUOUS_LIST = PROJECT_ROOT / "knowledge" / "papers" / "authors.json"


def store_lock(settings: Settings):
    """The inter-process lock of a store: held while the catalog and the collection change together."""
    from filelock import FileLock

    store = settings.store
    folder = store.path if store.mode == "persistent" else settings.data_dir
    folder.mkdir(parents=True, exist_ok=True)
    # One instance per path (is_singleton): a CLI command that holds it may call ingest, which takes it again.
    return FileLock(folder / f"{store.collection}.lock", is_singleton=True)


def signature(settings: Settings) -> str:
    """What the index depends on; a change rebuilds it."""
    return f"{MODEL_NAME}/max{settings.embedder.max_tokens}/mean/l2|chunks:abstract+fulltext1200/150|vectors-only"


class KnowledgeBase:
    """Everything the assistant knows, loaded once per process."""

    def __init__(self, settings: Settings, client=None):
        from bot import secret

        self.settings = settings
        self.signature = signature(settings)
        self._lock = threading.RLock()
        self._again: list[tuple[Path, str | None, bool]] = []  # files to read again after an index rebuild
        with self.locked():
            self.store = ChromaStore(settings.store, self.signature, client=client)
            self.catalog = Catalog.load(self._catalog_path(), secret.load(settings.data_dir))
            self._normalise()
            self.reconcile()
        self._read_again()

    def _normalise(self) -> None:
        if self.store.rebuilt or self.catalog.data.signature != self.signature:
            # The vectors are gone: every file must be read again, or its papers would be searched with none.
            data = self.catalog.data
            for key, record in data.sources.items():
                papers = [data.papers[p] for p in record.paper_ids if p in data.papers]
                owner = papers[0].author_ids[0] if key.endswith(".pdf") and papers and papers[0].author_ids else None
                self._again.append((Path(key), owner, any(p.private for p in papers)))
            data.sources.clear()
            data.papers.clear()
            data.chunks.clear()
            data.dossiers.clear()
            data.signature = self.signature
            self.catalog.changed()
        if not self.catalog.data.ambiguous_ids and AMBIGUOUS_LIST.is_file():
            self.catalog.data.ambiguous_ids = json.loads(AMBIGUOUS_LIST.read_text())["excluded_ambiguous_names"]

    def _read_again(self) -> None:
        """After a rebuild: the files the old index held, read again with the owner and privacy they had."""
        again, self._again = self._again, []
        groups: dict[tuple[str | None, bool], list[Path]] = {}
        for path, owner, private in again:
            if path.exists():
                groups.setdefault((owner, private), []).append(path)
        for (owner, private), paths in groups.items():
            logger.info("reading %d files again for the rebuilt index", len(paths))
            self.ingest(paths, candidate=owner, private=private)

    @contextmanager
    def locked(self):
        """This process's threads and every other process on the store, one at a time (ingest, forget)."""
        with self._lock:
            try:
                lock = store_lock(self.settings)
                lock.acquire()
            except OSError as exc:
                raise StoreError(f"the store's lock file cannot be written: {exc.strerror or exc}") from exc
            try:
                yield
            finally:
                lock.release()

    def _pending_path(self) -> Path:
        return self._catalog_path().with_suffix(".pending")

    def reconcile(self) -> int:
        """Deletes vectors the catalog does not know (left by a killed write); returns how many.

        Runs on open when the last write did not finish (its marker is still there) or the counts disagree;
        vectors the catalog lists but the store lacks are embedded by the next ingest.
        """
        pending = self._pending_path()
        if not pending.exists() and self.store.count() == len(self.catalog.data.chunks):
            return 0
        with self.locked():
            orphans = sorted(self.store.ids() - set(self.catalog.data.chunks))
            if orphans:
                logger.warning("removing %d vectors the catalog does not know (an interrupted write)", len(orphans))
                self.store.delete(orphans)
            pending.unlink(missing_ok=True)
        return len(orphans)

    def _catalog_path(self) -> Path:
        store = self.settings.store
        if store.mode == "persistent":
            return store.path / f"{store.collection}.catalog.json"
        return self.settings.data_dir / f"{store.collection}@{store.host}-{store.port}.catalog.json"

    def _lazy(self, name: str, build):
        """Builds a view once, even when several threads ask at the same moment (double-checked, under the
        lock that ingest and forget hold, so a view is never built from a catalog being changed)."""
        value = self.__dict__.get(name)
        if value is None:
            with self._lock:
                value = self.__dict__.get(name)
                if value is None:
                    value = self.__dict__[name] = build()
        return value

    def _drop_views(self) -> None:
        """After a change: the next search and resolution build new views (threads keep the old meanwhile). Objects
        frozen out of the collector's scans (``Assistant.settle``) go back into them, so the old views' cycles
        are collected."""
        import gc

        self.__dict__.pop("_searcher", None)
        self.__dict__.pop("_resolver", None)
        gc.unfreeze()

    @property
    def embedder(self) -> MiniLMEmbedder:
        e = self.settings.embedder
        return self._lazy(
            "_embedder", lambda: MiniLMEmbedder(e.max_tokens, e.batch_size, e.threads, e.memory_arena, e.batch_tokens)
        )

    def _cache(self) -> EmbeddingCache | None:
        if not self.settings.embedder.cache:
            return None
        return EmbeddingCache(self.embedder.signature, [BUNDLED_CACHE],
                              self.settings.data_dir / "cache" / "embeddings.npz")

    def ingest(self, paths: list[Path] | None = None, on_total=None, on_advance=None,
               candidate: str | None = None, on_error=None, private: bool = False) -> IngestReport:
        """Brings files into the knowledge base; unchanged files are skipped unread.

        ``on_error`` hears of each failure as it happens; ``private`` makes PDFs the team's private notes.
        """
        roots = paths or self.settings.knowledge.sources
        files, errors = discover(roots, skip=[self.settings.knowledge.company_dir])
        if on_error:
            for error in errors:
                on_error(error)
        with self.locked():
            if self.catalog.reload_if_changed():  # another process ingested or forgot meanwhile
                self._normalise()
            ingestor = Ingestor(self.catalog, self.store, self.embedder.embed_array, self._cache(),
                                self.settings.knowledge.max_file_mb, self.settings.knowledge.max_pdf_pages,
                                on_error=on_error, private=private)
            self._pending_path().parent.mkdir(parents=True, exist_ok=True)
            self._pending_path().touch()
            report = ingestor.run(files, roots, on_total, on_advance, candidate=candidate)
            self._pending_path().unlink(missing_ok=True)
            self._drop_views()
        report.failed[:0] = errors
        return report

    def add_pdf(self, person_id: str, data: bytes, filename: str, private: bool = False) -> Paper:
        """Adds a PDF's text to a candidate's papers, or as the team's private note about them (searchable,
        never cited to the candidate); ValueError says why it cannot be read."""
        folder = self.settings.data_dir / "uploads" / person_id / ("notes" if private else "papers")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(filename).name
        path.write_bytes(data)
        report = self.ingest([path], candidate=person_id, private=private)
        if report.failed:
            path.unlink(missing_ok=True)
            raise ValueError(report.failed[0].message)
        paper_id = self.catalog.data.sources[str(path)].paper_ids[0]
        return self.catalog.papers[paper_id]

    @property
    def searcher(self) -> HybridSearcher:
        return self._lazy("_searcher", lambda: HybridSearcher(self.catalog, self.store, self.embedder,
                                                              self.settings.search))

    @property
    def resolver(self) -> NameResolver:
        return self._lazy("_resolver", self._build_resolver)

    def _build_resolver(self) -> NameResolver:
        from itertools import islice

        weight = {c.id: len(c.paper_ids) for c in self.catalog.candidates.values()}
        # Word frequencies from up to 20k papers are plenty to tell "German" from "Sennrich".
        texts = (p.text() for p in islice(self.catalog.papers.values(), 20000))
        return NameResolver(self.catalog.name_table(), weight, common_words(texts))

    def resolve(self, text: str) -> Resolution:
        return self.resolver.resolve(text)

    def forget(self, person_id: str, names: list[str] | None = None) -> dict[str, int]:
        """Removes a person from the catalog, the index and the caches of this process; returns counts.

        The tombstone (keyed hashes of the id and of ``names``, the candidate's by default) stops a later
        ingest of any file that names them from bringing them back; ``unforget`` is the admin's undo.
        """
        with self.locked():
            self.catalog.reload_if_changed()
            catalog = self.catalog
            candidate = catalog.candidates.get(person_id)
            if names is None:
                names = [candidate.name, *candidate.name_variants] if candidate else []
            catalog.tombstone(person_id, names)
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
                        record.chunk_ids = [c for c in record.chunk_ids if c not in set(chunk_ids)]
            dossier = catalog.data.dossiers.pop(person_id, None)
            words = [person_id, *names]
            for key, record in list(catalog.data.sources.items()):
                if person_id in record.dossier_ids:
                    record.dossier_ids.remove(person_id)
                # a stored error may quote the person's id or a line of their file
                record.errors = [e for e in record.errors if not _mentions(e, words)]
                if not record.paper_ids and not record.dossier_ids and _mentions({"path": key}, words):
                    del catalog.data.sources[key]  # 'dossiers/ann-lee.yaml': the file's name names them
            catalog.data.ambiguous_ids = [a for a in catalog.data.ambiguous_ids if a != person_id]
            catalog.changed()
            catalog.save()
            self.store.delete(dropped_chunks)
            self.store.compact()
            self._drop_views()
        return {"chunks_removed": len(dropped_chunks), "chunks_redacted": len(updated), "dossier": int(bool(dossier))}

    def unforget(self, person_id: str, names: list[str]) -> bool:
        """An admin's explicit undo of a forget: files that name the person may bring them back again.

        Their sources are re-read by the next ingest (their records were cut when they were forgotten).
        """
        with self.locked():
            self.catalog.reload_if_changed()
            had = self.catalog.untombstone(person_id, names)
            if had:
                for record in self.catalog.data.sources.values():
                    record.digest = ""  # re-read every file: any of them may have named the person
            self.catalog.save()
        return had


def _mentions(error: dict, words: list[str]) -> bool:
    text = " ".join(str(v) for v in error.values()).lower()
    return any(w and w.lower() in text for w in words)
