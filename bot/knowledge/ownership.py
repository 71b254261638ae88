"""Who owns what: a paper id belongs to the file that brought it, a dossier must not mis-attribute a paper,
and nothing revives a forgotten person."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.catalog import Catalog, SourceRecord
from bot.knowledge.loaders import LoadError
from bot.models import Paper

FORGOTTEN = "names a person who was forgotten"


class Owners:
    """Which file brought each paper id and dossier: an id is its file's, and a second file's claim is an error."""

    def __init__(self, sources: dict[str, SourceRecord]):
        self.papers = {p: key for key, record in sources.items() for p in record.paper_ids}
        self.dossiers = {d: key for key, record in sources.items() for d in record.dossier_ids}

    def claim(self, key: str, parsed) -> list[LoadError]:
        """Drops from ``parsed`` what another file (or an earlier line of this one) owns; returns the errors."""
        errors, seen, kept = [], set(), []
        for line, paper in parsed.papers:
            owner = self.papers.get(paper.id)
            if paper.id in seen:
                errors.append(LoadError(key, f"repeats the paper id {paper.id!r} of an earlier record",
                                        line=line or None, field="id"))
            elif owner is not None and owner != key and Path(owner).exists():
                what = "this PDF was already added from" if paper.id.startswith("pdf-") else "is already the id of a paper from"
                errors.append(LoadError(key, f"{paper.id!r} {what} {owner}; give this record another id",
                                        line=line or None, field="id"))
            else:
                seen.add(paper.id)
                kept.append((line, paper))
        parsed.papers = kept
        for person in list(parsed.dossiers):
            owner = self.dossiers.get(person)
            if owner is not None and owner != key and Path(owner).exists():
                errors.append(LoadError(key, f"{person!r} already has a dossier in {owner}", field="id"))
                del parsed.dossiers[person]
        self.papers.update({p.id: key for _, p in parsed.papers})
        self.dossiers.update({d: key for d in parsed.dossiers})
        return errors


def check_dossiers(catalog: Catalog, key: str, dossiers: dict[str, dict]) -> list[LoadError]:
    """Dossiers that would create, revive or mis-attribute a person are refused (and dropped)."""
    errors = []
    for person, fields in list(dossiers.items()):
        problem = None
        names = [fields.get("name", ""), *fields.get("name_variants", [])]
        if catalog.is_forgotten(person) or any(catalog.is_forgotten_name(n) for n in names if n):
            problem = ("id", FORGOTTEN + "; an admin can bring them back with `recruitbot forget NAME --undo`")
        elif person not in catalog.candidates and not fields.get("name"):
            problem = ("id", f"names an unknown person {person!r}; add 'name' to create a new candidate")
        else:
            foreign = [p for p in fields.get("paper_ids", [])
                       if p not in catalog.papers or person not in catalog.papers[p].author_ids]
            if foreign:
                problem = ("paper_ids", f"lists {foreign[0]!r}, which is not a paper of {person!r} in the "
                                        "knowledge base")
        if problem:
            errors.append(LoadError(key, problem[1], field=problem[0]))
            del dossiers[person]
    return errors


def _gone(catalog: Catalog, name: str, person: str) -> bool:
    return catalog.is_forgotten(person) or catalog.is_forgotten_name(name)


def redact(paper: Paper, catalog: Catalog) -> Paper | None:
    """The paper without a forgotten author (by id, or by any of their names); None when nobody is left."""
    keep = [(n, a) for n, a in zip(paper.authors, paper.author_ids) if not _gone(catalog, n, a)]
    if len(keep) == len(paper.authors):
        return paper
    if not keep:
        return None
    return paper.model_copy(update={"authors": [n for n, _ in keep], "author_ids": [a for _, a in keep]})
