"""HTML escaping and the 4,096 split: every part parses as Telegram parses it, and nothing is lost."""

from __future__ import annotations

import re

import pytest

from bot.models import Answer, Candidate, Citation, Draft, Paper
from bot.telegram.formatting import (
    MESSAGE_LIMIT,
    email_text,
    escape,
    format_answer,
    format_dossier,
    format_draft,
    split_html,
    visible_len,
)
from tests.fakes.telegram_html import parse_html


def _shown(parts: list[str]) -> list[str]:
    return [parse_html(part)[0] for part in parts]


def _paper(n: int, **fields) -> Paper:
    return Paper(id=f"p{n}", title=f"Paper <{n}> & co", url=f"https://example.org/p?{n}&x=\"y\"", year=2020,
                 venue="ACL 2020", **fields)


def test_user_text_with_markup_characters_is_shown_as_typed():
    answer = Answer(text='Use <b>bold</b> & "quotes" > here', citations=[Citation(paper=_paper(1))])
    text, entities = parse_html(format_answer(answer))
    assert text.startswith('Use <b>bold</b> & "quotes" > here')
    assert "[1] Paper <1> & co — ACL 2020" in text
    assert [e["url"] for e in entities if e["type"] == "text_link"] == ['https://example.org/p?1&x="y"']


def test_short_text_is_one_part_and_empty_text_is_none():
    assert split_html("hello") == ["hello"]
    assert split_html("  \n\n ") == []


def test_long_text_is_split_between_paragraphs_and_keeps_every_paragraph():
    paragraphs = [f"{n} " + escape(("<&> " * 100).strip()) for n in range(40)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) > 1
    assert all(visible_len(p) <= MESSAGE_LIMIT for p in parts)
    assert [p for part in parts for p in part.split("\n\n")] == paragraphs
    assert all(len(parse_html(p)[0]) <= MESSAGE_LIMIT for p in parts)


def test_a_paragraph_too_long_for_one_message_is_split_between_lines():
    lines = [f"line {n} " + "x" * 300 for n in range(30)]
    parts = split_html("intro\n\n" + "\n".join(lines))
    assert all(visible_len(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts) == "intro\n" + "\n".join(lines)
    assert all(part.endswith(("x", "intro")) for part in parts)


def test_a_line_too_long_is_cut_between_words_with_tags_closed_and_reopened():
    words = " ".join(f"w{n}&amp;" for n in range(3000))
    parts = split_html(f'<b>start <a href="https://e.org">{words}</a> end</b>')
    assert len(parts) > 1
    shown = _shown(parts)  # parse_html raises on any unbalanced tag or cut entity
    assert all(len(s) <= MESSAGE_LIMIT for s in shown)
    assert " ".join(shown).split() == ["start", *(f"w{n}&" for n in range(3000)), "end"]
    assert all(part.startswith("<b>") and part.endswith("</b>") for part in parts)


def test_a_word_longer_than_a_message_is_cut_inside_it():
    parts = split_html("y" * (MESSAGE_LIMIT * 2 + 10))
    assert [len(p) for p in parts] == [MESSAGE_LIMIT, MESSAGE_LIMIT, 10]


def test_characters_outside_the_bmp_count_twice_like_telegram_counts_them():
    emoji = "😀" * 3000  # 6,000 UTF-16 units
    parts = split_html(emoji)
    assert all(len(p.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT for p in parts)
    assert "".join(parts) == emoji


def test_a_draft_view_always_fits_one_message_so_it_can_be_edited_in_place():
    draft = Draft(candidate_id="c", subject="Hi <there>", body="Dear X,\n\n" + "long & " * 2000, warnings=["w"])
    view = format_draft(draft, "Ana <Z>")
    text, _ = parse_html(view)
    assert len(text) <= MESSAGE_LIMIT and text.startswith("Draft for Ana <Z> · email · en · warm")
    assert "Subject: Hi <there>" in text and text.rstrip().endswith("⚠️ w")


def test_an_approved_draft_copies_as_an_email_with_its_subject():
    draft = Draft(candidate_id="c", subject="Your work", body="Dear A,\n\nHello & welcome.")
    assert parse_html(email_text(draft))[0] == "Subject: Your work\n\nDear A,\n\nHello & welcome."


def test_a_dossier_shows_name_topics_paper_count_and_co_authors():
    candidate = Candidate(id="a-b", name="Ana <B>", topics=["machine_translation"], paper_ids=["1", "2"],
                          affiliation="Uni & Co")
    text = parse_html(format_dossier(candidate, ["C D", "E F"]))[0]
    assert text.splitlines() == ["Ana <B>", "Uni & Co", "Topics: machine translation",
                                 "Papers in the knowledge base: 2", "Frequent co-authors: C D, E F"]


@pytest.mark.parametrize("bad", ["a < b", "Tom & Jerry", "<unknown>x</unknown>", "<b>open"])
def test_the_fake_refuses_html_that_telegram_would_refuse(bad):
    from tests.fakes.telegram_html import APIError

    with pytest.raises(APIError, match=re.escape("can't parse entities")):
        parse_html(bad)
