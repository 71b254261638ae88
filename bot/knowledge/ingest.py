"""Idempotent ingestion: files in, chunks with vectors out; unchanged input embeds nothing."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from bot.knowledge.catalog import Catalog, SourceRecord
from bot.knowledge.ownership import FORGOTTEN, Owners, check_dossiers, redact
from bot.knowledge import untrusted
from bot.knowledge.files import FileReaderMixin
from bot.knowledge.loaders import PAPER_SUFFIXES, PDF_SUFFIXES, LoadError, check_size, content_hash
from bot.models import Chunk, Paper

Progress = Callable[[int], None]
# Chunks embedded and stored per step: a killed ingest loses at most one batch of work.
WRITE_BATCH = 256


@dataclass
class IngestReport:
    """What an ingest did, for the summary a person reads."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    embedded: int = 0
    from_cache: int = 0
    failed: list[LoadError] = field(default_factory=list)
    # Papers whose text reads as instructions or carries a payload: kept as data, never quoted.
    flagged: list[str] = field(default_factory=list)


def chunk_paper(paper: Paper, fulltext: str = "") -> list[Chunk]:
    """One chunk for title and abstract; full text, when there is some, split on paragraph boundaries."""
    texts = [(paper.text(), "abstract")]
    if fulltext:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1200, chunk_overlap=150)
        texts += [(f"{paper.title}. {part}", "fulltext") for part in splitter.split_text(fulltext)]
    return [
        Chunk(id=content_hash(paper.id, kind, text), paper_id=paper.id, text=text, author_ids=paper.author_ids,
              source=paper.source, kind=kind)
        for text, kind in texts
    ]


