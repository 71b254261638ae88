"""The evaluation: ``Scorer`` scores outputs by the rules of ../shared/eval/README.md; ``matching`` holds
the text rules (names, years, venues, titles in free text) it applies."""

from bot.evaluation.matching import NOTHING_FOUND_PHRASES, normalise, venue_matches
from bot.evaluation.scorer import Scorer, load_questions

__all__ = ["NOTHING_FOUND_PHRASES", "Scorer", "load_questions", "normalise", "venue_matches"]
