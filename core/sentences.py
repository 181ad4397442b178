"""Sentence segmentation (sentencex, with per-language abbreviation rules); list bullets end sentences too (a
list of short items, such as names, stays one sentence with its introduction), and so does a line break: in a
paragraph it ends a heading merged into it (`ingest.headings`; its other lines are joined), unless the line ends
with a colon and introduces what follows. No sentence ends inside parentheses or a web address ("www.GGD.nl"), and a
numbered item's number opens the item."""

import re
from collections.abc import Callable

from sentencex import segment

from core.text import WORD

SENTENCE_END = re.compile(r"[.!…]['\"”’»)]?$")  # what ends a sentence (a line without one is a heading)
_BULLET = re.compile(r"(?<=\S)\s+(?=[•▪●◦] )")
_BULLET_START = re.compile(r"\s*[•▪●◦]\s+")
_ITEM_NUMBER = re.compile(r"(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+$")  # "2. " cut from its item, at a piece's end
_MIN_ITEM_WORDS = 4  # a shorter list item ("• Duitsland") is no sentence of its own


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of `text`, each keeping its trailing whitespace, so that "".join() gives `text` back."""
    lang = lang if lang and lang != "unknown" else "en"
    sentences = []
    for item in (item for line in _lines(text) for item in re.split(f"({_BULLET.pattern})", line)):
        bullet = _BULLET_START.match(item)
        if bullet:  # (sentencex stumbles on a leading bullet)
            parts = _segment(item[bullet.end() :], lang)
            sentences += [item[: bullet.end()] + parts[0], *parts[1:]]
        else:
            sentences += _segment(item, lang)
    pieces = [piece for piece in sentences if piece]
    for belongs_before in (_whitespace, _within_address, _short_item, _closes_parenthesis, _goes_on):  # in this order
        pieces = _glued(pieces, belongs_before)
    return _numbers_with_their_items(pieces)


def split_headed(text: str, lang: str) -> list[tuple[str, bool]]:
    """The sentences of `text` that are not blank, stripped, each with whether it is a heading: a line of its own
    without a sentence end that is no list item ("• onderzoeken of …;")."""
    return [
        (piece.strip(), piece.endswith("\n") and not SENTENCE_END.search(piece.rstrip()) and not is_list_item(piece))
        for piece in split_sentences(text, lang) if piece.strip()
    ]


def is_heading_in(sentence: str, text: str) -> bool:
    """Whether `sentence` is a heading line of the paragraph `text`: a line of its own without a sentence end, as
    `split_headed` tells it from the pieces, but of one line only (a list after a colon spans lines and is quotable)."""
    return not SENTENCE_END.search(sentence) and "\n" not in sentence and not is_list_item(sentence) and f"{sentence}\n" in text


def is_list_item(sentence: str) -> bool:
    """Whether `sentence` is an item of a bulleted list ("• onderzoeken of …;")."""
    return bool(_BULLET_START.match(sentence))


def heading_contexts(sentences: list[str | None], headings: list[bool]) -> list[str]:
    """What to embed before each sentence: the headings right before it, one per line ("Broncode\n" before "De
    broncode van de app ... is openbaar."), which say what it is about, as they did when they were part of it; ""
    after a sentence that is no heading, except that every item of a list gets the lead-in that introduces the list
    ("… met de volgende taken wordt belast:\n" before each "• …"). (A missing sentence, None, adds nothing.)"""
    contexts, context = [], ""
    for sentence, heading in zip(sentences, headings):
        contexts.append(context)
        if heading:
            context += f"{sentence}\n" if sentence else ""
        elif not (sentence and is_list_item(sentence) and context.endswith(":\n")):
            context = ""
    return contexts


def _numbers_with_their_items(pieces: list[str]) -> list[str]:
    """`pieces`, the number of a numbered list's item moved to the start of the item: sentencex cuts "… taken: 1. |
    Het opstellen … | 2. | Het organiseren …". (A number that ends a sentence, "Zie artikel 2.", stays.)"""
    result: list[str] = []
    carried = ""
    for piece in pieces:
        piece = carried + piece
        marker = _ITEM_NUMBER.search(piece)
        carried = ""
        if marker and (marker.start() == 0 or piece[: marker.start()].rstrip().endswith(":")):
            piece, carried = piece[: marker.start()], marker.group()
        if piece:
            result.append(piece)
    if carried:
        result.append(carried)
    return result


def _lines(text: str) -> list[str]:
    """`text` cut after each line break but those after a colon, each piece keeping its break."""
    lines: list[str] = []
    for line in re.findall(r"[^\n]*\n|[^\n]+", text):
        if lines and lines[-1].rstrip(" \t").endswith(":\n"):
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def _segment(text: str, lang: str) -> list[str]:
    return list(segment(lang, text)) if text.strip() else [text]


def _glued(pieces: list[str], belongs_before: Callable[[str, str], bool]) -> list[str]:
    """`pieces`, each one that `belongs_before(previous, piece)` appended to the one before it."""
    result: list[str] = []
    for piece in pieces:
        if result and belongs_before(result[-1], piece):
            result[-1] += piece
        else:
            result.append(piece)
    return result


def _whitespace(previous: str, piece: str) -> bool:
    return not piece.strip()


def _within_address(previous: str, piece: str) -> bool:
    """A cut between a letter's dot and a letter, with no space, is inside a web address: sentencex cuts "Op www. |
    GGD.nl kunt u ..."."""
    return bool(re.search(r"\w\.\Z", previous)) and bool(re.match(r"\w", piece))


def _short_item(previous: str, piece: str) -> bool:
    return is_list_item(piece) and len(WORD.findall(piece)) < _MIN_ITEM_WORDS


def _goes_on(previous: str, piece: str) -> bool:
    """A piece that opens with a colon, semicolon or comma, or on the same line with a word in lower case, goes on
    from the one before it: sentencex cuts after an abbreviation it does not know ("Tel. | : +352 247-84516",
    "via o.a. | het organiseren", an English answer's "the plv. | ambassador"); a sentence opens with a capital
    ("iOS" aside)."""
    opening = piece.lstrip()
    first = WORD.match(opening)
    return opening[:1] in (":", ";", ",") or bool(first) and first.group().islower() and not previous.endswith("\n")


def _closes_parenthesis(previous: str, piece: str) -> bool:
    """A piece that closes a parenthesis opened before it: sentencex sometimes cuts "… 9 maanden (28 mei | 2021) -
    Samenvatting …" in a list of titles."""
    first = re.search(r"[()]", piece)
    return bool(first) and first.group() == ")" and previous.count("(") > previous.count(")")
