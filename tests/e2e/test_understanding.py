"""Every kind of everyday recruiter question, read into a typed request and answered exactly.

The people here are not the evaluation sets' people, the wordings are our own, and every expectation is
computed from the catalog in the test, so a test fails when the answer is wrong, not when wording moves.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.assistant.protocol import Conversation
from bot.assistant.understand.slots import family

NEY, LIU, QIN, KREUTZER, GENABITH, CHOI = ("hermann-ney", "tie-yan-liu", "tao-qin", "julia-kreutzer",
                                           "josef-van-genabith", "yejin-choi")


def cited(answer) -> list[str]:
    return [c.paper.id for c in answer.citations]


def papers_of(kb, person):
    return kb.catalog.papers_of(person)


def names_in_order(kb, text: str, exclude: str | None = None) -> list[str]:
    """Person ids named in the text, by first mention (full names only)."""
    found = []
    for candidate in kb.catalog.candidates.values():
        if candidate.id == exclude or len(candidate.name.split()) < 2:
            continue
        at = text.find(candidate.name)
        if at >= 0:
            found.append((at, candidate.id))
    return [c for _, c in sorted(found)]


def test_the_most_recent_paper_comes_first(assistant, full_kb):
    answer = assistant.ask("What did Hermann Ney put out most recently?")
    newest = max(p.year for p in papers_of(full_kb, NEY))
    assert answer.status == "answered" and full_kb.catalog.papers[cited(answer)[0]].year == newest
    assert all(NEY in full_kb.catalog.papers[p].author_ids for p in cited(answer))


def test_what_someone_works_on_lately_is_their_latest_paper_not_a_topic(assistant, full_kb):
    answer = assistant.ask("what is Hermann Ney working on lately? give me their last paper")
    newest = max(p.year for p in papers_of(full_kb, NEY))
    assert answer.status == "answered" and full_kb.catalog.papers[cited(answer)[0]].year == newest


def test_an_interest_said_is_framing_not_the_topic(assistant, full_kb):
    answer = assistant.ask("I'm interested in Tie-Yan Liu's unsupervised translation papers")
    assert answer.status == "answered" and "interested" not in answer.text.split(":")[0]
    assert set(cited(answer)) <= {p.id for p in papers_of(full_kb, LIU)}


def test_papers_of_one_year_are_exactly_that_years(assistant, full_kb):
    answer = assistant.ask("Show me the publications Tie-Yan Liu has from 2019")
    assert set(cited(answer)) == {p.id for p in papers_of(full_kb, LIU) if p.year == 2019}


def test_a_main_venue_is_not_its_findings(assistant, full_kb):
    answer = assistant.ask("Which EMNLP papers does Julia Kreutzer have?")
    gold = {p.id for p in papers_of(full_kb, KREUTZER) if family(p.venue) == "EMNLP"}
    assert gold and set(cited(answer)) == gold
    findings = assistant.ask("and in Findings of EMNLP, Julia Kreutzer?")
    assert set(cited(findings)) == {p.id for p in papers_of(full_kb, KREUTZER) if family(p.venue) == "Findings of EMNLP"}


def test_nothing_at_a_main_venue_says_what_its_findings_hold(assistant, full_kb):
    families = {c: Counter(family(p.venue) for p in papers_of(full_kb, c)) for c in sorted(full_kb.catalog.candidates)}
    person, venue = next((c, v) for c, held in families.items() for v in ("NAACL", "EMNLP", "ACL")
                         if sum(held.values()) >= 5 and not held[v] and held[f"Findings of {v}"] >= 2)
    name = full_kb.catalog.candidates[person].name
    answer = assistant.ask(f"{name}'s {venue} papers?")
    n = families[person][f"Findings of {venue}"]
    assert answer.status == "not_found" and answer.citations == []
    assert f"{n} paper{'s' * (n != 1)} at Findings of {venue}" in answer.text


def test_a_count_at_one_venue_is_that_venues_and_says_it_once(assistant, full_kb):
    n = sum(family(p.venue) == "ACL" for p in papers_of(full_kb, LIU))
    answer = assistant.ask("how many ACL papers does Tie-Yan Liu have?")
    assert answer.text.startswith(f"Tie-Yan Liu has {n} papers at ACL in the knowledge base.")
    assert "most at" not in answer.text


def test_a_count_is_the_real_number(assistant, full_kb):
    answer = assistant.ask("how many papers has josef van genabith got here")
    assert f"has {len(papers_of(full_kb, GENABITH))} papers" in answer.text


def test_venues_are_named_with_their_counts(assistant, full_kb):
    answer = assistant.ask("Which conferences does Hermann Ney tend to appear at?")
    top = Counter(family(p.venue) for p in papers_of(full_kb, NEY)).most_common(3)
    for venue, n in top:
        assert f"{venue} ({n})" in answer.text
    assert answer.citations == []


def test_joint_papers_are_exactly_the_shared_ones(assistant, full_kb):
    answer = assistant.ask("Tie-Yan Liu's papers with Tao Qin, please")
    gold = {p.id for p in papers_of(full_kb, LIU) if QIN in p.author_ids}
    assert gold and set(cited(answer)) == gold


def test_two_people_who_never_wrote_together_are_told_so(assistant, full_kb):
    assert not {p.id for p in papers_of(full_kb, CHOI)} & {p.id for p in papers_of(full_kb, NEY)}
    answer = assistant.ask("Have Yejin Choi and Hermann Ney ever published a paper together?")
    assert answer.status == "not_found" and answer.citations == [] and answer.text.startswith("No")


@pytest.mark.parametrize("question", ["Who is Tie-Yan Liu's most regular collaborator?",
                                      "With whom has Tie-Yan Liu published most often?"])
def test_the_most_frequent_coauthor_is_named_first(assistant, full_kb, question):
    answer = assistant.ask(question)
    counts = Counter(a for p in papers_of(full_kb, LIU) for a in p.author_ids if a != LIU)
    top = counts.most_common(1)[0][1]
    assert names_in_order(full_kb, answer.text, exclude=LIU)[0] in {a for a, n in counts.items() if n == top}


@pytest.mark.parametrize("ask, check", [
    ("who are the authors of '{title}'", "who"), ("what year did “{title}” appear", "when"),
    ("{title}: which venue?", "where"),
])
def test_a_paper_is_found_by_its_title(assistant, full_kb, ask, check):
    paper = next(p for p in papers_of(full_kb, "mamoru-komachi") if len(p.title.split()) >= 6)
    answer = assistant.ask(ask.format(title=paper.title.lower().replace(":", " -")))
    assert cited(answer) == [paper.id]
    if check == "who":
        assert names_in_order(full_kb, answer.text)[:len(paper.author_ids)] == paper.author_ids
    elif check == "when":
        assert re.search(r"(19|20)\d\d", answer.text.replace(paper.title, "")).group() == str(paper.year)
    else:
        assert paper.venue in answer.text


def _named(kb, name: str):
    return next(p for p in kb.catalog.papers.values() if p.title.startswith(f"{name}:"))


@pytest.mark.parametrize("ask, check", [
    ("In which year did Siqi Bao put out PLATO?", "when"), ("who wrote PLATO-XL?", "who"),
    ("at which venue did they publish KRLS", "where"), ("what is unINL about?", "about"),
])
def test_a_paper_is_found_by_the_name_its_title_gives_its_system(assistant, full_kb, ask, check):
    name = re.search(r"PLATO-XL|PLATO|KRLS|unINL", ask).group().replace("unINL", "UniNL")
    paper = _named(full_kb, name)
    answer = assistant.ask(ask)
    assert cited(answer) == [paper.id], answer.text
    if check == "when":
        assert str(paper.year) in answer.text
    elif check == "where":
        assert paper.venue in answer.text
    elif check == "who":
        assert names_in_order(full_kb, answer.text)[:3] == paper.author_ids[:3]


@pytest.mark.parametrize("ask", [
    "Who has worked on mutual information?",  # MuTual is a dataset's name, "mutual" a word
    "Which of Deng Cai's papers compare against PLATO?",  # not his paper: a topic, not the lookup
    "Who has worked with MuST-C?",  # a corpus many papers use: whoever worked with it, not its one paper
])
def test_a_system_name_that_is_a_word_or_someone_elses_is_not_read_as_that_paper(assistant, full_kb, ask):
    answer = assistant.ask(ask)
    owners = {_named(full_kb, n).id for n in ("MuTual", "PLATO", "MuST-C")
              if any(p.title.startswith(f"{n}:") for p in full_kb.catalog.papers.values())}
    assert not (answer.status == "answered" and cited(answer)[:1] and cited(answer)[0] in owners
                and answer.intent == "title"), answer.text
    assert "is not an author of" not in answer.text


def test_an_unknown_full_name_is_never_swapped_for_a_namesake(assistant):
    answer = assistant.ask("What has Greta Ney written on speech recognition?")
    assert answer.status == "not_found" and answer.citations == []
    assert "No candidate named Greta Ney" in answer.text and "Did you mean Hermann Ney" in answer.text


def test_no_draft_is_written_to_someone_unknown(assistant):
    answer = assistant.ask("Write an email to Olaf Komachi about a research role")
    assert answer.status == "not_found" and answer.draft is None and "Mamoru" not in answer.text.split("?")[-1]
    assert "Hi " not in answer.text and "Dear" not in answer.text


@pytest.mark.parametrize("say", ["What has Zorblatt Quennell published?", "zorblatt quennell's latest paper",
                                 "How many papers does Prof. Zorblatt Quennell have?",
                                 "Write to Dr Zorblatt Quennell about our speech team",
                                 "write zorblatt quennell a quick whatsapp about a talk"])
def test_a_name_no_part_of_which_is_anyones_is_said_unknown(assistant, say):
    answer = assistant.ask(say)
    assert answer.status == "not_found" and "No candidate named Zorblatt Quennell" in answer.text
    assert not answer.citations and answer.draft is None


@pytest.mark.parametrize("say", ["Tell me about Machine Translation", "Show me Speech Translation papers",
                                 "What has Fandong Meng published on Machine Translation?"])
def test_title_case_words_of_the_papers_are_a_topic_not_an_unknown_person(assistant, say):
    answer = assistant.ask(say)
    assert answer.status == "answered" and "No candidate named" not in answer.text


def test_a_shared_surname_asks_which_person_and_the_reply_completes_the_question(assistant, full_kb):
    conversation = Conversation()
    first = assistant.ask("Liu's papers on unsupervised translation?", conversation)
    assert first.status == "clarify" and LIU in first.clarify and len(first.clarify) >= 2
    second = assistant.ask("Tie-Yan Liu", conversation)
    assert second.status == "answered" and cited(second)
    assert all(LIU in full_kb.catalog.papers[p].author_ids for p in cited(second))
    assert conversation.pending is None


def test_a_number_picks_from_the_list(assistant):
    conversation = Conversation()
    first = assistant.ask("What has Liu written about dialogue?", conversation)
    second = assistant.ask("2", conversation)
    assert second.candidate_ids[:1] == [first.clarify[1]]


def test_two_people_one_of_whom_shares_their_full_name_asks_which_and_keeps_the_order(assistant, full_kb):
    namesakes = Counter(c.name for c in full_kb.catalog.candidates.values())
    twin = next(c for c in full_kb.catalog.candidates.values() if namesakes[c.name] >= 2 and len(c.paper_ids) >= 3)
    other = next(c for c in full_kb.catalog.candidates.values()
                 if namesakes[c.name] == 1 and len(c.paper_ids) >= 5 and not set(c.paper_ids) & set(twin.paper_ids))
    conversation = Conversation()
    asked = assistant.ask(f"Have {twin.name} and {other.name} written a paper together?", conversation)
    assert asked.status == "clarify" and twin.id in asked.clarify and other.id not in asked.clarify
    assert "latest:" in asked.text  # two people of one name are told apart
    picked = asked.clarify.index(twin.id) + 1
    answered = assistant.ask(str(picked), conversation)
    assert answered.candidate_ids == [twin.id, other.id] and answered.status == "not_found"


def test_a_shared_given_name_asks_which_person(assistant, full_kb):
    given = Counter(c.name.split()[0].lower() for c in full_kb.catalog.candidates.values()
                    if len(c.paper_ids) >= 5 and len(c.name.split()) == 2)
    name = next(n for n, k in given.most_common() if k >= 2 and len(n) > 4 and n.isalpha())
    answer = assistant.ask(f"anything {name} wrote about evaluation?")
    assert answer.status == "clarify" and len(answer.clarify) >= 2
    assert all(full_kb.catalog.candidates[c].name.lower().startswith(name) for c in answer.clarify)


def test_a_follow_up_about_that_paper_never_names_someone_else_as_its_author(assistant, full_kb):
    conversation = Conversation()
    first = assistant.ask("Which of Tie-Yan Liu's papers studies reinforcement learning for translation?", conversation)
    paper = first.citations[0].paper
    assert LIU in paper.author_ids
    who = assistant.ask("who did they write it with?", conversation)
    others = [a for a in paper.author_ids if a != LIU]
    assert names_in_order(full_kb, who.text, exclude=LIU)[:len(others)] == others
    when = assistant.ask("and when was that published?", conversation)
    assert str(paper.year) in when.text and cited(when) == [paper.id]
    # another person: "that paper" is no longer theirs to talk about
    assistant.ask("How many papers does Yejin Choi have?", conversation)
    assert not set(conversation.last_paper_ids) - {p.id for p in papers_of(full_kb, CHOI)}


def test_the_paper_a_title_phrase_names_comes_first_and_terse_follow_ups_are_about_it(assistant, full_kb):
    # A two-word phrase that only one of Hermann Ney's titles has: asked for, that paper is the one shown.
    mine = papers_of(full_kb, NEY)
    grams = Counter(g for p in mine for g in {" ".join(w) for w in zip(*(re.findall(r"[a-z][a-z-]{4,}",
                                                                                  p.title.lower())[k:] for k in (0, 1)))})
    phrase = sorted(g for g, k in grams.items() if k == 1)[0]
    paper = next(p for p in mine if phrase in " ".join(re.findall(r"[a-z][a-z-]{4,}", p.title.lower())))
    conversation = Conversation()
    first = assistant.ask(f"Hermann Ney wrote something on {phrase}, which paper?", conversation)
    assert cited(first)[0] == paper.id
    where = assistant.ask("which venue?", conversation)
    assert cited(where) == [paper.id] and family(paper.venue) in where.text
    others = assistant.ask("and its other authors?", conversation)
    assert names_in_order(full_kb, others.text, exclude=NEY)[:2] == [a for a in paper.author_ids if a != NEY][:2]


def test_after_a_count_a_terse_which_venue_asks_where_the_person_publishes(assistant):
    conversation = Conversation()
    assistant.ask("How many papers does Hermann Ney have?", conversation)
    where = assistant.ask("which venue?", conversation)
    assert where.intent == "venues" and "Hermann Ney" in where.text


def test_papers_on_a_topic_are_all_listed_and_all_theirs(assistant, full_kb):
    answer = assistant.ask("List Tie-Yan Liu's papers on unsupervised translation")
    mine = {p.id for p in papers_of(full_kb, LIU)}
    titled = {p.id for p in papers_of(full_kb, LIU) if "unsupervised" in p.title.lower()}
    assert titled and titled <= set(cited(answer)) <= mine


# Colin Cherry works on translation: "simultaneous translation" of his are his titles on simultaneous work,
# "Simultaneous Interpretation" included, although that title does not say "translation". Fei Mi writes on dialogue
# generation in five of thirteen titles: the open-domain ones are the topic, whether the title says "generation"
# ("Responding through Seeing ... in Open-domain Dialogue") or not.
@pytest.mark.parametrize("question, person, word, field", [
    ("What has Colin Cherry written about simultaneous translation?", "colin-cherry", "simultaneous", "translation"),
    ("Fei Mi's papers on open-domain dialogue generation", "fei-mi", "open-domain", "generation"),
])
def test_the_persons_field_in_a_topic_is_context_not_a_title_word(assistant, full_kb, question, person, word, field):
    answer = assistant.ask(question)
    mine = {p.id for p in papers_of(full_kb, person)}
    titled = {p.id for p in papers_of(full_kb, person) if word in p.title.lower()}
    assert any(field not in full_kb.catalog.papers[p].title.lower() for p in titled)
    assert len(titled) >= 2 and titled <= set(cited(answer)) <= mine


@pytest.mark.parametrize("question", ["Which of Hermann Ney's papers are about empathetic chatbots?",
                                      "Deng Cai's papers on topic modeling"])  # not every paper on "modeling"
def test_a_topic_the_person_never_worked_on_is_nothing_found(assistant, question):
    answer = assistant.ask(question)
    assert answer.status == "not_found" and answer.citations == []


def test_help_shows_what_can_be_asked_and_cites_nothing(assistant):
    for message in ("what can you do?", "/help", "I'm new, how does this work?", "What sort of things can I ask?",
                    "which questions can I ask you", "could you explain what you do?", "what is this bot for?"):
        answer = assistant.ask(message)
        assert answer.status == "help" and answer.citations == []
        assert "draft" in answer.text.lower() and "find candidates" in answer.text.lower()


def test_a_drafts_purpose_is_the_role_not_the_ask_around_it(assistant, full_kb):
    answer = assistant.ask("We'd like to approach Julia Kreutzer about a staff role on our parsing team. Can you "
                           "write a LinkedIn?")
    assert answer.draft.purpose == "a staff role on our parsing team" and "Can you write" not in answer.draft.body


def test_a_draft_is_revised_by_plain_words_in_the_chat(assistant, full_kb):
    conversation = Conversation()
    draft = assistant.ask("Could you write Julia Kreutzer an email about a research scientist role?", conversation)
    assert draft.status == "draft" and draft.draft.candidate_id == KREUTZER
    assert set(draft.draft.cited_paper_ids) <= {p.id for p in papers_of(full_kb, KREUTZER)}
    assert "Julia" in draft.draft.body.splitlines()[0] or "Kreutzer" in draft.draft.body.splitlines()[0]
    shorter = assistant.ask("too long, trim it please", conversation)
    assert shorter.status == "draft" and len(shorter.draft.body.split()) < len(draft.draft.body.split())
    french = assistant.ask("now in French", conversation)
    assert french.status == "draft" and french.draft.language == "fr"
    formal = assistant.ask("make it more formal", conversation)
    assert formal.draft.tone == "formal" and formal.draft.body != french.draft.body


def test_a_revision_without_a_draft_asks_for_one(assistant):
    answer = assistant.ask("make it shorter", Conversation())
    assert answer.status in ("clarify", "help") or "draft" in answer.text.lower()


def test_parsed_requests_carry_their_slots(assistant):
    request = assistant.understand("Tie-Yan Liu's EMNLP papers between 2018 and 2020 on translation")
    assert request.op == "papers" and request.people == [LIU] and request.venue == "EMNLP"
    assert (request.year_from, request.year_to) == (2018, 2020) and "translation" in request.topic
    draft = assistant.understand("pls prepare a formal whatsapp note to Julia Kreutzer in French about our lab")
    assert (draft.op, draft.channel, draft.tone, draft.language) == ("draft", "whatsapp", "formal", "fr")
    assert "lab" in draft.purpose and "whatsapp" not in draft.purpose.lower()


@pytest.mark.parametrize("text, op", [
    ("In which year did Hermann Ney publish the paper on alignment for speech translation?", "fact"),
    ("Who co-wrote Tie-Yan Liu's paper that grows the depth of the translation model?", "fact"),
    ("Where did Julia Kreutzer publish her study of bandit feedback from users?", "fact"),
    ("Which Yejin Choi paper teaches models commonsense about events?", "papers"),
    ("Give me a picture of Josef van Genabith's research", "profile"),
    ("number of papers by Hermann Ney since 2019?", "count"),
    ("which researchers have done sign language translation", "find"),
    ("Could you compose a WhatsApp note for Yejin Choi?", "draft"),
    ("Mamoru Komachi's earliest paper here?", "oldest"),
    ("what's Julia Kreutzer's e-mail address", "dossier"),
    ("Tie-Yan Liu and Tao Qin: list their joint work", "with_coauthor"),
    ("Did Hermann Ney ever collaborate with Yejin Choi?", "together"),
    ("Qu'a écrit Mamoru Komachi dernièrement ?", "latest"),
    ("Qu'a publié Josef van Genabith récemment ?", "latest"),
    ("Qu'a publié Josef van Genabith ?", "papers"),
    ("Does Julia Kreutzer have an email on file?", "dossier"),
    ("Do we have contact details for Yejin Choi?", "dossier"),
    ("Write an email to Yejin Choi about a research role", "draft"),
])
def test_each_kind_of_request_is_read_as_its_operation(assistant, text, op):
    assert assistant.understand(text).op == op


def test_a_known_given_name_before_an_unknown_surname_is_an_unknown_person(assistant):
    request = assistant.understand("What has Julia Moreno published on speech?")
    assert request.people == [] and request.unknown_name == "Julia Moreno"
    assert KREUTZER in request.namesakes


def test_a_capitalised_title_without_quotes_is_a_title_not_a_person(assistant, full_kb):
    paper = next(p for p in papers_of(full_kb, LIU) if p.title.startswith("Depth Growing"))
    answer = assistant.ask(f"Who wrote {paper.title}?")
    assert cited(answer) == [paper.id]
    assert names_in_order(full_kb, answer.text)[:len(paper.author_ids)] == paper.author_ids


def test_the_paper_in_the_conversation_is_never_given_to_someone_who_did_not_write_it(assistant, full_kb):
    conversation = Conversation()
    first = assistant.ask("Which of Tie-Yan Liu's papers studies reinforcement learning for translation?", conversation)
    paper = first.citations[0].paper
    assert CHOI not in paper.author_ids
    answer = assistant.ask("Who were Yejin Choi's co-authors on it?", conversation)
    assert "Yejin Choi is not an author of" in answer.text
    assert "Yejin Choi's co-authors were" not in answer.text


def test_how_well_people_fit_a_role_comes_with_their_papers_on_it(assistant, full_kb):
    one = assistant.ask("How good a fit is Tie-Yan Liu for our non-autoregressive translation team?")
    assert one.status == "answered" and one.candidate_ids == [LIU] and "fit" in one.text
    assert one.citations and all(LIU in c.paper.author_ids for c in one.citations)
    many = assistant.ask("Rank Yejin Choi and Tie-Yan Liu for a role on non-autoregressive translation")
    assert many.candidate_ids == [LIU, CHOI]


def test_nobody_is_found_for_a_topic_nobody_has_worked_on(assistant):
    answer = assistant.ask("Which researchers here have worked on protein folding?")
    assert answer.status == "not_found" and answer.citations == [] and answer.candidate_ids == []


def test_found_candidates_carry_their_real_count_of_matching_papers(assistant):
    answer = assistant.ask("Who has worked on simultaneous translation?")
    counts = [int(n) for n in re.findall(r"— (\d+) matching paper", answer.text)]
    assert counts and counts == sorted(counts, reverse=True) and len(set(counts)) > 1


@pytest.mark.parametrize("text, topic", [
    ("Recommend candidates for a role on speech translation", "speech translation"),
    ("Who could lead our work on hate speech detection?", "hate speech detection"),
    ("I'm looking for people who build task-oriented dialogue systems", "task-oriented dialogue systems"),
    ("who has worked on semantic role labeling?", "semantic role labeling"),
])
def test_what_a_role_asks_for_is_framing_and_the_fields_words_stay(assistant, text, topic):
    assert assistant.understand(text).topic == topic


@pytest.mark.parametrize("short, long", [("ST", "speech translation"), ("QE", "quality estimation"),
                                         ("DST", "dialogue state tracking")])
def test_an_acronym_the_papers_define_is_searched_as_what_it_stands_for(assistant, short, long):
    found = assistant.ask(f"Who works on {short}?")
    assert found.status == "answered" and found.candidate_ids
    assert found.candidate_ids == [h.candidate.id for h in assistant.find(long)]


def test_a_fit_for_an_acronym_role_reads_it_as_the_field_does(assistant, full_kb):
    short = assistant.ask("How well does Tie-Yan Liu fit an NMT role?")
    long = assistant.ask("How well does Tie-Yan Liu fit a neural machine translation role?")
    assert short.status == long.status == "answered"
    assert re.search(r"fit (\d\.\d\d), (\d+) papers?", short.text).groups() == \
        re.search(r"fit (\d\.\d\d), (\d+) papers?", long.text).groups()


@pytest.mark.parametrize("topic", ["hate speech detection", "code-switching", "sign language translation"])
def test_among_equal_counts_the_strongest_evidence_comes_first(assistant, full_kb, topic):
    hits = assistant.find(topic)
    assert hits
    order = [(-h.matching, -h.evidence[0].score) for h in hits]
    assert order == sorted(order)
    best = max(hits, key=lambda h: h.evidence[0].score)  # the paper most on the topic: its authors lead their tier
    assert hits.index(best) == min(i for i, h in enumerate(hits) if h.matching == best.matching)


def test_the_n_most_recent_reach_back_and_say_which_years(assistant, full_kb):
    papers = sorted(papers_of(full_kb, "shuhao-gu"), key=lambda p: -p.year)
    answer = assistant.ask("Shuhao Gu's two most recent papers")
    assert cited(answer) == [p.id for p in papers[:2]] and papers[0].year != papers[1].year
    assert f"({papers[1].year}–{papers[0].year})" in answer.text


def test_a_near_spelling_of_a_name_is_answered_for_that_person_and_says_so(assistant):
    answer = assistant.ask("papers by Siqi Bhao")
    assert answer.candidate_ids == ["siqi-bao"]
    assert any("“Siqi Bhao” as Siqi Bao" in w for w in answer.warnings)
    draft = assistant.ask("email Siqi Bhao about our dialogue team")
    assert draft.status == "draft" and any("as Siqi Bao" in w for w in draft.draft.warnings)
    assert not assistant.ask("papers by Siqi Bao").warnings


@pytest.mark.parametrize("question", ["what did Qingyang Wu publish?", "what has Deng Cai published so far"])
def test_what_someone_published_is_their_list_not_their_first_paper(assistant, full_kb, question):
    answer = assistant.ask(question)
    person = answer.candidate_ids[0]
    assert answer.intent == "papers" and len(answer.citations) == min(len(papers_of(full_kb, person)), 10)


@pytest.mark.parametrize("question", ["compare Siqi Bao and Deng Cai for our dialogue team",
                                      "who fits our dialogue team better, Deng Cai or Siqi Bao?"])
def test_comparing_two_people_for_a_role_ranks_them_by_fit(assistant, question):
    answer = assistant.ask(question)
    assert answer.intent == "fit" and set(answer.candidate_ids) == {"siqi-bao", "deng-cai"}
    assert "compare" not in answer.text.split("(")[0] and "better" not in answer.text.split("(")[0]


def test_a_coined_name_of_three_parts_is_the_paper_that_gives_it(assistant, full_kb):
    paper = _named(full_kb, "Skeleton-to-Response")
    answer = assistant.ask("Who are the authors of Skeleton-to-Response?")
    assert cited(answer) == [paper.id] and names_in_order(full_kb, answer.text)[:2] == paper.author_ids[:2]


def test_anything_on_a_topic_from_someone_is_their_papers_on_it_not_their_profile(assistant, full_kb):
    answer = assistant.ask("anything on retrieval from deng cai")
    assert answer.intent == "papers" and answer.citations
    assert all("deng-cai" in c.paper.author_ids and "retriev" in c.paper.text().lower() for c in answer.citations)


@pytest.mark.parametrize("question, english", [
    ("Qui a travaillé sur la traduction de la parole ?", "speech translation"),
    ("Quels chercheurs travaillent sur la reconnaissance de la parole ?", "speech recognition"),
])
def test_who_has_worked_on_asked_in_french_finds_people_on_the_english_topic(assistant, question, english):
    answer = assistant.ask(question)
    assert answer.intent == "find" and answer.status == "answered" and len(answer.candidate_ids) >= 3
    assert english in answer.text
    assert all(english.split()[0] in c.paper.text().lower() for c in answer.citations)


def test_offline_regenerate_cites_other_papers_and_a_revision_that_changes_nothing_says_so(assistant):
    conversation = Conversation()
    first = assistant.ask("Draft a WhatsApp to Yu Zhou about our summarisation team", conversation)
    again = assistant.ask("regenerate", conversation)
    assert again.status == "draft" and again.draft.cited_paper_ids
    assert not set(again.draft.cited_paper_ids) & set(first.draft.cited_paper_ids)
    casual = assistant.ask("warmer", conversation)  # one step warmer than the default warm tone
    assert casual.draft.tone == "casual" and casual.draft.body != again.draft.body
    same = assistant.ask("warmer", conversation)  # nothing is warmer than casual offline
    assert same.draft.body == casual.draft.body and any("Unchanged" in w for w in same.draft.warnings)


def test_a_casual_draft_and_each_tone_step_keep_the_person_and_the_papers(assistant):
    conversation = Conversation()
    first = assistant.ask("Email Tie-Yan Liu about our machine translation team", conversation)
    assert first.draft.tone == "warm" and first.draft.body.startswith("Hi Tie-Yan,")
    steps = [assistant.ask(say, conversation) for say in ("can you make it more laid-back?", "a bit more formal",
                                                         "more formal still")]
    assert [s.draft.tone for s in steps] == ["casual", "warm", "formal"]
    assert steps[0].draft.body.startswith("Hey Tie-Yan,") and steps[2].draft.body.startswith("Dear Dr Liu,")
    assert steps[1].draft.body == first.draft.body  # back to where it started
    assert all(s.draft.cited_paper_ids == first.draft.cited_paper_ids for s in steps)
    asked = assistant.ask("Write an informal Telegram message to Tie-Yan Liu about a research lead role")
    assert asked.draft.tone == "casual" and asked.draft.body.startswith("Hey Tie-Yan,")


@pytest.mark.parametrize("question", ["how many candidates do you know?", "what can you tell me about candidates?"])
def test_a_question_about_the_knowledge_itself_is_answered_by_help(assistant, full_kb, question):
    answer = assistant.ask(question)
    assert answer.status == "help" and not answer.citations
    assert f"{len(full_kb.catalog.papers)} papers" in answer.text


def test_venues_excluded_or_several_filter_as_said(assistant, full_kb):
    mine = papers_of(full_kb, "deng-cai")
    outside = assistant.ask("papers by Deng Cai not at ACL")
    assert cited(outside) and set(cited(outside)) == {p.id for p in mine if family(p.venue) != "ACL"}
    both = assistant.ask("Show Deng Cai's ACL and EMNLP papers")
    assert set(cited(both)) == {p.id for p in mine if family(p.venue) in ("ACL", "EMNLP")}


def test_the_most_cited_is_not_answered_as_if_citations_were_known(assistant):
    answer = assistant.ask("Yu Zhou's most cited paper")
    assert answer.intent == "papers" and any("no citation counts" in w for w in answer.warnings)


@pytest.mark.parametrize("question", ["who else wrote about retrieval-augmented dialogue besides Deng Cai?",
                                      "Besides Siqi Bao, who has worked on dialogue generation?"])
def test_who_else_besides_someone_finds_people_on_the_topic_and_leaves_them_out(assistant, question):
    answer = assistant.ask(question)
    assert answer.intent == "find" and len(answer.candidate_ids) >= 3
    assert not {"deng-cai", "siqi-bao"} & set(answer.candidate_ids) and "besides" not in answer.text.lower()


def test_a_quoted_title_the_knowledge_does_not_hold_is_said_to_be_missing(assistant, full_kb):
    title = "Teaching Parrots to Translate Legal Contracts Overnight"
    answer = assistant.ask(f"who wrote “{title}”?")
    assert answer.status == "not_found" and answer.citations == [] and f"No paper titled “{title}”" in answer.text
    assert names_in_order(full_kb, answer.text) == []
    theirs = assistant.ask(f"When did Hermann Ney publish '{title}'?")
    assert theirs.status == "not_found" and theirs.citations == [] and theirs.candidate_ids == [NEY]
    topic = assistant.ask("Who has worked on \"unsupervised neural machine translation for low-resource languages\"?")
    assert topic.status == "answered" and topic.intent == "find" and topic.candidate_ids
    # two apostrophes are no quotation: "I'm … Ney's" keeps its name
    apostrophes = assistant.ask("I'm hiring for speech. Which papers of Hermann Ney's are on speech recognition?")
    assert apostrophes.candidate_ids == [NEY] and apostrophes.citations


def test_a_surname_before_a_surname_nobody_has_is_someone_else_and_surname_first_is_read_as_said(assistant, full_kb):
    other = assistant.ask("Tell me about Komachi Brandtner's work on parsing")
    assert other.status == "not_found" and other.citations == []
    assert "No candidate named Komachi Brandtner" in other.text and "Did you mean Mamoru Komachi" in other.text
    reversed_order = assistant.ask("Papers by Ney Hermann in 2019")
    assert reversed_order.candidate_ids == [NEY] and reversed_order.citations
    assert {full_kb.catalog.papers[p].year for p in cited(reversed_order)} == {2019}
    assert any("“Ney Hermann” as Hermann Ney" in w for w in reversed_order.warnings)


def test_which_of_those_narrows_the_list_just_shown(assistant, full_kb):
    conversation = Conversation()
    shown = assistant.ask("What did Tie-Yan Liu publish in 2019?", conversation)
    assert set(cited(shown)) == {p.id for p in papers_of(full_kb, LIU) if p.year == 2019}
    narrower = assistant.ask("which of those were at ACL?", conversation)
    gold = {p.id for p in papers_of(full_kb, LIU) if p.year == 2019 and family(p.venue) == "ACL"}
    assert gold and set(cited(narrower)) == gold
    # another person named is a new list, not a narrowing of Liu's
    other = assistant.ask("which of Hermann Ney's papers were at ACL?", conversation)
    assert set(cited(other)) == {p.id for p in papers_of(full_kb, NEY) if family(p.venue) == "ACL"}


def test_papers_on_a_topic_within_a_filter_are_on_the_topic_there(assistant, full_kb):
    pool = [p for p in papers_of(full_kb, LIU) if p.year == 2022 and family(p.venue) == "ACL"]
    assert pool and not any("translat" in (p.title + p.abstract).lower() for p in pool)
    answer = assistant.ask("Tie-Yan Liu's ACL 2022 papers on machine translation")
    assert answer.status == "not_found" and answer.citations == []


def test_a_title_cited_short_in_quotes_is_that_paper(assistant, full_kb):
    from bot.text import fold

    papers = sorted(full_kb.catalog.papers.values(), key=lambda p: p.id)
    heads = {}
    for p in papers:
        if ":" in p.title:
            heads.setdefault(fold(p.title.split(":", 1)[0]), []).append(p)
    texts = [f" {fold(p.text())} " for p in papers]
    paper = next(ps[0] for head, ps in heads.items() if len(ps) == 1 and 3 <= len(head.split()) <= 5
                 and sum(f" {head} " in t for t in texts) == 1 and not system_name_like(ps[0].title))
    answer = assistant.ask(f"Which year is '{paper.title.split(':', 1)[0]}' from?")
    assert cited(answer) == [paper.id] and str(paper.year) in answer.text
    # a phrase that other papers say too, quoted, is still a topic
    generic = next(head for head, ps in heads.items() if sum(f" {head} " in t for t in texts) > len(ps) + 5)
    assert assistant.ask(f"who works on '{generic}'?").intent == "find"


def system_name_like(title: str) -> bool:
    from bot.assistant.understand.titles import system_name

    return system_name(title) is not None


def test_a_versioned_name_is_that_paper_though_others_use_the_name(assistant, full_kb):
    papers = sorted(full_kb.catalog.papers.values(), key=lambda p: p.id)
    # a "NAME 2.0" whose NAME other papers work with too (its first version, a dataset of the family)
    paper = next(p for p in papers if re.match(r"^[A-Za-z]{3,} \d+(?:\.\d+)+:", p.title)
                 and sum(p.title.split()[0].lower() in q.text().lower() for q in papers) > 3)
    name = paper.title.split(":", 1)[0]
    answer = assistant.ask(f"who are the authors of {name.lower()}")
    assert cited(answer) == [paper.id]
    assert names_in_order(full_kb, answer.text)[:len(paper.author_ids)] == paper.author_ids


@pytest.mark.parametrize("said", ["thanks!", "ok", "Thank you so much!", "👍", "merci"])
def test_a_thank_you_gets_a_short_reply_and_keeps_the_draft(assistant, said):
    conversation = Conversation()
    drafted = assistant.ask("Write an email to Hermann Ney about a research role", conversation)
    assert drafted.status == "draft"
    reply = assistant.ask(said, conversation)
    assert reply.status == "help" and reply.citations == [] and len(reply.text) < 200
    assert conversation.draft is not None and conversation.candidate_id == NEY


@pytest.mark.parametrize("question", ["Who is the best researcher?", "who should I hire?", "any experts?"])
def test_finding_people_without_a_topic_asks_for_one(assistant, question):
    answer = assistant.ask(question)
    assert answer.status == "clarify" and answer.citations == [] and answer.candidate_ids == []


def test_a_shared_surname_beside_a_person_offers_their_coauthors_first(assistant, full_kb):
    candidates = full_kb.catalog.candidates
    coauthors = {a for p in papers_of(full_kb, LIU) for a in p.author_ids if a != LIU and a in candidates}
    holders = {}
    for c in candidates.values():
        if len(c.name.split()) >= 2 and not c.ambiguous:
            holders.setdefault(c.name.split()[-1], []).append(c.id)
    surname, ids = next((s, ids) for s, ids in sorted(holders.items())
                        if len(ids) >= 3 and set(ids) & coauthors and set(ids) - coauthors)
    answer = assistant.ask(f"Has Tie-Yan Liu written with {surname}?")
    assert answer.status == "clarify"
    theirs = [o for o in answer.clarify if o in coauthors]
    assert theirs and answer.clarify[:len(theirs)] == theirs  # his co-authors first
    assert "written with Tie-Yan Liu" in answer.text and all(candidates[o].name in answer.text for o in theirs)


def test_a_follow_up_on_joint_papers_keeps_the_co_author(assistant, full_kb):
    neubig, hu = "graham-neubig", "junjie-hu"
    joint = {p.id: p for p in papers_of(full_kb, neubig) if hu in p.author_ids}
    assert len({p.year for p in joint.values()}) > 1 and min(p.year for p in joint.values()) > min(
        p.year for p in papers_of(full_kb, neubig)), "the oldest joint paper is not Neubig's oldest"
    conversation = Conversation()
    shown = assistant.ask("What did Graham Neubig write with Junjie Hu?", conversation)
    assert set(cited(shown)) == set(joint)
    oldest = assistant.ask("which one is the oldest?", conversation)
    first = min(p.year for p in joint.values())
    assert set(cited(oldest)) == {i for i, p in joint.items() if p.year == first}
    assert "with Junjie Hu" in oldest.text
    at_emnlp = assistant.ask("and of those, which were at EMNLP?", conversation)
    gold = {i for i, p in joint.items() if family(p.venue) == "EMNLP"}
    assert gold and set(cited(at_emnlp)) == gold and set(at_emnlp.candidate_ids) == {neubig, hu}
    newest = assistant.ask("the most recent one?", conversation)
    last = max(joint[i].year for i in gold)
    assert set(cited(newest)) == {i for i in gold if joint[i].year == last}


def test_the_oldest_of_a_topic_list_is_the_oldest_on_the_topic(assistant, full_kb):
    conversation = Conversation()
    shown = assistant.ask("Graham Neubig's papers on low-resource languages", conversation)
    listed = {i: full_kb.catalog.papers[i] for i in cited(shown)}
    assert len({p.year for p in listed.values()}) > 1
    oldest = assistant.ask("which one is the oldest?", conversation)
    first = min(p.year for p in listed.values())
    assert cited(oldest) and {full_kb.catalog.papers[i].year for i in cited(oldest)} == {first}
    assert set(cited(oldest)) <= set(listed)
    # "their latest one" is the person's, not the list's
    theirs = assistant.ask("and their latest one?", conversation)
    assert full_kb.catalog.papers[cited(theirs)[0]].year == max(p.year for p in papers_of(full_kb, "graham-neubig"))


def test_years_counted_back_from_today_are_a_range_not_a_number_of_papers(assistant, full_kb, monkeypatch):
    import datetime

    from bot.assistant.understand import slots

    class Today(datetime.date):
        @classmethod
        def today(cls):
            return cls(2025, 6, 1)

    monkeypatch.setattr(slots.datetime, "date", Today)
    koehn = "philipp-koehn"
    recent = assistant.ask("Show me Philipp Koehn's papers from the last two years")
    assert set(cited(recent)) == {p.id for p in papers_of(full_kb, koehn) if p.year >= 2024}
    assert "since 2024" in recent.text
    assert slots.years("what did she publish last year?")[:2] == (2024, 2024)
    assert slots.years("anything in the past 5 years")[:2] == (2021, None)
    assert slots.years("papers from this year")[:2] == (2025, 2025)
    # "the last three" without "years" is still a number of papers
    assert len(cited(assistant.ask("Philipp Koehn's last three papers"))) == 3


def test_a_number_of_people_is_how_many_are_listed_not_part_of_the_topic(assistant):
    answer = assistant.ask("Find me three people who work on question answering")
    assert answer.intent == "find" and len(answer.candidate_ids) == 3
    assert "three" not in answer.text.split(":")[0]
    assert len(assistant.ask("who are the top 5 researchers in dialogue?").candidate_ids) == 5


@pytest.mark.parametrize("question", ["What is Heng Ji known for?", "Is Heng Ji in the database?",
                                      "do we have Heng Ji?", "Qui est Heng Ji ?", "Que fait Heng Ji ?"])
def test_what_someone_is_known_for_or_whether_they_are_here_is_their_profile(assistant, question):
    answer = assistant.ask(question)
    assert answer.intent == "profile" and answer.status == "answered" and answer.candidate_ids == ["heng-ji"]
    assert answer.text.startswith("Heng Ji: ")


@pytest.mark.parametrize("question", ["How many co-authors does Philipp Koehn have?",
                                      "how many people has Philipp Koehn written with?"])
def test_how_many_co_authors_is_the_number_of_people_not_of_papers(assistant, full_kb, question):
    koehn = "philipp-koehn"
    people = {a for p in papers_of(full_kb, koehn) for a in p.author_ids} - {koehn}
    answer = assistant.ask(question)
    assert answer.intent == "top_coauthors" and f"has {len(people)} co-authors" in answer.text
    assert f"over {len(papers_of(full_kb, koehn))} papers" in answer.text


def test_whom_to_contact_about_a_topic_finds_people_on_the_topic(assistant):
    answer = assistant.ask("Who should I contact about grammatical error correction?")
    assert answer.intent == "find" and answer.candidate_ids
    assert "contact" not in answer.text.split("\n")[0]


def test_the_second_one_is_the_second_item_of_the_list_just_shown(assistant, full_kb):
    conversation = Conversation()
    listed = assistant.ask("Which papers did Philipp Koehn write with Matt Post?", conversation)
    shown = cited(listed)
    assert len(shown) >= 3
    about = assistant.ask("tell me more about the first one", conversation)
    assert cited(about) == [shown[0]] and about.intent in ("title", "fact")
    # a one-paper answer between does not renumber the list
    who = assistant.ask("who wrote the third one?", conversation)
    assert cited(who) == [shown[2]]
    assert set(who.candidate_ids) == set(full_kb.catalog.papers[shown[2]].author_ids)
    # "their first paper" is the person's oldest, not the list's first
    oldest = assistant.ask("and what was Koehn's first paper?", conversation)
    assert full_kb.catalog.papers[cited(oldest)[0]].year == min(p.year for p in papers_of(full_kb, "philipp-koehn"))


def test_the_second_one_after_a_list_of_people_is_that_person(assistant):
    conversation = Conversation()
    people = assistant.ask("Find me three people who work on question answering", conversation).candidate_ids
    assert len(people) == 3
    profile = assistant.ask("tell me more about the second one", conversation)
    assert profile.intent == "profile" and profile.candidate_ids == [people[1]]
    draft = assistant.ask("draft an email to the first one", conversation)
    assert draft.status == "draft" and draft.candidate_ids == [people[0]]
    from bot.assistant.followups import pointed

    assert pointed(assistant.kb, "and the fifth one?", conversation) == "and the fifth one?"  # no fifth: as said


def test_a_profile_names_themes_whole_not_the_words_that_modify_them(assistant, full_kb):
    from bot.assistant.topics import modifiers

    words = modifiers(full_kb)
    assert {"question", "open-domain", "conversational"} <= words and not {"translation", "retrieval"} & words
    profile = assistant.ask("What does Aiti Aw work on?")
    line = next(line for line in profile.text.splitlines() if line.startswith("Their titles return to"))
    items = re.split(r",\s*|\s+and\s+", line.removeprefix("Their titles return to ").rstrip("."))
    assert "question answering" in items and not {"question", "conversational"} & set(items)


@pytest.mark.parametrize("question", ["Has anyone here worked with Philipp Koehn on low-resource machine translation?",
                                      "who did Koehn collaborate with on low-resource MT?"])
def test_who_worked_with_someone_on_a_topic_is_their_co_authors_on_those_papers(assistant, full_kb, question):
    koehn = "philipp-koehn"
    answer = assistant.ask(question)
    assert answer.intent == "top_coauthors" and answer.candidate_ids[0] == koehn and len(answer.candidate_ids) > 1
    on_it = [p for p in papers_of(full_kb, koehn) if "low-resource" in (p.title + p.abstract).lower()]
    assert on_it and len(on_it) < len(papers_of(full_kb, koehn))
    # the people named wrote with him on the topic, not merely with him
    for person in answer.candidate_ids[1:]:
        assert any(person in p.author_ids for p in on_it), person
    assert assistant.ask("who did Koehn work with on protein folding?").status == "not_found"


def test_french_co_author_questions_are_read_as_in_english(assistant):
    top = assistant.ask("Avec qui Philipp Koehn a-t-il le plus publié ?")
    assert top.intent == "top_coauthors" and top.candidate_ids[0] == "philipp-koehn" and len(top.candidate_ids) > 1
    joint = assistant.ask("Koehn et Post ont-ils écrit ensemble ?")
    assert set(joint.candidate_ids) == {"philipp-koehn", "matt-post"} and joint.citations


def test_a_paper_described_at_length_is_named_as_the_closest_and_its_title_words_decide(assistant, full_kb):
    # Two of his papers share "speech-to-speech translation with discrete units"; only one title says "two-pass".
    conversation = Conversation()
    answer = assistant.ask("the Juan Pino paper on two-pass speech-to-speech translation with discrete units — "
                           "which is it?", conversation)
    top = full_kb.catalog.papers[cited(answer)[0]]
    assert "two-pass" in top.title.lower() and "juan-pino" in top.author_ids
    assert answer.text.startswith("The closest of Juan Pino's papers to what you describe is")
    # A terse follow-up is about that paper, not a search for a topic called "other".
    for say in ("who were the other authors?", "authors?"):
        follow = assistant.ask(say, conversation)
        assert follow.intent == "fact" and cited(follow) == [top.id]
        others = [n for n, a in zip(top.authors, top.author_ids) if a != "juan-pino"]
        assert all(name in follow.text for name in others)


@pytest.mark.parametrize("question, person, words", [
    ("Which of Juan Pino's papers deals with translating speech straight into speech in another language without "
     "any text in between?", "juan-pino", "textless"),
    ("Which of Hermann Ney's papers is about choosing the alignment between source and target words with a hidden "
     "Markov model?", NEY, "hidden markov"),
])
def test_which_of_a_persons_papers_with_a_verb_for_one_asks_for_the_one(assistant, full_kb, question, person, words):
    # "Which of X's papers deals with …" (not "deal with"): one paper, picked as the closest, then the next ones.
    answer = assistant.ask(question)
    top = full_kb.catalog.papers[cited(answer)[0]]
    assert words in top.title.lower() and person in top.author_ids
    name = full_kb.catalog.candidates[person].name
    assert answer.text.startswith(f"The closest of {name}'s papers to what you describe is")


def test_a_word_of_the_description_does_not_make_it_a_request_for_many(assistant, full_kb):
    # "without any explicit segmentation" describes the one paper; "any papers" would ask for more.
    answer = assistant.ask("Kyunghyun Cho had a paper on translating at the character level without any explicit "
                           "segmentation — which one?")
    top = full_kb.catalog.papers[cited(answer)[0]]
    assert "character-level" in top.title.lower() and "kyunghyun-cho" in top.author_ids
    assert answer.text.startswith("The closest of Kyunghyun Cho's papers to what you describe is")
    assert not assistant.understand("Does Kyunghyun Cho have any papers on the paper of Nematus?").single


def test_a_system_named_by_one_plain_word_is_that_paper_when_nobody_else_uses_the_word(assistant, full_kb):
    nematus = next(p for p in full_kb.catalog.papers.values() if p.title.startswith("Nematus:"))
    who = assistant.ask("Who wrote Nematus?")
    assert who.intent == "title" and cited(who) == [nematus.id]
    assert all(name in who.text for name in nematus.authors)
    # ... a person's name is not a system's ("Pearl: …" aside, Pearl Pu is a person), nor a word in lower case
    pearl = assistant.ask("What has Pearl Pu published?")
    assert pearl.candidate_ids == ["pearl-pu"] and pearl.intent == "papers"
    assert assistant.understand("who has worked on nematus-style toolkits for translation?").op == "find"


def test_a_framing_verb_is_not_searched_as_the_work(assistant):
    from bot.knowledge.retrieve import clean_query

    assert clean_query("which papers deal with pruning regarding speech models") == "pruning speech models"
    assert clean_query("anything dealing with lattice rescoring") == "lattice rescoring"
    # "Which one?" closing a description asks for the paper: "one" is not a word of the work.
    assert clean_query("the paper pruning speech models. Which one?") == "pruning speech models."
    assert clean_query("one-shot pruning of speech models, which one is it") == "one-shot pruning speech models, it"


def test_a_who_question_about_a_described_paper_says_the_paper_was_picked_as_the_closest(assistant, full_kb):
    answer = assistant.ask("Hermann Ney co-wrote a paper asking whether translation needs both an encoder and a "
                           "decoder. Which one, and with whom?")
    paper = full_kb.catalog.papers[cited(answer)[0]]
    assert "encoder-decoder" in paper.title.lower() and NEY in paper.author_ids
    assert answer.text.startswith("The closest of Hermann Ney's papers to what you describe is")
    assert all(n in answer.text for n, a in zip(paper.authors, paper.author_ids) if a != NEY)


def test_a_system_name_in_a_question_for_people_is_the_topic_not_that_paper(assistant, full_kb):
    crop = [p for p in full_kb.catalog.papers.values() if p.title.startswith("CROP:")]
    assert crop  # a system named by an everyday word
    answer = assistant.ask("Are there any researchers with papers on crop yield forecasting?")
    assert answer.intent == "find" and crop[0].id not in cited(answer)
    assert assistant.ask("who made CROP?").intent == "title"  # asked of the paper itself, it is that paper


def test_a_topic_before_work_is_their_papers_on_it_and_specialists_are_people(assistant, full_kb):
    answer = assistant.ask("Tie-Yan Liu's machine translation work")
    assert answer.intent == "papers" and answer.citations
    assert all(LIU in c.paper.author_ids and "translat" in c.paper.text().lower() for c in answer.citations)
    nobody = assistant.ask("Any specialists in tidal energy forecasting?")
    assert nobody.intent == "find" and nobody.status == "not_found" and nobody.text.startswith("Nobody")
    assert "specialists" not in nobody.text


def test_a_reply_picks_an_option_by_its_place_or_by_its_count(assistant, full_kb):
    conversation = Conversation()
    assistant.ask("Who has worked on speech translation?", conversation)  # a list of people, shown before
    first = assistant.ask("What has Liu written about dialogue?", conversation)
    assert first.status == "clarify"
    second = assistant.ask("the second one", conversation)  # the options asked about, not the list before
    assert second.candidate_ids[:1] == [first.clarify[1]]
    again = assistant.ask("How many papers does Liu have?", conversation)
    counts = Counter(len(full_kb.catalog.candidates[o].paper_ids) for o in again.clarify)
    option = next(o for o in again.clarify if counts[len(full_kb.catalog.candidates[o].paper_ids)] == 1)
    n = len(full_kb.catalog.candidates[option].paper_ids)
    picked = assistant.ask(f"the one with {n} papers", conversation)
    assert picked.candidate_ids[:1] == [option] and f"{n} papers" in picked.text


def test_a_surname_asked_about_as_a_second_person_asks_which_one(assistant, full_kb):
    qins = [c for c in full_kb.catalog.candidates.values() if c.name.split()[-1] == "Qin"]
    assert len(qins) > 1
    answer = assistant.ask("Has Qin ever worked with Tie-Yan Liu?")
    assert answer.status == "clarify" and answer.clarify[0] == QIN  # his co-author first


@pytest.mark.parametrize("question", ["Où publie Tie-Yan Liu ?", "Dans quelles conférences publie Tie-Yan Liu ?"])
def test_where_someone_publishes_asked_in_french_is_their_venues(assistant, question):
    answer = assistant.ask(question)
    assert answer.intent == "venues" and answer.candidate_ids == [LIU]


def test_a_french_word_with_an_accent_is_no_surname(assistant, full_kb):
    assert [c for c in full_kb.catalog.candidates.values() if c.name.split()[-1] == "Ou"]  # the surname exists
    paper = full_kb.catalog.papers[papers_of(full_kb, LIU)[0].id]
    answer = assistant.ask(f"Où a été publié « {paper.title} » ?")
    assert answer.status == "answered" and cited(answer) == [paper.id] and paper.venue in answer.text


def test_a_paper_asked_for_by_its_words_venue_and_year_with_nobody_named_is_looked_up_there(assistant, full_kb):
    answer = assistant.ask("authors of the multi-unit transformers paper from EMNLP 2020?")
    top = full_kb.catalog.papers[cited(answer)[0]]
    assert "multi-unit transformer" in top.title.lower() and top.year == 2020 and "EMNLP" in top.venue
    assert all(c.paper.year == 2020 and "EMNLP" in c.paper.venue for c in answer.citations)


def test_a_purpose_said_in_french_is_not_pasted_into_an_english_draft(assistant):
    answer = assistant.ask("Écris un message LinkedIn à Tie-Yan Liu pour un poste de chercheur")
    assert answer.status == "draft" and answer.draft.language == "en"
    assert "poste" not in answer.draft.body and "chercheur" not in answer.draft.body


@pytest.mark.parametrize("question, n", [("give me 3 papers by Tie-Yan Liu", 3), ("show me two of Tie-Yan Liu's papers", 2)])
def test_a_number_of_papers_asked_is_how_many_are_listed(assistant, full_kb, question, n):
    answer = assistant.ask(question)
    newest = [p.id for p in papers_of(full_kb, LIU)][:n]
    assert answer.intent == "papers" and cited(answer) == newest


@pytest.mark.parametrize("question", ["Where is Tie-Yan Liu based?", "where does Tie-Yan Liu work?"])
def test_where_someone_is_based_is_their_affiliation(assistant, question):
    answer = assistant.ask(question)
    assert answer.intent == "dossier" and "affiliation" in answer.text.lower() and answer.candidate_ids == [LIU]


def test_and_someone_else_asks_the_question_just_answered_of_them(assistant, full_kb):
    conversation = Conversation()
    first = assistant.ask("How many papers does Lemao Liu have?", conversation)
    assert first.intent == "count" and first.candidate_ids == ["lemao-liu"]
    for say in ("and Shujian Huang?", "what about Orhan Firat, then?", "same for Matt Post please"):
        again = assistant.ask(say, conversation)
        person = full_kb.catalog.candidates[again.candidate_ids[0]]
        assert again.intent == "count" and person.name in say
        assert f"has {len(person.paper_ids)} papers" in again.text
    # a name that fits several asks which, and the pick answers the same question
    which = assistant.ask("and Huang?", conversation)
    assert which.status == "clarify" and "shujian-huang" in which.clarify
    picked = assistant.ask("Shujian Huang", conversation)
    assert picked.intent == "count" and picked.candidate_ids == ["shujian-huang"]
    # a name nobody has is said to be unknown, never answered about the person before
    nobody = assistant.ask("and Zorblatt Quennell?", conversation)
    assert nobody.status == "not_found" and "Zorblatt Quennell" in nobody.text and not nobody.citations
    assert "Shujian" not in nobody.text and "Lemao" not in nobody.text


def test_after_a_search_for_people_the_topic_carries_to_a_question_on_it(assistant, full_kb):
    conversation = Conversation()
    found = assistant.ask("Who has worked on simultaneous translation?", conversation)
    assert found.intent == "find" and found.status == "answered"
    on_it = assistant.ask("what about Lemao Liu — how many does he have on it?", conversation)
    assert on_it.intent == "count" and on_it.candidate_ids == ["lemao-liu"]
    n = int(re.search(r"has (\d+) papers? on simultaneous translation", on_it.text).group(1))
    assert 0 < n < len(full_kb.catalog.candidates["lemao-liu"].paper_ids)
    assert all("simultaneous" in full_kb.catalog.papers[p].text().lower() for p in cited(on_it))
    listed = assistant.ask("and Kyunghyun Cho?", conversation)  # the count's question, of him
    assert listed.intent == "count" and listed.candidate_ids == ["kyunghyun-cho"]
    none = assistant.ask("Lemao Liu's papers on word-level autocompletion", conversation)
    assert none.status == "answered"
    zero = assistant.ask("how many does Pascale Fung have on it?", conversation)
    assert zero.intent == "count" and re.search(r"has 0 papers on word-level autocompletion.*\(of the \d+ they "
                                                r"have here\)", zero.text)


def test_a_year_said_with_since_or_until_leaves_no_word_in_the_topic(assistant):
    since = assistant.understand("Has Chengqing Zong written on cross-lingual summarization since 2020?")
    assert since.topic == "cross-lingual summarization" and since.year_from == 2020
    until = assistant.understand("Lemao Liu's papers on translation memory until 2021")
    assert until.topic == "translation memory" and until.year_to == 2021


@pytest.mark.parametrize("text, wanted", [("List everything Alexandra Birch has written, oldest first", "oldest"),
                                          ("Lemao Liu's papers in chronological order", "oldest"),
                                          ("Matt Post's papers, sorted by year", "oldest"),
                                          ("Matt Post's papers in reverse chronological order", "newest")])
def test_a_list_asked_in_an_order_is_listed_in_it(assistant, full_kb, text, wanted):
    answer = assistant.ask(text)
    years = [full_kb.catalog.papers[p].year for p in cited(answer)]
    assert answer.intent == "papers" and f"{wanted} first" in answer.text and len(years) > 3
    assert years == sorted(years, reverse=wanted == "newest")


def test_a_persons_papers_on_a_topic_oldest_first_are_listed_by_year(assistant, full_kb):
    answer = assistant.ask("Minlie Huang's papers on emotional support, oldest first")
    years = [full_kb.catalog.papers[p].year for p in cited(answer)]
    assert answer.intent == "papers" and "oldest first" in answer.text and len(years) >= 2 and years == sorted(years)
    assert all("emotional support" in full_kb.catalog.papers[p].text().lower() for p in cited(answer))


def test_who_has_worked_on_a_topic_in_a_year_or_at_a_venue_counts_only_those_papers(assistant, full_kb):
    answer = assistant.ask("Who wrote the most papers on speech translation in 2023?")
    assert answer.intent == "find" and "speech translation in 2023" in answer.text
    assert answer.citations and all(c.paper.year == 2023 for c in answer.citations)
    there = assistant.ask("Who has published on simultaneous translation at ACL since 2022?")
    assert there.intent == "find" and there.citations
    assert all(c.paper.year >= 2022 and family(c.paper.venue) == "ACL" for c in there.citations)
    counts = [int(n) for n in re.findall(r"— (\d+) matching paper", there.text)]
    everything = assistant.ask("Who has published on simultaneous translation?")
    assert max(counts) < max(int(n) for n in re.findall(r"— (\d+) matching paper", everything.text))


def test_which_of_two_people_has_more_on_a_topic_ranks_them_on_it(assistant):
    answer = assistant.ask("Between Lemao Liu and Shujian Huang, who has more papers on nearest neighbor machine "
                           "translation?")
    assert answer.intent == "fit" and set(answer.candidate_ids) == {"lemao-liu", "shujian-huang"}
    assert "fit nearest neighbor machine translation" in answer.text
    ranked = assistant.ask("Rank Matt Post, Philipp Koehn and Orhan Firat for a multilingual MT role")
    assert ranked.intent == "fit" and len(ranked.candidate_ids) == 3 and "Rank" not in ranked.text


def test_the_same_draft_for_someone_else_is_theirs_and_a_name_nobody_has_gets_none(assistant, full_kb):
    conversation = Conversation()
    first = assistant.ask("Draft a LinkedIn message to Matt Post about our MT evaluation team", conversation)
    assert first.status == "draft" and first.draft.channel == "linkedin"
    shorter = assistant.ask("make it shorter", conversation)
    assert shorter.status == "draft" and "Hi Matt" in shorter.text
    koehn = assistant.ask("same for Philipp Koehn", conversation)  # after a revision, the draft asked for
    assert koehn.status == "draft" and koehn.candidate_ids == ["philipp-koehn"] and "Hi Philipp" in koehn.text
    assert koehn.draft.channel == "linkedin"
    assert all("philipp-koehn" in full_kb.catalog.papers[p].author_ids for p in cited(koehn))
    for name in ("Zorblatt Quennell", "Zorblatt"):
        nobody = assistant.ask(f"and {name}?", conversation)
        assert nobody.status == "not_found" and nobody.draft is None and f"named {name} " in nobody.text
        assert "Hi " not in nobody.text and "Philipp" not in nobody.text
    topic = assistant.ask("and Machine Translation?", conversation)  # title-cased words, no name
    assert "No candidate named" not in topic.text


# Fandong Meng has two papers on adaptive training with bilingual mutual information: a short one (ACL 2021) and a
# long one (ACL 2022). The track said picks between them.
@pytest.mark.parametrize("track, paper", [("short", "2021.acl-short.65"), ("long", "2022.acl-long.169")])
def test_the_track_said_picks_the_paper_described(assistant, full_kb, track, paper):
    answer = assistant.ask(f"Which Fandong Meng {track} paper does adaptive training with bilingual mutual "
                           "information?")
    assert cited(answer)[0] == paper and full_kb.catalog.papers[paper].track == track
    assert f"in {track}-paper tracks" in answer.text  # what it was picked among is said


def test_a_list_of_a_tracks_papers_holds_those_its_proceedings_say_and_says_how_many_are_unsaid(assistant, full_kb):
    answer = assistant.ask("Fandong Meng's short papers")
    short = {p.id for p in papers_of(full_kb, "fandong-meng") if p.track == "short"}
    unsaid = sum(p.track is None for p in papers_of(full_kb, "fandong-meng"))
    assert short and set(cited(answer)) == short
    assert unsaid and f"for {unsaid} of Fandong Meng's" in answer.text
    # a count of a track nobody's proceedings give them is none, with the same caveat
    demos = assistant.ask("How many demo papers does Fandong Meng have?")
    assert demos.text.startswith("Fandong Meng has 0 papers in demo tracks") and not cited(demos)


# After one paper is shown, the parts and facts of that paper, asked tersely, are of it: never a topic searched
# among the person's papers ("no paper on link"), the help, or a revision of a draft there is none of.
@pytest.mark.parametrize("say, says", [
    ("published where?", "Published at ACL-IJCNLP 2021"),
    ("was it at ACL?", "Yes. Published at ACL-IJCNLP 2021"),
    ("was it at EMNLP?", "No. Published at ACL-IJCNLP 2021"),
    ("give me the link", "https://aclanthology.org/2021.acl-short.65"),
    ("and the abstract?", "by Yangyifan Xu"),
    ("what's its title again?", "“Bilingual Mutual Information Based Adaptive Training"),
])
def test_a_part_or_fact_of_the_paper_just_shown_is_of_that_paper(assistant, say, says):
    conversation = Conversation()
    first = assistant.ask("Which Fandong Meng paper does adaptive training with bilingual mutual information?",
                          conversation)
    assert cited(first)[0] == "2021.acl-short.65"
    answer = assistant.ask(say, conversation)
    assert answer.intent == "fact" and cited(answer) == ["2021.acl-short.65"] and says in answer.text


def test_a_paper_part_is_no_topic_but_a_topic_that_holds_its_word_is_one(assistant):
    answer = assistant.ask("Fandong Meng's papers on abstract meaning representation")
    assert answer.status == "not_found" and "abstract meaning representation" in answer.text


@pytest.mark.parametrize("say", ["Give me a rundown of Fandong Meng's output by year",
                                 "In which years was Fandong Meng most active?", "Fandong Meng's papers per year"])
def test_papers_year_by_year_are_tallied_from_the_catalog_with_the_busiest_year_cited(assistant, full_kb, say):
    answer = assistant.ask(say)
    years = Counter(p.year for p in papers_of(full_kb, "fandong-meng"))
    busiest = max(years, key=lambda y: (years[y], y))
    assert answer.intent == "years" and f"{busiest} ({years[busiest]})" in answer.text
    assert f"Most in {busiest}" in answer.text
    gap = next(y for y in range(min(years), max(years)) if y not in years)  # a year without a paper is said
    assert f"{gap} (0)" in answer.text
    assert cited(answer) and all(full_kb.catalog.papers[p].year == busiest for p in cited(answer))


def test_a_year_named_lists_that_years_papers_and_a_tally_keeps_its_filters(assistant, full_kb):
    listed = assistant.ask("Fandong Meng's papers in 2022")
    assert listed.intent == "papers" and all(full_kb.catalog.papers[p].year == 2022 for p in cited(listed))
    at_acl = assistant.ask("Which year did Fandong Meng publish the most at ACL?")
    acl = [p for p in papers_of(full_kb, "fandong-meng") if family(p.venue) == "ACL"]
    assert at_acl.intent == "years" and f"{len(acl)} papers at ACL by year" in at_acl.text


@pytest.mark.parametrize("say", ["Who has worked with both Fandong Meng and Jinan Xu?",
                                 "Which co-authors do Fandong Meng and Jinan Xu have in common?",
                                 "who did Fandong Meng and Jinan Xu both write with?"])
def test_the_co_authors_two_people_share_are_counted_from_the_catalog(assistant, full_kb, say):
    answer = assistant.ask(say)
    coauthors = {side: Counter(a for p in papers_of(full_kb, side) for a in set(p.author_ids))
                 for side in ("fandong-meng", "jinan-xu")}
    shared = {a for a in coauthors["fandong-meng"] if a in coauthors["jinan-xu"]} - {"fandong-meng", "jinan-xu"}
    assert answer.intent == "top_coauthors" and answer.text.startswith(f"{len(shared)} people have written with both")
    first = answer.candidate_ids[2]
    assert first in shared and f"{coauthors['fandong-meng'][first]} papers with Fandong Meng" in answer.text
    # every paper cited is by the shared co-author shown and one of the two
    assert all({"fandong-meng", "jinan-xu"} & set(full_kb.catalog.papers[p].author_ids) for p in cited(answer))


def test_nobody_shared_is_said_and_nothing_cited(assistant):
    answer = assistant.ask("Who has worked with both Fandong Meng and Lucia Specia?")
    assert answer.status == "not_found" and not cited(answer) and answer.text.startswith("Nobody")


def test_a_word_that_could_ask_for_a_profile_is_the_topic_after_on_or_about(assistant, full_kb):
    # "background", "summary" ask for a profile in "X's background?"; after "on" / "about", before the topic's
    # other words, they are the work asked about.
    answer = assistant.ask("Taylor Berg-Kirkpatrick published something on background stories for chatbots, which one?")
    assert answer.intent == "papers" and answer.candidate_ids == ["taylor-berg-kirkpatrick"]
    assert cited(answer)[0] == "2021.acl-short.74"
    assert assistant.understand("Fandong Meng did some work on profile matching, which paper?").op == "papers"
    assert assistant.understand("what is Fandong Meng's background?").op == "profile"


def test_nothing_found_for_a_paper_described_at_length_is_not_said_back_as_leftover_words(assistant):
    answer = assistant.ask("Which of Fandong Meng's papers teaches household robots to fold laundry by watching "
                           "videos of people doing it?")
    assert answer.status == "not_found" and not answer.citations
    assert "Fandong Meng has no paper matching what you describe" in answer.text
    assert "robots fold laundry" not in answer.text  # the question's words without their grammar
    short = assistant.ask("What has Fandong Meng published on protein folding?")
    assert short.status == "not_found" and "on protein folding" in short.text  # a topic named is said back
