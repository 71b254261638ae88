"""'Add NAME' in the chat: the people the scholarly sources find, then the one the user picks, imported."""

from __future__ import annotations

import re

from bot.assistant import operations as ops
from bot.assistant.understand.request import Request
from bot.models import Answer

_ADD_NAME = re.compile(r"\b(?:add|import|track|follow)\b\s+(?:(?:a|an|the|new|candidate|researcher|person|called|"
                       r"named|publications|papers|works|record|of|by)\s+)*(.+?)(?:['’]s\s+(?:publications|papers|"
                       r"works|record))?\s*(?:\bfrom\b.*)?[.!?]*$", re.I)


def added_name(text: str) -> str:
    """The name after "add": "add a new candidate called Maren Holt" -> "Maren Holt"."""
    match = _ADD_NAME.search(text)
    return match.group(1).strip(" \"'“”") if match else ""


def add_answer(assistant, request: Request) -> Answer:
    """Finds the people a name may be (what tells them apart, how sure each match is) or imports the one picked."""
    from bot.sources import service
    from bot.sources.calls import SourceError

    settings = assistant.kb.settings
    try:
        if request.people and ":" in request.people[0]:
            result = service.import_person(settings, assistant.kb, request.people[0])
            assistant.refresh_knowledge()
            notes = "".join(f"\n⚠ {m}" for m in result.messages + result.flags)
            text = (f"Imported {result.name} ({result.person_id}) from {result.source}: {len(result.added)} new "
                    f"papers, {result.total} in all. Ask about their work or draft to them now.{notes}")
            return ops.answer(text, [], [result.person_id], "add")
        name = request.topic
        if not name:
            return ops.answer("Whom should I add? Give a name: \"add Jane Doe\".", [], [], "add", status="clarify")
        matches = service.search_people(settings, name, kb=assistant.kb)
    except (service.NoSourceError, SourceError, ValueError) as exc:
        return ops.answer(str(exc), [], [], "add", status="refused")
    if not matches:
        return ops.answer(f"The scholarly sources found no one called {name}.", [], [], "add", status="not_found")
    text = service.render_choices(matches, name) + "\nReply with the number of the person to import."
    return ops.answer(text, [], [], "add", status="clarify", options=[m.ref for m in matches])
