"""Telegram HTML: everything the user did not write as markup is escaped, and long texts are split.

Telegram counts a message's length after parsing the HTML, in UTF-16 code units, and refuses more than
4,096. ``split_html`` cuts on paragraph boundaries first, then on line ends, then hard, closing and
re-opening any tag that a hard cut falls inside so that every part parses on its own.
"""

from __future__ import annotations

import html
import re

from bot.assistant.drafting import subject_label
from bot.assistant.protocol import NOT_FOUND_PHRASE, CandidateHit
from bot.models import Answer, Candidate, Citation, Draft, Paper

MESSAGE_LIMIT = 4096
ELLIPSIS = "…"

# A tag, an entity, a run of spaces, a run of anything else, or a stray '<' / '&'.
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|\s+|[^<&\s]+|[<&]")
_TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")


def escape(text: str | None) -> str:
    """Escapes text for Telegram HTML, quotes included (they may end up inside an attribute)."""
    return html.escape(text or "", quote=True)


def link(title: str, url: str | None) -> str:
    """A title as a link when there is a URL, else as escaped text."""
    if not url:
        return escape(title)
    return f'<a href="{escape(url)}">{escape(title)}</a>'


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_len(html_text: str) -> int:
    """Length of what Telegram shows for this HTML: tags count nothing, an entity counts as its character."""
    total = 0
    for token in _TOKEN.findall(html_text):
        if token.startswith("<") and len(token) > 1:
            continue
        total += utf16_len(html.unescape(token))
    return total


def _take(text: str, limit: int) -> str:
    """The longest prefix of ``text`` with at most ``limit`` UTF-16 units (never half a surrogate pair)."""
    used, end = 0, 0
    for end, char in enumerate(text):
        used += utf16_len(char)
        if used > limit:
            return text[:end]
    return text


