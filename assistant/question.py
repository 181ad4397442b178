"""From what the user typed to a question the assistant can work with: checked, language decided."""

from dataclasses import dataclass, field

import numpy as np

from assistant.messages import message
from assistant.screening import malformed, not_a_question
from core.languages import SUPPORTED, detect_question_language, foreign_language, language_name

MAX_QUESTION_CHARS = 1000


class InvalidQuestion(ValueError):
    """The input is not a question we can answer (e.g. empty); the message is fit to show the user."""


@dataclass
class Question:
    text: str  # as asked (possibly truncated)
    lang: str  # the answer language
    detected_lang: str
    search_text: str  # what retrieval searches: a follow-up carries the previous question along
    notices: list[str] = field(default_factory=list)


@dataclass
class QueryVersion:
    """The question in another language (a machine translation made at question time), with its embedding."""

    text: str
    lang: str
    vector: np.ndarray


def prepare_question(text: str, history: list[dict] | None = None, lang: str | None = None) -> Question:
    """Raises InvalidQuestion for input that is not a question we answer (empty, malformed, emoji, SQL,
    orders to the assistant, a language other than nl/fr/en); truncates a very long one with a notice."""
    problem = malformed(text, history)
    if problem:
        raise InvalidQuestion(problem)
    text = (text or "").strip()
    previous = [m["content"] for m in history or [] if m.get("role") == "user" and m.get("content")]
    fallback = detect_question_language(previous[-1]) if previous else None
    detected = detect_question_language(text) or fallback or "en"
    answer_lang = lang if lang in SUPPORTED else detected
    if not text:
        raise InvalidQuestion(message(answer_lang, "empty"))
    if not_a_question(text[:MAX_QUESTION_CHARS]):
        raise InvalidQuestion(message(answer_lang, "not_a_question"))
    other = foreign_language(text[:MAX_QUESTION_CHARS])
    if other:  # said in the forced language, else in English: the asker may read none of ours well
        shown = lang if lang in SUPPORTED else "en"
        raise InvalidQuestion(message(shown, "unsupported_language", language=language_name(other, shown)))
    notices = []
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        notices.append(message(answer_lang, "truncated", n=MAX_QUESTION_CHARS))
    search_text = f"{previous[-1]} {text}" if previous else text
    return Question(text=text, lang=answer_lang, detected_lang=detected, search_text=search_text, notices=notices)
