"""Sentence segmentation (sentencex, with per-language abbreviation rules)."""

from sentencex import segment


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of `text`, each keeping its trailing whitespace, so that "".join() gives `text` back."""
    return list(segment(lang if lang and lang != "unknown" else "en", text))
