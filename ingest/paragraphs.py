"""Split extracted text into paragraphs with offsets, clean them and drop page furniture."""

import re

from core.records import Paragraph
from ingest.loaders import strip_markdown

_BLOCK = re.compile(r"\S(?:.|\n(?![ \t]*\n))*", re.UNICODE)  # a run of non-blank lines
_URL_BRACKETS = re.compile(r"<(https?://[^>\s]+)>")
_WORD = re.compile(r"[^\W\d_]{3,}")
_LIST_ITEM = re.compile(r"^[ \t]*[-*+–•][ \t]+", re.MULTILINE)  # a line that starts an item of a list
# What a website or a page layout adds around the text: navigation, and teasers of other articles.
_FURNITURE = re.compile(
    r"^(?:<\s*terug|terug|retour|back|actueel|meer nieuwsberichten|lees meer|print|delen|share)$", re.IGNORECASE
)
_TEASER = re.compile(r"(?:\.\.\.|…)\s*(?:lees meer|lire la suite|read more)$", re.IGNORECASE)


def clean(text: str) -> str:
    """One paragraph as users read it: lines joined, markdown emphasis and URL brackets removed; the items of
    a list marked "•", which ends a sentence (a line-start "-" would read as a dash once the lines are joined)."""
    text = strip_markdown(text)
    text = _URL_BRACKETS.sub(r"\1", text)
    if len(_LIST_ITEM.findall(text)) >= 2:
        text = _LIST_ITEM.sub("• ", text)
    return re.sub(r"\s+", " ", text).strip()


def is_furniture(text: str) -> bool:
    """True for text with no words (page numbers, reference codes, counters) or site navigation."""
    return not _WORD.search(text) or bool(_FURNITURE.search(text))


def _is_teaser(text: str) -> bool:
    return bool(_TEASER.search(text))


def _is_heading_line(text: str) -> bool:
    return len(text) <= 120 and not re.search(r"[.!?]$", text)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Blank-line separated paragraphs of `text`, cleaned, with their offsets; furniture dropped,
    and a teaser of another article ("… lees meer") together with the title and date lines above it."""
    paragraphs: list[Paragraph] = []
    for match in _BLOCK.finditer(text):
        cleaned = clean(match.group())
        if _is_teaser(cleaned):
            while paragraphs and _is_heading_line(paragraphs[-1].text):
                paragraphs.pop()
        elif cleaned and not is_furniture(cleaned):
            end = match.start() + len(match.group().rstrip())
            paragraphs.append(Paragraph(text=cleaned, spans=[(match.start(), end)]))
    return paragraphs
