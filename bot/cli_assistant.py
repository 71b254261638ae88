"""The assistant's commands: ask | find | draft | chat | eval | serve (registered on bot.cli's app)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

from bot.cli import _read_jsonl, app, console, load_settings, open_kb, out


def open_assistant(settings=None):
    from bot.assistant.service import build_assistant
    from bot.prompts import PromptError

    settings = settings or load_settings()
    try:
        return build_assistant(settings, kb=open_kb(settings))
    except PromptError as exc:
        console.print(f"[red]Prompt error:[/red] {exc}")
        raise typer.Exit(2)


def reply_record(answer) -> dict:
    """One reply in the JSON contract: answer, status, citations (in the order cited), people, options, draft.

    ``draft`` is the message as sent (subject line, then body) so that any reader of text can score it;
    ``draft_details`` holds its parts. ``paper_ids`` is the retrieval ranking behind the answer: the cited papers,
    then the next best, ten in all at most.
    """
    cited = [c.paper.id for c in answer.citations]
    ranked = (cited + [p for p in answer.ranked_paper_ids if p not in cited])[:max(10, len(cited))]
    record = {"answer": answer.text, "status": answer.status, "citations": cited,
              "candidate_ids": answer.candidate_ids, "options": answer.clarify, "draft": None,
              "paper_ids": [] if answer.not_found else ranked, "not_found": answer.not_found,
              "engine": answer.engine, "warnings": answer.warnings}
    if answer.draft is not None:
        d = answer.draft
        from bot.assistant.drafting import subject_label

        record["draft"] = (f"{subject_label(d.language)}: {d.subject}\n\n" if d.subject else "") + d.body
        record["draft_details"] = {"subject": d.subject, "body": d.body, "channel": d.channel, "language": d.language,
                                   "tone": d.tone, "cited_paper_ids": d.cited_paper_ids}
    return record


def answer_record(answer, item_id=None) -> dict:
    """One answer as the JSON lines of `ask --jsonl`."""
    return {"id": item_id, **reply_record(answer)}


def render_answer(answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines += [f"[{i}] {c.paper.title} ({c.paper.venue or c.paper.year}) {c.paper.url or ''}".rstrip()
                  for i, c in enumerate(answer.citations, 1)]
    lines += [f"⚠ {w}" for w in answer.warnings]
    lines.append(f"— {answer.engine}")
    return "\n".join(lines)


@app.command()
def ask(question: Optional[str] = typer.Argument(None), as_json: bool = typer.Option(False, "--json"),
        jsonl: Optional[Path] = typer.Option(None, help="Questions file: one {id, question} per line.")) -> None:
    """Answers a question about candidates and their papers, citing the papers."""
    assistant = open_assistant()
    if jsonl is not None:
        for item in _read_jsonl(jsonl):
            print(json.dumps(answer_record(assistant.ask(item["question"]), item.get("id")), ensure_ascii=False),
                  flush=True)
        return
    if not question:
        console.print("[red]Give a QUESTION or --jsonl FILE.[/red]")
        raise typer.Exit(2)
    answer = assistant.ask(question)
    print(json.dumps(answer_record(answer), ensure_ascii=False) if as_json else render_answer(answer))


@app.command()
def find(topic: str, k: int = typer.Option(10), as_json: bool = typer.Option(False, "--json")) -> None:
    """Finds candidates who have worked on a topic, with the papers as evidence."""
    hits = open_assistant().find(topic, k)
    if as_json:
        print(json.dumps([{"candidate_id": h.candidate.id, "name": h.candidate.name, "score": h.score,
                           "paper_ids": [c.paper.id for c in h.evidence]} for h in hits]))
        return
    for rank, hit in enumerate(hits, 1):
        out.print(f"{rank}. [bold]{hit.candidate.name}[/bold] ({hit.candidate.id})")
        for citation in hit.evidence:
            out.print(f"   - {citation.paper.title} ({citation.paper.venue})")


@app.command()
def draft(name: str, channel: str = typer.Option("email", help="email | linkedin | whatsapp | telegram"),
          language: Optional[str] = typer.Option(None, help="en, fr, ...; the candidate's first language by default"),
          tone: str = typer.Option("warm", help="casual | warm | formal"), purpose: str = typer.Option("", help="Role or team."),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Drafts a first-contact message that cites the candidate's own papers."""
    from bot.assistant.drafting import subject_label
    from bot.assistant.gate import DoNotContactError
    from bot.assistant.service import UnknownCandidateError

    settings = load_settings()
    assistant = open_assistant(settings)
    try:  # the assistant's contact gate refuses do-not-contact candidates and warns within the cool-down
        result = assistant.draft(name, channel=channel, language=language, tone=tone, purpose=purpose)
    except (UnknownCandidateError, DoNotContactError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps({"subject": result.subject, "body": result.body, "cited_paper_ids": result.cited_paper_ids,
                          "warnings": result.warnings, "engine": result.engine}, ensure_ascii=False))
        return
    if result.subject:
        print(f"{subject_label(result.language)}: {result.subject}\n")
    print(result.body)
    for warning in result.warnings:
        print(f"⚠ {warning}")


@app.command()
def chat(jsonl: Optional[Path] = typer.Option(None, help="Conversations file: one {id, turns: [...]} per line; "
                                                        "prints one {id, replies: [...]} per line.")) -> None:
    """A conversation in the terminal over the same assistant (follow-ups remember the candidate)."""
    from bot.assistant.protocol import Conversation

    assistant = open_assistant()
    if jsonl is not None:
        for item in _read_jsonl(jsonl, needs="turns", kind=list):
            turns = item["turns"]
            conversation = Conversation()
            replies = [reply_record(assistant.ask(t if isinstance(t, str) else str(t.get("say", "")), conversation))
                       for t in turns]
            print(json.dumps({"id": item.get("id"), "replies": replies}, ensure_ascii=False), flush=True)
        return
    conversation = Conversation()
    console.print(f"recruitbot ({assistant.engine}). Ask about candidates and papers; 'draft an email to NAME'; "
                  "an empty line or Ctrl-D ends.")
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        out.print(render_answer(assistant.ask(question, conversation)), markup=False, highlight=False)


@app.command(name="eval")
def evaluate(path: Path, output: Optional[Path] = typer.Option(None, help="Write each item's output here.")) -> None:
    """Scores a question file in the shared eval format and prints a table per type."""
    from bot.evaluation import Scorer, load_questions

    assistant = open_assistant()
    questions = load_questions(path)
    scorer = Scorer([p.model_dump() for p in assistant.kb.catalog.papers.values()])
    results, outputs, timings = [], [], []
    for item in questions:
        started = time.perf_counter()
        answer = assistant.ask(item["question"])
        timings.append(time.perf_counter() - started)
        record = answer_record(answer, item["id"])
        outputs.append(record)
        results.append(scorer.score(item, record))
    scorer.print_table(scorer.summarise(results))
    timings.sort()
    console.print(f"ask latency p50 {timings[len(timings) // 2] * 1000:.0f} ms, "
                  f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.0f} ms over {len(timings)} questions")
    if output:
        output.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in outputs) + "\n")


@app.command()
def serve() -> None:
    """Runs the Telegram bot (long polling, or a webhook when configured)."""
    from bot.telegram.app import run

    settings = load_settings()
    if settings.telegram.token is None:
        console.print("[red]Set RECRUITBOT_TELEGRAM__TOKEN to the bot token from @BotFather.[/red]")
        raise typer.Exit(2)
    run(settings, open_assistant(settings))
