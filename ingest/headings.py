"""Keep headings with the text they head.

A short line without a sentence end (a heading, a date line, a lead-in such as "Wij, ondergetekenden,",
a question heading a list) is merged into the body paragraph that follows it when both are in the
same language. Runs of
headings in different languages (the title page of a bilingual document) stay paragraphs of their
own, one per language, so that each can be paired with its translation; a lead-in ending with a colon
stays with the heading it introduces whatever their languages are told to be. Date lines that end the text
("Luxemburg, 2 december 2016" under a declaration) close the paragraph before them.
"""

from core.languages import UNKNOWN
from core.records import Paragraph
from core.sentences import SENTENCE_END
from core.text import find_date

_MAX_HEADING_CHARS = 120
_MIN_WORDS_TO_TELL = 4


def is_heading(paragraph: Paragraph) -> bool:
    return len(paragraph.text) <= _MAX_HEADING_CHARS and not SENTENCE_END.search(paragraph.text)


def _heading_languages(headings: list[Paragraph], following: str) -> list[str]:
    """Language per heading; a heading too short to tell takes the language of the next one that can
    ("ANTWOORD" heads the Dutch title after it), the last ones that of the paragraph that follows."""
    languages, next_known = [], following
    for heading in reversed(headings):
        if len(heading.text.split()) >= _MIN_WORDS_TO_TELL and heading.lang != UNKNOWN:
            next_known = heading.lang
        languages.append(next_known)
    return languages[::-1]


def _by_language(headings: list[Paragraph], following: str) -> list[tuple[str, list[Paragraph]]]:
    """Consecutive headings grouped by language."""
    groups: list[tuple[str, list[Paragraph]]] = []
    for heading, lang in zip(headings, _heading_languages(headings, following)):
        if groups and groups[-1][0] == lang:
            groups[-1][1].append(heading)
        elif groups and groups[-1][1][-1].text.endswith(":"):  # a lead-in stays with what it introduces
            lead_in = groups[-1][1].pop()
            if not groups[-1][1]:
                groups.pop()
            groups.append((lang, [lead_in, heading]))
        else:
            groups.append((lang, [heading]))
    return groups


def merge(parts: list[Paragraph], lang: str) -> Paragraph:
    return Paragraph(
        text="\n".join(p.text for p in parts),
        spans=[span for p in parts for span in p.spans],
        lang=lang,
        repaired=any(p.repaired for p in parts),
    )


def _trailing(pending: list[Paragraph]) -> int:
    """How many lines of a heading run end the section before it rather than head the next: those before the
    run's question when a lead-in ending with a colon among them has had its lines ("Heures d'ouverture :",
    "Du lundi au vendredi 9h - 17h", then "Que prescrit la loi … ?", an FAQ's next question)."""
    question = next((i for i, p in enumerate(pending) if p.text.endswith("?")), None)
    if question is None:
        return 0
    completed = any(p.text.endswith(":") for p in pending[: question - 1])
    return question if completed else 0


def _in_language_of(lines: list[Paragraph], paragraph: Paragraph) -> bool:
    """Whether every one of `lines` is in `paragraph`'s language or too short to tell."""
    return all(line.lang in (UNKNOWN, paragraph.lang) for line in lines)


def merge_headings(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A new list in which each heading run is merged forward or kept as one paragraph per language; the lines
    that end a section (`_trailing`) are merged back into its last paragraph when in its language."""
    result: list[Paragraph] = []
    pending: list[Paragraph] = []
    for paragraph in paragraphs:
        if is_heading(paragraph):
            pending.append(paragraph)
            continue
        trailing = _trailing(pending)
        if trailing and result and _in_language_of(pending[:trailing], result[-1]):
            result[-1] = merge([result[-1], *pending[:trailing]], result[-1].lang)
            pending = pending[trailing:]
        groups = _by_language(pending, paragraph.lang)
        last = groups.pop()[1] if groups and groups[-1][0] == paragraph.lang else []
        result.extend(merge(group, lang) for lang, group in groups)
        result.append(merge(last + [paragraph], paragraph.lang))
        pending = []
    if result and pending and _in_language_of(pending, result[-1]) and all(find_date(p.text) for p in pending):  # a closing dateline
        result[-1] = merge([result[-1], *pending], result[-1].lang)
        pending = []
    result.extend(merge(group, lang) for lang, group in _by_language(pending, UNKNOWN))
    return result
