"""The one place of the text rules: folding, sentences, title matching, language detection."""

from __future__ import annotations

import pytest

from bot.text import fold, language_of, sentences, titles_match


def test_fold_strips_marks_maps_odd_letters_and_keeps_other_scripts():
    assert fold("Søren Łukasz-Đorđević, Jörg (ß)") == "soren lukasz dordevic jorg ss"
    assert fold("İpek Yıldız") == "ipek yildiz"
    assert fold("面向 NMT 的研究") == "面向 nmt 的研究"
    assert fold(fold("Ivan Vulić")) == fold("Ivan Vulić") == "ivan vulic"


def test_sentences_split_prose_and_keep_abbreviations_and_versions():
    text = "We use v2.1 of the corpus, e.g. the news part. Results improve! Does it generalise? Yes."
    assert sentences(text) == ["We use v2.1 of the corpus, e.g. the news part.", "Results improve!",
                               "Does it generalise?", "Yes."]


def test_sentences_split_lost_spaces_line_breaks_and_keep_closing_quotes():
    pasted = "Baselines are strong in glacier mapping.However, errors remain.To fix them, see Fig.3."
    assert sentences(pasted) == ["Baselines are strong in glacier mapping.", "However, errors remain.",
                                 "To fix them, see Fig.3."]
    assert sentences('They wrote "it works." Then {P1} showed it.\nA new line') == [
        'They wrote "it works."', "Then {P1} showed it.", "A new line"]


def test_titles_match_whole_titles_not_fragments():
    title = "Glacier names as a probe of toponym transliteration"
    assert titles_match("glacier names as a probe of toponym transliteration", title)
    assert titles_match("Glacier Names as a Probe of Toponym Transliteration.", title)
    assert titles_match("Glacier names as probe of toponym transliteration", title)  # a word dropped
    assert not titles_match("toponym transliteration", title)
    assert not titles_match("", title)


@pytest.mark.parametrize("text, language", [
    ("Quels articles a-t-elle écrits sur la traduction des noms de glaciers ?", "fr"),
    ("Which of her papers are about transliterating glacier names?", "en"),
    ("Welche ihrer Arbeiten behandeln die Transliteration von Gletschernamen?", "de"),
    ("Qué artículos ha escrito sobre la transliteración de nombres de glaciares?", "es"),
    ("Ines Achterberg", "en"),  # too short to tell: the default
])
def test_language_of_uses_a_real_detector(text, language):
    assert language_of(text) == language


def test_a_title_with_its_own_quotes_is_quoted_as_one_title():
    from bot.text import quoted

    assert quoted("“Fjord Names”: A Survey") == "“Fjord Names: A Survey”"
    assert quoted('Is "Sisu" Translatable?') == "“Is Sisu Translatable?”"
    assert quoted("« Sisu » en finnois", "fr") == "« Sisu en finnois »"
