"""The sources' commands: add | refresh | papers list/drop/split (registered on bot.cli's app)."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from bot.cli import app, console, load_settings, open_kb

papers_app = typer.Typer(no_args_is_help=True, help="An imported person's papers: list, drop or split them off.")
app.add_typer(papers_app, name="papers")


def _fail(exc: Exception, code: int = 1):
    console.print(str(exc), style="red", markup=False, highlight=False)
    raise typer.Exit(code)


def _report(result) -> None:
    from bot.sources.models import LABELS

    ids = ", ".join(f"{LABELS.get(k, k)} {v}" for k, v in result.source_ids.items())
    typer.echo(f"{result.name} ({result.person_id}): {len(result.added)} new papers from {LABELS[result.source]}, "
              f"{result.total} in all" + (f", {result.dropped} dropped" if result.dropped else "")
              + (f"; source ids: {ids}" if ids else ""))
    for message in result.messages:
        typer.echo(f"  {message}")


@app.command()
def add(name: str = typer.Argument(..., help="The researcher's name."),
        source: Optional[str] = typer.Option(None, help="openalex | semanticscholar | arxiv | dblp | orcid."),
        id_: Optional[str] = typer.Option(None, "--id", help="Import this id (source:id, or an ORCID iD)."),
        pick: Optional[int] = typer.Option(None, help="Take the N-th person found without asking."),
        drop: list[str] = typer.Option([], help="A paper id not to import (repeatable)."),
        same_as: Optional[str] = typer.Option(None, help="Candidate id this person is known to be.")) -> None:
    """Finds a researcher in a scholarly source and imports their papers and dossier."""
    from bot.sources import service
    from bot.sources.calls import SourceError

    settings = load_settings()
    kb = open_kb(settings)
    notes: list[str] = []
    try:
        if id_:
            chosen = id_ if ":" in id_ or not source else f"{source}:{id_}"
        else:
            matches = service.search_people(settings, name, source, kb=kb, notes=notes)
            for note in notes:
                console.print(note, markup=False, highlight=False)
            typer.echo(service.render_choices(matches, name))
            if not matches:
                raise typer.Exit(1)
            chosen = _choose(matches, pick)
        result = service.import_person(settings, kb, chosen, source=source, drop=drop, same_as=same_as,
                                       name=name)
    except (SourceError, service.NoSourceError, ValueError) as exc:
        _fail(exc, 2 if isinstance(exc, service.NoSourceError) else 1)
    _report(result)


def _choose(matches, pick: int | None):
    from bot.sources.service import pick as pick_match

    if pick is None:
        if not sys.stdin.isatty():
            _fail(ValueError("Several people may fit: rerun with --pick N, or --id SOURCE:ID."))
        answer = typer.prompt(f"Which one (1-{len(matches)}, or source:id)")
        chosen = pick_match(matches, answer)
    else:
        chosen = matches[pick - 1] if 1 <= pick <= len(matches) else None
    if chosen is None:
        _fail(ValueError(f"Choose a number from 1 to {len(matches)}."))
    return chosen


@app.command()
def refresh(name: Optional[str] = typer.Argument(None, help="One imported person; everyone by default.")) -> None:
    """Brings in papers published since the last sync; says which candidates in the pipeline have news."""
    from bot.cli_pipeline import open_store
    from bot.sources import notify, service

    settings = load_settings()
    kb = open_kb(settings)
    try:
        results = service.refresh(settings, kb, name)
    except ValueError as exc:
        _fail(exc)
    if not results:
        typer.echo("Nobody is imported yet: `recruitbot add NAME` imports a researcher.")
        return
    for result in results:
        _report(result)
    for notice in notify.notices(open_store(settings), results):
        typer.echo(f"→ {notice.owner}: {notice.text}")


@papers_app.command("list")
def list_papers(name: str) -> None:
    """An imported person's papers with their ids (dropped ones marked)."""
    from bot.sources import service

    try:
        state = service.find_imported(load_settings(), name)
    except ValueError as exc:
        _fail(exc)
    for key, work in sorted(state.works.items(), key=lambda kv: -(kv[1].year or 0)):
        mark = " (dropped)" if key in state.dropped else ""
        typer.echo(f"{key}  {work.year or '????'}  {work.title}{mark}")


@papers_app.command("drop")
def drop_papers(name: str, papers: list[str] = typer.Argument(..., help="Paper ids (see papers list).")) -> None:
    """Removes papers that are not this person's; refresh never brings them back."""
    from bot.sources import service

    settings = load_settings()
    try:
        result = service.drop_papers(settings, open_kb(settings), name, papers)
    except ValueError as exc:
        _fail(exc)
    _report(result)


@papers_app.command("split")
def split_papers(name: str, papers: list[str] = typer.Argument(..., help="Paper ids of the other person.")) -> None:
    """Moves papers to a separate person of the same name: a merged profile becomes two people."""
    from bot.sources import service

    settings = load_settings()
    try:
        kept, other = service.split_papers(settings, open_kb(settings), name, papers)
    except ValueError as exc:
        _fail(exc)
    _report(kept)
    _report(other)
