"""The one place where a language is defined: codes, names, stemming, stopwords and detection (lingua, offline)."""

import re
from dataclasses import dataclass
from functools import lru_cache

from lingua import Language as LinguaLanguage
from lingua import LanguageDetectorBuilder


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    names: dict[str, str]  # this language's name in each supported language, by code
    conjunction: str  # "and" in this language, to list language names
    stemmer: str  # PyStemmer / Snowball algorithm
    stopwords: str  # the list's name in bm25s.stopwords
    lingua: LinguaLanguage
    question_words: frozenset[str]  # the interrogatives, which the stopword lists keep: they say nothing of a subject


_QUESTION_WORDS = {
    lang: frozenset(words.split()) for lang, words in {
        "nl": "wie wiens wat welk welke waar wanneer hoeveel hoe waarom waarover waarmee waardoor waarin waaruit waarvoor waarop"
              " waaraan waarbij waarna waartoe waarvan",
        "fr": "qui que quoi quel quelle quels quelles où quand combien comment pourquoi lequel laquelle lesquels lesquelles",
        "en": "who whom whose what which where when how why",
    }.items()
}


LANGUAGES = {
    "nl": Language("nl", {"nl": "Nederlands", "fr": "néerlandais", "en": "Dutch"}, "en", "dutch", "STOPWORDS_DUTCH", LinguaLanguage.DUTCH,
                   _QUESTION_WORDS["nl"]),
    "fr": Language("fr", {"nl": "Frans", "fr": "français", "en": "French"}, "et", "french", "STOPWORDS_FRENCH", LinguaLanguage.FRENCH,
                   _QUESTION_WORDS["fr"]),
    "en": Language("en", {"nl": "Engels", "fr": "anglais", "en": "English"}, "and", "english", "STOPWORDS_EN", LinguaLanguage.ENGLISH,
                   _QUESTION_WORDS["en"]),
}
SUPPORTED = tuple(LANGUAGES)  # ("nl", "fr", "en"): documents, questions and answers
UNKNOWN = "unknown"
# Besides ours, the likely other languages of Benelux and EU texts and questions, and a few with a script
# of their own, so that German text is marked as such instead of being forced into nl/fr/en: name by language.
OTHER_LANGUAGES = {
    LinguaLanguage.GERMAN: {"nl": "Duits", "fr": "allemand", "en": "German"},
    LinguaLanguage.SPANISH: {"nl": "Spaans", "fr": "espagnol", "en": "Spanish"},
    LinguaLanguage.ITALIAN: {"nl": "Italiaans", "fr": "italien", "en": "Italian"},
    LinguaLanguage.PORTUGUESE: {"nl": "Portugees", "fr": "portugais", "en": "Portuguese"},
    LinguaLanguage.POLISH: {"nl": "Pools", "fr": "polonais", "en": "Polish"},
    LinguaLanguage.ROMANIAN: {"nl": "Roemeens", "fr": "roumain", "en": "Romanian"},
    LinguaLanguage.TURKISH: {"nl": "Turks", "fr": "turc", "en": "Turkish"},
    LinguaLanguage.RUSSIAN: {"nl": "Russisch", "fr": "russe", "en": "Russian"},
    LinguaLanguage.UKRAINIAN: {"nl": "Oekraïens", "fr": "ukrainien", "en": "Ukrainian"},
    LinguaLanguage.ARABIC: {"nl": "Arabisch", "fr": "arabe", "en": "Arabic"},
    LinguaLanguage.CHINESE: {"nl": "Chinees", "fr": "chinois", "en": "Chinese"},
}
_OTHER_NAMES = {lang.iso_code_639_1.name.lower(): names for lang, names in OTHER_LANGUAGES.items()}
_MIN_FOREIGN_CONFIDENCE = 0.75  # no question of eval/questions.jsonl comes near it (0.40 at most)
_MIN_FOREIGN_WORDS = 3  # "Benelux Mensenhandel" is not German
_MIN_LETTERS = 12  # below this, a guess is noise (e.g. "Benelux", "865/3")
_MIN_CONFIDENCE = 0.5
_MIN_WORDS_FOR_OTHER = 8  # a few words of names and e-mail addresses "look German" more often than they are
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_LANGUAGE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\d+")


