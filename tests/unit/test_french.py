"""French questions become English search terms: glossary phrases, glossary words, cognates the corpus uses."""

from bot.knowledge.french import cognate, is_french, to_english, translated_share

VOCABULARY = {"ontology", "quality", "conversational", "generative", "vocabulary", "interface", "strategy"}


def test_field_terms_are_translated_longest_first_and_names_kept():
    text = to_english("Quels travaux de Marie Curie portent sur la traduction automatique neuronale à faibles "
                      "ressources ?", VOCABULARY)
    assert text == "Marie Curie low-resource neural machine translation"


def test_an_adjective_after_the_term_it_qualifies_comes_before_it_in_english():
    # French puts it after: "traduction automatique multimodale" is "multimodal machine translation".
    assert to_english("la traduction automatique multimodale", {"multimodal"}) == "multimodal machine translation"
    assert to_english("les modèles de langue multilingues", {"multilingual"}) == "multilingual language models"
    assert to_english("traduction de la parole de bout en bout", set()) == "end-to-end speech translation"
    assert to_english("les systèmes de dialogue orientés tâche", set()) == "task-oriented dialogue systems"
    assert to_english("traduction automatique neuronale non supervisée", set()) == \
        "unsupervised neural machine translation"
    # a noun after the term is no adjective of it
    assert to_english("traduction automatique de Marie Curie", set()) == "machine translation Marie Curie"


def test_regular_endings_map_to_words_the_corpus_uses_and_nothing_else():
    assert cognate("ontologie", VOCABULARY) == "ontology"
    assert cognate("conversationnels", VOCABULARY) == "conversational"
    assert cognate("génératif", VOCABULARY) == "generative"
    assert cognate("fromage", VOCABULARY) is None  # no English word of the corpus: dropped, not guessed


def test_elisions_and_grammar_words_go_glossary_words_stay():
    text = to_english("l'apprentissage d'une stratégie pour les systèmes de dialogue", VOCABULARY)
    assert text == "learning strategy dialogue systems"


def test_english_is_not_taken_for_french():
    assert not is_french("Which of Ivan Titov's papers are on semantic parsing?")
    assert is_french("Quels articles de Ivan Titov portent sur l'analyse sémantique ?")


def test_the_translated_share_says_how_much_of_the_question_the_english_terms_carry():
    known = translated_share("la traduction automatique neuronale à faibles ressources", VOCABULARY)
    assert known == 1.0  # two glossary phrases: every content word has its English term
    gaps = translated_share("des fromages affinés en cave humide pour la traduction", VOCABULARY)
    assert 0 < gaps < 0.5  # "traduction" only: the own words must carry the rest
