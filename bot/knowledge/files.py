"""Files in: which files an ingest reads, and what one file holds (papers, dossiers, a PDF's text)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.catalog import Catalog
from bot.knowledge.loaders import (
    DOSSIER_SUFFIXES, PAPER_SUFFIXES, PDF_SUFFIXES, LoadError, content_hash, load_dossier, load_pdf, read_bibtex,
    read_papers_jsonl,
)
from bot.models import Paper

logger = logging.getLogger(__name__)


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


class FileReaderMixin:
    """Reads one file into papers and dossiers, the first step of ``Ingestor``, which sets these attributes."""

    catalog: Catalog
    max_pdf_pages: int
    private: bool

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

    def pdf_paper(self, path: Path, owner: str,
                  data: bytes | None = None) -> tuple[Paper | None, str, LoadError | None]:
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