def own_name(code: str) -> str:
    """A language's name in itself ("Nederlands", "français"), capitalised, for language pickers."""
    return LANGUAGES[code].names[code].capitalize()


def language_name(code: str, in_lang: str) -> str:
    """The name of language `code` (ours or another known one) in language `in_lang` (else in English)."""
    names = LANGUAGES[code].names if code in LANGUAGES else _OTHER_NAMES[code]
    return names.get(in_lang, names["en"])


def list_names(codes: list[str], in_lang: str) -> str:
    """Names of `codes` in `in_lang`, joined by its "and": "Dutch and French"."""
    conjunction = LANGUAGES[in_lang if in_lang in LANGUAGES else "en"].conjunction
    return f" {conjunction} ".join(language_name(code, in_lang) for code in codes if code in LANGUAGES)


# German is the other language that a detector knowing only ours would take for one of them (Dutch, 0.97-1.0 sure);
# the others' text leaves such a detector unsure (Portuguese 0.90, Spanish 0.44), and all known languages are asked.
_FIRST_LANGUAGES = [lang.lingua for lang in LANGUAGES.values()] + [LinguaLanguage.GERMAN]
_SURE = 0.95


@lru_cache(maxsize=1)
def _first_detector():
    return LanguageDetectorBuilder.from_languages(*_FIRST_LANGUAGES).with_preloaded_language_models().build()


@lru_cache(maxsize=1)
def _detector():
    languages = [lang.lingua for lang in LANGUAGES.values()] + list(OTHER_LANGUAGES)
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def _most_likely(text: str):
    """Lingua's most likely language of `text`, with its confidence: asked of ours and German first, of every
    known language only when these leave it unsure (loading them all takes a second that ingesting one small
    document in ours need not wait)."""
    best = _first_detector().compute_language_confidence_values(text)[0]
    return best if best.value >= _SURE else _detector().compute_language_confidence_values(text)[0]


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language, or "unknown" when the text is too short or ambiguous."""
    text = _NOT_LANGUAGE.sub(" ", text)
    if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
        return UNKNOWN
    best = _most_likely(text)
    lang = best.language.iso_code_639_1.name.lower()
    if best.value < _MIN_CONFIDENCE or lang not in SUPPORTED and len(_WORD.findall(text)) < _MIN_WORDS_FOR_OTHER:
        return UNKNOWN
    return lang


@lru_cache(maxsize=1)
def _question_detector():
    return LanguageDetectorBuilder.from_languages(*(lang.lingua for lang in LANGUAGES.values())).build()


# A capitalised word after a question's first: a name ("SOS Médecins", "Openbaar Ministerie"), in the language of what it
# names, not of the asker
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-ZÀ-ÖØ-Þ][\w'’-]*")


def detect_question_language(text: str) -> str | None:
    """nl, fr or en for a question, however short; None when it has no letters. Told by the words around its names when
    there are two or more: "Does SOS Médecins Grand Paris's algorithm fall under the obligations?" is asked in English.
    (On the 327 questions of the three question sets, lingua on the whole text mistook that one only.)"""
    text = _NOT_LANGUAGE.sub(" ", text).strip()
    if not any(ch.isalpha() for ch in text):
        return None
    around_names = _NAME.sub(" ", text)
    if len(_WORD.findall(around_names)) >= 2:
        text = around_names
    language = _question_detector().detect_language_of(text)
    return language.iso_code_639_1.name.lower() if language else None


def foreign_language(question: str) -> str | None:
    """The code of another known language ("de") when a question is clearly in it, else None."""
    if len(_WORD.findall(question)) < _MIN_FOREIGN_WORDS:
        return None
    best = _most_likely(question)
    if best.language in OTHER_LANGUAGES and best.value >= _MIN_FOREIGN_CONFIDENCE:
        return best.language.iso_code_639_1.name.lower()
    return None
