"""Sentence segmentation (sentencex, with per-language abbreviation rules); list bullets end sentences too."""

import re

from sentencex import segment

_BULLET = re.compile(r"(?<=\S)\s+(?=[•▪●◦] )")
_BULLET_START = re.compile(r"\s*[•▪●◦]\s+")


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of `text`, each keeping its trailing whitespace, so that "".join() gives `text` back."""
    lang = lang if lang and lang != "unknown" else "en"
    sentences = []
    for item in re.split(f"({_BULLET.pattern})", text):
        bullet = _BULLET_START.match(item)
        prefix, body = (item[: bullet.end()], item[bullet.end() :]) if bullet else ("", item)
        parts = list(segment(lang, body)) if body.strip() else [body]  # sentencex stumbles on a leading bullet
        sentences += [prefix + parts[0], *parts[1:]]
    return _attach_whitespace(sentences)


def _attach_whitespace(pieces: list[str]) -> list[str]:
    """Glue pure-whitespace pieces to the sentence before them."""
    result: list[str] = []
    for piece in pieces:
        if not piece.strip() and result:
            result[-1] += piece
        elif piece:
            result.append(piece)
    return result
