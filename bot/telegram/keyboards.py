"""Inline keyboards and the callback data they carry.

Callback data is at most 64 bytes, so anything longer than a page number or an action travels as a short
key that ``state.ref`` maps back to its value in the chat's data.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

# Callback data prefixes, one per feature; handlers are registered on these patterns.
PICK = "pick:"  # pick:<key> — a choice between ambiguous candidates
SOURCES = "src:"  # src:<page>
PAPERS = "pap:"  # pap:<key>:<page>
DOSSIER = "dos:"  # dos:<key>
DRAFT = "draft:"  # draft:<action>[:<argument>]
FORGET = "forget:"  # forget:yes:<key> | forget:no

LANGUAGES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español"}
REVISIONS = {"shorter": "Shorter", "formal": "More formal", "warmer": "Warmer"}


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def choices(options: list[tuple[str, str]], prefix: str) -> InlineKeyboardMarkup:
    """One button per (label, key), one per row."""
    return InlineKeyboardMarkup([[_button(label, prefix + key)] for label, key in options])


def pager(prefix: str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    """‹ Previous / Next › buttons; None when everything fits on one page."""
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(_button("‹ Previous", f"{prefix}{page - 1}"))
    row.append(_button(f"{page + 1}/{pages}", f"{prefix}{page}"))
    if page < pages - 1:
        row.append(_button("Next ›", f"{prefix}{page + 1}"))
    return InlineKeyboardMarkup([row])


def dossier(key: str) -> InlineKeyboardMarkup:
    """Under a dossier: their papers, or a first-contact draft."""
    return InlineKeyboardMarkup(
        [[_button("Papers", f"{PAPERS}{key}:new"), _button("Draft an e-mail", f"{DRAFT}new:{key}")]]
    )


def draft_edits() -> InlineKeyboardMarkup:
    """The edits offered under a draft in progress."""
    return InlineKeyboardMarkup(
        [
            [_button(label, f"{DRAFT}{how}") for how, label in REVISIONS.items()],
            [_button("Translate", f"{DRAFT}translate"), _button("Regenerate", f"{DRAFT}regenerate")],
            [_button("✅ Approve", f"{DRAFT}approve")],
        ]
    )


def draft_languages() -> InlineKeyboardMarkup:
    """The languages a draft can be translated into, and a way back."""
    row = [_button(label, f"{DRAFT}lang:{code}") for code, label in LANGUAGES.items()]
    return InlineKeyboardMarkup([row, [_button("‹ Back", f"{DRAFT}back")]])


def draft_copies(index: int, has_subject: bool) -> InlineKeyboardMarkup:
    """After approval: send the approved draft again as text to copy, or as an e-mail."""
    row = [_button("Copy as text", f"{DRAFT}copy:text:{index}")]
    if has_subject:
        row.append(_button("Copy as e-mail", f"{DRAFT}copy:email:{index}"))
    return InlineKeyboardMarkup([row])


def confirm_forget(key: str, name: str) -> InlineKeyboardMarkup:
    """Asks before anything is deleted."""
    return InlineKeyboardMarkup([[_button(f"Forget {name}", f"{FORGET}yes:{key}"), _button("Keep", f"{FORGET}no")]])
