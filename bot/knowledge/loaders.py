"""Loaders for papers (JSONL, BibTeX), dossiers (YAML, Markdown front matter) and PDFs.

Each loader returns what it could read and a list of ``LoadError`` for what it could not, so that one
bad record never stops the rest of a file, and one bad file never stops the rest of a run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.models import Paper
from bot.venues import track_of

PAPER_SUFFIXES = {".jsonl", ".bib"}
DOSSIER_SUFFIXES = {".yaml", ".yml", ".md"}
PDF_SUFFIXES = {".pdf"}
# One paper is a few KB; a line far larger is a mistake or an attack, and is refused before it is parsed.
MAX_RECORD_BYTES = 1024 * 1024

# pypdf reports recoverable oddities of a file as warnings on its logger; the user sees our error or nothing.
logging.getLogger("pypdf").setLevel(logging.ERROR)
# bibtexparser logs each failed block (with its text) as a warning; its reasons go into our LoadError instead.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


@dataclass
class LoadError:
    """One thing that could not be loaded, said so that a person can fix it."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" field '{self.field}'" if self.field else ""
        return f"{where}:{what} {self.message}".replace(": ", ": ", 1)


def _validation_message(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "record"
    return field, first["msg"].lower()


def check_size(path: Path, max_mb: float) -> LoadError | None:
    """Refuses unreadable or oversized files before anything is parsed."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return LoadError(str(path), f"cannot be read: {exc.strerror or exc}")
    if size > max_mb * 1024 * 1024:
        return LoadError(str(path), f"is {size / 1048576:.1f} MB, over the {max_mb:g} MB limit")
    return None


def load_papers_jsonl(path: Path) -> tuple[list[Paper], list[LoadError]]:
    """Papers in the format of the bundled Anthology extract, one JSON object per line."""
    numbered, errors = read_papers_jsonl(path)
    return [p for _, p in numbered], errors


def read_papers_jsonl(path: Path) -> tuple[list[tuple[int, Paper]], list[LoadError]]:
    """Like ``load_papers_jsonl``, with each paper's line number (for errors found later, at ingest)."""
    papers, errors = [], []
    try:
        handle = path.open("rb")
    except OSError as exc:
        return [], [LoadError(str(path), f"cannot be read: {exc.strerror or exc}")]
    with handle:
        for number, raw_bytes in enumerate(handle, start=1):
            if len(raw_bytes) > MAX_RECORD_BYTES:
                errors.append(LoadError(str(path), f"is a record of {len(raw_bytes) // 1024} KB, over the "
                                        f"{MAX_RECORD_BYTES // 1024} KB limit", line=number))
                continue
            try:
                raw = raw_bytes.decode("utf-8")
            except UnicodeDecodeError:
                errors.append(LoadError(str(path), "is not UTF-8 text", line=number))
                continue
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, RecursionError) as exc:
                errors.append(LoadError(str(path), f"is not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})",
                                        line=number))
                continue
            if not isinstance(record, dict):
                errors.append(LoadError(str(path), "is not a JSON object", line=number))
                continue
            missing = [f for f in ("id", "title") if not record.get(f)]
            if missing:
                errors.append(LoadError(str(path), "is required", line=number, field=missing[0]))
                continue
            if "private" in record:  # only an upload is a private note, never a line of a papers file
                errors.append(LoadError(str(path), "is not a field of a papers file", line=number, field="private"))
                continue
            try:
                paper = Paper.model_validate({**record, "source": str(path)})
            except ValidationError as exc:
                field, msg = _validation_message(exc)
                errors.append(LoadError(str(path), msg, line=number, field=field))
                continue
            if len(paper.author_ids) != len(paper.authors):
                paper.author_ids = [slugify(a) for a in paper.authors]
            papers.append((number, paper))
    return papers, errors


