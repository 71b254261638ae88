"""recruitbot's command line: ingest | search | ask | find | fit | draft | chat | eval | serve."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, help="A recruiting assistant that has read the papers.")
console = Console(stderr=True, soft_wrap=True)
out = Console()


def load_settings():
    """Settings from the environment and .env, or a clear message and exit code 2."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        console.print(f"[red]Invalid settings:[/red] {exc}")
        raise typer.Exit(2)


def open_kb(settings=None, build: bool = True):
    """The knowledge base, built from the bundled knowledge on first use (with a progress bar)."""
    from bot.knowledge.base import KnowledgeBase
    from bot.knowledge.store import StoreError

    settings = settings or load_settings()
    try:
        kb = KnowledgeBase(settings)
    except StoreError as exc:
        console.print(f"[red]Store error:[/red] {exc}")
        raise typer.Exit(2)
    if build and not kb.catalog.papers:
        console.print("First run: indexing the bundled knowledge.")
        report_ingest(run_ingest(kb, None))
    return kb


def run_ingest(kb, paths: list[Path] | None, candidate: str | None = None):
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("embedding", total=None)
        return kb.ingest(paths, on_total=lambda n: progress.update(task, total=n),
                         on_advance=lambda n: progress.advance(task, n), candidate=candidate)


def report_ingest(report) -> None:
    console.print(f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
                  f"removed {report.removed}, failed {len(report.failed)} "
                  f"(embedded {report.embedded}, from cache {report.from_cache})")
    for error in report.failed:
        console.print(f"  [red]failed[/red] {error}")


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log ids and timings to stderr.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
def ingest(paths: list[Path] = typer.Argument(None, help="Files or folders; the bundled knowledge by default."),
           candidate: Optional[str] = typer.Option(None, help="Person id that PDFs belong to.")) -> None:
    """Adds papers, dossiers and PDFs to the knowledge base; unchanged input is skipped."""
    kb = open_kb(build=False)
    report = run_ingest(kb, list(paths) if paths else None, candidate)
    report_ingest(report)
    if report.failed and not (report.added or report.updated or report.unchanged):
        raise typer.Exit(1)


def _search_line(kb, item: dict, k: int) -> dict:
    from bot.knowledge.retrieve import pad, retrieve

    found = retrieve(kb, item["question"], k=k)
    ranking = found.ranking
    if found.restricted and len(ranking) < k:
        ranking = pad(ranking, kb.searcher.rank(found.query, None, n=k * 3), k)
    else:
        ranking = [p for p, _ in ranking]
    candidates = found.candidate_ids or found.choices
    if not candidates:
        candidates = list(dict.fromkeys(a for p in ranking for a in kb.catalog.papers[p].author_ids))
    return {"id": item.get("id"), "candidate_ids": candidates, "paper_ids": ranking[:max(k, 10)]}


@app.command()
def search(query: Optional[str] = typer.Argument(None, help="What to look for."),
           candidate: Optional[str] = typer.Option(None, help="Search only this candidate's papers."),
           k: int = typer.Option(10, help="How many papers."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON."),
           jsonl: Optional[Path] = typer.Option(None, help="Questions file: one {id, question} per line.")) -> None:
    """Ranks papers by hybrid search (dense + BM25), within a candidate's papers when one is named."""
    kb = open_kb()
    if jsonl is not None:
        for item in _read_jsonl(jsonl):
            print(json.dumps(_search_line(kb, item, k)), flush=True)
        return
    if not query:
        console.print("[red]Give a QUERY or --jsonl FILE.[/red]")
        raise typer.Exit(2)
    people = None
    if candidate:
        resolution = kb.resolve(candidate)
        people = resolution.ids[:1] or ([candidate] if candidate in kb.catalog.candidates else [])
        if not people:
            console.print(f"[red]No candidate matches {candidate!r}.[/red]" + (
                f" Did you mean: {', '.join(resolution.choices[:5])}?" if resolution.choices else ""))
            raise typer.Exit(1)
    results = kb.searcher.search(query, people, k)
    rows = [{"id": c.paper.id, "title": c.paper.title, "year": c.paper.year, "score": round(c.score, 4),
             "candidate_ids": c.paper.author_ids} for c in results]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "title", "year", "score", "candidates")
    for row in rows:
        table.add_row(row["id"], row["title"], str(row["year"]), f"{row['score']:.4f}", ", ".join(row["candidate_ids"]))
    out.print(table)


def _read_jsonl(path: Path):
    """{id, question} lines; a broken line is reported with its number and skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        console.print(f"[red]{path} cannot be read:[/red] {exc.strerror or exc}")
        raise typer.Exit(2)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise ValueError("needs a 'question' string")
        except ValueError as exc:
            console.print(f"[red]{path}:{number}:[/red] {exc}")
            continue
        yield item


# The assistant's commands register themselves on `app`.
from bot import cli_assistant  # noqa: E402,F401
from bot import cli_pipeline  # noqa: E402,F401
from bot import cli_fit  # noqa: E402,F401
