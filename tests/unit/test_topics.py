"""Whether a title names a topic: its content words, stemmed, with the person's field as mere context."""

import pytest

from bot.assistant.topics import field_of, title_holds
from bot.models import Paper


def _papers(*titles: str) -> list[Paper]:
    return [Paper(id=f"T-{i}", title=t, authors=["Aino Laine"], author_ids=["aino-laine"]) for i, t in enumerate(titles)]


SPEECH = _papers("Streaming Speech Recognition with Sparse Transducers", "Speech Recognition for Sami Dialects",
                 "Unsupervised Speech Recognition from Radio Archives", "Prosody Transfer in Speech Synthesis",
                 "Unsupervised Pretraining of Acoustic Models")


def test_the_field_is_what_most_of_a_persons_titles_say():
    assert field_of(SPEECH) == {"speech", "recognit"}
    assert field_of(SPEECH[:3]) == frozenset()  # too few papers to tell a field


def test_a_word_of_a_third_of_nine_titles_is_field_but_two_of_five_is_not():
    detection = _papers("Out-of-Domain Detection for Ferry Bots", "Slot Detection in Sami Dialogues",
                        "Bias Detection in Chat Logs", "Intent Discovery for Out-of-Domain Queries",
                        "Persona Chat for Fishermen", "Summaries of Harbour Meetings", "Tagging Sami Verbs",
                        "Parsing Ferry Timetables", "A Corpus of Harbour Talk")
    field = field_of(detection)
    assert "detect" in field and "domain" not in field  # three of nine titles, and two of nine
    assert title_holds(detection[3].title, "out-of-domain detection", field)
    assert not title_holds(detection[1].title, "out-of-domain detection", field)
    assert "unsupervis" not in field_of(SPEECH)  # two of five titles: no field yet


def test_a_field_word_may_be_missing_from_the_title_the_topic_word_may_not():
    field = field_of(SPEECH)
    acoustic = SPEECH[4].title
    assert not title_holds(acoustic, "unsupervised speech recognition")  # without the field: every word needed
    assert title_holds(acoustic, "unsupervised speech recognition", field)
    assert not title_holds(SPEECH[3].title, "unsupervised speech recognition", field)  # the topic word is missing
    # a topic made only of field words needs them all, as before
    assert not title_holds(acoustic, "speech recognition", field)
    assert title_holds(SPEECH[1].title, "speech recognition", field)


def test_a_compound_is_one_term_and_spellings_are_one_word():
    assert title_holds("Direct Speech-to-Speech Translation with Discrete Units", "speech-to-speech translation")
    assert not title_holds("End-to-End Speech Translation for Sami", "speech-to-speech translation")
    assert title_holds("Document Level Translation of Sagas", "document-level translation")
    assert title_holds("A Multi-domain Dialogue Corpus of Ferry Bookings", "multi-domain dialog")
    assert title_holds("Summarisation of Council Meetings", "meeting summarization")


@pytest.mark.parametrize("message, topic", [
    ("Who has worked on knowledge distillation?", "knowledge distillation"),
    ("Which of her papers are on data augmentation?", "data augmentation"),
    ("papers on topic modeling please", "topic modeling"),
    ("anyone on joint entity and relation extraction?", "joint entity and relation extraction"),
    ("what's in the knowledge base on dialogue?", "dialogue"),  # framing here
    ("any data on speech recognition?", "speech recognition"),
    ("her work on corpus construction for sign language", "corpus construction sign language"),
    ("how many papers of hers are in the corpus on parsing?", "parsing"),  # framing here
    ("candidates with experience in coreference resolution?", "coreference resolution"),
    ("who is experienced with entity linking", "entity linking"),
    ("anyone on experience replay for continual learning?", "experience replay continual learning"),
    # ... or ends one: "parallel data", "world knowledge", "speech corpus"
    ("who has mined parallel data from the web?", "mined parallel data web"),
    ("anything in the data about world knowledge in language models?", "world knowledge language models"),
    ("any work on a parallel corpus for Basque?", "parallel corpus Basque"),
    ("what do we have in the data on sign language?", "sign language"),  # framing here
    # a gloss's "i.e." and "e.g." are framing, not a letter of the topic
    ("who works on grapheme-to-phoneme conversion, i.e. pronunciation?", "grapheme-to-phoneme conversion pronunciation"),
    ("anyone on morphological tagging, e.g. for Finnish?", "morphological tagging Finnish"),
    # where the people are looked for, and "which one", frame the question
    ("Who in the database has worked on sign language translation?", "sign language translation"),
    ("anyone in our system on morphological tagging?", "morphological tagging"),
    ("her paper on tagging Finnish verbs, which one?", "tagging Finnish verbs"),
    ("just the ones on parsing", "parsing"),
])
def test_a_framing_word_that_begins_a_term_of_the_field_stays_in_the_topic(message, topic):
    from bot.assistant.understand.frames import topic_of

    assert topic_of(message) == topic


def test_asking_whom_to_talk_to_is_framing_not_topic():
    from bot.assistant.understand.frames import topic_of

    assert topic_of("I need someone strong in speech translation, who should I talk to?") == "speech translation"
    assert topic_of("Who works on small talk?") == "small talk"


