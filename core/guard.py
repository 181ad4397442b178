"""The faithfulness guard: numbers, dates and names in a generated sentence or a machine translation
must be in its sources."""

from collections import Counter
from collections.abc import Sequence

from core.text import (
    CODE, JOINED_WORD, NUMBER, PREFIX, WORD, common_word, counted_numbers, dates, fold_accents, magnitudes, months, months_named,
    names, spelled_numbers,
)

# Other names of places and peoples in the documents (folded first letters), so that "Anvers" or
# "Dutch" in an answer is found in a Dutch source that says "Antwerpen" or "Nederlandse".
ALIASES = {
    "dutch": ("neder", "neerl", "pays-bas"), "nethe": ("neder", "neerl", "pays-bas"), "holla": ("neder", "pays-bas"),
    "pays-": ("neder", "neerl", "pays-bas"), "neerl": ("neder", "neerl", "pays-bas"), "neder": ("neder", "neerl", "pays-bas"),
    "belgi": ("belgi", "belge"), "belge": ("belgi", "belge"), "luxem": ("luxem",), "bruss": ("bruss", "bruxe"),
    "bruxe": ("bruss", "bruxe"), "antwe": ("antwe", "anver"), "anver": ("antwe", "anver"), "europ": ("europ",),
    "flemi": ("vlaam", "vlaan", "flama", "fland"), "fland": ("vlaan", "fland"), "hague": ("haag", "haye"),
}


def other_names(name: str) -> tuple[str, ...]:
    """The first letters of `name` and of its other names (Luxembourg ~ Luxemburg, Dutch ~ Nederlands,
    and back: Nederland ~ Netherlands)."""
    stem = name[:PREFIX]
    back = tuple(key for key, aliases in ALIASES.items() if stem in aliases)
    return tuple(dict.fromkeys((stem, *ALIASES.get(stem, ()), *back)))


def mentions(sources: list[str], name: str) -> bool:
    """A source has a word starting like `name` or like one of its other names."""
    folded = [fold_accents(text.lower()) for text in sources]
    return any(stem in text for stem in other_names(name) for text in folded)


def _acronyms(text: str) -> dict[str, str]:
    """Each acronym of `text` (a word of three or more capitals, a plural "s" aside; folded, lower case, as `names`
    gives it) → its letters in order: one body is often abbreviated in another order in another language ("NGOs" ~
    "ONG", "NATO" ~ "OTAN")."""
    found = {}
    for word in WORD.findall(text):
        body = word.removesuffix("s")
        if len(body) >= 3 and body.isupper():
            found[fold_accents(word.lower())] = "".join(sorted(fold_accents(body.lower())))
    return found


def _digits(code: str) -> str:
    return "".join(NUMBER.findall(code))


def _as_written(text: str) -> dict[str, str]:
    """Each word of `text` folded as `names` gives it → as written (lower case, accents kept)."""
    return {fold_accents(word.lower()): word.lower() for word in [*WORD.findall(text), *JOINED_WORD.findall(text)]}


def _dates_not_in(sentence: str, sources: Sequence[str]) -> list[str]:
    """The dates, months of a year and months of `sentence` that no source names, in any language or form: "1 januari
    2020" is no reading of "le 1er juillet 2020", nor of it and "6 janvier 1978" in another passage."""
    days = {day for text in sources for day in dates(text)}
    month_years = {month for text in sources for month in months_named(text)} | {day[:7] for day in days}
    named = {month for text in sources for month in months(text)}
    return (sorted(dates(sentence) - days) + sorted(months_named(sentence) - month_years)
            + [f"month {m}" for m in sorted(months(sentence) - named)])


