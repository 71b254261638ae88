"""Prompts are files in prompts/, loaded and checked at start-up, so a broken one fails before any user asks.

Each file has front matter (``description``, ``variables``) and a body with ``## system`` and ``## user``
sections. Placeholders are ``{name}``; a literal brace is doubled. The placeholders found must be
exactly the declared variables, and the declared variables exactly what the code passes.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from bot.settings import PROJECT_ROOT

PROMPT_DIR = PROJECT_ROOT / "prompts"

# What the code fills in, per prompt: a file that asks for anything else is rejected.
EXPECTED: dict[str, set[str]] = {
    "persona": {"sender", "sender_title", "organisation"},
    "answer": {"persona", "question", "papers", "draft_answer"},
    "draft": {"persona", "organisation_facts", "candidate", "papers", "channel", "budget", "language", "tone",
              "purpose"},
    "revise": {"persona", "instruction", "draft", "papers", "language", "budget"},
    "translate_query": {"question"},
    "understand": {"operations", "context", "message"},
}


class PromptError(ValueError):
    """A prompt file is missing or its placeholders are not the ones the code fills."""


@dataclass(frozen=True)
class Prompt:
    """A checked prompt."""

    name: str
    system: str
    user: str

    def render(self, **values: object) -> tuple[str, str]:
        return self.system.format(**values), self.user.format(**values)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def load_prompt(name: str, folder: Path = PROMPT_DIR) -> Prompt:
    path = folder / f"{name}.md"
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PromptError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    declared = set(post.metadata.get("variables") or [])
    body = post.content
    if "## user" in body:
        system, user = body.split("## user", 1)
        system = system.replace("## system", "", 1).strip()
    else:
        system, user = body.strip(), ""
    try:
        found = _placeholders(system) | _placeholders(user)
    except ValueError as exc:
        raise PromptError(f"{path}: malformed placeholder ({exc}); double literal braces") from exc
    if found != declared:
        raise PromptError(f"{path}: placeholders {sorted(found)} differ from the declared variables {sorted(declared)}")
    expected = EXPECTED.get(name)
    if expected is not None and declared != expected:
        raise PromptError(f"{path}: variables {sorted(declared)}; the code fills {sorted(expected)}")
    return Prompt(name, system, user.strip())


def load_prompts(folder: Path = PROMPT_DIR) -> dict[str, Prompt]:
    """Every prompt the code uses, checked; raises PromptError on the first problem."""
    return {name: load_prompt(name, folder) for name in EXPECTED}