def test_a_persons_themes_are_phrases_not_acronyms_or_generic_words():
    from bot.assistant.themes import themes

    papers = _papers("Robust MT for Sami News", "Terminology Control in MT Systems", "Low-Resource MT for Sami",
                     "Terminology Constraints for Sami Translation Systems", "Sami Dialect Translation Systems")
    found = themes(papers)
    assert "sami" in found and "terminology" in found
    assert not [t for t in found if "mt" in t.split() or "systems" in t.split()]


def test_a_theme_is_never_cut_before_the_word_its_last_word_always_takes():
    from bot.assistant.themes import themes

    papers = _papers("Simultaneous Neural Machine Translation with Wait Policies", "Robust Speech Recognition",
                     "Simultaneous Neural Machine Translation for Talks", "Speech Recognition for Sami",
                     "Latency in Simultaneous Neural Machine Translation")
    found = themes(papers)  # a title phrase of four words: its three-word pieces are cut off
    assert "machine translation" in found and "speech recognition" in found
    assert not [t for t in found if t.endswith(("machine", "neural"))]


def test_a_longer_theme_takes_the_place_of_the_shorter_one_it_holds():
    from bot.assistant.themes import themes

    papers = _papers("Speech Translation with Pauses", "Cascaded Speech Translation Revisited", "Speech Translation at Scale",
                     "Translation Memories Today", "Evaluating Translation Quality")
    found = themes(papers)
    assert "speech translation" in found and "translation" not in found and "speech" not in found


def test_a_word_that_only_modifies_the_next_is_no_theme_alone():
    from bot.assistant.themes import themes

    papers = _papers("Conversational Search for Shops", "Conversational Agents That Listen",
                     "Conversational Recommendation with Graphs", "Graph Recommendation Revisited")
    assert "conversational" in themes(papers)
    assert "conversational" not in themes(papers, modifying=frozenset({"conversational"}))
    assert "recommendation" in themes(papers, modifying=frozenset({"conversational"}))


def test_a_theme_whose_words_a_longer_one_holds_is_said_once():
    from bot.assistant.themes import themes

    papers = _papers("Multilingual Translation at Scale", "Sparse Multilingual Translation",
                     "Multilingual Machine Translation for Africa", "Pruning Multilingual Machine Translation",
                     "Multilingual Machine Translation Revisited")
    found = themes(papers)
    assert "multilingual machine translation" in found and "multilingual translation" not in found


class _Corpus:
    """The little of a knowledge base that topics.completed reads: its papers."""

    def __init__(self, *texts: str):
        self.catalog = type("Catalog", (), {})()
        self.catalog.data = object()
        self.catalog.papers = {f"C-{i}": Paper(id=f"C-{i}", title=t, abstract="", authors=["Aino Laine"],
                                               author_ids=["aino-laine"]) for i, t in enumerate(texts)}


@pytest.mark.parametrize("topic, parts", [
    # a later one-word part takes the modifier before it; a first one stays an adjective alone
    ("streaming (low-latency) speech recognition or transcription", "streaming speech recognition, streaming transcription"),
    ("supervised or unsupervised parsing of tweets", "supervised, unsupervised parsing of tweets"),
    # what no paper says stays as written: two tasks, not "keyphrase extraction" made up
    ("keyphrase extraction and summarization", "keyphrase extraction, summarization"),
    # a gloss of two words or more is a part of its own
    ("ASR (automatic speech recognition)", "ASR, automatic speech recognition"),
])
def test_a_one_word_part_shares_the_words_english_lets_it_share(topic, parts):
    from bot.assistant.topics import completed

    corpus = _Corpus("Streaming Transcription of Lectures", "Supervised Parsing of Tweets with Noisy Labels",
                     "Keyphrase Extraction from Scholarly Summarization Corpora")
    assert completed(corpus, topic) == parts


def test_a_gloss_in_brackets_stays_with_its_topic():
    from bot.assistant.understand.frames import topic_of

    assert topic_of("Which candidates have worked on streaming (low-latency, on-device) speech recognition?") == \
        "streaming (low-latency on-device) speech recognition"
    assert topic_of("who works on parsing ( )?") == "parsing"


def test_a_term_is_said_in_any_form_of_its_words():
    from bot.assistant.terms import says, terms_of

    corpus = _Corpus("Empathy in Conversations with Counsellors", "Hallucinated Content in Abstractive Summaries",
                     "Sympathetic Listening Robots", "A Survey of Tokenisation")
    empathetic = terms_of(corpus, "empathetic conversations", share=0.5)
    assert says(corpus, "C-0", empathetic) and not says(corpus, "C-2", empathetic)
    assert says(corpus, "C-1", terms_of(corpus, "hallucination", share=0.5))


def test_which_translation_it_is_is_no_part_of_a_term_of_translation():
    from bot.assistant.terms import says, terms_of

    corpus = _Corpus("Streaming Translation of Sami Lectures", "Streaming Neural Machine Translation at the Harbour",
                     "Streaming Speech Recognition", "Machine Learning for Ferry Timetables", "Tagging Sami Verbs")
    streaming = terms_of(corpus, "streaming machine translation", share=0.5)
    assert says(corpus, "C-0", streaming) and says(corpus, "C-1", streaming)
    assert not says(corpus, "C-2", streaming)
    # "machine" before anything but translation is a word of the term
    assert all("machin" in term for term in terms_of(corpus, "machine learning", share=0.5))
