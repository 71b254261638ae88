"""ORCID's public API (v3.0): expanded search by name, and a record's works.

The ORCID client libraries on the package index either need member credentials or scrape the web pages;
the public API is two GETs, made with httpx. An ORCID holder's works are theirs by definition, so the
person is the one author a work names; ORCID's summaries list no co-authors and no abstracts.
"""

from __future__ import annotations

from bot.settings import SourcesSettings
from bot.sources.calls import call
from bot.sources.models import PersonMatch, Work

NAME = "orcid"


def _get(settings: SourcesSettings, path: str, params: dict | None = None) -> dict:
    import httpx

    headers = {"Accept": "application/json"}
    if settings.orcid_token:
        headers["Authorization"] = f"Bearer {settings.orcid_token.get_secret_value()}"
    response = httpx.get(settings.orcid_url.rstrip("/") + path, params=params, headers=headers,
                         timeout=settings.timeout_s, follow_redirects=True)
    response.raise_for_status()
    return response.json()


def _value(node, *path):
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _works(settings: SourcesSettings, orcid: str, name: str) -> list[Work]:
    out = []
    for group in _get(settings, f"/{orcid}/works").get("group") or []:
        summary = (group.get("work-summary") or [{}])[0]
        ids = _value(summary, "external-ids", "external-id") or []
        doi = next((i.get("external-id-value") for i in ids if i.get("external-id-type") == "doi"), None)
        year = _value(summary, "publication-date", "year", "value")
        title = _value(summary, "title", "title", "value") or ""
        if not title.strip():
            continue
        out.append(Work(source=NAME, id=f"{orcid}/{summary.get('put-code')}", title=title.strip(), authors=[name],
                        author_ids=[orcid], person_index=0, year=int(year) if year else None,
                        venue=_value(summary, "journal-title", "value"), doi=doi,
                        url=_value(summary, "url", "value") or (f"https://doi.org/{doi}" if doi else None)))
    return out[: settings.max_works]


def search(settings: SourcesSettings, name: str, limit: int = 5, notes: list[str] | None = None) -> list[PersonMatch]:
    answer = call(NAME, lambda: _get(settings, "/expanded-search/", {"q": name, "rows": limit}), settings,
                  settings.orcid_url, notes)
    out = []
    for row in answer.get("expanded-result") or []:
        orcid = row["orcid-id"]
        full = " ".join(x for x in (row.get("given-names"), row.get("family-names")) if x)
        works = call(NAME, lambda: _works(settings, orcid, full), settings, settings.orcid_url, notes)
        years = [w.year for w in works if w.year]
        out.append(PersonMatch(source=NAME, id=orcid, name=full, orcid=orcid,
                               name_variants=list(row.get("other-name") or [])[:10],
                               affiliation=(row.get("institution-name") or [None])[0],
                               first_year=min(years) if years else None, last_year=max(years) if years else None,
                               paper_count=len(works), works=works))
    return out


def person(settings: SourcesSettings, orcid: str, notes: list[str] | None = None) -> PersonMatch:
    record = call(NAME, lambda: _get(settings, f"/{orcid}/person"), settings, settings.orcid_url, notes)
    name = " ".join(x for x in (_value(record, "name", "given-names", "value"),
                                _value(record, "name", "family-name", "value")) if x)
    return PersonMatch(source=NAME, id=orcid, name=name, orcid=orcid)


def works(settings: SourcesSettings, orcid: str, notes: list[str] | None = None, name: str = "") -> list[Work]:
    return call(NAME, lambda: _works(settings, orcid, name), settings, settings.orcid_url, notes)
