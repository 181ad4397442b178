"""Join paragraphs that a page break cut in two.

In the interleaved bilingual documents a page holds a Dutch block then a French block; a paragraph
cut at the bottom of a page resumes at the top of the next block in its own language, after the
other language's block. In single-language documents the piece simply follows.
"""

import re

from core.records import Paragraph

_TERMINAL = re.compile(r"[.!?…:;»\"”’)\]]$")
_MIN_WORDS_OF_A_CUT_SENTENCE = 8


def ends_mid_sentence(paragraph: Paragraph) -> bool:
    text = paragraph.text
    return not _TERMINAL.search(text) and len(text.split()) >= _MIN_WORDS_OF_A_CUT_SENTENCE


def starts_mid_sentence(paragraph: Paragraph) -> bool:
    first = paragraph.text[0]
    return first.islower() or first in "(,;"


def _join(head: Paragraph, tail: Paragraph) -> Paragraph:
    if head.text.endswith("-") and tail.text[0].islower():  # a word hyphenated across the break
        text = head.text[:-1] + tail.text
    else:
        text = head.text + " " + tail.text
    return Paragraph(text=text, spans=head.spans + tail.spans, lang=head.lang, repaired=True)


def _continuation_index(paragraphs: list[Paragraph], i: int) -> int | None:
    """Index of the next paragraph in the same language as paragraphs[i], if it continues it."""
    lang = paragraphs[i].lang
    for j in range(i + 1, len(paragraphs)):
        if paragraphs[j].lang == lang:
            return j if starts_mid_sentence(paragraphs[j]) else None
    return None


def repair_splits(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A new list in which every cut paragraph is joined with its continuation."""
    result = list(paragraphs)
    i = 0
    while i < len(result):
        j = _continuation_index(result, i) if ends_mid_sentence(result[i]) else None
        if j is None:
            i += 1
            continue
        result[i] = _join(result[i], result.pop(j))  # re-checked: the joined text may be cut again
    return result
