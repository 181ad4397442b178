"""A local stamp of an embedded index that every write changes before it starts, readable without opening
Chroma (whose import alone costs about a second): a caller that recorded the stamp knows, by reading one small
file, whether anything was written since. None with a Chroma server, which other machines write to."""

import uuid
from pathlib import Path

from core.files import write_atomically
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


def restamp(settings: Settings) -> str | None:
    """Give the index a new stamp and return it (called before each write; a crash after it can only make a recorded
    stamp stale); None with a Chroma server."""
    if settings.chroma_host:
        return None
    stamp = uuid.uuid4().hex
    write_atomically(_path(settings), stamp)
    return stamp
