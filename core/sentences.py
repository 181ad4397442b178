"""Sentence segmentation (sentencex, with per-language abbreviation rules); list bullets end sentences too (a
list of short items, such as names, stays one sentence with its introduction; an item ends at a line break,
where a heading follows it), and no sentence ends inside parentheses."""

import re
from collections.abc import Callable

from sentencex import segment

from core.text import WORD

_BULLET = re.compile(r"(?<=\S)\s+(?=[•▪●◦] )")
_BULLET_START = re.compile(r"\s*[•▪●◦]\s+")
_MIN_ITEM_WORDS = 4  # a shorter list item ("• Duitsland") is no sentence of its own


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of `text`, each keeping its trailing whitespace, so that "".join() gives `text` back."""
    lang = lang if lang and lang != "unknown" else "en"
    sentences = []
    for item in re.split(f"({_BULLET.pattern})", text):
        bullet = _BULLET_START.match(item)
        if bullet and "\n" in item.rstrip():  # the item's line, then a heading or text
            line, rest = item.split("\n", 1)
            sentences += [line + "\n", *_segment(rest, lang)]
        elif bullet:  # (sentencex stumbles on a leading bullet)
            parts = _segment(item[bullet.end() :], lang)
            sentences += [item[: bullet.end()] + parts[0], *parts[1:]]
        else:
            sentences += _segment(item, lang)
    pieces = [piece for piece in sentences if piece]
    for belongs_before in (_whitespace, _short_item, _closes_parenthesis):  # in this order
        pieces = _glued(pieces, belongs_before)
    return pieces


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


def _short_item(previous: str, piece: str) -> bool:
    return bool(_BULLET_START.match(piece)) and len(WORD.findall(piece)) < _MIN_ITEM_WORDS


def _closes_parenthesis(previous: str, piece: str) -> bool:
    """A piece that closes a parenthesis opened before it: sentencex sometimes cuts "… 9 maanden (28 mei | 2021) -
    Samenvatting …" in a list of titles."""
    first = re.search(r"[()]", piece)
    return bool(first) and first.group() == ")" and previous.count("(") > previous.count(")")
