"""French questions to English search terms, offline: a glossary of NLP vocabulary, then cognates.

The retrievers read English (an English embedder, an English-stemmed BM25), and the papers are English. A
question in French is turned, word by word, into the English terms the papers use:

1. multi-word terms of the field ("traduction automatique" -> "machine translation"), longest first;
2. single words from the glossary (general research vocabulary and the field's common nouns and verbs);
3. otherwise the regular French -> English cognate endings (qualité -> quality, conversationnel ->
   conversational, ontologie -> ontology), kept only when the result is a word the corpus itself uses;
4. French grammatical words are dropped; a capitalised word (a name, an acronym) is kept as it is.

It is deliberately a small, general glossary, not a translation system: the words a recruiter's question
carries that matter for search are technical, and technical French is largely cognate with English.
"""

from __future__ import annotations

import re
import unicodedata

PHRASES = {
    "traduction automatique neuronale": "neural machine translation",
    "traduction automatique": "machine translation", "traduction neuronale": "neural translation",
    "traduction de la parole": "speech translation", "traduction simultanée": "simultaneous translation",
    "apprentissage automatique": "machine learning", "apprentissage profond": "deep learning",
    "apprentissage par renforcement": "reinforcement learning", "apprentissage non supervisé": "unsupervised learning",
    "apprentissage supervisé": "supervised learning", "apprentissage multitâche": "multi-task learning",
    "apprentissage par transfert": "transfer learning", "apprentissage contrastif": "contrastive learning",
    "réseau de neurones": "neural network", "réseaux de neurones": "neural networks",
    "modèle de langue": "language model", "modèles de langue": "language models",
    "grand modèle de langue": "large language model", "grands modèles de langue": "large language models",
    "modèles de langage": "language models", "modèle de langage": "language model",
    "traitement automatique des langues": "natural language processing",
    "traitement du langage naturel": "natural language processing",
    "langue naturelle": "natural language", "langage naturel": "natural language",
    "reconnaissance de la parole": "speech recognition", "reconnaissance vocale": "speech recognition",
    "synthèse vocale": "speech synthesis", "entités nommées": "named entities", "entité nommée": "named entity",
    "analyse de sentiments": "sentiment analysis", "analyse syntaxique": "parsing",
    "questions-réponses": "question answering", "question-réponse": "question answering",
    "réponse aux questions": "question answering", "système de dialogue": "dialogue system",
    "systèmes de dialogue": "dialogue systems", "agent conversationnel": "conversational agent",
    "agents conversationnels": "conversational agents", "à faibles ressources": "low-resource",
    "faibles ressources": "low-resource", "peu dotées": "low-resource", "peu dotée": "low-resource",
    "langues peu dotées": "low-resource languages", "langue peu dotée": "low-resource language",
    "langues à faibles ressources": "low-resource languages", "non supervisé": "unsupervised",
    "non supervisée": "unsupervised", "non supervisés": "unsupervised", "non supervisées": "unsupervised",
    "orienté tâche": "task-oriented", "orientés tâche": "task-oriented", "orientée tâche": "task-oriented",
    "orientées tâche": "task-oriented", "orientés tâches": "task-oriented", "orienté tâches": "task-oriented",
    "sans référence": "reference-free", "sans supervision": "unsupervised",
    "estimation de la qualité": "quality estimation", "estimation de qualité": "quality estimation",
    "post-édition": "post-editing", "base de connaissances": "knowledge base",
    "graphe de connaissances": "knowledge graph", "plongements lexicaux": "word embeddings",
    "plongements de mots": "word embeddings", "jeu de données": "dataset", "jeux de données": "datasets",
    "corpus parallèle": "parallel corpus", "corpus parallèles": "parallel corpora",
    "données d'entraînement": "training data", "au niveau du document": "document-level",
    "au niveau de la phrase": "sentence-level", "langue source": "source language", "langue cible": "target language",
    "langues cibles": "target languages", "mots rares": "rare words", "fine-tuning": "fine-tuning",
    "ajustement fin": "fine-tuning", "génération de texte": "text generation", "résumé automatique": "summarization",
    "de bout en bout": "end-to-end", "à grande échelle": "large-scale", "en temps réel": "real-time",
    "utilisateurs finaux": "end users", "utilisateur final": "end user",
    "changement de domaine": "domain shift", "adaptation au domaine": "domain adaptation",
    "adaptation de domaine": "domain adaptation", "biais de genre": "gender bias",
}
WORDS = {
    "traduction": "translation", "traductions": "translations", "traduire": "translate", "traduit": "translated",
    "traducteur": "translator", "traducteurs": "translators", "langue": "language", "langues": "languages",
    "langage": "language", "mot": "word", "mots": "words", "phrase": "sentence", "phrases": "sentences",
    "texte": "text", "textes": "texts", "parole": "speech", "voix": "voice", "écrit": "written",
    "apprentissage": "learning", "apprendre": "learn", "apprend": "learns", "entraînement": "training",
    "entraîner": "train", "entraîné": "trained", "modèle": "model", "modèles": "models", "données": "data",
    "réseau": "network", "réseaux": "networks", "neuronal": "neural", "neuronale": "neural",
    "neuronaux": "neural", "bruit": "noise", "bruité": "noisy", "bruitées": "noisy", "robuste": "robust",
    "robustesse": "robustness", "caractère": "character",
    "caractères": "characters", "similarité": "similarity", "visuelle": "visual",
    "visuel": "visual", "qualité": "quality", "référence": "reference", "références": "references",
    "utilisateur": "user", "utilisateurs": "users", "préférences": "preferences", "adapter": "adapt", "adaptation": "adaptation",
    "changements": "shifts", "changement": "shift", "décalage": "shift", "prédire": "predict",
    "prédit": "predicts", "prédiction": "prediction", "évaluation": "evaluation", "évaluer": "evaluate",
    "métrique": "metric", "métriques": "metrics", "humain": "human", "humaine": "human", "humains": "human",
    "annotées": "annotated", "annoté": "annotated", "annotés": "annotated", "annotation": "annotation",
    "étiquetées": "labeled", "étiquettes": "labels", "récompense": "reward", "récompenses": "rewards", "question": "question",
    "questions": "questions", "réponse": "answer", "réponses": "answers", "conversation": "conversation",
    "conversations": "conversations", "dialogue": "dialogue", "dialogues": "dialogues", "tour": "turn",
    "tours": "turns", "agent": "agent", "agents": "agents", "problème": "problem", "problèmes": "problems",
    "tâche": "task", "tâches": "tasks", "graphe": "graph", "arbre": "tree",
    "interface": "interface", "corriger": "correct", "correction": "correction", "erreur": "error",
    "erreurs": "errors", "multimodal": "multimodal",
    "multimodale": "multimodal", "image": "image", "images": "images", "vidéo": "video", "génération": "generation",
    "générer": "generate", "génère": "generates", "résumé": "summary", "résumés": "summaries",
    "recherche": "search", "requête": "query", "requêtes": "queries", "document": "document",
    "documents": "documents", "connaissance": "knowledge", "connaissances": "knowledge", "sens": "meaning",
    "sémantique": "semantic", "syntaxe": "syntax", "grammaire": "grammar", "analyse": "analysis",
    "méthode": "method", "méthodes": "methods", "approche": "approach", "cadre": "framework",
    "système": "system", "systèmes": "systems", "performance": "performance", "performances": "performance",
    "amélioration": "improvement", "améliorer": "improve", "améliore": "improves", "utilisant": "using", "utiliser": "use",
    "fondé": "based", "fondée": "based", "basé": "based", "basée": "based", "pendant": "during",
    "après": "after", "avant": "before", "sans": "without", "plutôt": "rather", "afin": "so", "tout": "while", "différents": "different", "différentes": "different", "nouveau": "new",
    "nouvelle": "new", "nouvelles": "new", "jeu": "set", "étude": "study", "analyse": "analysis",
    "biais": "bias", "genre": "gender", "émotions": "emotions", "émotion": "emotion", "empathie": "empathy",
    "sécurité": "safety", "toxique": "toxic", "toxiques": "toxic", "hallucinations": "hallucinations",
    "alignement": "alignment", "aligner": "align", "segmentation": "segmentation", "lexique": "lexicon",
    "dictionnaire": "dictionary", "vocabulaire": "vocabulary", "sous-mots": "subwords", "mémoire": "memory",
    "attention": "attention", "encodeur": "encoder", "décodeur": "decoder", "décodage": "decoding",
    "multilingue": "multilingual", "multilingues": "multilingual", "bilingue": "bilingual",
    "interlingue": "cross-lingual", "transfert": "transfer", "zéro": "zero", "exemples": "examples",
    "exemple": "example", "enseignant": "teacher", "élève": "student", "distillation": "distillation",
    "compression": "compression", "efficace": "efficient", "efficacité": "efficiency", "rapide": "fast",
    "vitesse": "speed", "latence": "latency", "simultanée": "simultaneous", "interprétation": "interpretation",
    "terminologie": "terminology", "contraintes": "constraints", "contrainte": "constraint",
    "domaine": "domain", "domaines": "domains", "médical": "medical", "médicale": "medical",
    "clinique": "clinical", "juridique": "legal", "réseaux sociaux": "social media", "entité": "entity",
    "entités": "entities", "relation": "relation", "relations": "relations", "extraction": "extraction",
    "classification": "classification", "détection": "detection", "détecter": "detect", "intention": "intent",
    "intentions": "intents", "état": "state", "objectifs": "goals", "objectif": "goal",
}
# French grammatical words and question framing: nothing to search for.
STOP = set("""le la les l un une des du de d au aux et ou à a en dans sur pour par avec sans ce ces cet cette
qui que qu quoi dont où quel quelle quels quelles est sont été être ont a ai avez avons il elle ils elles on
nous vous se s son sa ses leur leurs lui y ne pas plus comme aussi très tous toutes entre vers chez
article articles travail travaux papier papiers publication publications publié publiés publiée étude
propose proposent présente présentent porte portent décrit décrivent montre montrent exemple
parle parlent traite traitent concerne concernent quelque quelques certain certains certaines
cela celui celle ceux celles ainsi alors donc mais même selon lorsqu lorsque quand comment pourquoi
""".split())
_ENDINGS = [("ité", "ity"), ("ités", "ities"), ("iques", "ics"), ("ique", "ic"), ("ie", "y"), ("ies", "ies"),
            ("nnelles", "nal"), ("nnelle", "nal"), ("nnels", "nal"), ("nnel", "nal"), ("elles", "al"),
            ("elle", "al"), ("els", "al"), ("el", "al"), ("aires", "ary"), ("aire", "ary"),
            ("ifs", "ive"), ("if", "ive"), ("ive", "ive"), ("isme", "ism"), ("iste", "ist"), ("eux", "ous"),
            ("isé", "ized"), ("isée", "ized"), ("ées", "ed"), ("ée", "ed"), ("é", "ed"), ("és", "ed"),
            ("er", ""), ("er", "e"), ("s", ""), ("x", ""), ("", "")]
