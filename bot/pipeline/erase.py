"""Forgetting a candidate everywhere: knowledge base, uploaded files, pipeline rows, and chat state.

``forget_candidate`` is what /forget and ``recruitbot forget`` both run; the front ends then scrub their own
state (Telegram's chat data) with ``scrub_chat_data``. The scrubber is deliberately blunt: any entry of a
chat's data that mentions the candidate's id or one of their names goes, whatever it was for, because a
forgotten person must not survive in a stale button map or an old answer's references.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, MutableMapping

from bot.pipeline import audit
from bot.pipeline.store import PipelineStore

logger = logging.getLogger(__name__)

UPLOADS = "uploads"
# Names shorter than this are not searched for: "Li" would scrub half of every chat.
MIN_NEEDLE = 4


@dataclass
class ForgetReport:
    """What forgetting removed, by store."""

    knowledge: dict[str, int] = field(default_factory=dict)
    uploads: int = 0
    pipeline: dict[str, int] = field(default_factory=dict)
    chats: int = 0

    def total(self) -> int:
        return sum(self.knowledge.values()) + self.uploads + sum(self.pipeline.values()) + self.chats


def needles(candidate_id: str, names: list[str]) -> list[str]:
    """What identifies a candidate in free text: the id and every name, lower-cased, with its initialled
    forms ('m. turchi', 'm turchi') as papers and chats write them."""
    found = {candidate_id.lower()}
    for name in names:
        words = " ".join(name.split()).lower()
        found.add(words)
        parts = words.replace(".", " ").split()
        if len(parts) > 1 and len(parts[-1]) >= MIN_NEEDLE:  # 'w. li' would match half of every chat
            found.add(" ".join(p[0] + "." for p in parts[:-1]) + " " + parts[-1])
            found.add(" ".join(p[0] for p in parts[:-1]) + " " + parts[-1])
    return sorted(n for n in found if len(n) >= MIN_NEEDLE)


def mentions(value: Any, needles_: list[str]) -> bool:
    """True when ``value`` (any nesting of dicts, lists, models and strings) mentions one of the needles."""
    if isinstance(value, str):
        low = value.lower()
        return any(n in low for n in needles_)
    if isinstance(value, dict):
        return any(mentions(k, needles_) or mentions(v, needles_) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(mentions(v, needles_) for v in value)
    if hasattr(value, "model_dump"):
        return mentions(value.model_dump(), needles_)
    return False


def _is_record(value: Any) -> bool:
    """A flat dict (a draft, a paper, a mapping of keys): it goes whole when it mentions the candidate."""
    return isinstance(value, dict) and not any(
        isinstance(v, dict) or (isinstance(v, (list, tuple)) and any(isinstance(x, dict) for x in v))
        for v in value.values())


def scrub(value: Any, needles_: list[str]) -> Any:
    """A copy of ``value`` without what mentions a needle: list elements and flat records go whole,
    containers (a conversation, a campaign) keep what does not mention the candidate."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if mentions(key, needles_):
                continue
            if isinstance(item, (dict, list, tuple, set, frozenset)) and not _is_record(item):
                kept[key] = scrub(item, needles_)
            elif not mentions(item, needles_):
                kept[key] = item
        return kept
    if isinstance(value, (list, tuple)):
        kept_items = [scrub(v, needles_) for v in value if not mentions(v, needles_)]
        return tuple(kept_items) if isinstance(value, tuple) else kept_items
    if isinstance(value, (set, frozenset)):
        return type(value)(v for v in value if not mentions(v, needles_))
    return value


def scrub_chat_data(chat_data: MutableMapping[str, Any], needles_: list[str]) -> bool:
    """Removes every mention of the candidate from one chat's data, in place; True when something changed."""
    if not mentions(dict(chat_data), needles_):
        return False
    for key in list(chat_data):
        value = chat_data[key]
        if mentions(key, needles_) or (not isinstance(value, (dict, list, tuple, set)) and mentions(value, needles_)):
            del chat_data[key]
            continue
        cleaned = scrub(value, needles_)
        if mentions(cleaned, needles_):  # whatever the shape, nothing may be left
            del chat_data[key]
        else:
            chat_data[key] = cleaned
    return True


def remove_uploads(kb: Any, data_dir: Path, candidate_id: str) -> int:
    """Deletes the PDFs uploaded for a candidate and the catalog's records of those files; returns files removed.

    Uploads live under the knowledge base's data_dir; the front end's is searched too, in case they differ.
    """
    roots = {Path(data_dir)}
    if getattr(kb, "settings", None) is not None:
        roots.add(Path(kb.settings.data_dir))
    removed, folders = 0, [root / UPLOADS / candidate_id for root in roots]
    for folder in folders:
        if folder.is_dir():
            removed += sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
    catalog = getattr(kb, "catalog", None)
    if catalog is not None:
        prefixes = [str(f) for f in folders] + [str(f.resolve()) for f in folders]
        stale = [path for path in catalog.data.sources
                 if any(path == p or path.startswith(p + "/") for p in prefixes)]
        others = {p for key, record in catalog.data.sources.items() if key not in stale for p in record.paper_ids}
        gone_chunks: list[str] = []
        for path in stale:
            record = catalog.data.sources.pop(path)
            for paper_id in set(record.paper_ids) - others:  # papers only these files brought go with them
                catalog.papers.pop(paper_id, None)
                for chunk_id in record.chunk_ids:
                    chunk = catalog.data.chunks.get(chunk_id)
                    if chunk is not None and chunk.paper_id == paper_id:
                        catalog.data.chunks.pop(chunk_id)
                        gone_chunks.append(chunk_id)
        if gone_chunks and getattr(kb, "store", None) is not None:
            kb.store.delete(gone_chunks)
        if stale:
            catalog.changed()
            catalog.save()
    return removed


def forget_candidate(assistant: Any, store: PipelineStore, candidate_id: str, actor: str,
                     data_dir: Path) -> ForgetReport:
    """Forgets a candidate in the knowledge base (chunks, dossier), uploads and the pipeline; chats are the caller's."""
    started = time.perf_counter()
    report = ForgetReport()
    if hasattr(assistant, "forget"):
        report.knowledge = dict(assistant.forget(candidate_id) or {})
    report.uploads = remove_uploads(getattr(assistant, "kb", None), data_dir, candidate_id)
    report.pipeline = store.forget(candidate_id, actor)
    logger.info("Forgot %s for %s in %.0f ms: knowledge %s, uploads %d, pipeline %s", audit.short_key(candidate_id),
                actor, (time.perf_counter() - started) * 1000, report.knowledge, report.uploads, report.pipeline)
    return report
