"""A local stamp of an embedded index that every write changes before it starts, readable without opening
Chroma (whose import alone costs about a second): a caller that recorded the stamp knows, by reading one small
file, whether anything was written since. None with a Chroma server, which other machines write to."""

import uuid
from pathlib import Path

from core.settings import Settings


def _path(settings: Settings) -> Path:
    return settings.data_dir / "index-stamp"


def read_stamp(settings: Settings) -> str | None:
    """The current stamp; None with a Chroma server or when no write has stamped the index yet."""
    if settings.chroma_host:
        return None
    try:
        return _path(settings).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def restamp(settings: Settings) -> None:
    """Give the index a new stamp (called before each write; a crash after it can only make a recorded stamp stale)."""
    if settings.chroma_host:
        return
    path = _path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(uuid.uuid4().hex, encoding="utf-8")
    partial.replace(path)