_WORD = re.compile(r"[\w'’-]+")
_FRENCH_HINT = re.compile(r"[àâçéèêëîïôûùüÿœ]|\b(?:les|des|une|quel|quels|quelle|quelles|sur|dans|pour|avec|"
                          r"travaux|articles?|qui|est|sont|du|aux|de|la|le|et|ou)\b", re.I)


def fold(word: str) -> str:
    """Lower case without diacritics: 'Qualité' -> 'qualite'."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


_FOLDED_WORDS = {fold(k): v for k, v in WORDS.items()}
_FOLDED_PHRASES = sorted(((fold(k), v) for k, v in PHRASES.items()), key=lambda kv: -len(kv[0]))
_PHRASE = re.compile("|".join(r"(?<![\w-])" + re.escape(k) + r"(?![\w-])" for k, _ in _FOLDED_PHRASES))
_PHRASE_OUT = dict(_FOLDED_PHRASES)


def is_french(text: str) -> bool:
    """More than one word in eight is French grammar or carries a French accent."""
    words = len(_WORD.findall(text)) or 1
    return len(_FRENCH_HINT.findall(text)) / words > 0.12


def cognate(word: str, vocabulary: set[str]) -> str | None:
    """The English word of the corpus that a French word's regular ending maps to, if any."""
    folded = fold(word)
    for french, english in _ENDINGS:
        french = fold(french)
        if folded.endswith(french) and len(folded) - len(french) >= 3:
            guess = folded[: len(folded) - len(french)] + english
            if guess in vocabulary:
                return guess
    return None


