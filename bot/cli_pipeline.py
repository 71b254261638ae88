"""The pipeline's commands: pipeline | forget | export | restore (registered on bot.cli's app)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from bot.cli import app, console, load_settings, out


def open_store(settings):
    from bot.pipeline.store import PipelineStore

    try:
        return PipelineStore.from_settings(settings)
    except Exception as exc:  # noqa: BLE001 — SQLAlchemy and drivers raise many kinds; say which database
        console.print(f"[red]Cannot open the pipeline database:[/red] {type(exc).__name__}: {exc}")
        raise typer.Exit(2)


def _resolve(assistant, name: str):
    candidate = assistant.candidate(name)
    if candidate is None:
        console.print(f"[red]No candidate matches {name!r}.[/red]")
        raise typer.Exit(1)
    return candidate


pipeline_app = typer.Typer(help="The recruiting pipeline: the funnel, stages, notes and follow-ups.",
                           no_args_is_help=False)
app.add_typer(pipeline_app, name="pipeline")


@pipeline_app.callback(invoke_without_command=True)
def pipeline(ctx: typer.Context, chart: Optional[Path] = typer.Option(None, help="Write the funnel chart here as PNG."),
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Shows candidates per stage, the funnel, and how many follow-ups are due (or runs a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.pipeline.charts import funnel_chart

    store = open_store(load_settings())
    counts, funnel, due = store.counts(), store.funnel(), len(store.due())
    if chart is not None:
        chart.write_bytes(funnel_chart(funnel, counts))
        console.print(f"funnel chart written to {chart}")
    if as_json:
        print(json.dumps({"counts": {s.value: n for s, n in counts.items()},
                          "funnel": {s.value: n for s, n in funnel}, "followups_due": due}))
        return
    reached = dict(funnel)
    table = Table("stage", "now", "reached")
    for stage, count in counts.items():
        table.add_row(stage.value, str(count), str(reached[stage]) if stage in reached else "")
    out.print(table)
    out.print(f"follow-ups due: {due}")


def _person_and_store(name: str):
    from bot.cli_assistant import open_assistant

    settings = load_settings()
    candidate = _resolve(open_assistant(settings), name)
    return candidate, open_store(settings)


@pipeline_app.command("stage")
def set_stage(name: str, stage: str = typer.Argument(..., help="sourced, contacted, replied, call, offer, joined, "
                                                     "declined or do-not-contact")) -> None:
    """Moves a candidate to a stage."""
    from bot.pipeline.audit import cli_actor
    from bot.pipeline.models import Stage

    try:
        wanted = Stage.parse(stage)
    except ValueError:
        console.print(f"[red]{stage!r} is not a stage;[/red] valid: {', '.join(s.value for s in Stage)}")
        raise typer.Exit(2)
    candidate, store = _person_and_store(name)
    previous = store.set_stage(candidate.id, wanted, cli_actor())
    console.print(f"{candidate.name}: {previous.value if previous else 'not in the pipeline'} → {wanted.value}")


@pipeline_app.command("note")
def add_note(name: str, text: str) -> None:
    """Adds a note on a candidate."""
    from bot.pipeline.audit import cli_actor

    if not text.strip():
        console.print("[red]The note is empty.[/red]")
        raise typer.Exit(2)
    candidate, store = _person_and_store(name)
    note = store.add_note(candidate.id, cli_actor(), text.strip())
    console.print(f"note {note.id} added on {candidate.name}")


@pipeline_app.command("notes")
def list_notes(name: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """A candidate's notes, oldest first."""
    candidate, store = _person_and_store(name)
    notes = store.notes(candidate.id)
    if as_json:
        print(json.dumps([{"id": n.id, "at": n.at.isoformat(), "author": n.author, "text": n.text} for n in notes],
                         ensure_ascii=False))
        return
    for note in notes:
        out.print(f"{note.at:%Y-%m-%d %H:%M} {note.author}: {note.text}", markup=False, highlight=False)
    if not notes:
        console.print(f"no notes on {candidate.name}")


