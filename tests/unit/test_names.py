"""Candidate resolution from the words of a question."""

import pytest

from bot.knowledge.name_index import common_words
from bot.knowledge.names import NameResolver, fold

NAMES = {
    "rico-sennrich": ["Rico Sennrich"],
    "ivan-vulic": ["Ivan Vulić"],
    "ivan-titov": ["Ivan Titov"],
    "jiajun-chen": ["Jiajun Chen"],
    "boxing-chen": ["Boxing Chen"],
    "keqing-he": ["Keqing He"],
    "chien-sheng-wu": ["Chien-Sheng Wu"],
    "anders-sgaard": ["Anders Søgaard"],
}
WEIGHT = {"jiajun-chen": 30, "boxing-chen": 20}


@pytest.fixture
def resolver():
    return NameResolver(NAMES, WEIGHT)


def test_fold_strips_diacritics_case_and_punctuation():
    assert fold("Ivan Vulić") == "ivan vulic"
    assert fold("Anders Søgaard") == "anders sogaard"
    assert fold("Chien-Sheng Wu") == "chien sheng wu"


@pytest.mark.parametrize("question, expected", [
    ("Which of Rico Sennrich's papers is about pronouns?", "rico-sennrich"),
    ("what did rico senrich write on document translation", "rico-sennrich"),
    ("Has Sennrich worked on low-resource MT?", "rico-sennrich"),
    ("papers by Ivan Vulic on lexicons", "ivan-vulic"),
    ("papers by IVAN VULIĆ", "ivan-vulic"),
    ("Vulić's dialogue datasets", "ivan-vulic"),
    ("Who co-authored with Chien-Sheng Wu?", "chien-sheng-wu"),
    ("Anders Sogaard's work on bias", "anders-sgaard"),
    ("Which Keqing He paper removes bias?", "keqing-he"),
])
def test_resolves_full_names_surnames_case_diacritics_and_typos(resolver, question, expected):
    resolution = resolver.resolve(question)
    assert resolution.ids == [expected]
    assert resolution.choices == []


def test_two_people_with_one_surname_is_a_question_not_a_guess(resolver):
    resolution = resolver.resolve("What has Chen published on evaluation?")
    assert resolution.ids == []
    assert resolution.choices == ["jiajun-chen", "boxing-chen"]  # most papers first


def test_first_name_alone_shared_by_two_people_resolves_nobody(resolver):
    assert resolver.resolve("what did Ivan publish?").ids == []


def test_common_words_are_not_surnames(resolver):
    resolution = resolver.resolve("Which candidates have worked on dialogue state tracking? He said so.")
    assert resolution.ids == [] and resolution.choices == []


def test_remainder_drops_the_name_and_possessive(resolver):
    resolution = resolver.resolve("Which of Rico Sennrich's papers studies pronoun translation?")
    assert "Sennrich" not in resolution.remainder
    assert "pronoun translation" in resolution.remainder


def test_words_common_in_the_papers_are_not_surnames_alone():
    names = {**NAMES, "ulrich-germann": ["Ulrich Germann"], "matt-post": ["Matt Post"], "rui-wang": ["Rui Wang"]}
    texts = ["German to English translation", "German data", "We study German", "post editing", "post hoc",
             "Post-editing effort", "As Wang et al. show", "(Wang and Li, 2020)", "Wang et al. found"]
    resolver = NameResolver(names, common=common_words(texts))
    assert resolver.resolve("Which papers on German post-editing?").mentions == []
    assert resolver.resolve("What has Germann published?").ids == ["ulrich-germann"]
    assert resolver.resolve("What has Wang published?").ids == ["rui-wang"]
    assert resolver.resolve("Does Matt Post work on German?").ids == ["matt-post"]


SHORT = {"mei-su": ["Mei Su"], "tao-su": ["Tao Su"], "lan-qi": ["Lan Qi"], "greta-lind": ["Greta Lind"],
         "olav-haug": ["Olav Haug"], "olav-berg": ["Olav Berg"]}