def to_english(text: str, vocabulary: set[str]) -> str:
    """English search terms for a French text; names and unknown capitalised words are kept."""
    joined = text
    # Phrases are matched on the folded text, word boundaries kept, so offsets agree with the original.
    folded = fold(joined)
    if len(folded) != len(joined):  # a ligature folded to two letters: fall back to word-by-word only
        folded, spans = joined.lower(), []
    else:
        spans = [(m.start(), m.end(), _PHRASE_OUT[m.group()]) for m in _PHRASE.finditer(folded)]
    words: list[str] = []
    position = 0
    after_phrase = False
    for start, end, english in spans + [(len(joined), len(joined), "")]:
        between = [_word(w, vocabulary) for w in _WORD.findall(joined[position:start])]
        # French puts an adjective after the term it qualifies: "traduction automatique multimodale" is
        # "multimodal machine translation".
        if after_phrase and between and _ADJECTIVE.search(between[0]) and " " not in between[0]:
            words.insert(len(words) - 1, between.pop(0))
        words += between
        if english and after_phrase and not between and _ADJECTIVE.search(english) and " " not in english:
            words.insert(len(words) - 1, english)  # "… neuronale non supervisée": "unsupervised neural …"
        elif english:
            words.append(english)
        after_phrase = bool(english)
        position = end
    return re.sub(r"\s+", " ", " ".join(w for w in words if w)).strip()


