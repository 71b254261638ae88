"""Dossier files (YAML, or Markdown with YAML front matter), read defensively.

A dossier is hand-written by a recruiter, so every field is validated here, at ingest, against the
``Candidate`` model, and the error names the file, the line and the field: a wrongly typed field that got
into the catalog would otherwise break every later read of every candidate. YAML aliases are bounded (an
"alias bomb" of nested anchors expands to gigabytes) and so is a record's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.models import Candidate

# A dossier is a few hundred bytes; these bounds are far above any real one and far below harm.
MAX_DOSSIER_BYTES = 256 * 1024
MAX_ALIASES = 32
MAX_NODES = 5000
# Fields the knowledge base derives from the papers; a dossier may not set them.
DERIVED = ("coauthors", "ambiguous")


class DossierError(ValueError):
    """A dossier that cannot be used, with the line and field when they are known."""

    def __init__(self, message: str, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message, self.line, self.field = message, line, field


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with too many aliases."""

    aliases = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise DossierError(f"uses more than {MAX_ALIASES} YAML aliases; refused", line=mark.line + 1)
        return super().compose_node(parent, index)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes the document has once every alias is expanded (shared nodes counted each time)."""
    key = id(node)
    if key not in memo:
        memo[key] = 0  # a cycle counts as nothing more (recursive YAML is refused by the constructor anyway)
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(_expanded_size(child, memo) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        memo[key] = min(size, MAX_NODES + 1)
    return memo[key]


def parse_yaml(text: str, line_offset: int = 0) -> tuple[Any, dict[str, int]]:
    """The YAML document and the line of each top-level key; DossierError when it is too big or broken."""
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _expanded_size(node, {}) > MAX_NODES:
            raise DossierError(f"expands to more than {MAX_NODES} YAML values (nested aliases?); refused")
        lines = {}
        if isinstance(node, yaml.MappingNode):
            lines = {str(k.value): k.start_mark.line + 1 + line_offset for k, _ in node.value
                     if isinstance(k, yaml.ScalarNode)}
        return loader.construct_document(node), lines
    except DossierError as exc:
        if exc.line is not None:
            exc.line += line_offset
        raise
    except RecursionError as exc:
        raise DossierError("is nested too deeply; refused") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        raise DossierError(f"is not valid YAML ({getattr(exc, 'problem', None) or exc})", line=line) from exc
    finally:
        loader.dispose()


def _split_front_matter(text: str) -> tuple[str, str]:
    """Front matter and body of a Markdown dossier ('---' fenced YAML, then the notes)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise DossierError("has no front matter (a '---' line, the fields, and '---' again)", line=1)
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "".join(lines[1:number]), "".join(lines[number + 1:])
    raise DossierError("has front matter that is never closed with '---'", line=1)


def read_dossier(path: Path) -> dict[str, Any]:
    """A validated dossier's fields; DossierError says what is wrong and where."""
    try:
        size = path.stat().st_size
        if size > MAX_DOSSIER_BYTES:
            raise DossierError(f"is {size // 1024} KB, over the {MAX_DOSSIER_BYTES // 1024} KB limit for a dossier")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DossierError("is not UTF-8 text") from exc
    except OSError as exc:
        raise DossierError(f"cannot be read: {exc.strerror or exc}") from exc
    body = ""
    if path.suffix.lower() == ".md":
        front, body = _split_front_matter(text)
        data, lines = parse_yaml(front, line_offset=1)
    else:
        data, lines = parse_yaml(text)
    if not isinstance(data, dict):
        raise DossierError("must hold a mapping of dossier fields")
    if body.strip():
        notes = data.get("notes", "")
        if not isinstance(notes, str):
            raise DossierError("must be text", line=lines.get("notes"), field="notes")
        data["notes"] = (notes + "\n" + body.strip()).strip()
    return validate(data, lines)


def validate(data: dict[Any, Any], lines: dict[str, int]) -> dict[str, Any]:
    """Checks every field against the Candidate model; returns the fields as the model reads them."""
    person = data.get("id")
    if person is None or person == "":
        raise DossierError("is required (the candidate's person id)", field="id")
    if not isinstance(person, str):
        raise DossierError(f"must be a text person id such as 'ann-lee', not {type(person).__name__} {person!r:.40}",
                           line=lines.get("id"), field="id")
    for key in data:
        if not isinstance(key, str):
            raise DossierError(f"field names must be text, not {key!r:.40}")
    allowed = [f for f in Candidate.model_fields if f not in DERIVED]
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise DossierError(f"is not a dossier field (allowed: {', '.join(allowed)})", line=lines.get(unknown[0]),
                           field=unknown[0])
    try:
        candidate = Candidate.model_validate({"name": person, **data})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "record"
        raise DossierError(first["msg"].lower(), line=lines.get(str(first["loc"][0])), field=field) from exc
    dumped = candidate.model_dump(include=set(data))
    if "name" in data and not dumped["name"].strip():
        raise DossierError("must not be empty", line=lines.get("name"), field="name")
    return dumped
