"""Document metadata users see in citations: title, date, kind and languages.

Derived from the text (first heading, first date); a `metadata.json` beside the documents
(file name → fields) overrides what was derived, as the bundled corpus does.
"""

import json
import re
from datetime import date
from pathlib import Path

from ingest.language import SUPPORTED
from ingest.model import DocumentInfo, Paragraph

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


def read_sidecar(folder: Path) -> tuple[dict, str | None]:
    """The folder's metadata.json (file name → fields), or {} and what is wrong with it: a broken
    sidecar must not stop an ingest, the documents then get the metadata derived from their text."""
    sidecar = folder / SIDECAR
    if not sidecar.is_file():
        return {}, None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        problem = f"invalid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
    except UnicodeDecodeError:
        problem = "not UTF-8 text"
    except OSError as error:
        problem = f"could not be read ({error.strerror or error})"
    else:
        if isinstance(data, dict) and all(isinstance(fields, dict) for fields in data.values()):
            return data, None
        problem = 'not an object of file name → {"title": …, "date": …, "kind": …}'
    return {}, f"{problem}; titles and dates are derived from the documents instead"


def _sidecar(path: Path) -> dict:
    return read_sidecar(path.parent)[0].get(path.name, {})


def describe_document(path: Path, text: str, paragraphs: list[Paragraph]) -> DocumentInfo:
    languages = sorted({p.lang for p in paragraphs if p.lang in SUPPORTED}, key=SUPPORTED.index)
    first_line = paragraphs[0].text.split("\n")[0] if paragraphs else path.stem
    derived = DocumentInfo(
        doc_id=path.name,
        title=first_line[:120],
        date=find_date(text),
        kind="document",
        languages=languages,
    )
    overrides = {key: value for key, value in _sidecar(path).items() if key in ("title", "date", "kind")}
    return DocumentInfo(**{**derived.__dict__, **overrides})
