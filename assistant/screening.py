"""Input the assistant should not answer from the documents: malformed (not text, a broken history),
not a question (emoji, punctuation, SQL, orders to the AI) or in a language it does not answer in.

Each check returns a reason or None; assistant/question.py turns a reason into an InvalidQuestion
whose message the UI and the CLI show as they are.
"""

import re
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

from ingest.instructions import looks_like_instructions

_MIN_LETTERS = 2
_SQL = re.compile(
    r"\bselect\b.+\bfrom\b.*(?:[;*]|--)|\bselect\s+\*|\b(?:drop|truncate|alter)\s+(?:table|database)\b|\binsert\s+into\b"
    r"|\bdelete\s+from\s+\w+\s*(?:;|where\b)|\bunion\s+(?:all\s+)?select\b|;\s*--|'\s*or\s+'?\d+'?\s*=\s*'?\d+",
    re.IGNORECASE | re.DOTALL,
)

# Languages a question is told apart from ours with: the likely ones in the Benelux and the EU,
# and a few with their own script (cheap to recognise).
_OTHERS = {
    Language.GERMAN: ("Duits", "allemand", "German"),
    Language.SPANISH: ("Spaans", "espagnol", "Spanish"),
    Language.ITALIAN: ("Italiaans", "italien", "Italian"),
    Language.PORTUGUESE: ("Portugees", "portugais", "Portuguese"),
    Language.POLISH: ("Pools", "polonais", "Polish"),
    Language.ROMANIAN: ("Roemeens", "roumain", "Romanian"),
    Language.TURKISH: ("Turks", "turc", "Turkish"),
    Language.RUSSIAN: ("Russisch", "russe", "Russian"),
    Language.UKRAINIAN: ("Oekraïens", "ukrainien", "Ukrainian"),
    Language.ARABIC: ("Arabisch", "arabe", "Arabic"),
    Language.CHINESE: ("Chinees", "chinois", "Chinese"),
}
_OURS = (Language.DUTCH, Language.FRENCH, Language.ENGLISH)
_MIN_CONFIDENCE = 0.75  # calibrated: no question of eval/questions.jsonl comes near it
_MIN_WORDS = 3  # "Benelux Mensenhandel" is not German
_WORD = re.compile(r"[^\W\d_]{2,}")


def malformed(text: object, history: object) -> str | None:
    """What is wrong with the types of an API call's question and history, in plain words."""
    if text is not None and not isinstance(text, str):
        return f"The question must be text (str), not {type(text).__name__}."
    if history is None:
        return None
    if not isinstance(history, (list, tuple)):
        return f'history must be a list of {{"role": "user"|"assistant", "content": str}} turns, not {type(history).__name__}.'
    for number, turn in enumerate(history):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant") or not isinstance(turn.get("content"), str):
            return f'history turn {number} must be {{"role": "user"|"assistant", "content": str}}, not {turn!r:.80}.'
    return None


def not_a_question(text: str) -> bool:
    """Emoji or punctuation only, SQL, or orders to the assistant ("ignore previous instructions…")."""
    letters = sum(ch.isalpha() for ch in text)
    return letters < _MIN_LETTERS or bool(_SQL.search(text)) or looks_like_instructions(text)


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*_OURS, *_OTHERS).build()


def unsupported_language(text: str) -> tuple[str, str, str] | None:
    """The (Dutch, French, English) names of the question's language when it is clearly not nl/fr/en."""
    if len(_WORD.findall(text)) < _MIN_WORDS:
        return None
    best = _detector().compute_language_confidence_values(text)[0]
    if best.language in _OTHERS and best.value >= _MIN_CONFIDENCE:
        return _OTHERS[best.language]
    return None


def language_name(names: tuple[str, str, str], lang: str) -> str:
    return names[{"nl": 0, "fr": 1}.get(lang, 2)]

