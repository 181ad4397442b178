"""Keep a list with the sentence that introduces it.

Official texts set out tasks, measures and recommendations as lists under a lead-in ending with a colon
("… met de volgende taken wordt belast:"), often one item per blank-line separated block. Each item alone is a
fragment ("— opstellen van een concept-voortgangsrapport …") that neither says whose task it is nor reads well
as a passage; the lead-in and its items are one passage.
"""

import re
from dataclasses import replace

from core.languages import UNKNOWN
from core.records import Paragraph
from ingest.headings import merge

_ITEM = re.compile(r"^[-–—•*]\s")  # a line that starts an item of a list
_DASH = re.compile(r"^[-–—*]\s+", re.MULTILINE)  # an item's marker where the paragraph splitter did not make it "•"


def _continues(previous: Paragraph, paragraph: Paragraph) -> bool:
    """`paragraph` is an item of a list that `previous` introduces or has begun, in the same language."""
    if not _ITEM.match(paragraph.text) or UNKNOWN not in (previous.lang, paragraph.lang) and previous.lang != paragraph.lang:
        return False
    return previous.text.endswith(":") or bool(_ITEM.match(previous.text.rsplit("\n", 1)[-1]))


def keep_lists_whole(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A new list in which each list item is joined to the paragraph that introduces its list, marked "•" (which
    ends a sentence: the item is not glued to the lead-in's colon)."""
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        if result and _continues(result[-1], paragraph):
            previous = result[-1]
            item = replace(paragraph, text=_DASH.sub("• ", paragraph.text))
            result[-1] = merge([previous, item], previous.lang if previous.lang != UNKNOWN else paragraph.lang)
        else:
            result.append(paragraph)
    return result
