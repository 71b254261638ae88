"""The people found, as numbered text: what the CLI prints, what Telegram shows, what a typed number picks."""

from __future__ import annotations

from bot.sources.models import LABELS, PersonMatch


def render_choices(matches: list[PersonMatch], name: str = "") -> str:
    """The matches as numbered plain text, so that a typed number picks one."""
    if not matches:
        return f"No one called {name} was found." if name else "No one was found."
    lines = [f"Found {len(matches)} for {name}:" if name else f"Found {len(matches)}:"]
    for number, m in enumerate(matches, start=1):
        years = f"{m.first_year}–{m.last_year}" if m.first_year else "years unknown"
        lines.append(f"{number}. {m.name} — {m.affiliation or 'affiliation unknown'} · {years} · "
                     f"{m.paper_count} papers · {LABELS[m.source]} {m.id}")
        if m.top_papers:
            lines.append("   top papers: " + "; ".join(m.top_papers))
        if m.coauthors:
            lines.append("   with: " + ", ".join(m.coauthors))
        if m.fields:
            lines.append("   fields: " + ", ".join(m.fields))
        lines.append(f"   match: {m.confidence} — " + "; ".join(m.reasons))
        lines.extend(f"   ⚠ looks merged: {flag}" for flag in m.flags)
    return "\n".join(lines)


def pick(matches: list[PersonMatch], text: str) -> PersonMatch | None:
    """The match a typed answer names: its number, or its source:id."""
    text = text.strip().rstrip(".")
    if text.isdigit() and 1 <= int(text) <= len(matches):
        return matches[int(text) - 1]
    return next((m for m in matches if text in (m.ref, m.id)), None)
