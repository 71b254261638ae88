"""Idempotent ingestion: files in, chunks with vectors out; unchanged input embeds nothing."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from bot.knowledge.catalog import Catalog, SourceRecord
from bot.knowledge.ownership import FORGOTTEN, Owners, check_dossiers, redact
from bot.knowledge import untrusted
from bot.knowledge.loaders import (
    DOSSIER_SUFFIXES, PAPER_SUFFIXES, PDF_SUFFIXES, LoadError, check_size, content_hash, load_dossier, load_pdf,
    read_bibtex, read_papers_jsonl,
)
from bot.models import Chunk, Paper

logger = logging.getLogger(__name__)

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


@dataclass
class _Parsed:
    papers: list[tuple[int, Paper]] = field(default_factory=list)  # (line in the file, or 0; paper)
    dossiers: dict[str, dict] = field(default_factory=dict)
    fulltext: dict[str, str] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)


def discover(paths: list[Path], skip: list[Path]) -> tuple[list[Path], list[LoadError]]:
    """The ingestible files under ``paths``; a named file that does not exist, or a folder that cannot be
    listed, is an error (a silently skipped sub-folder looks like lost data later)."""
    wanted = PAPER_SUFFIXES | DOSSIER_SUFFIXES | PDF_SUFFIXES
    files, errors = [], []
    skipped = [s.resolve() for s in skip]

    def unreadable(exc: OSError) -> None:
        errors.append(LoadError(str(exc.filename or "?"), f"is a folder that cannot be read: {exc.strerror or exc}"))

    for path in paths:
        if path.is_dir():
            found = []
            for folder, _, names in os.walk(path, onerror=unreadable, followlinks=False):
                found += [Path(folder) / name for name in names]
            for item in sorted(found):
                resolved = item.resolve()
                if item.is_file() and item.suffix.lower() in wanted and not any(
                    s == resolved or s in resolved.parents for s in skipped
                ):
                    files.append(item)
        elif path.is_file():
            files.append(path)
        else:
            errors.append(LoadError(str(path), "does not exist"))
    return files, errors


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


class Ingestor:
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

    def parse(self, path: Path, candidate: str | None = None) -> _Parsed:
        """Reads one file into papers and dossiers, collecting every problem; never raises for bad input."""
        try:
            return self._parse(path, candidate)
        except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop the others
            logger.exception("unexpected failure reading %s", path)
            return _Parsed(errors=[LoadError(str(path), f"cannot be read ({type(exc).__name__}: {exc})")])

    def _parse(self, path: Path, candidate: str | None) -> _Parsed:
        parsed = _Parsed()
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            parsed.papers, parsed.errors = read_papers_jsonl(path)
        elif suffix == ".bib":
            parsed.papers, parsed.errors = read_bibtex(path)
        elif suffix in DOSSIER_SUFFIXES:
            if suffix == ".md" and not path.read_text(encoding="utf-8", errors="replace").startswith("---"):
                return parsed  # plain Markdown (a README) is documentation, not a dossier
            fields, error = load_dossier(path)
            if error:
                parsed.errors.append(error)
            else:
                parsed.dossiers[fields["id"]] = fields
        elif suffix in PDF_SUFFIXES:
            owner = candidate or path.parent.name
            paper, text, error = self.pdf_paper(path, owner)
            if error:
                parsed.errors.append(error)
            else:
                parsed.papers.append((0, paper))
                parsed.fulltext[paper.id] = text
        return parsed

    def pdf_paper(self, path: Path, owner: str, data: bytes | None = None) -> tuple[Paper | None, str, LoadError | None]:
        """A PDF as a paper attached to ``owner`` (a person id); a private note when the ingest says so."""
        if owner not in self.catalog.candidates:
            return None, "", LoadError(str(path), f"is for an unknown person {owner!r}: put it in a folder named "
                                   "after a candidate id or pass --candidate")
        text, error = load_pdf(path, self.max_pdf_pages, data=data)
        if error:
            return None, "", error
        candidate = self.catalog.candidates[owner]
        first_line = next((line.strip() for line in text.splitlines() if len(line.strip()) > 8), path.stem)
        paper = Paper(id="pdf-" + content_hash(text)[:12], title=first_line[:200], authors=[candidate.name],
                      author_ids=[owner], abstract=text[:1500], source=str(path), private=self.private)
        return paper, text, None

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
