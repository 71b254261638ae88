"""The API the front ends call: find people in the sources, import one, refresh, drop or split papers.

    matches = search_people(settings, "Jane Doe", kb=kb)      # what tells namesakes apart, how sure, flags
    print(render_choices(matches))                          # numbered: a typed number works (pick())
    result = import_person(settings, kb, matches[0])        # or a "source:id" / an ORCID iD string
    results = refresh(settings, kb)                         # new papers since the last sync

Nothing is merged silently: a person whose name-id is taken is kept apart under a new id unless the user
says ``same_as``; a merged-looking profile is imported with its flags shown, and papers can be dropped or
split off. Every source is off until its base URL is in the settings.
"""

from __future__ import annotations

import logging
import re
import threading
from types import ModuleType

from bot.knowledge.loaders import slugify
from bot.knowledge.names import fold
from bot.pipeline.audit import short_key
from bot.settings import Settings
from bot.sources import arxiv_source, dblp, identity, openalex, orcid, records, semantic
from bot.sources.calls import SourceError
from bot.sources.choices import pick, render_choices  # noqa: F401 — part of this API
from bot.sources.models import LABELS, SOURCES, ImportResult, PersonMatch, Work

logger = logging.getLogger(__name__)

CLIENTS: dict[str, ModuleType] = {"openalex": openalex, "semanticscholar": semantic, "arxiv": arxiv_source,
                                  "dblp": dblp, "orcid": orcid}
# Which source a search uses when none is named: the ones with author ids first.
PREFERENCE = ("openalex", "semanticscholar", "orcid", "dblp", "arxiv")
ORCID_ID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
# Imports, refreshes, drops and splits read a person's state and write it back: one at a time, so that the
# refresh job and an /add never overwrite each other. Fetching from the sources happens outside it.
_WRITING = threading.RLock()


class NoSourceError(ValueError):
    """No source is configured, or the one asked for is not."""


def configured(settings: Settings) -> list[str]:
    """The sources whose base URL is set, in order of preference."""
    return [s for s in PREFERENCE if getattr(settings.sources, f"{s}_url")]


def _source(settings: Settings, source: str | None) -> str:
    on = configured(settings)
    if source is not None and source not in SOURCES:
        raise NoSourceError(f"Unknown source {source!r}; choose one of {', '.join(SOURCES)}.")
    if source is not None and source not in on:
        raise NoSourceError(f"{LABELS[source]} is off: set RECRUITBOT_SOURCES__{source.upper()}_URL "
                            "(see the README, “Import researchers”).")
    if not on:
        raise NoSourceError("No scholarly source is configured: set e.g. RECRUITBOT_SOURCES__OPENALEX_URL "
                            "(see the README, “Import researchers”). The bundled knowledge works without one.")
    return source or on[0]


def _known(kb) -> dict[str, str]:
    return identity.known_names(kb.catalog.name_table()) if kb is not None else {}


def search_people(settings: Settings, name: str, source: str | None = None, kb=None,
                  notes: list[str] | None = None, limit: int = 5) -> list[PersonMatch]:
    """People the source finds for ``name``, assessed (confidence, reasons, merged-profile flags)."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("Give a name to search for.")
    chosen = _source(settings, source)
    matches = CLIENTS[chosen].search(settings.sources, name, limit=limit, notes=notes)
    known = _known(kb)
    return [identity.assess(m, name, known, settings.sources.merged_per_year) for m in matches]


def parse_ref(ref: str, source: str | None = None) -> tuple[str, str]:
    """'openalex:A123', an ORCID iD, or a bare id with ``source`` -> (source, id)."""
    ref = ref.strip().removeprefix("https://orcid.org/")
    head, sep, rest = ref.partition(":")
    if sep and head in SOURCES:
        return head, rest
    if ORCID_ID.match(ref):
        return "orcid", ref
    if source:
        return source, ref
    raise ValueError(f"Cannot tell which source {ref!r} is from: write it as source:id (e.g. openalex:A5023) "
                     "or pass --source.")


def _taken(kb, person_id: str, data_dir) -> set[str]:
    """Person ids the knowledge base holds from anything but this person's own import."""
    own = str(records.folder(data_dir, person_id) / records.PAPERS_FILE)
    return {a for p in kb.catalog.papers.values() if p.source != own for a in p.author_ids}


