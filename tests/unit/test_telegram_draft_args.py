"""/draft NAME [channel] [language] [purpose…]: where the name ends."""

from __future__ import annotations

import pytest

from bot.telegram.draft import DraftRequest, parse_draft_args


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yang Feng", DraftRequest("Yang Feng")),
        ("Yang Feng linkedin", DraftRequest("Yang Feng", "linkedin")),
        ("Yang Feng email fr a research role", DraftRequest("Yang Feng", "email", "fr", "a research role")),
        ("Yang Feng email the MT team", DraftRequest("Yang Feng", "email", None, "the MT team")),
        ("Yang Feng de", DraftRequest("Yang Feng", language="de")),
        ("Adrià de Gispert", DraftRequest("Adrià de Gispert")),
        ("Adrià de Gispert WhatsApp es", DraftRequest("Adrià de Gispert", "whatsapp", "es")),
        ("", DraftRequest("")),
    ],
)
def test_the_name_runs_up_to_the_channel_and_a_language_follows_it(text, expected):
    assert parse_draft_args(text.split()) == expected