def unsupported(
    sentence: str, sources: Sequence[str], translations: Sequence[str] = (), lang: str | None = None, asked: str = "",
) -> list[str]:
    """The numbers, codes, dates and names of `sentence` that none of `sources` contains, in digits or words (empty:
    the sentence passes; a number in words when it counts a unit, "drie maanden"; a date or month in any language or
    form, `_dates_not_in`).
    A code counts whole: a sentence may repeat a phone number, not take a number out of it ("088-1205 100" is no
    source for "100 calls").
    `translations` are the sources' machine translations into the sentence's language `lang`, checked against them
    (`changed_facts`): a capitalised common word of `lang` they hold is the translation of one of the sources' own
    ("the Council of Europe" of "de Raad van Europa", "the Committee" of "le Comité"), not a name the model made up;
    numbers and other names must still be in the sources themselves.
    A name the question `asked` uses is no fact the model made up: "Pourquoi l'algorithme de la DGFiP ... ?" may be answered
    "L'algorithme de la DGFiP ..." from a passage that writes "Direction générale des finances publiques", "Which Dutch
    ministry ...?" from one that never says "Dutch". Numbers and dates are not taken from it: a year the question names
    is what most often tells what the documents say from what they do not."""
    source_numbers = {n for text in sources for n in [*NUMBER.findall(CODE.sub(" ", text)), *spelled_numbers(text)]}
    source_codes = {_digits(code) for text in sources for code in CODE.findall(text)}
    missing = [c for c in CODE.findall(sentence) if _digits(c) and _digits(c) not in source_codes]
    missing += [n for n in NUMBER.findall(CODE.sub(" ", sentence)) if n not in source_numbers]
    # a number written out must count a unit in a source ("drie maanden" is no reading of "deux mois" nor of "L.311-3")
    source_counts = {n for text in sources for n in counted_numbers(text, digits=True)}
    missing += [n for n in sorted(counted_numbers(sentence)) if n not in source_counts]
    # "honderd" is a number too, and no reading of "honderden" (the model made "hundreds of experts" a hundred)
    source_magnitudes = source_numbers | {m for text in sources for m in magnitudes(text)}
    missing += [m for m in sorted(magnitudes(sentence)) if m not in source_magnitudes]
    missing += _dates_not_in(sentence, sources)
    written = _as_written(sentence)
    return missing + sorted(
        name for name in names(sentence)
        if not mentions(sources, name) and not mentions([asked], name)
        and not (lang and mentions(translations, name) and common_word(written[name], lang))
    )


def changed_facts(original: str, translation: str, common_words: set[str] = frozenset(), lang: str | None = None) -> list[str]:
    """What a translation changed: numbers lost or added (a number may be written out: "2" ~ "two"; "deux mois" is no
    "three months"), months, proper names lost, places or peoples added (anywhere, a line's first word too) (empty: it
    keeps the facts). Capitalised words
    that the document also uses in lower case (`common_words`, folded) are not names ("de werkgroep Mensenhandel" may
    become "the Human Trafficking group"), nor are the common words of the original's language `lang` ("le Comité de
    Ministres": "the Committee of Ministers")."""
    theirs, ours = Counter(NUMBER.findall(original)), Counter(NUMBER.findall(translation))
    written_theirs, written_ours = spelled_numbers(original), spelled_numbers(translation)  # "2" → "two"
    problems = [f"number {n} lost" for n in sorted(theirs - ours) if n not in written_ours]
    problems += [f"number {n} added" for n in sorted(ours - theirs) if n not in written_theirs]
    problems += [f"number {n} lost" for n in sorted(counted_numbers(original)) if n not in ours and n not in written_ours]
    problems += [f"number {n} added" for n in sorted(counted_numbers(translation)) if n not in theirs and n not in written_theirs]
    written, acronyms = _as_written(original), _acronyms(original)
    # an acronym kept in another order ("ONG" → "NGOs"); not taken for generated answers (`unsupported`): one that wrote
    # "NGOs" of a passage saying "ONG" then passed its check citing another passage that names the ONG and nothing asked
    reordered = set(_acronyms(translation).values())
    problems += [
        f"name {name} lost" for name in sorted(names(original))
        if name not in common_words and not mentions([translation], name) and acronyms.get(name) not in reordered
        and not (lang and common_word(written[name], lang))
    ]
    problems += [f"month {m} not kept" for m in sorted(months(original) ^ months(translation))]
    added = {fold_accents(w.lower()) for w in WORD.findall(translation) if w[0].isupper()}  # opening a line too: "Benelux" → "Belgium"
    return problems + [f"name {name} added" for name in sorted(added) if name[:PREFIX] in ALIASES and not mentions([original], name)]