# English adjective endings: the word a French term is followed by, when it reads as one, qualifies the term.
_ADJECTIVE = re.compile(r"(?:al|ic|ive|ous|ual|ary|less|able|ible|ed|wise|-to-end|-level|-resource|-aware|-free)$")


def translated_share(text: str, vocabulary: set[str]) -> float:
    """The share of a French text's content words that ``to_english`` turns into English terms: how far its
    English terms speak for the question (a glossary has gaps; what it misses, only the own words carry)."""
    folded = fold(text)
    if len(folded) == len(text):
        folded = _PHRASE.sub(" ", folded)  # a phrase of the glossary is translated, all its words
    content = [w for w in _WORD.findall(folded) if w.lower().strip("'’-") not in STOP and fold(w) not in STOP]
    if not content:
        return 1.0
    kept = [w for w in content if _word(w, vocabulary)]
    spans = len(_PHRASE.findall(fold(text))) if len(fold(text)) == len(text) else 0
    return (len(kept) + spans) / (len(content) + spans)


def _word(word: str, vocabulary: set[str]) -> str:
    word = word.strip("'’-")
    lowered = word.lower()
    if re.fullmatch(r"[ldjnmtsc]['’]\w+", lowered):  # l'entraînement -> entraînement
        return _word(word[2:], vocabulary)
    if lowered in STOP or fold(lowered) in STOP:
        return ""
    if fold(lowered) in _FOLDED_WORDS:
        return _FOLDED_WORDS[fold(lowered)]
    if word[:1].isupper() or any(c.isdigit() for c in word):
        return word  # a name, an acronym, a year
    if fold(lowered) in vocabulary:
        return fold(lowered)
    return cognate(word, vocabulary) or ""
