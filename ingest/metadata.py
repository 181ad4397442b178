"""Document metadata users see in citations: title, date, kind and languages.

Derived from the text (first heading, first date); a `metadata.json` beside the documents
(file name → fields) overrides what was derived, as the bundled corpus does.
"""

import json
import re
from datetime import date
from pathlib import Path

from core.languages import SUPPORTED
from core.records import DocumentInfo, Paragraph
from core.text import document_id

SIDECAR = "metadata.json"
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "janvier", "january", "jan"), ("februari", "février", "fevrier", "february", "feb", "févr"),
            ("maart", "mars", "march", "mrt", "mar"), ("april", "avril", "apr", "avr"), ("mei", "mai", "may"),
            ("juni", "juin", "june", "jun"), ("juli", "juillet", "july", "jul", "juil"),
            ("augustus", "août", "aout", "august", "aug"), ("september", "septembre", "sep", "sept"),
            ("oktober", "octobre", "october", "okt", "oct"), ("november", "novembre", "nov"),
            ("december", "décembre", "decembre", "dec", "déc"),
        ],
        start=1,
    )
    for name in names
}
_WRITTEN_DATE = re.compile(r"\b(\d{1,2})(?:er)?\.? (" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.? (\d{4})\b", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")


def find_date(text: str) -> str | None:
    """The first date written in `text` (Dutch, French or English month names, or d-m-yyyy), ISO-formatted."""
    candidates = []
    for match in _WRITTEN_DATE.finditer(text):
        candidates.append((match.start(), int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1))))
    for match in _NUMERIC_DATE.finditer(text):
        candidates.append((match.start(), int(match.group(3)), int(match.group(2)), int(match.group(1))))
    for _, year, month, day in sorted(candidates):
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def _sidecar(path: Path) -> dict:
    sidecar = path.parent / SIDECAR
    if not sidecar.is_file():
        return {}
    return json.loads(sidecar.read_text(encoding="utf-8")).get(path.name, {})


def describe_document(path: Path, text: str, paragraphs: list[Paragraph]) -> DocumentInfo:
    languages = sorted({p.lang for p in paragraphs if p.lang in SUPPORTED}, key=SUPPORTED.index)
    first_line = paragraphs[0].text.split("\n")[0] if paragraphs else path.stem
    derived = DocumentInfo(
        doc_id=document_id(path.name),
        title=first_line[:120],
        date=find_date(text),
        kind="document",
        languages=languages,
    )
    overrides = {key: value for key, value in _sidecar(path).items() if key in ("title", "date", "kind")}
    return DocumentInfo(**{**derived.__dict__, **overrides})
