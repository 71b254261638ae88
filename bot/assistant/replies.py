"""Reading a model's replies: a draft's JSON however it comes, and what makes verified text unfit to show.

Small models rarely write the JSON asked of them, stop at the token limit mid-string, or answer by
copying their instructions and the paper list back. ``unpack_draft`` takes what can be taken;
``rejection`` says why a reply that passed the checks is still no message; ``stream_cut`` says how much
of a streamed reply is whole sentences, ready to be verified and shown.
"""

from __future__ import annotations

import json
import re

from bot.assistant.protocol import NOT_FOUND_PHRASE

# Asked of every draft: endpoints with structured output enforce it, the others get it as a hint.
DRAFT_SCHEMA = {"title": "draft", "type": "object", "required": ["subject", "body"],
                "properties": {"subject": {"type": ["string", "null"]}, "body": {"type": "string"}}}
_BODY_KEYS = ("body", "message", "text")
# The body of a JSON reply that does not parse (cut off by the token limit, raw line breaks): the string
# as far as it goes, and whether its closing quote came.
_OPEN_BODY = re.compile(r'"(?:body|message|text)"\s*:\s*"((?:[^"\\]|\\.)*)("?)', re.S)
_OPEN_SUBJECT = re.compile(r'"subject"\s*:\s*"((?:[^"\\]|\\.)*)"')
_JSON_DEBRIS = re.compile(r'\s*(?:\{|```|\[\s*["{\[\]])')
_SENTENCE_END = re.compile(r"[.!?][\"”»)]*(?=\s|$)")
REFS = re.compile(r"[ \t]*\[(\d+(?:\s*,\s*\d+)*)\]")
# Where streamed text may be shown up to: after a sentence's end (and its markers) or a line break.
_STREAM_CUT = re.compile(r"[.!?][\"”»)]*(?:[ \t]*\[[^\]\n]{1,40}\])*[ \t]+(?=\S)|\n")
_QUOTATION = re.compile(r'"[^"\n]*"|“[^”\n]*”|«[^»\n]*»')
_ENGLISH = re.compile(r"\b(?:the|and|of|to|your|you|we|our|is|in|with|would)\b", re.I)
_FRENCH = re.compile(r"\b(?:le|la|les|des|du|de|et|vous|votre|vos|nous|notre|est|une|pour|sur|avec|je)\b", re.I)
# Small models answer by copying their instructions or the paper list. A reply that repeats the paper
# list's labels or two six-word runs of the instructions is an echo.
_LABELS = re.compile(r"\b(?:Authors|Abstract)\s*:")


def _json_string(fragment: str) -> str:
    try:
        return json.loads(f'"{fragment}"', strict=False)
    except ValueError:  # a cut-off escape such as \u00
        return fragment.replace("\\n", "\n").replace('\\"', '"')


def unpack_draft(raw: str) -> tuple[str, str | None]:
    """(body, subject) of a draft reply: JSON, fenced, cut off or with raw line breaks; prose is the body.

    A body cut off by the token limit keeps its whole sentences only; JSON debris with no body is empty.
    """
    data = parse_json_loosely(raw)
    if isinstance(data, dict):
        body = next((data[k] for k in _BODY_KEYS if isinstance(data.get(k), str)), "")
        subject = data.get("subject")
        return body.strip(), subject.strip() if isinstance(subject, str) and subject.strip() else None
    found = _OPEN_BODY.search(raw)
    if found:
        body = _json_string(found.group(1))
        if not found.group(2):
            ends = list(_SENTENCE_END.finditer(body))
            body = body[: ends[-1].end()] if ends else ""
        subject = _OPEN_SUBJECT.search(raw)
        return body.strip(), (_json_string(subject.group(1)).strip() or None) if subject else None
    if _JSON_DEBRIS.match(raw):
        return "", None
    return raw.strip(), None


def _runs(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def echo(text: str, instructions: str) -> str | None:
    """"echo" when a reply copies the paper list's labels or two six-word runs of its instructions."""
    return "echo" if _LABELS.search(text) or len(_runs(text) & _runs(instructions)) >= 2 else None


def rejection(text: str, cited: list[str], instructions: str = "", language: str | None = None) -> str | None:
    """Why checked model text cannot be shown, or None: "empty", "uncited", "not found" (the offline engine
    did find papers, or there would be nothing to word), an "echo" of the instructions, or the wrong "language"."""
    if not text.strip() or not cited:
        return "uncited" if text.strip() else "empty"
    if NOT_FOUND_PHRASE in text:
        return "not found"
    if _LABELS.search(text) or len(_runs(text) & _runs(instructions)) >= 2:
        return "echo"
    prose = _QUOTATION.sub(" ", REFS.sub(" ", text))  # titles are in English whatever the language
    english, french = len(_ENGLISH.findall(prose)), len(_FRENCH.findall(prose))
    if (language == "fr" and english > french) or (language == "en" and french > english):
        return "language"
    return None


def stream_cut(text: str) -> int:
    """How much of streamed text is whole sentences with no quotation left open."""
    for m in reversed(list(_STREAM_CUT.finditer(text))):
        head = text[: m.end()]
        if head.count('"') % 2 == 0 and head.count("“") == head.count("”") and head.count("«") == head.count("»"):
            return m.end()
    return 0


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _first_object(text: str) -> str | None:
    """The first balanced ``{...}`` in ``text``, respecting strings; None if there is none."""
    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for i in range(start, len(text)):
            ch = text[i]
            if in_string:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return text[start : i + 1]
        start = text.find("{", start + 1)
    return None


def parse_json_loosely(text: str) -> dict | None:
    """A JSON object from a model reply that may wrap it in ```json fences, prose or trailing commas."""
    if not text:
        return None
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for candidate in candidates:
        blob = _first_object(candidate)
        if blob is None:
            continue
        for attempt in (blob, _TRAILING_COMMA.sub(r"\1", blob)):
            try:
                value = json.loads(attempt)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None
