"""Document metadata users see in citations: title, date, kind and languages.

Derived from the text (first heading, first date); a `metadata.json` beside the documents
(file name → fields) overrides what was derived, as the bundled corpus does.
"""

import json
from pathlib import Path

from core.languages import SUPPORTED
from core.records import DocumentInfo, Paragraph
from core.text import document_id, find_date

SIDECAR = "metadata.json"
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
        doc_id=document_id(path.name),
        title=first_line[:120],
        date=find_date(text),
        kind="document",
        languages=languages,
    )
    overrides = {key: value for key, value in _sidecar(path).items() if key in ("title", "date", "kind")}
    return DocumentInfo(**{**derived.__dict__, **overrides})
