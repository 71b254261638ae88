"""The catalog: every paper, chunk and dossier the knowledge base holds, and which file brought it.

Chroma holds the vectors; the catalog holds the records they point to, so that dossiers can be derived,
BM25 can be built and an unchanged file can be skipped without being parsed again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field

from bot.models import Candidate, Chunk, Paper


class SourceRecord(BaseModel):
    """What one ingested file contributed."""

    digest: str = Field(description="sha256 of the file's bytes when it was ingested.")
    paper_ids: list[str] = Field(default_factory=list)
    chunk_ids: list[str] = Field(default_factory=list)
    dossier_ids: list[str] = Field(default_factory=list)
    errors: list[dict] = Field(default_factory=list, description="What failed in this file, reported until it changes.")


class CatalogData(BaseModel):
    """The catalog as it is saved."""

    signature: str = ""
    papers: dict[str, Paper] = Field(default_factory=dict)
    chunks: dict[str, Chunk] = Field(default_factory=dict)
    dossiers: dict[str, dict] = Field(default_factory=dict, description="Dossier file fields by person id.")
    sources: dict[str, SourceRecord] = Field(default_factory=dict)
    forgotten: list[str] = Field(default_factory=list, description="Keyed hashes of forgotten person ids, never the ids.")
    forgotten_names: list[str] = Field(
        default_factory=list, description="Keyed hashes of forgotten people's names and their initialled forms.")
    ambiguous_ids: list[str] = Field(default_factory=list, description="Ids that merge several people.")


def forgotten_key(person_id: str) -> str:
    """The unkeyed tombstone of catalogs written before keyed hashes; still honoured, never written."""
    return hashlib.sha256(("recruitbot-forget:" + person_id).encode()).hexdigest()


def name_forms(name: str) -> tuple[str, str]:
    """A name folded ('marco turchi') and initialled ('m turchi'): how a variant like 'M. Turchi' is caught."""
    from bot.text import fold

    words = fold(name).split()
    initials = " ".join([w[0] for w in words[:-1]] + words[-1:])
    return " ".join(words), initials


def _initialled(name: str) -> bool:
    """'M. Turchi', 'M Turchi', 'M.-L. Turchi': every word before the surname is an initial."""
    words = name.replace(".", " ").replace("-", " ").split()
    return len(words) > 1 and all(len(w) == 1 for w in words[:-1])


class Catalog:
    """Papers, chunks and dossiers, with candidates derived from the papers and merged with dossier files."""

    def __init__(self, path: Path | None, data: CatalogData | None = None, secret: bytes | None = None):
        self.path = path
        self.data = data or CatalogData()
        self.secret = secret
        self._stamp = self._file_stamp()
        self._candidates: dict[str, Candidate] | None = None
        self._paper_chunks: dict[str, list[str]] | None = None

    @classmethod
    def load(cls, path: Path, secret: bytes | None = None) -> "Catalog":
        if path.is_file():
            return cls(path, CatalogData.model_validate_json(path.read_bytes()), secret)
        return cls(path, secret=secret)

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat() if self.path is not None else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat else None

    def reload_if_changed(self) -> bool:
        """Reads the saved catalog again when another process wrote it since this one did; True if so."""
        stamp = self._file_stamp()
        if stamp is None or stamp == self._stamp:
            return False
        self.data = CatalogData.model_validate_json(self.path.read_bytes())
        self._stamp = stamp
        self.changed()
        return True

    def save(self) -> None:
        """Writes atomically, so a crash mid-write never leaves half a catalog."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".catalog-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.data.model_dump_json())
        os.replace(tmp, self.path)
        self._stamp = self._file_stamp()

    def changed(self) -> None:
        """Forgets derived views after an edit."""
        self._candidates = None
        self._paper_chunks = None

    @property
    def papers(self) -> dict[str, Paper]:
        return self.data.papers

    def chunk_text(self, chunk_id: str) -> str:
        return self.data.chunks[chunk_id].text

    @property
    def candidates(self) -> dict[str, Candidate]:
        """Every author as a candidate, dossier files merged over what the papers say."""
        if self._candidates is None:
            self._candidates = self._derive()
        return self._candidates

    def _derive(self) -> dict[str, Candidate]:
        names: dict[str, str] = {}
        papers_of: dict[str, list[Paper]] = {}
        for paper in sorted(self.data.papers.values(), key=lambda p: (-(p.year or 0), p.id)):
            for name, person in zip(paper.authors, paper.author_ids):
                names.setdefault(person, name)
                papers_of.setdefault(person, []).append(paper)
        ambiguous = set(self.data.ambiguous_ids)
        out: dict[str, Candidate] = {}
        for person, papers in papers_of.items():
            coauthors = Counter(a for p in papers for a in p.author_ids if a != person)
            topics = Counter(t for p in papers for t in p.topics)
            out[person] = Candidate(
                id=person, name=names[person], paper_ids=[p.id for p in papers],
                coauthors=[a for a, _ in coauthors.most_common(8)],
                topics=[t for t, _ in topics.most_common()], ambiguous=person in ambiguous,
            )
        for person, fields in self.data.dossiers.items():
            base = out.get(person)
            merged = {**(base.model_dump() if base else {"name": fields.get("name", person)}), **fields}
            if base:  # the papers stay the knowledge base's, whatever the file says
                merged["paper_ids"] = base.paper_ids + [p for p in fields.get("paper_ids", []) if p not in base.paper_ids]
            out[person] = Candidate.model_validate(merged)
        return out

    def papers_of(self, person_id: str) -> list[Paper]:
        """A candidate's papers, newest first."""
        candidate = self.candidates.get(person_id)
        if candidate is None:
            return []
        return [self.data.papers[p] for p in candidate.paper_ids if p in self.data.papers]

    def chunks_of(self, person_id: str) -> list[str]:
        """Ids of every chunk of a candidate's papers."""
        if self._paper_chunks is None:
            self._paper_chunks = {}
            for chunk in self.data.chunks.values():
                self._paper_chunks.setdefault(chunk.paper_id, []).append(chunk.id)
        candidate = self.candidates.get(person_id)
        return [c for p in (candidate.paper_ids if candidate else []) for c in self._paper_chunks.get(p, [])]

    def name_table(self) -> dict[str, list[str]]:
        """Person id -> every name they go by, for the resolver."""
        return {c.id: [c.name, *c.name_variants] for c in self.candidates.values()}

    def citable_papers_of(self, person_id: str) -> list[Paper]:
        """A candidate's papers that may be cited to them: their papers without the team's private notes."""
        return [p for p in self.papers_of(person_id) if not p.private]

    def is_citable(self, paper_id: str) -> bool:
        """False for a private note (and for an unknown id): such a paper is never shown to a candidate."""
        paper = self.data.papers.get(paper_id)
        return paper is not None and not paper.private

    def _key(self, purpose: str, value: str) -> str:
        from bot import secret

        return secret.keyed_hash(self.secret or secret.default(), purpose, value)

    def tombstone(self, person_id: str, names: list[str]) -> None:
        """Remembers that a person was forgotten, by keyed hashes of their id and names only."""
        keys = {self._key("forget-id", person_id)}
        self.data.forgotten = sorted(set(self.data.forgotten) | keys)
        forms = {self._key("forget-name", f) for n in names if n.strip() for f in name_forms(n)}
        self.data.forgotten_names = sorted(set(self.data.forgotten_names) | forms)
        self.changed()

    def untombstone(self, person_id: str, names: list[str]) -> bool:
        """An admin's undo of a forget: the person may be ingested again. True when there was a tombstone."""
        ids = {self._key("forget-id", person_id), forgotten_key(person_id)}
        forms = {self._key("forget-name", f) for n in names if n.strip() for f in name_forms(n)}
        had = bool(ids & set(self.data.forgotten))
        self.data.forgotten = [k for k in self.data.forgotten if k not in ids]
        self.data.forgotten_names = [k for k in self.data.forgotten_names if k not in forms]
        self.changed()
        return had

    def is_forgotten(self, person_id: str) -> bool:
        keys = set(self.data.forgotten)
        return bool(keys) and (self._key("forget-id", person_id) in keys or forgotten_key(person_id) in keys)

    def is_forgotten_name(self, name: str) -> bool:
        """True when ``name`` is a forgotten person's, or its initialled form ('M. Turchi') matches one."""
        if not self.data.forgotten_names or not name.strip():
            return False
        full, initials = name_forms(name)
        keys = set(self.data.forgotten_names)
        return self._key("forget-name", initials if _initialled(name) else full) in keys
