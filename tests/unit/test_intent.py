"""The language of a message (the retrievers read English; a French question is searched with care)."""

from bot.assistant.intent import language_of


def test_language_of_tells_french_from_english():
    assert language_of("Quel article de Masao Utiyama rend la traduction plus robuste pour le khmer ?") == "fr"
    assert language_of("Which of Masao Utiyama's papers makes translation robust for Khmer?") == "en"
