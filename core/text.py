"""Text utilities shared by indexing and answering: folding, tokenising, numbers, names and document ids."""

import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

import Stemmer

from core.languages import LANGUAGES

NUMBER = re.compile(r"\d+")
WORD = re.compile(r"\w+")
JOINED_WORD = re.compile(r"\w+(?:-\w+)*")  # a word, or words joined by hyphens ("Pays-Bas", "GGD-sleutel")
PREFIX = 5  # names are compared by their first letters: Luxembourg ~ Luxemburg, België ~ Belgique
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:])\s+")
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_ID_STEM = 80


def fold_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def numbers(text: str) -> set[str]:
    """The digit runs of `text` ("2016", "908", "1")."""
    return set(NUMBER.findall(text))


COMMON_ZIPF = 4.0  # wordfreq's Zipf scale: 4 = ten occurrences per million words


def common_word(word: str, lang: str) -> bool:
    """`word` (lower case, accents kept) is a frequent word of `lang` by wordfreq's lists: written with a capital it is
    still a word to translate ("Comité" → "Committee", "Justitie" → "Justice"), not a name to keep as written.
    (Over both corpora's capitalised words, those at or above it were common nouns, places, and a few first names.)"""
    from wordfreq import zipf_frequency  # its word lists load on first use: only translation asks

    return all(zipf_frequency(part, lang) >= COMMON_ZIPF for part in word.split("-"))  # "pays-bas", not "saint-gilles"


def names(text: str) -> set[str]:
    """Capitalised words that do not start a sentence: names, places, acronyms (folded, lower-case), not months (English
    capitalises "July", which is no name to find in "juillet": `months` compares them). Capitalised words joined by
    hyphens are one name ("Pays-Bas": "pays-bas", not "pays" and "bas"); else each part counts alone ("GGD-sleutel": "ggd")."""
    found = set()
    for sentence in _SENTENCE_BREAK.split(text):
        for joined in JOINED_WORD.findall(sentence)[1:]:
            parts = joined.split("-")
            words = [joined] if all(p[0].isupper() for p in parts) else parts
            found |= {fold_accents(w.lower()) for w in words if w[0].isupper() and len(w) >= 3}
    return found - _MONTH_WORDS


@lru_cache(maxsize=None)
def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    return Stemmer.Stemmer(LANGUAGES[lang].stemmer) if lang in LANGUAGES else None


@lru_cache(maxsize=None)
def _stopwords(lang: str) -> frozenset[str]:
    from bm25s import stopwords  # (imported on first use: bm25s brings scipy, which a no-change ingest does not need)

    return frozenset(getattr(stopwords, LANGUAGES[lang].stopwords)) if lang in LANGUAGES else frozenset()


def _content_words(text: str, lang: str) -> list[str]:
    stopwords = _stopwords(lang)
    return [w for w in WORD.findall(text.lower()) if w not in stopwords and (len(w) > 1 or w.isdigit())]


def _stemmed(words: list[str], lang: str) -> list[str]:
    stemmer = _stemmer(lang)
    return [fold_accents(w) for w in (stemmer.stemWords(words) if stemmer else words)]


def analyze(text: str, lang: str) -> list[str]:
    """Lower-cased words without stopwords, stemmed in `lang`, accents folded ("Opleidingen" → "opleid")."""
    return _stemmed(_content_words(text, lang), lang)


def content_terms(text: str, lang: str) -> set[str]:
    """The numbers and the beginnings of the content words (not question words: "quelle" is no more known to the
    documents because a translated heading asks "Quelles sont ..."), so that nl/fr/en cognates meet."""
    asking = LANGUAGES[lang].question_words if lang in LANGUAGES else frozenset()
    content = " ".join(word for word in WORD.findall(text) if word.lower() not in asking)
    return {w if w.isdigit() else w[:PREFIX] for w in analyze(content, lang)}