def test_a_two_letter_surname_is_a_word_only_where_it_is_written_in_lower_case():
    abstracts = ["We cite Su and colleagues.", "The Su corpus of reviews.", "Su (2019) parses it.",
                 "the qi of the model", "its qi is high", "a qi term"]
    common = common_words(abstracts)
    assert "su" not in common and "qi" in common
    resolver = NameResolver(SHORT, common=common)
    assert resolver.resolve("What has Su written on parsing?").choices == ["mei-su", "tao-su"]


def test_a_lower_case_two_letter_surname_is_a_name_where_a_name_is_due():
    resolver = NameResolver(SHORT)
    assert resolver.resolve("papers by su about parsing?").choices == ["mei-su", "tao-su"]
    assert resolver.resolve("su's papers on parsing").choices == ["mei-su", "tao-su"]
    assert resolver.resolve("what is su in this corpus").mentions == []


def test_a_second_person_beside_a_full_name_is_read_after_with_or_and():
    resolver = NameResolver(SHORT)
    assert resolver.resolve("Has Greta Lind written with Olav?").choices == ["olav-berg", "olav-haug"]
    assert resolver.resolve("Did Greta Lind and Haug write together?").ids == ["greta-lind", "olav-haug"]
    assert resolver.resolve("Greta Lind on Olav sagas").ids == ["greta-lind"]  # not after with/and: a word


def test_a_name_written_whole_is_its_holder_not_someone_whose_middle_name_was_dropped():
    resolver = NameResolver({"lin-ma": ["Lin Ma"], "lin-wei-ma": ["Lin-Wei Ma"]})
    assert resolver.resolve("I mean Lin Ma").ids == ["lin-ma"]
    assert resolver.resolve("papers by Lin-Wei Ma").ids == ["lin-wei-ma"]


def test_a_pronoun_after_a_preposition_is_the_surname_it_spells():
    resolver = NameResolver({"lan-he": ["Lan He"], "tao-he": ["Tao He"]})
    assert resolver.resolve("papers by he about parsing?").choices == ["lan-he", "tao-he"]
    assert resolver.resolve("Has he written about parsing?").mentions == []


def test_a_hyphenated_surname_is_one_surname():
    resolver = NameResolver({"aino-lehto-kallio": ["Aino Lehto-Kallio"], "kallio-x": ["Pekka Kallio"]})
    unknown = resolver.resolve("Draft an email to Leila Lehto-Kallio about a role").unknown
    assert [m.name for m in unknown] == ["Leila Lehto-Kallio"] and unknown[0].namesakes == ["aino-lehto-kallio"]
    assert resolver.resolve("What has Lehto-Kallio written?").ids == ["aino-lehto-kallio"]
    assert resolver.resolve("What has Aino Lehto-Kallio written?").ids == ["aino-lehto-kallio"]


def test_a_surname_that_is_a_word_in_lower_case_text_is_the_word():
    resolver = NameResolver({"matt-post": ["Matt Post"], "ines-lunde": ["Ines Lunde"]},
                            common=common_words(["post hoc", "post-editing effort", "a post", "the post office"]))
    assert resolver.resolve("what's the ines lunde paper on gestures post-editing").unknown == []
    assert [m.name for m in resolver.resolve("Has Greta Post written on parsing?").unknown] == ["Greta Post"]


def test_a_capitalised_pronoun_inside_a_sentence_is_the_surname():
    resolver = NameResolver({"lan-he": ["Lan He"], "tao-he": ["Tao He"]})
    assert resolver.resolve("Show me He's work on parsing.").choices == ["lan-he", "tao-he"]
    assert resolver.resolve("He wrote about parsing, didn't he?").mentions == []


def test_a_name_of_one_word_is_its_holder():
    resolver = NameResolver({"aarav": ["Aarav"], "ines-lunde": ["Ines Lunde"]})
    assert resolver.resolve("List Aarav's papers with Ines Lunde.").ids == ["aarav", "ines-lunde"]
    unknown = resolver.resolve("write to signe aarav about a talk").unknown
    assert [m.name for m in unknown] == ["signe aarav"] and unknown[0].namesakes == ["aarav"]


TANES = NameResolver({"wiremu-yang-tane": ["Wiremu Yang Tane"], "wikitoria-tane": ["Wikitoria Tane"],
                      "ana-tane": ["Ana Tane"]})


