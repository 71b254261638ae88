"""DBLP: its JSON author search, and each person's BibTeX read by the knowledge base's own BibTeX loader.

DBLP has no client library worth the name; httpx (already installed with the model client) makes the two
GETs. DBLP records carry no abstracts, which the import says.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from bot.knowledge.loaders import load_bibtex
from bot.settings import SourcesSettings
from bot.sources.arxiv_source import person_index
from bot.sources.calls import call
from bot.sources.models import PersonMatch, Work

NAME = "dblp"
# DBLP numbers namesakes: "Wei Wang 0001". The number is an id, not part of the name.
_HOMONYM = re.compile(r"\s+\d{4}$")


def _get(settings: SourcesSettings, path: str, params: dict | None = None):
    import httpx

    response = httpx.get(settings.dblp_url.rstrip("/") + path, params=params, timeout=settings.timeout_s,
                         follow_redirects=True)
    response.raise_for_status()
    return response


def _pid(url: str) -> str:
    return url.split("/pid/", 1)[-1].removesuffix(".html")


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def search(settings: SourcesSettings, name: str, limit: int = 5, notes: list[str] | None = None) -> list[PersonMatch]:
    """People DBLP finds for ``name``, with their aliases and affiliation notes."""
    answer = call(NAME, lambda: _get(settings, "/search/author/api", {"q": name, "format": "json", "h": limit}).json(),
                  settings, settings.dblp_url, notes)
    out = []
    for hit in _as_list(answer["result"]["hits"].get("hit")):
        info = hit["info"]
        notes_ = [n for n in _as_list((info.get("notes") or {}).get("note")) if isinstance(n, dict)]
        affiliation = next((n.get("text") for n in notes_ if n.get("@type") == "affiliation"), None)
        aliases = [_HOMONYM.sub("", a) for a in _as_list((info.get("aliases") or {}).get("alias"))]
        pid = _pid(info["url"])
        works = call(NAME, lambda: _works(settings, pid, _HOMONYM.sub("", info["author"])), settings,
                     settings.dblp_url, notes)
        years = [w.year for w in works if w.year]
        out.append(PersonMatch(source=NAME, id=pid, name=_HOMONYM.sub("", info["author"]), name_variants=aliases,
                               affiliation=affiliation, first_year=min(years) if years else None,
                               last_year=max(years) if years else None, paper_count=len(works), works=works))
    return out


def _works(settings: SourcesSettings, pid: str, name: str) -> list[Work]:
    text = _get(settings, f"/pid/{pid}.bib").text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dblp.bib"
        path.write_text(text, encoding="utf-8")
        papers, _errors = load_bibtex(path)  # a broken entry is skipped; the rest still count
    out = []
    for paper in papers:
        names = [_HOMONYM.sub("", a) for a in paper.authors]
        out.append(Work(source=NAME, id=paper.id.removeprefix("DBLP:"), title=paper.title.rstrip("."), authors=names,
                        author_ids=[""] * len(names), person_index=person_index(names, name), year=paper.year,
                        venue=paper.venue, abstract=paper.abstract, doi=paper.doi, url=paper.url))
    return out[: settings.max_works]


def person(settings: SourcesSettings, pid: str, notes: list[str] | None = None) -> PersonMatch:
    return PersonMatch(source=NAME, id=pid, name="")


def works(settings: SourcesSettings, pid: str, notes: list[str] | None = None, name: str = "") -> list[Work]:
    return call(NAME, lambda: _works(settings, pid, name), settings, settings.dblp_url, notes)