def analyze_for_all(text: str, lang: str) -> list[str]:
    """`text` (in `lang`) analysed as by `analyze`, then also stemmed as each other language would stem it: a name or
    term of a passage in another language is stemmed by that language's rules ("CoronaMelder", "coronabewijs": English
    "coronameld", "coronabewij"; Dutch "coronamelder", "coronabewijs")."""
    words = _content_words(text, lang)
    return list(dict.fromkeys(s for each in [lang, *(l for l in LANGUAGES if l != lang)] for s in _stemmed(words, each)))


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


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "janvier", "january", "jan"), ("februari", "février", "fevrier", "february", "feb", "févr"),
            ("maart", "mars", "march", "mrt", "mar"), ("april", "avril", "apr", "avr"), ("mei", "mai", "may"),
            ("juni", "juin", "june", "jun"), ("juli", "juillet", "july", "jul", "juil"),
            ("augustus", "août", "aout", "august", "aug"), ("september", "septembre", "sep", "sept"),
            ("oktober", "octobre", "october", "okt", "oct"), ("november", "novembre", "nov"),
            ("december", "décembre", "decembre", "dec", "déc"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))  # longest first: "juillet" before "juil"
_YEAR_DIGITS = r"(?:1[89]|20)\d\d"
_WRITTEN_DATE = re.compile(r"\b(\d{1,2})(?:er)?\.? (" + _MONTH_NAMES + r")\.? (\d{4})\b", re.I)
_MONTH_YEAR = re.compile(r"\b(" + _MONTH_NAMES + r")\.? (" + _YEAR_DIGITS + r")\b", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_YEAR = re.compile(r"\b" + _YEAR_DIGITS + r"\b")
_LONG_MONTHS = [m for m in _MONTHS if len(m) > 3]  # a month whatever its context ("mei", "mar", "jan" only in a date)
_MONTH = re.compile(r"\b(?:" + "|".join(sorted(_LONG_MONTHS, key=len, reverse=True)) + r")\b", re.I)
_MONTH_WORDS = frozenset(map(fold_accents, _LONG_MONTHS)) | {"may"}  # ("Jan" is a name)
_UNITS = (
    "jaar|jaren|maand|maanden|week|weken|dag|dagen|uur|uren|minuten|keer|procent|euro|miljoen|miljard"
    "|an|ans|année|années|mois|semaine|semaines|jour|jours|heure|heures|minute|minutes|fois|pour cent|euros|millions?|milliards?"
    "|year|years|month|months|weeks?|days?|hours?|minutes?|times|percent|per cent|millions?|billions?"
)
_SPELLED = {  # numbers written as words, in Dutch, French and English
    2: ("twee", "deux", "two"), 3: ("drie", "trois", "three"), 4: ("vier", "quatre", "four"), 5: ("vijf", "cinq", "five"),
    6: ("zes", "six"), 7: ("zeven", "sept", "seven"), 8: ("acht", "huit", "eight"), 9: ("negen", "neuf", "nine"),
    10: ("tien", "dix", "ten"), 12: ("twaalf", "douze", "twelve"), 20: ("twintig", "vingt", "twenty"),
}
# "honderd", "cent", "thousand" alone (not "honderden", "hundreds", "des milliers", nor the "cent" of "pour cent", "per cent")
_MAGNITUDE_OF = {"honderd": "100", "cent": "100", "hundred": "100", "duizend": "1000", "mille": "1000", "thousand": "1000"}
_MAGNITUDE = re.compile(r"(?<!pour )(?<!per )\b(" + "|".join(_MAGNITUDE_OF) + r")\b", re.I)
NUMBER_WORDS = frozenset({word for words in _SPELLED.values() for word in words} | set(_MAGNITUDE_OF) | {"miljoen", "million"})
_SPELLED_NUMBER = re.compile(r"\b(" + "|".join(word for words in _SPELLED.values() for word in words) + r")\b", re.I)
_VALUE_OF = {word: str(value) for value, words in _SPELLED.items() for word in words}


_COUNTED = re.compile(r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\s+(?:" + _UNITS + r")\b", re.I)
_DIGITS_COUNTED = re.compile(r"\b(\d+)\s*(?:%|(?:" + _UNITS + r")\b)", re.I)
_NUMBER_WORD_BEFORE = re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\s+(\w+)", re.I)
# Seven or more digits in one run, not a numeric date ("2-12-2016") or a span of years ("2021-2024")
PHONE_NUMBER = re.compile(
    r"(?<!\d)(?!\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b|" + _YEAR_DIGITS + r"\s?[-–/]\s?(?:" + _YEAR_DIGITS + r"|\d\d)\b)"
    r"\+?\d(?:[\s./()-]?\d){6,}"
)
# A code: a phone number, an e-mail or web address (its numbers are no quantities or facts of their own)
CODE = re.compile(PHONE_NUMBER.pattern + r"|\S+@\S+|https?://\S+|www\.\S+")
# Numbers that count nothing: the day of a date ("24 maart", "le 22 avril"), a time of day, a code.
_NOT_COUNTING = re.compile(
    r"\b\d{1,2}(?:er)?\.? (?:" + _MONTH_NAMES + r")\b|" + _NUMERIC_DATE.pattern + r"|\b\d{1,2}[:.h]\d{2}\b|" + CODE.pattern,
    re.I,
)


def magnitudes(text: str) -> set[str]:
    """The hundreds and thousands `text` writes as a word, in digits ("honderd experts" → {"100"}; "honderden" → none)."""
    return {_MAGNITUDE_OF[m.group(1).lower()] for m in _MAGNITUDE.finditer(text)}


def spelled_numbers(text: str) -> set[str]:
    """The numbers `text` writes as words, in digits ("twee experts", "two ways" → {"2"})."""
    return {_VALUE_OF[m.group(1).lower()] for m in _SPELLED_NUMBER.finditer(text)}


def counted_numbers(text: str, digits: bool = False) -> set[str]:
    """The numbers `text` writes as words counting a unit, in digits ("drie maanden", "two years" → {"3", "2"}; not
    "in acht nemen", "the three countries"); with `digits`, those written in digits too ("2 mois", "15 %")."""
    found = {_VALUE_OF[word] for m in _COUNTED.finditer(text) if (word := m.group(1).lower()) in _VALUE_OF}
    return found | {m.group(1) for m in _DIGITS_COUNTED.finditer(text)} if digits else found


def counted_things(text: str) -> set[str]:
    """What number words count in `text`, by their folded first letters ("twee experts" → {"exper"})."""
    return {fold_accents(m.group(1).lower())[:PREFIX] for m in _NUMBER_WORD_BEFORE.finditer(text)}


def times(text: str) -> set[str]:
    """The years, months and numeric dates `text` names ("2016", "month 3" for "19 maart" or "mars", "2-12-2016")."""
    found = set(_YEAR.findall(text)) | {m.group() for m in _NUMERIC_DATE.finditer(text)}
    return found | {f"month {_MONTHS[m.group().lower()]}" for m in _MONTH.finditer(text)}


def months(text: str) -> set[int]:
    """The months `text` names, by number: in words ("juillet"; "May" or "mai" only in a date, "in May 2021"), or
    in a numeric date ("1-7-2020")."""
    named = [m.group() for m in _MONTH.finditer(text)]
    named += [m.group(2) for m in _WRITTEN_DATE.finditer(text)] + [m.group(1) for m in _MONTH_YEAR.finditer(text)]
    return {_MONTHS[name.lower()] for name in named} | {int(m.group(2)) for m in _NUMERIC_DATE.finditer(text)}


def quantities(text: str) -> set[str]:
    """The numbers that count something ("61", "15"; not years, dates, times of day or phone numbers), and number
    words that count a unit ("trois ans", "twee keer"; not "the three countries"), of `text`."""
    found = {n for n in numbers(_NOT_COUNTING.sub(" ", text)) if not _YEAR.fullmatch(n)}
    return found | {m.group(1).lower() for m in _COUNTED.finditer(text)}


def months_named(text: str) -> set[str]:
    """The months `text` names with their year, as "yyyy-mm" ("in december 2016", "le 2 juillet 2021")."""
    return {f"{m.group(2)}-{_MONTHS[m.group(1).lower()]:02d}" for m in _MONTH_YEAR.finditer(text)}


def _dates_in(text: str) -> list[tuple[int, date]]:
    """The dates written in `text` (Dutch, French or English month names, or d-m-yyyy), with where each starts, in order."""
    candidates = [(m.start(), int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))) for m in _WRITTEN_DATE.finditer(text)]
    candidates += [(m.start(), int(m.group(3)), int(m.group(2)), int(m.group(1))) for m in _NUMERIC_DATE.finditer(text)]
    found = []
    for start, year, month, day in sorted(candidates):
        try:
            found.append((start, date(year, month, day)))
        except ValueError:
            continue
    return found


def dates(text: str) -> set[str]:
    """The dates written in `text`, ISO-formatted ("1er juillet 2020" and "1-7-2020" → "2020-07-01")."""
    return {day.isoformat() for _, day in _dates_in(text)}


def find_date(text: str) -> str | None:
    """The first date written in `text` (Dutch, French or English month names, or d-m-yyyy), ISO-formatted."""
    found = _dates_in(text)
    return found[0][1].isoformat() if found else None
