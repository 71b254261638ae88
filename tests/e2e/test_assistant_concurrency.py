"""The real assistant driven from many chats at once (threads, as the Telegram workers call it): every answer
equals the one the same question gets when asked alone, including while the searcher and the name resolver
are still being built lazily by the first callers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.assistant.drafting import Company
from bot.assistant.protocol import Conversation
from bot.assistant.service import Assistant
from bot.knowledge.base import KnowledgeBase
from tests.conftest import make_settings

QUESTIONS = [
    "What has Rico Sennrich published about subword units?",
    "Which papers by Ivan Vulić deal with cross-lingual word embeddings?",
    "Has Zhou Yu worked on dialogue systems for persuasion?",
    "What did Yang Feng write about simultaneous machine translation?",
    "Who in the knowledge base works on semantic parsing with latent structure?",
    "Ivan Titov and graph neural networks: any papers?",
    "Summarise the research of Rico Sennrich on low-resource translation.",
    "Find someone who studies multilingual dialogue evaluation.",
]


def _assistant(root, corpus) -> Assistant:
    kb = KnowledgeBase(make_settings(root))
    kb.ingest([corpus])
    return Assistant(KnowledgeBase(make_settings(root)), Company.load(kb.settings.knowledge.company_dir))


def _answer(assistant: Assistant, question: str) -> tuple:
    answer = assistant.ask(question, Conversation())
    return answer.text, [c.paper.id for c in answer.citations], answer.candidate_ids, answer.intent


def test_answers_from_many_chats_at_once_equal_the_answers_alone(tmp_path, small_corpus):
    alone = _assistant(tmp_path / "alone", small_corpus)
    expected = {q: _answer(alone, q) for q in QUESTIONS}
    assert all(text for text, *_ in expected.values())
    busy = _assistant(tmp_path / "busy", small_corpus)  # cold: no searcher or resolver built yet
    work = QUESTIONS * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: (q, _answer(busy, q)), work))
    for question, answer in answers:
        assert answer == expected[question], question