def clip(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` UTF-16 units, with an ellipsis when something was cut."""
    if utf16_len(text) <= limit:
        return text
    return _take(text, limit - 1).rstrip() + ELLIPSIS


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Splits HTML into messages of at most ``limit`` visible units: paragraphs, then lines, then hard."""
    text = text.strip()
    if not text:
        return []
    if visible_len(text) <= limit:
        return [text]
    return _pack(text.split("\n\n"), "\n\n", limit, _split_paragraph)


def _split_paragraph(paragraph: str, limit: int) -> list[str]:
    return _pack(paragraph.split("\n"), "\n", limit, _hard_split)


def _pack(blocks: list[str], sep: str, limit: int, split_block) -> list[str]:
    """Greedily joins blocks with ``sep``; a block too long on its own is split by ``split_block``."""
    parts: list[str] = []
    current = ""
    for block in blocks:
        if not block.strip():
            continue
        if visible_len(block) > limit:
            # A split block ends parts on its own; only its tail can take more blocks after it.
            pieces = split_block(block, limit)
            if current:
                parts.append(current)
            parts.extend(pieces[:-1])
            current = pieces[-1]
            continue
        joined = f"{current}{sep}{block}" if current else block
        if visible_len(joined) <= limit:
            current = joined
        else:
            parts.append(current)
            current = block
    if current:
        parts.append(current)
    return parts


def _hard_split(line: str, limit: int) -> list[str]:
    """Cuts a line at word boundaries (inside words only when one word is too long), keeping tags balanced."""
    parts: list[str] = []
    stack: list[tuple[str, str]] = []  # (tag name, opening tag as written)
    current, used = "", 0

    def flush() -> None:
        nonlocal current, used
        closing = "".join(f"</{name}>" for name, _ in reversed(stack))
        parts.append(current.rstrip() + closing)
        current, used = "".join(tag for _, tag in stack), 0

    for token in _TOKEN.findall(line):
        if token.startswith("<") and len(token) > 1:
            name = _TAG_NAME.match(token)
            if name and token.startswith("</"):
                if stack:
                    stack.pop()
            elif name:
                stack.append((name.group(1), token))
            current += token
            continue
        size = visible_len(token)
        if used and used + size > limit:
            flush()
        if used == 0 and token.isspace():
            continue
        while size > limit:  # one word longer than a message: cut inside it
            head = _take(token, limit - used)
            current += head
            used += visible_len(head)
            flush()
            token = token[len(head):]
            size = visible_len(token)
        current += token
        used += size
    if used:
        parts.append(current)
    return parts


def _published(venue: str | None, year: int | None) -> str:
    """'ACL 2020' rather than 'ACL 2020, 2020'."""
    if venue and year and str(year) in venue:
        return venue
    return ", ".join(str(v) for v in (venue, year) if v)


def paper_line(paper: Paper, number: int | None = None) -> str:
    """One paper as a line: '[n] Title (linked) — Venue, Year'."""
    prefix = f"[{number}] " if number is not None else ""
    published = _published(paper.venue, paper.year)
    return prefix + link(paper.title, paper.url) + (f" — {escape(published)}" if published else "")


def format_answer(answer: Answer) -> str:
    """The answer, its warnings, then numbered references with links."""
    blocks = [escape(answer.text.strip() or NOT_FOUND_PHRASE)]
    if answer.warnings:
        blocks.append("\n".join(f"<i>⚠️ {escape(w)}</i>" for w in answer.warnings))
    if answer.citations:
        refs = [paper_line(c.paper, n) for n, c in enumerate(answer.citations, start=1)]
        blocks.append("<b>References</b>\n" + "\n".join(refs))
    return "\n\n".join(b for b in blocks if b)


def format_sources(citations: list[Citation], page: int, per_page: int) -> str:
    """One page of the last answer's references, with the sentence each was cited for."""
    start = page * per_page
    shown = citations[start : start + per_page]
    blocks = [f"<b>Sources</b> {start + 1}–{start + len(shown)} of {len(citations)}"]
    for number, citation in enumerate(shown, start=start + 1):
        block = paper_line(citation.paper, number)
        if citation.snippet:
            block += f"\n<i>{escape(clip(citation.snippet, 300))}</i>"
        blocks.append(block)
    return "\n\n".join(blocks)


def topic_label(topic: str) -> str:
    """'machine_translation' -> 'machine translation'."""
    return topic.replace("_", " ")


def format_dossier(candidate: Candidate, coauthor_names: list[str]) -> str:
    """The dossier: who they are, what they work on, how much we have read, whom they write with."""
    lines = [f"<b>{escape(candidate.name)}</b>"]
    if candidate.ambiguous:
        lines.append("<i>⚠️ Several people publish under this name; the papers may not all be theirs.</i>")
    if candidate.affiliation:
        lines.append(escape(candidate.affiliation))
    if candidate.topics:
        lines.append("Topics: " + escape(", ".join(topic_label(t) for t in candidate.topics[:6])))
    lines.append(f"Papers in the knowledge base: {len(candidate.paper_ids)}")
    if coauthor_names:
        lines.append("Frequent co-authors: " + escape(", ".join(coauthor_names)))
    if candidate.email:
        lines.append("E-mail: " + escape(candidate.email))
    if candidate.links:
        lines.append("Links: " + ", ".join(link(kind, url) for kind, url in candidate.links.items()))
    if candidate.notes:
        lines.append("Notes: " + escape(clip(candidate.notes, 800)))
    return "\n".join(lines)


def format_papers(name: str, papers: list[Paper], page: int, per_page: int) -> str:
    """One page of a candidate's papers, newest first as given."""
    pages = max(1, -(-len(papers) // per_page))
    start = page * per_page
    header = f"<b>Papers of {escape(name)}</b> ({len(papers)}, page {page + 1}/{pages})"
    lines = [paper_line(p, n) for n, p in enumerate(papers[start : start + per_page], start=start + 1)]
    return header + "\n\n" + ("\n".join(lines) if lines else "No papers in the knowledge base.")


def format_hits(topic: str, hits: list[CandidateHit]) -> str:
    """Candidates ranked for a topic, each with the papers that justify the rank."""
    blocks = [f"<b>Candidates for</b> “{escape(topic)}”"]
    for number, hit in enumerate(hits, start=1):
        who = f"{number}. <b>{escape(hit.candidate.name)}</b>"
        if hit.candidate.affiliation:
            who += f", {escape(hit.candidate.affiliation)}"
        evidence = [" • " + paper_line(c.paper) for c in hit.evidence[:3]]
        blocks.append("\n".join([who, *evidence]))
    return "\n\n".join(blocks)


def format_draft(draft: Draft, name: str, approved: bool = False) -> str:
    """A draft as shown for editing (or once approved), fitted into one message so it can be edited in place."""
    state = "✅ <b>Approved</b>" if approved else "<b>Draft</b>"
    header = f"{state} for " + " · ".join(escape(v) for v in (name, draft.channel, draft.language, draft.tone))
    if draft.subject:
        header += f"\n<b>{subject_label(draft.language)}:</b> {escape(draft.subject)}"
    footer = "\n".join(f"<i>⚠️ {escape(w)}</i>" for w in draft.warnings)
    room = MESSAGE_LIMIT - visible_len(header) - visible_len(footer) - 4
    body = escape(clip(draft.body.strip(), room))
    return "\n\n".join(b for b in (header, body, footer) if b)


def email_text(draft: Draft) -> str:
    """The draft as an e-mail to paste: subject line, blank line, body (escaped for HTML mode)."""
    subject = f"{subject_label(draft.language)}: {draft.subject}\n\n" if draft.subject else ""
    return escape(subject + draft.body.strip())
