"""Idempotent ingestion: files in, chunks with vectors out; unchanged input embeds nothing."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from bot.knowledge.catalog import Catalog, SourceRecord
from bot.knowledge.loaders import (
    DOSSIER_SUFFIXES, PAPER_SUFFIXES, PDF_SUFFIXES, LoadError, check_size, content_hash, load_bibtex,
    load_dossier, load_papers_jsonl, load_pdf,
)
from bot.models import Chunk, Paper

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


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


@dataclass
class _Parsed:
    papers: list[Paper] = field(default_factory=list)
    dossiers: dict[str, dict] = field(default_factory=dict)
    fulltext: dict[str, str] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)


def discover(paths: list[Path], skip: list[Path]) -> tuple[list[Path], list[LoadError]]:
    """The ingestible files under ``paths``; a named file that does not exist is an error."""
    wanted = PAPER_SUFFIXES | DOSSIER_SUFFIXES | PDF_SUFFIXES
    files, errors = [], []
    skipped = [s.resolve() for s in skip]
    for path in paths:
        if path.is_dir():
            for item in sorted(path.rglob("*")):
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
                 cache=None, max_file_mb: float = 50.0, max_pdf_pages: int = 200):
        self.catalog = catalog
        self.store = store
        self.embed = embed
        self.cache = cache
        self.max_file_mb = max_file_mb
        self.max_pdf_pages = max_pdf_pages

    def parse(self, path: Path, candidate: str | None = None) -> _Parsed:
        """Reads one file into papers and dossiers, collecting every problem."""
        parsed = _Parsed()
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            parsed.papers, parsed.errors = load_papers_jsonl(path)
        elif suffix == ".bib":
            parsed.papers, parsed.errors = load_bibtex(path)
        elif suffix in DOSSIER_SUFFIXES:
            if suffix == ".md" and not path.read_text(encoding="utf-8", errors="replace").startswith("---"):
                return parsed  # plain Markdown (a README) is documentation, not a dossier
            fields, error = load_dossier(path)
            if error:
                parsed.errors.append(error)
            elif fields["id"] not in self.catalog.candidates and not fields.get("name"):
                parsed.errors.append(LoadError(str(path), f"names an unknown person {fields['id']!r}; "
                                               "add 'name' to create a new candidate", field="id"))
            else:
                parsed.dossiers[fields["id"]] = fields
        elif suffix in PDF_SUFFIXES:
            owner = candidate or path.parent.name
            paper, text, error = self.pdf_paper(path, owner)
            if error:
                parsed.errors.append(error)
            else:
                parsed.papers.append(paper)
                parsed.fulltext[paper.id] = text
        return parsed

    def pdf_paper(self, path: Path, owner: str, data: bytes | None = None) -> tuple[Paper | None, str, LoadError | None]:
        """A PDF as a paper attached to ``owner`` (a person id)."""
        if owner not in self.catalog.candidates:
            return None, "", LoadError(str(path), f"is for an unknown person {owner!r}: put it in a folder named "
                                   "after a candidate id or pass --candidate")
        text, error = load_pdf(path, self.max_pdf_pages, data=data)
        if error:
            return None, "", error
        candidate = self.catalog.candidates[owner]
        first_line = next((line.strip() for line in text.splitlines() if len(line.strip()) > 8), path.stem)
        paper = Paper(id="pdf-" + content_hash(text)[:12], title=first_line[:200], authors=[candidate.name],
                      author_ids=[owner], abstract=text[:1500], source=str(path))
        return paper, text, None

    def run(self, files: list[Path], roots: list[Path], on_total: Callable[[int], None] | None = None,
            on_advance: Progress | None = None, candidate: str | None = None) -> IngestReport:
        """Ingests ``files``; sources under ``roots`` that no longer exist are removed."""
        report = IngestReport()
        sources = self.catalog.data.sources
        stale_store = getattr(self.store, "rebuilt", False)
        present = {str(f) for f in files}
        for gone in [s for s in sources if s not in present and _under(s, roots) and not Path(s).exists()]:
            report.removed += len(sources[gone].paper_ids)
            self._drop_source(gone, keep_chunks=set())
        for path in sorted(files, key=_load_order):
            key = str(path)
            error = check_size(path, self.max_file_mb)
            if error:
                report.failed.append(error)
                continue
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                report.failed.append(LoadError(key, f"cannot be read: {exc.strerror or exc}"))
                continue
            old = sources.get(key)
            if old and old.digest == digest and not stale_store:
                report.unchanged += len(old.paper_ids) + len(old.dossier_ids)
                continue
            parsed = self.parse(path, candidate)
            report.failed.extend(parsed.errors)
            record = SourceRecord(digest=digest)
            papers = [p for p in (_redact(p, self.catalog) for p in parsed.papers) if p is not None]
            chunks = {p.id: chunk_paper(p, parsed.fulltext.get(p.id, "")) for p in papers}
            record.paper_ids = [p.id for p in papers]
            record.chunk_ids = [c.id for cs in chunks.values() for c in cs]
            record.dossier_ids = list(parsed.dossiers)
            for paper in papers:
                previous = self.catalog.papers.get(paper.id)
                if previous is None:
                    report.added += 1
                elif previous.model_dump(exclude={"source"}) != paper.model_dump(exclude={"source"}):
                    report.updated += 1
                else:
                    report.unchanged += 1
            for person in parsed.dossiers:
                if person in self.catalog.data.dossiers:
                    report.updated += 1
                else:
                    report.added += 1
            if old:
                self._drop_source(key, keep_chunks=set(record.chunk_ids), keep_papers=set(record.paper_ids))
            for paper in papers:
                self.catalog.papers[paper.id] = paper
                for chunk in chunks[paper.id]:
                    self.catalog.data.chunks[chunk.id] = chunk
            self.catalog.data.dossiers.update(parsed.dossiers)
            sources[key] = record
            self.catalog.changed()
        stored = set() if stale_store else self.store.ids()
        missing = [c for c in self.catalog.data.chunks.values() if c.id not in stored]
        self._write(missing, report, on_total, on_advance)
        self.catalog.save()
        return report

    def _write(self, chunks: list[Chunk], report: IngestReport, on_total, on_advance) -> None:
        if on_total:
            on_total(len(chunks))
        if not chunks:
            return
        vectors = np.zeros((len(chunks), 384), dtype=np.float32)
        todo = []
        for i, chunk in enumerate(chunks):
            cached = self.cache.get(chunk.text) if self.cache is not None else None
            if cached is None:
                todo.append(i)
            else:
                vectors[i] = cached
        report.from_cache = len(chunks) - len(todo)
        if on_advance and report.from_cache:
            on_advance(report.from_cache)
        if todo:
            fresh = self.embed([chunks[i].text for i in todo], on_advance)
            vectors[todo] = fresh
            if self.cache is not None:
                for i, vector in zip(todo, fresh):
                    self.cache.put(chunks[i].text, vector)
                self.cache.save()
        report.embedded = len(todo)
        self.store.upsert([c.id for c in chunks], vectors, [chunk_metadata(c, self.catalog) for c in chunks],
                          [c.text for c in chunks])

    def _drop_source(self, key: str, keep_chunks: set[str], keep_papers: set[str] | None = None) -> None:
        record = self.catalog.data.sources.pop(key)
        keep_papers = keep_papers or set()
        gone_chunks = [c for c in record.chunk_ids if c not in keep_chunks]
        for chunk_id in gone_chunks:
            self.catalog.data.chunks.pop(chunk_id, None)
        for paper_id in record.paper_ids:
            if paper_id not in keep_papers:
                self.catalog.papers.pop(paper_id, None)
        for person in record.dossier_ids:
            self.catalog.data.dossiers.pop(person, None)
        if gone_chunks:
            self.store.delete(gone_chunks)


def chunk_metadata(chunk: Chunk, catalog: Catalog) -> dict:
    """What Chroma keeps beside a vector: enough to filter by author and to show the paper."""
    paper = catalog.papers[chunk.paper_id]
    return {"paper_id": paper.id, "author_ids": paper.author_ids or ["-"], "year": paper.year or 0,
            "kind": chunk.kind, "title": paper.title}


def _load_order(path: Path) -> int:
    """Papers before PDFs before dossiers: a dossier or a PDF names people the papers introduce."""
    suffix = path.suffix.lower()
    return 0 if suffix in PAPER_SUFFIXES else 1 if suffix in PDF_SUFFIXES else 2


def _under(source: str, roots: list[Path]) -> bool:
    resolved = Path(source).resolve()
    return any(r.resolve() == resolved or r.resolve() in resolved.parents for r in roots)


def _redact(paper: Paper, catalog: Catalog) -> Paper | None:
    """The paper without a forgotten author; None when nobody is left."""
    if not any(catalog.is_forgotten(a) for a in paper.author_ids):
        return paper
    keep = [(n, a) for n, a in zip(paper.authors, paper.author_ids) if not catalog.is_forgotten(a)]
    if not keep:
        return None
    return paper.model_copy(update={"authors": [n for n, _ in keep], "author_ids": [a for _, a in keep]})
