"""How a message asks, apart from what it asks about: the framing words, the topic left once they are gone,
and the message reduced to its frame (slots and topic masked) that the labelled examples are matched on."""

from __future__ import annotations

import re

from bot.knowledge.french import is_french

# Words that frame a request but say nothing about the work it is about.
_FRAME = re.compile(
    r"(?<![\w-])(?:i\.\s?e\.|e\.\s?g\.|etc\.|(?:which|that|this|the) one|"
    r"(?:in|from|across) (?:the|our|your|this) (?:database|system|list|records|spreadsheet|directory|crm)|"
    r"between\s+(?:and|or)|in (?:reverse )?chronological order|(?:reverse )?chronologically|(?:sorted |ordered )?by (?:publication )?"
    r"(?:year|date)|ascending|descending|(?:can|could|may|should|shall|do|would) (?:i|we) (?:ask|inquire)|(?:like|want) to ask|"
    r"(?:a|the|our|this|that|new)\s+(?:role|position|job|opening|team)s?|build|builds|building|lead|leads|leading|"
    r"roles?(?!\s+label)|positions?|well|hire|hiring|hired|recruit|recruiting|"
    r"which|what|who|whom|whose|where|when|why|how|is|are|was|were|be|been|do|does|did|has|have|had|"
    r"can|could|would|will|should|shall|may|might|must|you|your|yours|me|my|i|i'm|we|our|us|they|them|their|"
    r"theirs|hers|ours|he|she|his|her|him|it|its|this|that|these|those|there|here|the|a|an|any|all|every|each|some|other|"
    r"others|same|then|ones|rank|more|of|by|since|until|till|"
    r"from|in|on|at|to|for|with|about|around|regarding|related|relating|concerning|touch|touching|deal|deals|"
    r"dealing|also|else|please|pls|plz|thanks|thank|list|show|give|tell|find|get|pull|see|look|looking|"
    r"need|want|like|know|let|screen|screening|paper|papers|papres|paers|publication|publications|article|"
    r"articles|work|works|worked|working|research|researched|study|studies|studied|published|publish|publishes|"
    r"publishing|written|wrote|write|writes|authored|titles?|only|just|everything|anything|something|stuff|done|got|"
    r"data|corpus|knowledge|base|records|relevant|up|out|into|over|topic|topics|area|areas|field|kb|"
    r"latest|lastest|last|recent|recently|lately|nowadays|currently|these days|so far|thus far|to date|until now|"
    r"up to now|altogether|overall|newest|new|most|least|first|"
    r"earliest|oldest|freshest|piece|thing|things|interested|keen|curious|strong in|skilled (?:in|at)|"
    r"(?:talk|speak|reach out) to|compare|compared|comparison|versus|vs|better|suited|cited|citations?|h-index|"
    r"influential|besides|except|aside from|apart from|other than|"
    r"how|many|much|count|number|total|totals|roughly|prolific|hold|holds|have|got|dated|during|appears?|"
    r"together|jointly|joint|both|shared?|collaborat\w*|co-?authors?|co-?authored|coauthors?|coauthored|"
    r"authors?|team|teamed|byline|among|ever|never|venues?|conferences?|journals?|accepted|appeared|"
    r"recommend|contact|contacting|consult|few|several|researchers?|candidates?|candidate|pool|experts?|expertise|"
    r"specialists?|"
    r"two|three|four|five|six|seven|eight|nine|ten|someone|anyone|experience(?=\s+(?:in|with|of|on)\b)|experienced(?=\s+(?:in|with|at)\b)|track record|"
    r"somebody|people|person|names?|fit|fits|knows?|doing|does|suitable|good|best|great|"
    r"i'd|i'll|i've|we're|you're|what's|who's|where's|that's|it's|there's|whats|d|ll|ve|re|m|s|"
    r"distribution|breakdown|counts?|per|summari[sz]e|summary|overview|regularly|regular|common|commonly|usually|"
    r"usual|often|frequent|frequently|closest|main|top|go-to|mostly|profile|background|interests?|"
    r"quel|quels|quelle|quelles|les|des|du|de|la|le|sur|pour|par|avec|travaux|travail|articles?|a-t-il|"
    r"a-t-elle|ont|est|sont|qui|que|quoi|dans|en|et|un|une|combien|publi[ée]s?|[ée]crits?|r[ée]cents?|r[ée]cemment|derni[èe]rement|dernier|"
    r"derni[èe]re|auteurs?|co-?auteurs?|ann[ée]e|o[uù]|quand|comment|avez|vous|nous|il|elle|ils|elles|ce|cette|"
    r"ces|son|sa|ses|leur|leurs|plus|tous|toutes|tout|liste|donne[zr]?|montre[zr]?|travaill\w*|chercheu\w*|experts?|"
    r"candidat\w*|personnes?|avez-vous|y a-t-il|a|d|l|qu|j|n)(?![\w-])", re.I)


