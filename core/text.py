"""Text utilities shared by indexing and answering: folding, tokenising, numbers, names and document ids."""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import Stemmer
from bm25s import stopwords as bm25s_stopwords

from core.languages import LANGUAGES

NUMBER = re.compile(r"\d+")
WORD = re.compile(r"\w+")
PREFIX = 5  # names are compared by their first letters: Luxembourg ~ Luxemburg, België ~ Belgique
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:])\s+")
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_ID_STEM = 80


def fold_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def numbers(text: str) -> set[str]:
    """The digit runs of `text` ("2016", "908", "1")."""
    return set(NUMBER.findall(text))


def names(text: str) -> set[str]:
    """Capitalised words that do not start a sentence: names, places, acronyms (folded, lower-case)."""
    found = set()
    for sentence in _SENTENCE_BREAK.split(text):
        words = WORD.findall(sentence)[1:]
        found |= {fold_accents(w.lower()) for w in words if w[0].isupper() and len(w) >= 3}
    return found


@lru_cache(maxsize=None)
def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    return Stemmer.Stemmer(LANGUAGES[lang].stemmer) if lang in LANGUAGES else None


@lru_cache(maxsize=None)
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(getattr(bm25s_stopwords, LANGUAGES[lang].stopwords)) if lang in LANGUAGES else frozenset()


def analyze(text: str, lang: str) -> list[str]:
    """Lower-cased words without stopwords, stemmed in `lang`, accents folded ("Opleidingen" → "opleid")."""
    stopwords = _stopwords(lang)
    words = [w for w in WORD.findall(text.lower()) if w not in stopwords and (len(w) > 1 or w.isdigit())]
    stemmer = _stemmer(lang)
    return [fold_accents(w) for w in (stemmer.stemWords(words) if stemmer else words)]


def corpus_terms(text: str) -> set[str]:
    """Every number of `text` and the folded first letters of its words."""
    return {w if w.isdigit() else w[:PREFIX] for w in WORD.findall(fold_accents(text.lower()))}


def document_id(file_name: str) -> str:
    """The id of a document stored under `file_name`, the same from the CLI and from an upload:
    no folders, ASCII letters, digits and ._- only, a lower-case suffix ("../Nota 2022.PDF" → "Nota_2022.pdf")."""
    base = Path(file_name.replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem:
        stem, suffix = base, ""
    ascii_stem = fold_accents(stem).encode("ascii", "ignore").decode()
    clean = _NOT_IN_ID.sub("_", ascii_stem).strip("._-")[:_MAX_ID_STEM] or "document"
    clean_suffix = _NOT_IN_ID.sub("", suffix.lower())
    return f"{clean}.{clean_suffix}" if clean_suffix else clean
