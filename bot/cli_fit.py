"""`recruitbot fit`: how well a researcher matches a text (a topic, a role, an abstract), by the affinity model.

    recruitbot fit NAME "TEXT" [--json]
    recruitbot fit --jsonl FILE      lines {"id", "candidate" (person id or name), "text"}
                                     -> {"id", "candidate_id", "score", "evidence": [paper ids]}

The index is loaded once; every distinct text is embedded once, in length-sorted batches. A line that cannot
be scored (bad JSON, a missing field, a name that matches nobody or several people) gets an error record
naming the line and what is wrong, in place, so that output lines stay in step with input lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from bot.cli import app, console, open_kb, out


class FitInputError(ValueError):
    """A fit request that cannot be scored, said so that the user can fix it."""


def resolve_candidate(kb, name: str) -> str:
    """The one person id that ``name`` (an id or a name) means; FitInputError otherwise."""
    name = name.strip()
    if name in kb.catalog.candidates:
        return name
    resolution = kb.resolve(name)
    ids = [p for p in resolution.ids if p in kb.catalog.candidates]
    if len(ids) == 1 and not resolution.choices:
        return ids[0]
    choices = list(dict.fromkeys(ids + resolution.choices))[:5]
    if choices:
        raise FitInputError(f"{name!r} fits several candidates: {', '.join(choices)}; give the person id")
    raise FitInputError(f"no candidate matches {name!r}")


def fit_record(kb, item_id, candidate_id: str, text: str, vector=None) -> dict:
    from bot.assistant.affinity import fit, fit_text

    result = fit(kb, candidate_id, fit_text(kb, text), vector=vector)
    return {"id": item_id, "candidate_id": candidate_id, "score": result.score, "evidence": result.evidence}


def read_requests(lines: list[str], source: str):
    """(line number, id, candidate, text) or (line number, id, error message) for each non-empty line."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield number, None, None, f"{source}:{number}: is not valid JSON ({exc.msg})"
            continue
        if not isinstance(item, dict):
            yield number, None, None, f"{source}:{number}: is not a JSON object"
            continue
        missing = [f for f in ("candidate", "text") if not isinstance(item.get(f), str) or not item[f].strip()]
        if missing:
            yield number, item.get("id"), None, f"{source}:{number}: field '{missing[0]}' must be a non-empty string"
            continue
        yield number, item.get("id"), (item["candidate"], item["text"]), None


def fit_lines(kb, lines: list[str], source: str):
    """Fit records, in input order; the texts are embedded together first."""
    requests = list(read_requests(lines, source))
    from bot.assistant.affinity import fit_text

    texts = list(dict.fromkeys(r[2][1] for r in requests if r[2] is not None))
    vectors = dict(zip(texts, kb.embedder.embed_array([fit_text(kb, t) for t in texts]))) if texts else {}
    for number, item_id, request, error in requests:
        if request is not None:
            try:
                candidate_id = resolve_candidate(kb, request[0])
            except FitInputError as exc:
                error = f"{source}:{number}: {exc}"
            else:
                yield fit_record(kb, item_id, candidate_id, request[1], vectors[request[1]])
                continue
        yield {"id": item_id, "line": number, "error": error}


@app.command()
def fit(name: Optional[str] = typer.Argument(None, help="Candidate: person id or name."),
        text: Optional[str] = typer.Argument(None, help="A topic, a role description or an abstract."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        jsonl: Optional[Path] = typer.Option(None, "--jsonl", help='Requests: one {"id", "candidate", "text"} a line.'),
        ) -> None:
    """How well a candidate's papers match a text: a score and the papers that carry it."""
    if jsonl is not None:
        try:
            lines = (sys.stdin if str(jsonl) == "-" else jsonl.open(encoding="utf-8")).read().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            console.print(f"[red]{jsonl} cannot be read:[/red] {getattr(exc, 'strerror', None) or exc}")
            raise typer.Exit(2)
        kb = open_kb()
        failed = 0
        for record in fit_lines(kb, lines, str(jsonl)):
            failed += "error" in record
            print(json.dumps(record, ensure_ascii=False), flush=True)
        if failed:
            console.print(f"{failed} line(s) could not be scored; see their error records.")
        return
    if not name or not text or not text.strip():
        console.print('[red]Give NAME "TEXT", or --jsonl FILE.[/red]')
        raise typer.Exit(2)
    kb = open_kb()
    try:
        candidate_id = resolve_candidate(kb, name)
    except FitInputError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    record = fit_record(kb, None, candidate_id, text)
    if as_json:
        record.pop("id")
        print(json.dumps(record, ensure_ascii=False))
        return
    candidate = kb.catalog.candidates[candidate_id]
    out.print(f"[bold]{candidate.name}[/bold] ({candidate_id}): fit {record['score']:.3f}")
    for paper_id in record["evidence"]:
        paper = kb.catalog.papers[paper_id]
        out.print(f"   - {paper.title} ({paper.venue or paper.year or ''})", markup=False, highlight=False)
