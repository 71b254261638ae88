"""Checks that a forgotten candidate is really gone: every store is searched for their id and names.

Used by ``recruitbot forget`` to report what is left (it should be nothing), by the forget test and by
bench/forget_traces.py. Files are searched as raw bytes, so a row that SQLite only unlinked, or a string
inside a pickle, is found too; the vector index is searched through its API (ids, documents, metadata).
What the pipeline's database server still keeps after a forget (old WAL segments, say: see pg_reclaim) is
counted as one trace per gap, named by what the admin must do.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import select

from bot.pipeline.models import Base
from bot.pipeline.store import PipelineStore

logger = logging.getLogger(__name__)

_PAGE = 5000


def _count(blob: bytes, needles: list[bytes]) -> int:
    low = blob.lower()
    return sum(low.count(n) for n in needles)


def _index_text(kb: Any) -> Iterable[bytes]:
    collection = kb.store.collection
    offset = 0
    while True:
        page = collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
        yield json.dumps([page["ids"], page["documents"], page["metadatas"]], ensure_ascii=False).encode("utf-8")
        if len(page["ids"]) < _PAGE:
            return
        offset += _PAGE


def _rows_text(store: PipelineStore) -> bytes:
    dumped = []
    with store.session() as session:
        for table in Base.metadata.sorted_tables:
            dumped += [[str(v) for v in row] for row in session.execute(select(table))]
    return json.dumps(dumped, ensure_ascii=False).encode("utf-8")


def find_traces(needles: list[str], *, kb: Any = None, store: PipelineStore | None = None,
                folders: Iterable[Path] = ()) -> dict[str, int]:
    """Where the needles (an id and names, case-insensitive) still occur: {place: occurrences}; {} when gone."""
    started = time.perf_counter()
    wanted = [n.lower().encode("utf-8") for n in needles if n]
    found: dict[str, int] = {}

    def add(place: str, blob: bytes) -> None:
        hits = _count(blob, wanted)
        if hits:
            found[place] = found.get(place, 0) + hits

    if store is not None:
        add("pipeline rows", _rows_text(store))
        for line in store.residue:  # what the database server keeps and no client can search (its WAL, say)
            found[line] = found.get(line, 0) + 1
    if kb is not None:
        for text in _index_text(kb):
            add("vector index", text)
        if kb.catalog.path is not None and Path(kb.catalog.path).is_file():
            add(f"catalog {kb.catalog.path}", Path(kb.catalog.path).read_bytes())
    seen: set[Path] = set()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else []:
            if path.is_file() and path.resolve() not in seen:
                seen.add(path.resolve())
                add(f"file {path}", path.read_bytes())
                add(f"file name {path}", str(path.relative_to(folder)).encode("utf-8"))
    logger.info("Trace search over %d files in %.0f ms: %d places", len(seen), (time.perf_counter() - started) * 1000,
                len(found))
    return found