def slugify(name: str) -> str:
    """A person id from a name, the way the Anthology forms them: 'Ivan Vulić' -> 'ivan-vulic'."""
    from bot.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def load_bibtex(path: Path) -> tuple[list[Paper], list[LoadError]]:
    """Papers from a BibTeX file; entries without a title are reported, not dropped silently."""
    numbered, errors = read_bibtex(path)
    return [p for _, p in numbered], errors


def read_bibtex(path: Path) -> tuple[list[tuple[int, Paper]], list[LoadError]]:
    """Like ``load_bibtex``, with each entry's line number (1-based, the line of its ``@type{key,``)."""
    import bibtexparser

    try:
        library = bibtexparser.parse_file(str(path))
    except (OSError, UnicodeDecodeError) as exc:
        return [], [LoadError(str(path), f"cannot be read: {exc}")]
    errors = [LoadError(str(path), f"cannot be parsed: {_block_reason(block)}",
                        line=block.start_line + 1 if block.start_line is not None else None)
              for block in library.failed_blocks]
    papers = []
    for entry in library.entries:
        fields = {k.lower(): str(v.value) for k, v in entry.fields_dict.items()}
        line = entry.start_line + 1 if entry.start_line is not None else None
        title = _clean_tex(fields.get("title", ""))
        if not title:
            errors.append(LoadError(str(path), "is required", line=line, field=f"{entry.key}.title"))
            continue
        year_text = _clean_tex(fields.get("year", ""))
        if year_text and not re.fullmatch(r"\d{4}", year_text):
            errors.append(LoadError(str(path), f"must be a four-digit year, not {year_text!r:.40}", line=line,
                                    field=f"{entry.key}.year"))
            continue
        authors = [_clean_tex(_flip_name(a)) for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
        papers.append((line or 0, Paper(
            id=entry.key, title=title, authors=authors, author_ids=[slugify(a) for a in authors],
            year=int(year_text) if year_text else None,
            venue=_clean_tex(fields.get("booktitle") or fields.get("journal") or "") or None,
            track=track_of(entry.key, _clean_tex(fields.get("booktitle", ""))),
            abstract=_clean_tex(fields.get("abstract", "")), url=fields.get("url"), doi=fields.get("doi"),
            source=str(path),
        )))
    return papers, errors


def _block_reason(block) -> str:
    """Why bibtexparser gave up on a block: its exceptions keep the reason in different places."""
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or (str(error) if error is not None else "")
    reason = " ".join(reason.split())
    return reason or "not a BibTeX entry"


def _clean_tex(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def _flip_name(name: str) -> str:
    """'Sennrich, Rico' -> 'Rico Sennrich'."""
    if "," in name:
        last, first = name.split(",", 1)
        return f"{first.strip()} {last.strip()}"
    return name.strip()


def load_dossier(path: Path) -> tuple[dict[str, Any] | None, LoadError | None]:
    """A dossier file: YAML, or Markdown whose front matter holds the fields and whose body is the notes."""
    from bot.knowledge.dossiers import DossierError, read_dossier

    try:
        return read_dossier(path), None
    except DossierError as exc:
        return None, LoadError(str(path), exc.message, line=exc.line, field=exc.field)


def load_pdf(path: Path, max_pages: int = 200, data: bytes | None = None) -> tuple[str, LoadError | None]:
    """The text of a PDF, or an error when it has none that can be extracted."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data) if data is not None else str(path))
        if len(reader.pages) > max_pages:
            return "", LoadError(str(path), f"has {len(reader.pages)} pages, over the {max_pages}-page limit")
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        return "", LoadError(str(path), f"is not a readable PDF ({exc})")
    text = re.sub(r"[ \t]+", " ", text).strip()
    if len(text) < 20:
        return "", LoadError(str(path), "has no extractable text (a scan? run OCR first)")
    return text, None


def content_hash(*parts: str) -> str:
    """A short stable hash of text, used for chunk ids and the embedding cache."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:32]