@pytest.mark.parametrize("question, ids", [
    ("anything by W. Y. Tane in 2022?", ["wiremu-yang-tane"]),
    ("papers of W.Y. Tane", ["wiremu-yang-tane"]),
    ("A. Tane's latest", ["ana-tane"]),
])
def test_initials_before_a_surname_name_whoever_they_fit(question, ids):
    assert TANES.resolve(question).ids == ids


def test_initials_that_fit_several_people_ask_and_those_that_fit_nobody_are_unknown():
    several = TANES.resolve("what has W. Tane written?")
    assert set(several.choices) == {"wiremu-yang-tane", "wikitoria-tane"} and several.ambiguous_name == "W. Tane"
    unknown = TANES.resolve("latest from J. Doe")
    assert unknown.ids == [] and [m.name for m in unknown.unknown] == ["J. Doe"]
    assert TANES.resolve("e.g. BERT and its kin").mentions == []


def test_a_near_spelling_is_marked_as_one_and_a_possessive_is_not_part_of_the_name():
    near = TANES.resolve("papers by Wikitoria Tanee")
    assert near.ids == ["wikitoria-tane"] and near.mentions[0].near
    assert not TANES.resolve("papers by Wikitoria Tane").mentions[0].near
    assert TANES.resolve("Tane's latest").ambiguous_name == "Tane"


KAURS = NameResolver({"harpreet-kaur": ["Harpreet Kaur"], "lin-meiling": ["Meiling Lin"], "tomas-oro": ["Tomas Oro"]})


def test_a_known_surname_before_a_surname_nobody_has_is_another_person():
    unknown = KAURS.resolve("Tell me about Kaur Wisniewska's work on parsing")
    assert unknown.ids == [] and [m.name for m in unknown.unknown] == ["Kaur Wisniewska"]
    assert unknown.unknown[0].namesakes == ["harpreet-kaur"]
    assert KAURS.resolve("Kaur's papers on parsing").ids == ["harpreet-kaur"]  # the surname alone is still hers
    worded = NameResolver({"harpreet-kaur": ["Harpreet Kaur"]}, common={"parsing"})
    assert worded.resolve("kaur parsing papers").ids == ["harpreet-kaur"]  # a word of the papers is no surname
    assert worded.resolve("kaur wisniewska parsing papers").unknown[0].name == "kaur wisniewska"


def test_a_name_written_surname_first_is_its_holder_and_marked_as_read_so():
    reversed_order = KAURS.resolve("papers by Lin Meiling on speech")
    assert reversed_order.ids == ["lin-meiling"] and reversed_order.mentions[0].near
    assert reversed_order.mentions[0].name == "Lin Meiling"
    assert not KAURS.resolve("papers by Meiling Lin").mentions[0].near


def test_an_unknown_name_is_said_whole_with_its_hyphenated_surname():
    unknown = KAURS.resolve("email Dr. Meiling Wisniewska-Kowal about our team").unknown
    assert [m.name for m in unknown] == ["Meiling Wisniewska-Kowal"] and unknown[0].namesakes == ["lin-meiling"]


def test_a_surname_that_is_a_word_is_a_name_when_written_as_someones_with_a_possessive():
    resolver = NameResolver({"matt-post": ["Matt Post"]},
                            common=common_words(["post hoc", "post-editing effort", "a post", "the post office"]))
    assert resolver.resolve("Which of Post's papers are on evaluation?").ids == ["matt-post"]
    assert resolver.resolve("post's effort in the post office").ids == []  # lower case: the word
    assert resolver.resolve("the effort of post-editing").ids == []


def test_one_persons_given_name_beside_a_full_name_in_a_question_of_joint_work_is_that_person():
    resolver = NameResolver({"aino-laine": ["Aino Laine"], "rico-sennrich": ["Rico Sennrich"]})
    assert resolver.resolve("Has Aino worked with Rico Sennrich?").ids == ["aino-laine", "rico-sennrich"]
    # without a question of joint work, the lone given name beside a full name is left alone
    assert resolver.resolve("Rico Sennrich's papers on Aino").ids == ["rico-sennrich"]