def _person_id(kb, settings: Settings, name: str, source: str, source_id: str, same_as: str | None,
               notes: list[str], orcid: str | None = None) -> str:
    for state in records.imported(settings.data_dir):
        if state.source_ids.get(source) == source_id:
            return state.person_id  # imported before: the same person again
        if orcid and state.source_ids.get("orcid") == orcid:
            notes.append(f"Same ORCID ({orcid}) as {state.name} ({state.person_id}): added to that person.")
            return state.person_id
    if same_as:
        if same_as not in kb.catalog.candidates:
            raise ValueError(f"--same-as {same_as!r} is not a candidate id in the knowledge base.")
        notes.append(f"Kept as the same person as {same_as}, as asked.")
        return same_as
    base = slugify(name) or f"{source}-{slugify(source_id)}"
    taken = {a for p in kb.catalog.papers.values() for a in p.author_ids}
    person_id, n = base, 2
    while person_id in taken or records.folder(settings.data_dir, person_id).exists():
        person_id, n = f"{base}-{n}", n + 1
    if person_id != base:
        other = kb.catalog.candidates.get(base)
        count = len(other.paper_ids) if other else 0
        notes.append(f"Another “{name}” ({base}, {count} papers) is already known; this one is kept apart as "
                     f"{person_id}. If they are one person, import again with --same-as {base}.")
    return person_id


def _fetch(settings: Settings, source: str, source_id: str, name: str, notes: list[str]) -> list[Work]:
    client = CLIENTS[source]
    if source in ("dblp", "orcid"):
        return client.works(settings.sources, source_id, notes, name=name)
    return client.works(settings.sources, source_id, notes)


def _resolve(settings: Settings, match_or_ref: PersonMatch | str, source: str | None,
             notes: list[str], name: str | None) -> PersonMatch:
    if isinstance(match_or_ref, PersonMatch):
        _source(settings, match_or_ref.source)
        return match_or_ref
    chosen, source_id = parse_ref(match_or_ref, source)
    _source(settings, chosen)
    found = CLIENTS[chosen].person(settings.sources, source_id, notes)
    if chosen == "openalex" and found.id != source_id:
        notes.append(f"OpenAlex merged {source_id} into {found.id} (it answered with a redirect); {found.id} is kept.")
    if not found.name:  # DBLP has no profile call, arXiv no profiles: the name the user gave stands
        found.name = " ".join((name or "").split()) or (source_id if chosen == "arxiv" else "")
    return found


def import_person(settings: Settings, kb, match_or_ref: PersonMatch | str, *, source: str | None = None,
                  drop: list[str] | tuple[str, ...] = (), same_as: str | None = None,
                  name: str | None = None) -> ImportResult:
    """Imports one person's works into the knowledge base and builds their dossier with their source ids.

    ``match_or_ref`` is a PersonMatch from search_people, or "source:id" / an ORCID iD; ``name`` is used when
    the source has no name for an id (DBLP)."""
    notes: list[str] = []
    match = _resolve(settings, match_or_ref, source, notes, name)
    works = _fetch(settings, match.source, match.id, match.name, notes)
    if not match.name:
        raise SourceError(match.source, f"has no name for {match.id}; nothing was imported")
    with _WRITING:
        person_id = _person_id(kb, settings, match.name, match.source, match.id, same_as, notes, match.orcid)
        state = (records.load_state(settings.data_dir, person_id)
                 or records.SyncState(person_id=person_id, name=match.name))
        state.source_ids[match.source] = match.id
        if match.orcid:
            state.source_ids.setdefault("orcid", match.orcid)
        for other, value in match.other_ids.items():
            state.source_ids.setdefault(other, value)
        state.name_variants = [v for v in dict.fromkeys(state.name_variants + match.name_variants)
                               if fold(v) != fold(state.name)][:10]
        state.affiliation = match.affiliation or state.affiliation
        state.imported_from = list(dict.fromkeys([*state.imported_from, match.source]))
        state.dropped = list(dict.fromkeys(state.dropped + [_key(match.source, d) for d in drop]))
        result = _merge(settings, kb, state, works, match.source)
    result.messages[:0] = notes
    result.flags = identity.merged_flags(match, works, settings.sources.merged_per_year)
    if result.flags:
        result.messages.append("This profile may merge several people: " + "; ".join(result.flags)
                               + f". Drop papers with `recruitbot papers drop {person_id} ID…` or split them off "
                                 f"with `recruitbot papers split {person_id} ID…`.")
    return result


def _key(source: str, paper: str) -> str:
    return paper if paper.partition(":")[0] in SOURCES else f"{source}:{paper}"


