"""Language identification for paragraphs and questions (lingua, offline)."""

import re
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

SUPPORTED = ("nl", "fr", "en")
UNKNOWN = "unknown"
# The languages we tell apart: ours plus the likely others in Benelux and EU documents, so that
# German or Spanish text is marked as such instead of being forced into nl/fr/en.
_CANDIDATES = (
    Language.DUTCH, Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.SPANISH,
    Language.ITALIAN, Language.PORTUGUESE, Language.POLISH, Language.ROMANIAN,
)
_MIN_LETTERS = 12  # below this, a guess is noise (e.g. "Benelux", "865/3")
_MIN_CONFIDENCE = 0.5
_MIN_WORDS_FOR_OTHER = 8  # a few words of names and e-mail addresses "look German" more often than they are
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_LANGUAGE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\d+")


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*_CANDIDATES).with_preloaded_language_models().build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language, or "unknown" when the text is too short or ambiguous."""
    text = _NOT_LANGUAGE.sub(" ", text)
    if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
        return UNKNOWN
    best = _detector().compute_language_confidence_values(text)[0]
    lang = best.language.iso_code_639_1.name.lower()
    if best.value < _MIN_CONFIDENCE or lang not in SUPPORTED and len(_WORD.findall(text)) < _MIN_WORDS_FOR_OTHER:
        return UNKNOWN
    return lang



@lru_cache(maxsize=1)
def _question_detector():
    return LanguageDetectorBuilder.from_languages(Language.DUTCH, Language.FRENCH, Language.ENGLISH).build()


def detect_question_language(text: str) -> str | None:
    """nl, fr or en for a question, however short; None when it has no letters."""
    text = _NOT_LANGUAGE.sub(" ", text)
    if not any(ch.isalpha() for ch in text):
        return None
    language = _question_detector().detect_language_of(text)
    return language.iso_code_639_1.name.lower() if language else None
