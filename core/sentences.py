"""Sentence segmentation (sentencex, with per-language abbreviation rules); list bullets end sentences too (a
list of short items, such as names, stays one sentence with its introduction; an item ends at a line break,
where a heading follows it), and no sentence ends inside parentheses."""

import re

from sentencex import segment

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
    return _closing_parentheses(_short_items_joined(_attach_whitespace(sentences)))


def _segment(text: str, lang: str) -> list[str]:
    return list(segment(lang, text)) if text.strip() else [text]


def _short_items_joined(pieces: list[str]) -> list[str]:
    """Glue a short list item to the sentence before it."""
    result: list[str] = []
    for piece in pieces:
        if result and _BULLET_START.match(piece) and len(re.findall(r"\w+", piece)) < _MIN_ITEM_WORDS:
            result[-1] += piece
        else:
            result.append(piece)
    return result


def _attach_whitespace(pieces: list[str]) -> list[str]:
    """Glue pure-whitespace pieces to the sentence before them."""
    result: list[str] = []
    for piece in pieces:
        if not piece.strip() and result:
            result[-1] += piece
        elif piece:
            result.append(piece)
    return result


def _closing_parentheses(pieces: list[str]) -> list[str]:
    """Glue a piece that closes a parenthesis opened before it to that sentence: sentencex sometimes cuts
    "… 9 maanden (28 mei | 2021) - Samenvatting …" in a list of titles."""
    result: list[str] = []
    for piece in pieces:
        first = re.search(r"[()]", piece)
        if result and first and first.group() == ")" and result[-1].count("(") > result[-1].count(")"):
            result[-1] += piece
        else:
            result.append(piece)
    return result
