"""Scores system outputs on the evaluation questions (rules: the shared eval README (../shared/eval/README.md))."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

from rapidfuzz import fuzz, process
from rich.console import Console
from rich.table import Table

from bot.evaluation.matching import (
    FUZZY_TITLE_MIN,
    FUZZY_WHOLE_MIN,
    MIN_TITLE_LIKE_WORDS,
    NOTHING_FOUND_PHRASES,
    PAPER_ID,
    QUESTION_TYPES,
    REQUIRED_FIELDS,
    SEGMENT_SPLIT,
    contains_words,
    first_year,
    fuzzy_title_match,
    normalise,
    title_like_strings,
    venue_matches,
)


def load_questions(path: str | Path) -> list[dict]:
    """Reads a questions file (JSON Lines); raises ValueError naming file and line on bad input."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: invalid JSON ({error.msg})") from error
        if not isinstance(item, dict):
            raise ValueError(f"{path}:{number}: expected a JSON object")
        missing = [name for name in REQUIRED_FIELDS if name not in item]
        if missing:
            raise ValueError(f"{path}:{number}: missing field(s) {', '.join(missing)}")
        if item["type"] not in QUESTION_TYPES:
            raise ValueError(f"{path}:{number}: unknown type {item['type']!r}")
        questions.append(item)
    return questions


