"""Documents tab helpers: the table of indexed documents and the name and size checks of an upload."""

import shutil
from pathlib import Path

from core.text import document_id
from ingest.loaders import SUPPORTED_SUFFIXES

TABLE_HEADERS = ["Title", "Date", "Languages", "Paragraphs", "Pairs", "Machine translations", "Document id"]


class UploadRejected(Exception):
    """An uploaded file that is not accepted; `str()` is a message for the user."""


def table_rows(records, translation_status=lambda record: record.translation or "pending") -> list[list]:
    """One row per indexed document, sorted by date (undated last) then title."""
    rows = []
    for record in records:
        info, stats = record.info, record.stats
        rows.append([
            info.title, info.date or "", ", ".join(info.languages), int(stats.get("paragraphs", 0)),
            int(stats.get("pairs", 0)), translation_status(record), info.doc_id,
        ])
    return sorted(rows, key=lambda row: (not row[1], row[1], row[0]))


def removal_choices(records) -> list[tuple[str, str]]:
    """(label, doc id) pairs for the removal dropdown."""
    choices = []
    for record in records:
        title = record.info.title if len(record.info.title) <= 70 else record.info.title[:67] + "…"
        choices.append((f"{title} — {record.info.doc_id}", record.info.doc_id))
    return sorted(choices)


def upload_name(name: str) -> str:
    """The document id an uploaded file gets (the same as from `benelux-qa ingest`), if its type is supported."""
    doc_id = document_id(name)
    if Path(doc_id).suffix not in SUPPORTED_SUFFIXES:
        raise UploadRejected(f"{_shown(name)}: unsupported file type (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    return doc_id


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "…"


def check_size(path: Path, max_bytes: int) -> None:
    """Raise `UploadRejected` for a file over the upload limit (what is in it, the loaders check at ingest)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UploadRejected(f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)")


def stage_uploads(files: list[str], staging: Path, max_bytes: int, indexed: set[str]) -> tuple[list[Path], list[str]]:
    """Copy acceptable uploads into `staging` under safe names; return them and a message per rejected file.

    A name already indexed is refused (nothing indexed is replaced by an upload: remove it first).
    """
    staged, problems, taken = [], [], set()
    for file in files:
        source = Path(file)
        shown = _shown(source.name)
        try:
            name = upload_name(source.name)
            check_size(source, max_bytes)
            if name in indexed:
                raise UploadRejected(f"a document named {name} is already indexed (remove it first to replace it)")
            if name in taken:
                raise UploadRejected(f"another uploaded file is also named {name}")
        except UploadRejected as problem:
            message = str(problem)
            problems.append(message if message.startswith(shown) else f"{shown}: {message}")
            continue
        except OSError:
            problems.append(f"{shown}: the file could not be read")
            continue
        taken.add(name)
        target = staging / name
        shutil.copyfile(source, target)
        staged.append(target)
    return staged, problems


def discard_uploads(files: list[str], cache: Path) -> None:
    """Delete uploaded files from Gradio's upload cache (`cache`) once they were copied or refused, with
    the per-upload folder Gradio made for each; paths outside the cache are never touched."""
    cache = cache.resolve()
    for file in files:
        path = Path(file).resolve()
        if cache not in path.parents:
            continue
        path.unlink(missing_ok=True)
        folder = path.parent
        if folder != cache and not any(folder.iterdir()):
            folder.rmdir()
