"""Citation markers: numbered 1..n in order of first use, each pointing to a retrieved passage."""

import re

from assistant.answer import Citation, Passage

MARKERS = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]")  # " [2]", " [1, 3]": markers in a text, with the space before them


class CitationList:
    def __init__(self):
        self._citations: dict[str, Citation] = {}

    def cite(self, passage: Passage, supporting: str) -> int:
        """The marker of `passage` (a new one on first use); `supporting` is highlighted in its text."""
        citation = self._citations.get(passage.chunk_id)
        if citation is None:
            twin = passage.translation
            citation = Citation(
                marker=len(self._citations) + 1, chunk_id=passage.chunk_id, doc_id=passage.doc_id, title=passage.title,
                date=passage.date, paragraph=passage.paragraph, lang=passage.lang, quote=passage.text,
                translation=twin.text if twin else None, translation_lang=twin.lang if twin else None,
                translation_paragraph=twin.paragraph if twin else None,
            )
            if passage.machine_translation is not None:
                citation.machine_translation = passage.machine_translation.text
                citation.machine_translation_lang = passage.machine_translation.lang
            self._citations[passage.chunk_id] = citation
        if supporting not in citation.supporting:
            citation.supporting.append(supporting)
        return citation.marker

    def all(self) -> list[Citation]:
        return list(self._citations.values())
