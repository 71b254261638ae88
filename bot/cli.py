"""recruitbot's command line: ingest | search | ask | find | fit | draft | chat | eval | serve | add | refresh."""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
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


@contextmanager
def store_locked(settings):
    """The store's inter-process lock for a whole command, or a one-line error when it cannot be taken."""
    from bot.knowledge.base import store_lock

    try:
        lock = store_lock(settings)
        lock.acquire()
    except OSError as exc:
        console.print(f"[red]Store error:[/red] the store's lock file cannot be written: {exc.strerror or exc}")
        raise typer.Exit(2)
    try:
        yield
    finally:
        lock.release()


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


def print_failure(error) -> None:
    """One failed record, printed as soon as it is found (a long ingest does not keep them to the end)."""
    console.print(f"  [red]failed[/red] {error}", markup=True, highlight=False)


class _PlainProgress:
    """Progress for a log file or a pipe, where a bar cannot be drawn: a line every 10% (and at the end)."""

    def __init__(self) -> None:
        self.total, self.done, self.said = 0, 0, -1

    def on_total(self, total: int) -> None:
        self.total = total
        if total:
            console.print(f"embedding {total} chunks", highlight=False)

    def on_advance(self, n: int) -> None:
        self.done += n
        step = self.done * 10 // self.total if self.total else 10
        if step != self.said:
            self.said = step
            console.print(f"embedded {self.done}/{self.total}", highlight=False)


def run_ingest(kb, paths: list[Path] | None, candidate: str | None = None):
    if not console.is_terminal:
        plain = _PlainProgress()
        return kb.ingest(paths, on_total=plain.on_total, on_advance=plain.on_advance, candidate=candidate,
                         on_error=print_failure)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("embedding", total=None)
        return kb.ingest(paths, on_total=lambda n: progress.update(task, total=n),
                         on_advance=lambda n: progress.advance(task, n), candidate=candidate,
                         on_error=print_failure)


def report_ingest(report) -> None:
    """The summary line; each failure was printed when it happened."""
    console.print(f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
                  f"removed {report.removed}, failed {len(report.failed)} "
                  f"(embedded {report.embedded}, from cache {report.from_cache})")
    for note in report.flagged:
        console.print(f"[yellow]⚠ {note}[/yellow]", markup=True, highlight=False)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log ids and timings to stderr.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
def ingest(paths: list[Path] = typer.Argument(None, help="Files or folders; the bundled knowledge by default."),
           candidate: Optional[str] = typer.Option(None, help="Person id that PDFs belong to.")) -> None:
    """Adds papers, dossiers and PDFs to the knowledge base; unchanged input is skipped.

    Exits 1 while any record fails: failures are reported again on every run until their file changes.
    """
    settings = load_settings()
    # Held from before the store is opened: another process's client opened mid-write would read a stale index.
    with store_locked(settings):
        kb = open_kb(settings, build=False)
        report = run_ingest(kb, list(paths) if paths else None, candidate)
    report_ingest(report)
    if report.failed:
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
    table = Table(title=None)
    # Ids are what a user copies into the next command: never cut or wrapped; the title gives way instead.
    table.add_column("id", no_wrap=True, min_width=max((len(r["id"]) for r in rows), default=2))
    table.add_column("title", overflow="fold", ratio=1)
    for column in ("year", "score"):
        table.add_column(column, no_wrap=True)
    table.add_column("candidates", overflow="fold")
    for row in rows:
        table.add_row(row["id"], row["title"], str(row["year"]), f"{row['score']:.4f}", ", ".join(row["candidate_ids"]))
    out.print(table)


def _read_jsonl(path: Path, needs: str = "question", kind: type = str):
    """{id, question} lines (or another field ``needs`` of type ``kind``); a broken line is reported with its
    number and skipped."""
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
            if not isinstance(item, dict) or not isinstance(item.get(needs), kind):
                raise ValueError(f"needs a '{needs}' {'string' if kind is str else kind.__name__}")
        except ValueError as exc:
            console.print(f"[red]{path}:{number}:[/red] {exc}")
            continue
        yield item


def user_error(exc: BaseException) -> str | None:
    """One line for a mistake a user can fix (a value that is not allowed, a missing file); None for a bug."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "value"
        given = first.get("input")
        allowed = first.get("ctx", {}).get("expected")
        valid = f"; valid: {allowed}" if allowed else f" ({first['msg'].lower()})"
        return f"{field}: {given!r:.60} is not valid{valid}"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return None


def run() -> None:
    """The `recruitbot` command: a user's mistake is one line and exit code 2, never a traceback."""
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - the last stop before a user would see a traceback
        line = user_error(exc)
        if line is None:
            logging.getLogger(__name__).debug("unexpected error", exc_info=True)
            line = f"unexpected {type(exc).__name__}: {exc} (run with -v and report it)"
        console.print(f"[red]Error:[/red] {line}", highlight=False)
        sys.exit(2)


# The assistant's commands register themselves on `app`.
from bot import cli_assistant  # noqa: E402,F401
from bot import cli_pipeline  # noqa: E402,F401
from bot import cli_sources  # noqa: E402,F401
from bot import cli_fit  # noqa: E402,F401