_ON_TOPIC = re.compile(r"\b(?:on|about|regarding|concerning|related to|relating to|in the (?:area|field) of|"
                       r"around|dealing with|touching on|touch on|sur|concernant)\s+(.+)$", re.I)


# Framing words that also begin the field's own terms: "knowledge distillation", "data augmentation", "topic
# modeling", "shared task", "joint learning", "common sense", "distribution shift". Before a word that is not
# framing they are part of the topic; elsewhere ("in the knowledge base", "joint papers") they frame it.
_MODIFIERS = re.compile(r"(?<![\w-])(knowledge|data|corpus|topic|topics|field|fields|common|joint|shared|distribution|"
                        r"regular|background|profile|summary|person|count)\s+([a-z][\w-]{2,})",
                        re.I)


# Framing words that also end the field's terms: "parallel data", "commonsense knowledge", "speech corpus". After a
# word that is not framing they are part of the topic ("in the data", "the knowledge base" frame it).
_HEADS = re.compile(r"(?<![\w-])([a-z][\w-]{2,})\s+(data|knowledge|corpus|corpora)(?![\w-])", re.I)


def _terms_kept(text: str) -> str:
    """The text with each framing word that begins or ends a term of the field joined to the term's other word."""
    text = _MODIFIERS.sub(lambda m: m.group(0) if _FRAME.fullmatch(m.group(2)) else f"{m.group(1)}_{m.group(2)}",
                          text)
    return _HEADS.sub(lambda m: m.group(0) if _FRAME.fullmatch(m.group(1)) else f"{m.group(1)}_{m.group(2)}", text)


def topic_of(text: str, prepositional: bool = False, english=None) -> str:
    """What is left of a message once its framing words and slots are gone: the subject of the work.

    ``prepositional``: only what follows "on", "about", "related to" counts (a message that also asks
    for years, a venue or a count says its topic that way, and its other words are framing). ``english``
    (text -> English search terms): a French message's topic is said in English, translated before its little
    words go ("la traduction de la parole" is "speech translation"; "traduction parole" is nothing)."""
    if prepositional:
        match = _ON_TOPIC.search(text)
        if not match:
            return ""
        text = match.group(1)
    if english is not None and is_french(text):
        translated = topic_of(english(text))
        if translated:
            return translated
    cleaned = _FRAME.sub(" ", _terms_kept(re.sub(r"['’]s\b", " ", _ELISION.sub(r"\1 ", text)))).replace("_", " ")
    # A gloss in brackets stays one ("simultaneous (real-time) machine translation": the phrase said is
    # "simultaneous machine translation", see topics.completed); any other bracket goes.
    glosses = re.findall(r"\([^()]*\w[^()]*\)", cleaned)
    cleaned = re.sub(r"\(([^()]*\w[^()]*)\)", lambda m: f"\0{glosses.index(m.group(0))}\0", cleaned)
    cleaned = re.sub(r"[?!.,;:()\"“”«»—–]+|\s-\s", " ", cleaned)
    cleaned = re.sub(r"\0(\d+)\0", lambda m: "(" + re.sub(r"[?!.,;:\"“”«»—–]+", " ",
                                                          glosses[int(m.group(1))][1:-1]).strip() + ")", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" -'")
    cleaned = re.sub(r"^(?:(?:and|or|et|ou)\b\s*)+|(?:\s*\b(?:and|or|et|ou))+$", "", cleaned, flags=re.I)
    cleaned = re.sub(r"\b(and|or)(?:\s+(?:and|or)\b)+", r"\1", cleaned).strip()
    return cleaned if sum(len(w) > 2 or len(w) == 2 and w.isupper() for w in cleaned.split()) else ""  # "ST"


