"""PDFs sent with a candidate's name as caption: added, or refused with a clear reason."""

from __future__ import annotations

import pytest

import os

from tests.fakes.assistant import ASSISTANT_ENV, make_pdf, telegram_assistant_for
from tests.fakes.telegram_api import RECRUITER_ID, bot_settings, running_bot


@pytest.fixture
def telegram_assistant(request):
    """A real assistant of this test's own: adding a PDF changes the knowledge base."""
    if os.environ.get(ASSISTANT_ENV) == "double":
        return telegram_assistant_for(request)
    return request.getfixturevalue("fresh_assistant")


async def test_a_pdf_with_a_candidate_as_caption_joins_their_papers(api, telegram_assistant, tmp_path):
    pdf = make_pdf("Streaming Speech Translation with Tiny Models", "Yang Feng", "Abstract. We translate speech.")
    before = len(telegram_assistant.papers_of("yang-feng"))
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        api.push_document(RECRUITER_ID, pdf, "streaming-speech.pdf", "application/pdf", caption="Yang Feng")
        [reply] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))

    assert reply["text"].startswith("Added") and "Yang Feng" in reply["text"]
    assert len(telegram_assistant.papers_of("yang-feng")) == before + 1
    assert api.calls_to("getFile"), "the file is fetched from Telegram's file URL"


async def test_pdfs_that_cannot_be_read_get_a_clear_reason(api, telegram_assistant, tmp_path):
    settings = bot_settings(api, tmp_path, max_pdf_mb=1)
    async with running_bot(settings, telegram_assistant):
        api.push_document(RECRUITER_ID, b"PK\x03\x04 not a pdf", "cv.docx", "application/msword", caption="Yang Feng")
        api.push_document(RECRUITER_ID, make_pdf("Big"), "big.pdf", "application/pdf", "Yang Feng", file_size=5 << 20)
        api.push_document(RECRUITER_ID, b"%PDF-1.4 truncated", "broken.pdf", "application/pdf", caption="Yang Feng")
        api.push_document(RECRUITER_ID, make_pdf("No caption"), "paper.pdf", "application/pdf")
        replies = await api.wait_for(lambda: len(api.sent_to(RECRUITER_ID)) == 4 and api.sent_to(RECRUITER_ID))

    not_pdf, too_big, unreadable, no_caption = (m["text"] for m in replies)
    assert "PDF" in not_pdf
    assert "1 MB" in too_big
    assert unreadable.startswith("I could not add this PDF:") and len(unreadable) > len("I could not add this PDF: ")
    assert "caption" in no_caption
    assert len(api.calls_to("getFile")) == 1, "only the PDF within the limit and with a caption is downloaded"
    assert "Traceback" not in unreadable and "Error" not in unreadable


async def test_a_pdf_captioned_note_is_a_private_note_searchable_but_never_citable(api, telegram_assistant, tmp_path):
    if not hasattr(telegram_assistant, "kb"):
        pytest.skip("private notes go through the real knowledge base")
    pdf = make_pdf("Recruiting team notes after the call", "Yang Feng asked about remote work in Lisbon")
    async with running_bot(bot_settings(api, tmp_path), telegram_assistant):
        api.push_document(RECRUITER_ID, pdf, "call-notes.pdf", "application/pdf", caption="note: Yang Feng")
        [reply] = await api.wait_for(lambda: api.sent_to(RECRUITER_ID))

    assert "private note on Yang Feng" in reply["text"]
    catalog = telegram_assistant.kb.catalog
    [note] = [p for p in catalog.papers_of("yang-feng") if p.private]
    assert note.id not in {p.id for p in catalog.citable_papers_of("yang-feng")}
    hits = telegram_assistant.kb.searcher.search("remote work in Lisbon", people=["yang-feng"], k=1)
    assert hits[0].paper.id == note.id
