"""Which retrieved sentences answer the question, and whether the documents answer it at all.

Sentences are scored by e5 similarity to the question (their vectors are stored at ingest time),
with a small bonus for shared words and for the passage's rank. Answerability is decided by code,
calibrated on eval/questions.jsonl: off-topic questions score low against every passage, and
on-topic questions the documents cannot answer often ask about a year the documents never mention
or for a quantity none of the chosen sentences holds.
"""

import re
from dataclasses import dataclass

import numpy as np

from assistant.answer import Passage
from core.text import analyze, numbers
from vectorstore.store import ParagraphStore

# Below this cosine between question and best passage, nothing in the documents is on topic:
# measured, off-topic questions scored 0.77–0.79 and the lowest answerable one 0.81.
MIN_TOP_SIMILARITY = 0.80
MAX_SENTENCES = 3
CLOSE_TO_BEST = 0.02  # sentences of other passages are kept only if they score this close to the best one
_PASSAGES_SEARCHED = 3

_YEAR = re.compile(r"(?:19|20)\d\d")
_THE_THREE_COUNTRIES = re.compile(r"\b(?:drie|trois|three) (?:landen|pays|countries|regeringen|gouvernements|governments|ministers|ministres)\b")
_NUMBER_WORDS = {
    "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "honderd", "duizend", "miljoen",
    "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "cent", "mille", "million",
    "two", "three", "four", "five", "seven", "eight", "nine", "ten", "hundred", "thousand",
}
_QUANTITY_CUES = re.compile(
    r"\b(hoeveel|hoe lang|hoe groot|welk bedrag|maximale|combien|quel(?:le)? (?:budget|montant|nombre|peine)|maximum|maximal"
    r"|how (?:many|much|long)|what (?:amount|budget|number))\b",
    re.IGNORECASE,
)


@dataclass
class ScoredSentence:
    passage: Passage
    text: str
    score: float
    vector: np.ndarray
    position: int  # within its passage


def rank_sentences(store: ParagraphStore, passages: list[Passage], question: str, lang: str, vector: np.ndarray) -> list[ScoredSentence]:
    """The sentences of the best passages (in the versions shown to the user), best first."""
    searched = passages[:_PASSAGES_SEARCHED]
    owner = {chunk_id: p for p in searched for chunk_id in p.chunk_ids}
    question_words = set(analyze(question, lang))
    scored = []
    positions: dict[str, int] = {}
    for sentence in store.sentences_of(list(owner)):
        passage = owner[sentence.chunk_id]
        position = positions[passage.chunk_id] = positions.get(passage.chunk_id, -1) + 1
        overlap = len(question_words & set(analyze(sentence.text, passage.lang))) / max(len(question_words), 1)
        score = float(vector @ sentence.embedding) + 0.02 * overlap - 0.005 * (passage.rank - 1)
        scored.append(ScoredSentence(passage, sentence.text, score, sentence.embedding, position))
    return sorted(scored, key=lambda s: s.score, reverse=True)


def choose_sentences(ranked: list[ScoredSentence]) -> list[ScoredSentence]:
    """The best sentence with its better neighbour (an answer often runs over two sentences), and
    sentences of other passages that score nearly as well; in reading order."""
    if not ranked:
        return []
    best = ranked[0]
    chosen = [s for s in ranked[:MAX_SENTENCES] if s.score >= best.score - CLOSE_TO_BEST]
    neighbours = [s for s in ranked if s.passage is best.passage and abs(s.position - best.position) == 1]
    if neighbours:
        neighbour = max(neighbours, key=lambda s: s.score)
        if neighbour not in chosen:
            chosen.append(neighbour)
    return sorted(chosen, key=lambda s: (s.passage.rank, s.position))


def _has_quantity(text: str, besides: set[str]) -> bool:
    """A number that is not a year and not already in the question, or a number word (not counting
    "the three countries", which the documents say of the Benelux everywhere)."""
    words = set(re.findall(r"\w+", _THE_THREE_COUNTRIES.sub(" ", text.lower())))
    return bool({n for n in numbers(text) - besides if not _YEAR.fullmatch(n)}) or bool(words & _NUMBER_WORDS)


def unanswered(question: str, passages: list[Passage], chosen: list[ScoredSentence], corpus_terms: set[str]) -> bool:
    """True when the documents cannot answer the question: nothing on topic, a number the question
    asks about occurs nowhere in the documents, or a quantity is asked and none is quoted.

    (Checking the question's names the same way was tried and dropped: English questions name
    institutions in English — "Council", "Committee" — that the Dutch and French texts name
    otherwise, which refused 5 answerable questions and caught no unanswerable one.)"""
    if not passages or not chosen or (passages[0].dense_score or 0.0) < MIN_TOP_SIMILARITY:
        return True
    if any(number not in corpus_terms for number in numbers(question)):
        return True
    if _QUANTITY_CUES.search(question):
        return not any(_has_quantity(s.text, numbers(question)) for s in chosen)
    return False