class Scorer:
    """Scores outputs against questions using the corpus to map titles and names to ids."""

    def __init__(self, papers: list[dict]):
        self.papers = {paper["id"]: paper for paper in papers}
        self._titles = {pid: normalise(paper["title"]) for pid, paper in self.papers.items()}
        self._sorted_titles = {pid: " ".join(sorted(title.split())) for pid, title in self._titles.items()}
        self._ids_by_title: dict[str, list[str]] = defaultdict(list)
        for pid, title in self._titles.items():
            self._ids_by_title[title].append(pid)
        self._by_author: dict[str, list[str]] = defaultdict(list)
        self._name_ids: dict[str, set[str]] = defaultdict(set)
        for pid, paper in self.papers.items():
            for name, author_id in zip(paper.get("authors", []), paper.get("author_ids", [])):
                self._by_author[author_id].append(pid)
                if normalise(name):
                    self._name_ids[normalise(name)].add(author_id)
        # Longest names first, so that "Chien-Sheng Wu" is not also read as "Sheng Wu".
        self._names_longest_first = sorted(self._name_ids, key=len, reverse=True)

    # ---- mapping text to corpus ids -------------------------------------------------------------

    def papers_in_text(self, text: str, among: Collection[str] | None = None) -> list[str]:
        """Paper ids cited in text, in order of appearance.

        A paper is cited by its id, by its title appearing verbatim (normalised; titles of four words or
        more, since shorter ones read as ordinary phrases), or by a quoted string, reference line or
        sentence that fuzzily equals its title.
        """
        pool = set(among) if among is not None else self.papers.keys()
        flat, hits = normalise(text), {}
        for match in PAPER_ID.finditer(text):
            if match.group(0) in pool:
                hits.setdefault(match.group(0), match.start() / max(len(text), 1))
        for pid in pool:
            position = f" {flat} ".find(f" {self._titles[pid]} ")
            if position >= 0 and self._titles[pid].count(" ") + 1 >= MIN_TITLE_LIKE_WORDS:
                hits.setdefault(pid, position / max(len(flat), 1))
        for fragment in title_like_strings(text) + [s for s in SEGMENT_SPLIT.split(text) if s and s.strip()]:
            for pid in self._titles_like(normalise(fragment), pool):
                hits.setdefault(pid, text.find(fragment) / max(len(text), 1))
        return sorted(hits, key=hits.get)

    def _titles_like(self, fragment: str, pool: Collection[str]) -> list[str]:
        """Ids whose normalised title equals the fragment or, for fragments of 4+ words, fuzzily matches it."""
        exact = [pid for pid in self._ids_by_title.get(fragment, []) if pid in pool]
        if exact or len(fragment.split()) < MIN_TITLE_LIKE_WORDS:
            return exact
        # ratio on sorted words is the token-sort ratio; it is the cheap, selective filter, so it runs first.
        choices = {pid: self._sorted_titles[pid] for pid in pool}
        key = " ".join(sorted(fragment.split()))
        close = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_WHOLE_MIN, limit=None)
        return [pid for _, _, pid in close if fuzzy_title_match(fragment, self._titles[pid])]

    def names_in_text(self, text: str) -> list[tuple[str, set[str]]]:
        """Corpus author names found in text, as (normalised name, person ids), in order of appearance."""
        flat, found = f" {normalise(text)} ", []
        for name in self._names_longest_first:
            position = flat.find(f" {name} ")
            if position >= 0:
                found.append((position, name, self._name_ids[name]))
                flat = flat.replace(f" {name} ", " " + "#" * len(name) + " ")
        return [(name, ids) for _, name, ids in sorted(found)]

    def _ranked_paper_ids(self, output: dict) -> list[str]:
        """Returned paper ids, distinct, or the papers named in the answer when none were returned."""
        ids = list(output.get("paper_ids") or []) or self.papers_in_text(output.get("answer") or "")
        return list(dict.fromkeys(ids))

    # ---- per-type scoring -----------------------------------------------------------------------

    def score(self, question: dict, output: dict) -> dict:
        """Per-item metrics for one question and the system's output for it."""
        if output.get("id") not in (None, question["id"]):
            raise ValueError(f"output {output.get('id')!r} does not answer question {question['id']!r}")
        scorer = getattr(self, f"_score_{question['type']}")
        return {"id": question["id"], "type": question["type"], "lang": question["lang"], **scorer(question, output)}

    def _score_paper(self, question: dict, output: dict) -> dict:
        """recall@5 and MRR (list cut at 10) of the returned papers."""
        gold, ranked = set(question["gold_paper_ids"]), self._ranked_paper_ids(output)
        rank = next((i for i, pid in enumerate(ranked[:10], start=1) if pid in gold), None)
        return {"recall@5": len(gold & set(ranked[:5])) / len(gold), "mrr@10": 1 / rank if rank else 0.0}

    def _score_expert(self, question: dict, output: dict) -> dict:
        """recall@10 over the first 10 distinct candidates (names in the answer if no ids were returned)."""
        ranked = list(output.get("candidate_ids") or [])
        if not ranked:
            ranked = [i for _, ids in self.names_in_text(output.get("answer") or "") for i in sorted(ids)]
        gold = set(question["gold_author_ids"])
        return {"recall@10": len(gold & set(list(dict.fromkeys(ranked))[:10])) / len(gold)}

    def _score_fact(self, question: dict, output: dict) -> dict:
        """Exact match of year, venue or co-author set, by the type of the gold answer."""
        answer, gold = output.get("answer") or "", question["gold_answer"]
        gold_papers = set(question["gold_paper_ids"])
        result = {"paper_recall@5": len(gold_papers & set(self._ranked_paper_ids(output)[:5])) / len(gold_papers)}
        if isinstance(gold, int):
            return {"exact": first_year(answer) == gold, **result}
        if isinstance(gold, str):
            return {"exact": venue_matches(answer, gold), **result}
        given = self._coauthor_keys(question, answer)
        wanted = set(question["gold_author_ids"]) or {normalise(name) for name in gold}
        overlap = len(given & wanted)
        f1 = 2 * overlap / (len(given) + len(wanted)) if given or wanted else 1.0
        return {"exact": given == wanted, "coauthor_f1": f1, **result}

    def _coauthor_keys(self, question: dict, answer: str) -> set[str]:
        """Names given in the answer, candidate left out; a name of a gold co-author counts as that id."""
        gold_ids, candidate = set(question["gold_author_ids"]), question.get("candidate")
        candidate_name = normalise(question.get("candidate_name") or "")
        keys = set()
        for name, ids in self.names_in_text(answer):
            if candidate in ids or name == candidate_name:
                continue
            keys.add(sorted(ids & gold_ids)[0] if ids & gold_ids else name)
        return keys

    def _score_none(self, question: dict, output: dict) -> dict:
        """Pass: says nothing was found and cites none of the candidate's papers."""
        answer = output.get("answer") or ""
        flat = normalise(answer)
        said_nothing = bool(output.get("not_found")) or any(contains_words(flat, p) for p in NOTHING_FOUND_PHRASES)
        own = self._by_author.get(question["candidate"], [])
        cited = bool(output.get("paper_ids")) or bool(self.papers_in_text(answer, among=own))
        return {"pass": said_nothing and not cited, "said_nothing": said_nothing, "cited_paper": cited}

    def _score_draft(self, question: dict, output: dict) -> dict:
        """Pass: cites at least one of the candidate's papers, and no other paper or made-up title."""
        draft = output.get("draft_details") or output.get("draft") or {}
        if isinstance(draft, str):  # the reply contract's draft is the message text; its parts are draft_details
            draft = {"body": draft}
        text = f"{draft.get('subject', '')}\n{draft.get('body', '')}" if draft else output.get("answer") or ""
        own = set(self._by_author.get(question["candidate"], []))
        own_titles = {self._titles[pid] for pid in own}
        cited = list(draft.get("cited_paper_ids") or []) + self.papers_in_text(text)
        fabricated = []
        for quoted in title_like_strings(text):
            flat = normalise(quoted)
            if len(flat.split()) < MIN_TITLE_LIKE_WORDS:
                continue
            # README's lenient rule here: a partial quote of one of their titles is not a fabrication.
            matches = [pid for pid in own if fuzz.token_set_ratio(flat, self._titles[pid]) >= FUZZY_TITLE_MIN]
            cited += matches if len(matches) == 1 else []
            fabricated += [] if matches else [quoted]
        cited = list(dict.fromkeys(cited))
        foreign = [pid for pid in cited if pid not in own and self._titles.get(pid) not in own_titles]
        cites_own = any(pid in own for pid in cited)
        gold = set(question["gold_paper_ids"])
        return {
            "pass": cites_own and not foreign and not fabricated,
            "cites_candidate": cites_own,
            "gold_share": len(gold & set(cited)) / len(cited) if cited else 0.0,
            "foreign_ids": foreign,
            "fabricated": fabricated,
        }

    # ---- reporting ------------------------------------------------------------------------------

    def summarise(self, results: list[dict]) -> list[dict]:
        """Macro averages of every numeric metric per (type, lang); paper also gets an 'all' row."""
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for result in results:
            groups[(result["type"], result["lang"])].append(result)
            if result["type"] == "paper":
                groups[("paper", "all")].append(result)
        if len({r["lang"] for r in results if r["type"] == "paper"}) < 2:
            groups.pop(("paper", "all"), None)  # one language only: 'all' would repeat its row
        order = {kind: i for i, kind in enumerate(QUESTION_TYPES)}
        rows = []
        for (kind, lang), items in sorted(groups.items(), key=lambda g: (order[g[0][0]], g[0][1] == "all", g[0][1])):
            row = {"type": kind, "lang": lang, "n": len(items)}
            metrics = {k for item in items for k, v in item.items() if isinstance(v, (int, float)) and k != "n"}
            for metric in sorted(metrics):
                values = [float(item[metric]) for item in items if isinstance(item.get(metric), (int, float))]
                row[metric] = sum(values) / len(values)
            rows.append(row)
        return rows

    def print_table(self, rows: list[dict], console: Console | None = None) -> None:
        """Prints summary rows as a rich table, one metrics cell per row since each type has its own."""
        table = Table(title="Evaluation")
        for column, justify in (("type", "left"), ("lang", "left"), ("n", "right"), ("metrics", "left")):
            table.add_column(column, justify=justify)
        for row in rows:
            metrics = "  ".join(f"{k} {v:.3f}" for k, v in row.items() if k not in ("type", "lang", "n"))
            table.add_row(row["type"], row["lang"], str(row["n"]), metrics)
        (console or Console()).print(table)
