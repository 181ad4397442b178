"""Documents tab helpers: the table of indexed documents and the checks an upload must pass."""

import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES

TABLE_HEADERS = ["Title", "Date", "Languages", "Paragraphs", "Pairs", "Document id"]
_TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
_BINARY_MAGIC = {  # content that is certainly not a text document, whatever the extension says
    b"%PDF": "a PDF", b"PK\x03\x04": "a zip archive", b"\x7fELF": "a program", b"MZ": "a program",
    b"\x89PNG": "an image", b"\xff\xd8\xff": "an image", b"GIF8": "an image", b"\xd0\xcf\x11\xe0": "an old Office file",
}


class UploadRejected(Exception):
    """An uploaded file that is not accepted; `str()` is a message for the user."""


def table_rows(records) -> list[list]:
    """One row per indexed document, sorted by date (undated last) then title."""
    rows = []
    for record in records:
        info, stats = record.info, record.stats
        rows.append([
            info.title, info.date or "", ", ".join(info.languages), int(stats.get("paragraphs", 0)),
            int(stats.get("pairs", 0)), info.doc_id,
        ])
    return sorted(rows, key=lambda row: (not row[1], row[1], row[0]))


def removal_choices(records) -> list[tuple[str, str]]:
    """(label, doc id) pairs for the removal dropdown."""
    choices = []
    for record in records:
        title = record.info.title if len(record.info.title) <= 70 else record.info.title[:67] + "…"
        choices.append((f"{title} — {record.info.doc_id}", record.info.doc_id))
    return sorted(choices)


def safe_name(name: str) -> str:
    """A file name without any folder part, made of [A-Za-z0-9._-] only, with a supported lower-case suffix."""
    base = re.split(r"[\\/]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRejected(
            f"{_shown(base)}: unsupported file type (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})"
        )
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_stem).strip("._-")[:80] or "document"
    return clean + suffix


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "…"


def check_content(path: Path, suffix: str, max_bytes: int) -> None:
    """Raise `UploadRejected` unless the file's size and content fit its extension."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UploadRejected(f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)")
    if size == 0:
        raise UploadRejected("the file is empty")
    with path.open("rb") as handle:
        head = handle.read(8192)
    if suffix == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise UploadRejected("the content is not a PDF (it does not start with %PDF)")
    elif suffix == ".docx":
        if not zipfile.is_zipfile(path):
            raise UploadRejected("the content is not a Word .docx file (not a zip archive)")
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise UploadRejected("the content is not a Word .docx file (word/document.xml is missing)")
    elif suffix in _TEXT_SUFFIXES:
        for magic, kind in _BINARY_MAGIC.items():
            if head.startswith(magic):
                raise UploadRejected(f"the content is {kind}, not text")
        if b"\x00" in head:
            raise UploadRejected("the content is binary, not text")


def stage_uploads(files: list[str], staging: Path, max_bytes: int, indexed: set[str]) -> tuple[list[Path], list[str]]:
    """Copy acceptable uploads into `staging` under safe names; return them and a message per rejected file.

    A name already indexed is refused (nothing indexed is replaced by an upload: remove it first).
    """
    staged, problems, taken = [], [], set()
    for file in files:
        source = Path(file)
        shown = _shown(source.name)
        try:
            name = safe_name(source.name)
            check_content(source, Path(name).suffix, max_bytes)
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