class Ingestor(FileReaderMixin):
    """Brings files into the catalog and the store."""

    def __init__(self, catalog: Catalog, store, embed: Callable[[list[str], Progress | None], np.ndarray],
                 cache=None, max_file_mb: float = 50.0, max_pdf_pages: int = 200,
                 on_error: Callable[[LoadError], None] | None = None, private: bool = False):
        self.catalog = catalog
        self.store = store
        self.embed = embed
        self.cache = cache
        self.max_file_mb = max_file_mb
        self.max_pdf_pages = max_pdf_pages
        self.on_error = on_error
        self.private = private

    def run(self, files: list[Path], roots: list[Path], on_total: Callable[[int], None] | None = None,
            on_advance: Progress | None = None, candidate: str | None = None) -> IngestReport:
        """Ingests ``files``; sources under ``roots`` that no longer exist are removed.

        The catalog is saved before the vectors are written, and the vectors in batches: a run that is killed
        leaves a catalog whose missing vectors the next run embeds (resuming), and at worst orphan vectors,
        which opening the knowledge base removes (see ``KnowledgeBase.reconcile``).
        """
        report = IngestReport()
        sources = self.catalog.data.sources
        stale_store = getattr(self.store, "rebuilt", False)
        present = {str(f) for f in files}
        gone_chunks: set[str] = set()
        for gone in [s for s in sources if s not in present and _under(s, roots) and not Path(s).exists()]:
            report.removed += len(sources[gone].paper_ids)
            gone_chunks |= self._drop_source(gone, keep_chunks=set())
        owners = Owners(sources)
        for path in sorted(files, key=_load_order):
            key = str(path)
            error = check_size(path, self.max_file_mb)
            if error:
                self._fail(report, [error])
                continue
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                self._fail(report, [LoadError(key, f"cannot be read: {exc.strerror or exc}")])
                continue
            old = sources.get(key)
            if old and old.digest == digest and not stale_store:
                report.unchanged += len(old.paper_ids) + len(old.dossier_ids)
                self._fail(report, [LoadError(**e) for e in old.errors])  # still wrong until the file changes
                continue
            parsed = self.parse(path, candidate)
            errors = parsed.errors + owners.claim(key, parsed)
            errors += check_dossiers(self.catalog, key, parsed.dossiers)
            papers = [p for p in (redact(p, self.catalog) for _, p in parsed.papers) if p is not None]
            chunks = {p.id: chunk_paper(p, parsed.fulltext.get(p.id, "")) for p in papers}
            record = SourceRecord(digest=digest, paper_ids=[p.id for p in papers],
                                  chunk_ids=[c.id for cs in chunks.values() for c in cs],
                                  dossier_ids=list(parsed.dossiers), errors=[asdict(e) for e in errors])
            self._count(report, papers, parsed.dossiers)
            kept = {p.id for p in papers}
            for line, paper in parsed.papers:
                # A link or an HTML entity alone is an ordinary abstract's (its code, "&amp;"): never quoted,
                # but not worth a warning; what addresses a reader, or asks for contact or payment, is.
                found = [f for text in (paper.title, paper.abstract) for f in untrusted.flag(text)
                         if set(f.reasons) - {"link", "markup"}] if paper.id in kept else []
                if found:
                    why = sorted({r for f in found for r in f.reasons})
                    report.flagged.append(f"{path}{f':{line}' if line else ''}: paper {paper.id}: {len(found)} "
                                          f"sentence(s) read as {', '.join(why)}; kept as data, never quoted")
            if old:
                gone_chunks |= self._drop_source(key, keep_chunks=set(record.chunk_ids),
                                                 keep_papers=set(record.paper_ids))
            for paper in papers:
                self.catalog.papers[paper.id] = paper
                for chunk in chunks[paper.id]:
                    self.catalog.data.chunks[chunk.id] = chunk
            self.catalog.data.dossiers.update(parsed.dossiers)
            if any(e.message.startswith(FORGOTTEN) for e in errors) and not papers and not parsed.dossiers:
                sources.pop(key, None)  # nothing kept of a file about a forgotten person, not even its name
            else:
                record.errors = [asdict(e) for e in errors if not e.message.startswith(FORGOTTEN)]
                sources[key] = record
            self.catalog.changed()
            self._fail(report, errors)
        self.catalog.save()
        gone_chunks -= set(self.catalog.data.chunks)
        if gone_chunks:
            self.store.delete(sorted(gone_chunks))
        stored = set() if stale_store else self.store.ids()
        missing = [c for c in self.catalog.data.chunks.values() if c.id not in stored]
        self._write(missing, report, on_total, on_advance)
        return report

    def _fail(self, report: IngestReport, errors: list[LoadError]) -> None:
        report.failed.extend(errors)
        if self.on_error:
            for error in errors:
                self.on_error(error)

    def _count(self, report: IngestReport, papers: list[Paper], dossiers: dict[str, dict]) -> None:
        for paper in papers:
            previous = self.catalog.papers.get(paper.id)
            if previous is None:
                report.added += 1
            elif previous.model_dump(exclude={"source"}) != paper.model_dump(exclude={"source"}):
                report.updated += 1
            else:
                report.unchanged += 1
        for person in dossiers:
            report.updated += person in self.catalog.data.dossiers
            report.added += person not in self.catalog.data.dossiers

    def _write(self, chunks: list[Chunk], report: IngestReport, on_total, on_advance) -> None:
        """Embeds and stores ``chunks`` in batches, each one stored (and cached) before the next starts."""
        if on_total:
            on_total(len(chunks))
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[start:start + WRITE_BATCH]
            vectors = np.zeros((len(batch), 384), dtype=np.float32)
            todo = []
            for i, chunk in enumerate(batch):
                cached = self.cache.get(chunk.text) if self.cache is not None else None
                if cached is None:
                    todo.append(i)
                else:
                    vectors[i] = cached
            report.from_cache += len(batch) - len(todo)
            if on_advance and len(batch) > len(todo):
                on_advance(len(batch) - len(todo))
            if todo:
                fresh = self.embed([batch[i].text for i in todo], on_advance)
                vectors[todo] = fresh
                if self.cache is not None:
                    for i, vector in zip(todo, fresh):
                        self.cache.put(batch[i].text, vector)
                    self.cache.save()
            report.embedded += len(todo)
            self.store.upsert([c.id for c in batch], vectors, [chunk_metadata(c, self.catalog) for c in batch],
                              [c.text for c in batch])

    def _drop_source(self, key: str, keep_chunks: set[str], keep_papers: set[str] | None = None) -> set[str]:
        """Removes what a file brought from the catalog; returns the chunk ids to delete from the store."""
        record = self.catalog.data.sources.pop(key)
        keep_papers = keep_papers or set()
        gone_chunks = {c for c in record.chunk_ids if c not in keep_chunks}
        for chunk_id in gone_chunks:
            self.catalog.data.chunks.pop(chunk_id, None)
        for paper_id in record.paper_ids:
            if paper_id not in keep_papers:
                self.catalog.papers.pop(paper_id, None)
        for person in record.dossier_ids:
            self.catalog.data.dossiers.pop(person, None)
        return gone_chunks


def chunk_metadata(chunk: Chunk, catalog: Catalog | None = None) -> dict:
    """What Chroma keeps beside a vector: the chunk's kind only. No title, name or author id goes to Chroma,
    so that forgetting a person leaves no copy of them there (search maps chunk ids through the catalog)."""
    return {"kind": chunk.kind}


def _load_order(path: Path) -> int:
    """Papers before PDFs before dossiers: a dossier or a PDF names people the papers introduce."""
    suffix = path.suffix.lower()
    return 0 if suffix in PAPER_SUFFIXES else 1 if suffix in PDF_SUFFIXES else 2


def _under(source: str, roots: list[Path]) -> bool:
    resolved = Path(source).resolve()
    return any(r.resolve() == resolved or r.resolve() in resolved.parents for r in roots)