@pipeline_app.command("followups")
def list_follow_ups(due: bool = typer.Option(False, "--due", help="Only those due now."),
                    as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Open follow-ups (ids, candidates, due dates); `pipeline done ID` closes one."""
    store = open_store(load_settings())
    rows = store.due() if due else store.follow_ups()
    records = [{"id": f.id, "candidate_id": f.candidate_id, "due_at": f.due_at.isoformat(), "owner": f.owner}
               for f in rows]
    if as_json:
        print(json.dumps(records))
        return
    table = Table("id", "candidate", "due", "owner")
    for record in records:
        table.add_row(str(record["id"]), record["candidate_id"], record["due_at"][:16], record["owner"])
    out.print(table)


@pipeline_app.command("done")
def follow_up_done(follow_up_id: int) -> None:
    """Marks a follow-up done."""
    from bot.pipeline.audit import cli_actor

    if not open_store(load_settings()).complete_follow_up(follow_up_id, cli_actor()):
        console.print(f"[red]No open follow-up {follow_up_id}[/red] (see `recruitbot pipeline followups`).")
        raise typer.Exit(1)
    console.print(f"follow-up {follow_up_id} done")


@app.command()
def forget(name: str, yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
           undo: bool = typer.Option(False, "--undo", help="Allow a forgotten person to be ingested again."),
           person_id: Optional[str] = typer.Option(None, "--id", help="With --undo: their person id "
                                                   "(default: made from NAME, e.g. 'ann-lee').")) -> None:
    """Forgets a candidate everywhere: index, dossier, uploads, pipeline, and saved Telegram chats."""
    from bot.cli import store_locked

    settings = load_settings()
    with store_locked(settings):
        if undo:
            _unforget(settings, name, person_id)
        else:
            _forget(settings, name, yes)


def _unforget(settings, name: str, person_id: str | None) -> None:
    from bot.cli import open_kb
    from bot.knowledge.loaders import slugify

    kb = open_kb(settings, build=False)
    person_id = person_id or slugify(name)
    if not kb.unforget(person_id, [name]):
        console.print(f"[red]{person_id!r} is not forgotten[/red] (give their person id with --id).")
        raise typer.Exit(1)
    console.print(f"{name} ({person_id}) may be ingested again; run `recruitbot ingest` to bring their files back.")


def _forget(settings, name: str, yes: bool) -> None:
    from bot.cli_assistant import open_assistant
    from bot.pipeline.audit import cli_actor
    from bot.pipeline.erase import forget_candidate, needles
    from bot.pipeline.traces import find_traces
    from bot.telegram.app import PERSISTENCE_FILE
    from bot.telegram.privacy import scrub_persistence_file

    assistant = open_assistant(settings)
    candidate = _resolve(assistant, name)
    if not yes and not typer.confirm(f"Forget everything about {candidate.name} ({candidate.id})?"):
        raise typer.Exit(1)
    names = needles(candidate.id, [candidate.name, *candidate.name_variants])
    # Their solo papers' titles and their PDFs' text must go too; shared papers stay, without them.
    own = [p for p in assistant.kb.catalog.papers_of(candidate.id) if p.author_ids == [candidate.id]]
    words = names + [p.title for p in own] + [p.abstract[:80] for p in own if p.id.startswith("pdf-")]
    store = open_store(settings)
    report = forget_candidate(assistant, store, candidate.id, cli_actor(), settings.data_dir)
    report.chats = asyncio.run(scrub_persistence_file(settings.data_dir / PERSISTENCE_FILE, names))
    console.print(f"forgotten: knowledge {report.knowledge}, uploads {report.uploads}, pipeline {report.pipeline}, "
                  f"chats {report.chats}")
    folders = [settings.data_dir] + ([settings.store.path] if settings.store.mode == "persistent" else [])
    left = find_traces(words, kb=assistant.kb, store=store, folders=folders)
    out.print(f"remaining traces {sum(left.values())}" + "".join(f"\n  {k}: {v}" for k, v in left.items()),
              markup=False, highlight=False)
    if left:
        raise typer.Exit(1)


@app.command()
def export(name: str, output: Optional[Path] = typer.Option(None, "--output", "-o", help="File; stdout by default.")
           ) -> None:
    """Everything held about a candidate, as JSON: dossier, papers, stages, notes, messages, follow-ups, audit."""
    from bot.cli_assistant import open_assistant
    from bot.pipeline.audit import cli_actor
    from bot.pipeline.records import export_candidate

    settings = load_settings()
    assistant = open_assistant(settings)
    candidate = _resolve(assistant, name)
    document = export_candidate(open_store(settings), candidate.id, cli_actor(), candidate,
                                assistant.papers_of(candidate.id))
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"export written to {output}")


@app.command()
def restore(path: Path) -> None:
    """Writes an export's pipeline records back (stages, notes, messages, follow-ups)."""
    from bot.pipeline.audit import cli_actor
    from bot.pipeline.records import restore_candidate

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        written = restore_candidate(open_store(load_settings()), document, cli_actor())
    except (OSError, ValueError, KeyError) as exc:
        console.print(f"[red]{path} cannot be restored:[/red] {exc}")
        raise typer.Exit(1)
    console.print(f"restored {written} records")