# Words that say what is asked (beyond the framing words above): kept when a message is reduced to its frame.
_ASKING = re.compile(
    r"(?:draft|drafts|compose|prepare|craft|pen|wirte|message|messages|email|e-mail|mail|note|intro|introduction|"
    r"dm|letter|linkedin|whatsapp|telegram|outreach|cold|reach|contact|invite|inviting|invitation|role|position|"
    r"job|shorter|short|brief|concise|cut|trim|wordy|long|formal|polite|professional|warmer|warm|friendlier|"
    r"friendly|casual|translate|french|german|english|spanish|version|again|regenerate|redo|rewrite|"
    r"help|commands|command|capabilities|capable|able|features|use|start|begin|new|explain|sort|kinds|"
    r"add|import|track|follow|often|frequent|frequently|common|regularly|usually|closest|main|top|go-to|"
    r"email|address|affiliation|university|homepage|website|languages|speak|notes|profile|background|"
    r"interests|summary|summarise|summarize|overview|about|match|suit|rank|rate|which|where|when|year|"
    r"venue|conference|breakdown|distribution|counts|"
    r"person|person2|year|venue|title|topic)", re.I)
_WORD = re.compile(r"\w(?:[\w’-]|'(?=\w))*|[?/]")


_ELISION = re.compile(r"\b([dlqjnmst]|qu)['’](?=\w)", re.I)


def frame_of(text: str) -> str:
    """The message reduced to how it asks: framing words and slot labels kept, every run of other words
    (what the work is about) replaced by TOPIC, so that examples match whatever the topic is."""
    out: list[str] = []
    text = _ELISION.sub(r"\1 ", text)  # "d'articles" -> "d articles"
    words = _WORD.findall(text)
    for i, word in enumerate(words):
        if word in ("PERSON", "PERSON2", "YEAR", "VENUE", "TITLE") or word in "?/":
            out.append(word)
        elif (_FRAME.fullmatch(word) or _ASKING.fullmatch(word)) and not _opens_topic(word, out, words[i + 1:]) or \
                re.fullmatch(r"\w+['’]s", word) and word[:-2] in ("PERSON", "PERSON2"):
            out.append(word.lower() if not word.startswith("PERSON") else word)
        elif not out or out[-1] != "TOPIC":
            out.append("TOPIC")
    return " ".join(out)


def _opens_topic(word: str, before: list[str], after: list[str]) -> bool:
    """A word that could say what is asked ("background", "summary") opens the topic when it follows "on" or
    "about" and a word of the topic follows it: "something on background stories", "papers about summary
    generation". Question words and the words of grammar never do."""
    return bool(_ASKING.fullmatch(word) and word.lower() not in _NEVER_TOPIC and before and
                before[-1] in ("on", "about", "regarding", "concerning") and after and
                not (_FRAME.fullmatch(after[0]) or _ASKING.fullmatch(after[0]) or after[0] in "?/"))


_NEVER_TOPIC = {"which", "where", "when", "about", "year", "venue", "title", "topic", "person", "person2"}
