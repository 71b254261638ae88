"""What was imported for a person, on disk: the papers file, the dossier file and the sync state.

They live in ``data_dir/uploads/<person id>/``, beside the PDFs uploaded for that person, so that the
ordinary ingest reads them (one forget, one ingest, no second path into the knowledge base) and forgetting
the person removes the folder with everything in it. Files are replaced atomically: a failed refresh
leaves the last good import as it was.
"""

from __future__ import annotations

import datetime as dtm
import hashlib
import os
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from bot.knowledge.loaders import slugify
from bot.knowledge.names import fold
from bot.models import Paper
from bot.sources.models import Work

UPLOADS = "uploads"  # the folder bot.pipeline.erase clears for a forgotten person
PAPERS_FILE, DOSSIER_FILE, STATE_FILE = "sources.jsonl", "sources.yaml", "sources-sync.json"


class SyncState(BaseModel):
    """Everything needed to refresh a person later and never bring back what the user dropped."""

    person_id: str
    name: str
    source_ids: dict[str, str] = Field(default_factory=dict)
    name_variants: list[str] = Field(default_factory=list)
    affiliation: str | None = None
    works: dict[str, Work] = Field(default_factory=dict, description="Imported works by key.")
    dropped: list[str] = Field(default_factory=list, description="Work keys the user removed.")
    imported_from: list[str] = Field(default_factory=list, description="Sources a refresh asks again.")
    last_sync: str | None = None


def folder(data_dir: Path, person_id: str) -> Path:
    return Path(data_dir) / UPLOADS / person_id


def load_state(data_dir: Path, person_id: str) -> SyncState | None:
    path = folder(data_dir, person_id) / STATE_FILE
    return SyncState.model_validate_json(path.read_bytes()) if path.is_file() else None


def imported(data_dir: Path) -> list[SyncState]:
    """Every person imported from a source, by name."""
    root = Path(data_dir) / UPLOADS
    states = [SyncState.model_validate_json(p.read_bytes()) for p in sorted(root.glob(f"*/{STATE_FILE}"))]
    return sorted(states, key=lambda s: s.name)


def _atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def same_paper_keys(work: Work) -> list[str]:
    """What makes two listings one paper: the DOI, or the title and year."""
    keys = [f"{fold(work.title)}|{work.year}"]
    return [f"doi:{work.doi.lower()}", *keys] if work.doi else keys


def dedupe(works: list[Work]) -> list[Work]:
    """One work per DOI or title and year: the same paper from two listings is kept once, with its abstract."""
    best: dict[str, Work] = {}
    for work in works:
        key = same_paper_keys(work)[0]
        kept = best.get(key)
        if kept is None or (not kept.abstract and work.abstract):
            best[key] = work
    return list(best.values())


def to_paper(work: Work, person_id: str, name: str, taken: set[str]) -> Paper:
    """A work as a knowledge-base paper. The person gets their id; a co-author whose name-id already belongs
    to someone else in the knowledge base gets an id of their own, since a shared name is no proof of a shared
    person (the assistant then asks which one is meant)."""
    # The qualifier is a digest, not the person's id: forgetting the person must leave no trace of them in
    # their co-authors' ids.
    qualifier = hashlib.sha256(f"coauthor-of:{person_id}".encode()).hexdigest()[:6]
    ids = []
    for i, author in enumerate(work.authors):
        if i == work.person_index:
            ids.append(person_id)
            continue
        slug = slugify(author) or f"author-{i}"
        ids.append(f"{slug}~{qualifier}" if slug in taken or slug == person_id else slug)
    authors = list(work.authors)
    if work.person_index is None:  # listed under the person by the source, but under no spelling we recognise
        authors.append(name)
        ids.append(person_id)
    return Paper(id=work.key, title=work.title, authors=authors, author_ids=ids, year=work.year, venue=work.venue,
                 abstract=work.abstract, url=work.url, doi=work.doi, topics=[f.lower() for f in work.fields[-1:]])


def write(data_dir: Path, state: SyncState, taken: set[str]) -> list[Path]:
    """Writes the papers, dossier and state files for ``state``; returns the files to ingest."""
    where = folder(data_dir, state.person_id)
    kept = [w for k, w in state.works.items() if k not in set(state.dropped)]
    kept.sort(key=lambda w: (-(w.year or 0), w.key))
    lines = [to_paper(w, state.person_id, state.name, taken).model_dump_json(exclude={"source", "private"}) for w in kept]
    _atomic(where / PAPERS_FILE, "".join(line + "\n" for line in lines))
    dossier = {"id": state.person_id, "name": state.name, "source_ids": dict(state.source_ids)}
    if state.name_variants:
        dossier["name_variants"] = state.name_variants
    if state.affiliation:
        dossier["affiliation"] = state.affiliation
    if "orcid" in state.source_ids:
        dossier["links"] = {"orcid": f"https://orcid.org/{state.source_ids['orcid']}"}
    _atomic(where / DOSSIER_FILE, "# Imported by recruitbot add; edit the source ids here only to fix a match.\n"
            + yaml.safe_dump(dossier, allow_unicode=True, sort_keys=False))
    state.last_sync = dtm.datetime.now(dtm.timezone.utc).isoformat(timespec="seconds")
    _atomic(where / STATE_FILE, state.model_dump_json(indent=1))
    return [where / PAPERS_FILE, where / DOSSIER_FILE]