def _merge(settings: Settings, kb, state: records.SyncState, works: list[Work], source: str) -> ImportResult:
    """Adds the works not seen before, writes the files and ingests them; the result says what changed."""
    seen = set(state.works) | set(state.dropped)
    same = {k: key for key, w in state.works.items() for k in records.same_paper_keys(w)}
    fresh, upgraded = [], 0
    for work in records.dedupe(works):
        if work.key in seen:
            continue
        twin = next((same[k] for k in records.same_paper_keys(work) if k in same), None)
        if twin is not None and (state.works[twin].abstract or not work.abstract):
            continue  # the same paper from another listing, and this one is no better
        if twin is not None:  # a second source has the abstract the first lacked: keep the better record
            del state.works[twin]
            if twin in state.dropped:
                state.dropped.append(work.key)
            upgraded += 1
        state.works[work.key] = work
        if twin is None:
            fresh.append(work)
    files = records.write(settings.data_dir, state, _taken(kb, state.person_id, settings.data_dir))
    report = kb.ingest(files)
    result = ImportResult(person_id=state.person_id, name=state.name, source=source, source_ids=state.source_ids,
                          added=fresh, dropped=len(state.dropped), total=len(state.works) - len(state.dropped))
    result.without_abstract = sum(1 for w in fresh if not w.abstract)
    if result.without_abstract:
        result.messages.append(f"{result.without_abstract} of {len(fresh)} new works have no abstract at "
                               f"{LABELS[source]}: they are kept with their titles only.")
    if upgraded:
        result.messages.append(f"{upgraded} papers already imported got their abstracts from {LABELS[source]}.")
    result.messages.extend(f"Could not ingest: {error}" for error in report.failed)
    logger.info("Imported %d new works for %s from %s (%d kept)", len(fresh), short_key(state.person_id), source,
                result.total)
    return result


def find_imported(settings: Settings, who: str) -> records.SyncState:
    """An imported person by id or name; ValueError when none or several fit."""
    states = records.imported(settings.data_dir)
    hits = [s for s in states if s.person_id == who] or [s for s in states if fold(s.name) == fold(who)]
    if not hits:
        raise ValueError(f"No imported person matches {who!r}; `recruitbot add NAME` imports one.")
    if len(hits) > 1:
        raise ValueError(f"Several imported people are called {who}: {', '.join(s.person_id for s in hits)}. "
                         "Name one by id.")
    return hits[0]


def refresh(settings: Settings, kb, who: str | None = None) -> list[ImportResult]:
    """New works since the last sync, for one imported person or everyone; a failing source changes nothing."""
    states = [find_imported(settings, who)] if who else records.imported(settings.data_dir)
    results = []
    for state in states:
        for source in state.imported_from:
            notes: list[str] = []
            try:
                _source(settings, source)
                works = _fetch(settings, source, state.source_ids[source], state.name, notes)
            except (SourceError, NoSourceError) as exc:
                results.append(ImportResult(person_id=state.person_id, name=state.name, source=source,
                                            source_ids=state.source_ids, messages=[*notes, str(exc)],
                                            total=len(state.works) - len(state.dropped)))
                continue
            with _WRITING:  # the state as it is now, not as it was before the fetch
                current = records.load_state(settings.data_dir, state.person_id)
                if current is None:
                    continue  # forgotten meanwhile
                result = _merge(settings, kb, current, works, source)
            result.messages[:0] = notes
            results.append(result)
    return results


def drop_papers(settings: Settings, kb, who: str, papers: list[str]) -> ImportResult:
    """Removes papers from an imported person; a refresh never brings them back."""
    with _WRITING:
        return _drop(settings, kb, find_imported(settings, who), papers)


def _drop(settings: Settings, kb, state: records.SyncState, papers: list[str]) -> ImportResult:
    keys = [_key(state.imported_from[0] if state.imported_from else "openalex", p) for p in papers]
    unknown = [k for k in keys if k not in state.works]
    if unknown:
        raise ValueError(f"{state.name} has no imported paper {unknown[0]}; `recruitbot papers list {state.person_id}` "
                         "shows their ids.")
    state.dropped = list(dict.fromkeys(state.dropped + keys))
    return _merge(settings, kb, state, [], state.imported_from[0] if state.imported_from else "openalex")


def split_papers(settings: Settings, kb, who: str, papers: list[str]) -> tuple[ImportResult, ImportResult]:
    """Moves papers from an imported person to a new, separate person of the same name (a namesake)."""
    with _WRITING:
        return _split(settings, kb, find_imported(settings, who), papers)


def _split(settings: Settings, kb, state: records.SyncState, papers: list[str]) -> tuple[ImportResult, ImportResult]:
    source = state.imported_from[0] if state.imported_from else "openalex"
    keys = [_key(source, p) for p in papers]
    moved = [state.works[k] for k in keys if k in state.works and k not in state.dropped]
    if not moved:
        raise ValueError(f"None of those papers is among {state.name}'s imported papers.")
    kept = _drop(settings, kb, state, [w.key for w in moved])
    notes: list[str] = []
    other_id = _person_id(kb, settings, state.name, "split", f"{state.person_id}:{len(keys)}", None, notes)
    other = records.SyncState(person_id=other_id, name=state.name, affiliation=None)
    split = _merge(settings, kb, other, moved, source)
    split.messages[:0] = [f"{len(moved)} papers are now {other_id}, another {state.name}; it is not refreshed."]
    return kept, split
