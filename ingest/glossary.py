"""A collection's key terms with their fixed translations: named in the translation prompt, required in its output.

The small local model renders a domain's central term unreliably: on the bundled corpus "mensenhandel" became
"people's trade", "consumer rights" or "consumer fraud" in 12 of 25 English translations, "traite des êtres
humains" became "human rights" or "Human Beings" in 12 of 29, and "human trafficking" became "la trafficking
humaine" in French. A glossary, as professional translators use one, says how such terms are translated: a
tab-separated file with a header naming the languages (nl, fr, en) and a row per concept; a cell may list
variants separated by "|", the first the one asked for, any one accepted. It is data: the bundled corpus ships
one (`data/glossary.tsv`), a collection of another domain can have its own or none.
"""

import csv
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from core.text import fold_accents

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Term:
    source: str  # as the glossary writes it in the source language
    accepted: tuple[str, ...]  # any of these in a translation keeps the term; the first is the one asked for

    @property
    def target(self) -> str:
        return self.accepted[0]

    def kept_in(self, translation: str) -> bool:
        folded = _folded(translation)
        return any(_occurs(form, folded) for form in self.accepted)


def _folded(text: str) -> str:
    return fold_accents(text.lower()).replace("’", "'")


def _occurs(form: str, folded_text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(_folded(form))}(?!\w)", folded_text) is not None


class Glossary:
    def __init__(self, concepts: list[dict[str, list[str]]]):
        self.concepts = concepts  # language → its forms, the preferred first

    @classmethod
    def load(cls, path: Path | None) -> "Glossary":
        """The glossary in `path`; empty when there is none or it cannot be read (with a warning: translation goes on
        without it). A concept with no form in some language gives no term there."""
        if path is None or not path.is_file():
            return cls([])
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle, delimiter="\t"))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            log.warning("the glossary %s cannot be read (%s); translating without it", path, error)
            return cls([])
        concepts = [
            {lang.strip(): [form.strip() for form in cell.split("|") if form.strip()] for lang, cell in row.items() if lang and cell}
            for row in rows
        ]
        return cls([c for c in concepts if len(c) > 1])

    def terms(self, text: str, source: str, target: str) -> list[Term]:
        """The glossary's terms that `text` (in `source`) holds, with their `target` translations."""
        folded = _folded(text)
        found = []
        for concept in self.concepts:
            targets = concept.get(target)
            written = next((form for form in concept.get(source, []) if _occurs(form, folded)), None)
            if targets and written:
                found.append(Term(written, tuple(targets)))
        return found
