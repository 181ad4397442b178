"""A receipt of the last complete ingest of an embedded index, so that an ingest with nothing to do answers in a
fraction of a second, without opening the index (importing Chroma alone takes about a second) or the models.

It records the index's stamp (`vectorstore.stamp`: every write changes it first, in any process), what shaped
the index (the settings, the paths given, the ingestion code's version) and the size and modification time
of every file under those paths. While all of them are the same, nothing would change. A receipt can only be
stale in the safe direction: the full ingest runs, and writes a new one.
"""

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from core.files import write_atomically
from core.settings import Settings
from ingest.code_version import PARSER_VERSION
from vectorstore.stamp import read_stamp, restamp


def _path(settings: Settings) -> Path:
    return settings.data_dir / "ingest-receipt.json"


def take_inputs(paths: list[Path]) -> dict[str, list[int]]:
    """Every file under `paths` (hidden ones and metadata.json too) → [size, modification time in ns]. Taken before
    an ingest reads them, a file changed meanwhile shows as changed."""
    files = [f for p in paths for f in (sorted(p.rglob("*")) if p.is_dir() else [p])]
    return {str(f.resolve()): [s.st_size, s.st_mtime_ns] for f in files if f.is_file() for s in [f.stat()]}


def _shape(settings: Settings, paths: list[Path], prune: bool) -> str:
    """A digest of what shapes the index (hashed: the settings may hold an API key)."""
    shape = json.dumps([PARSER_VERSION, settings.model_dump_json(), sorted(str(p.resolve()) for p in paths), prune])
    return hashlib.sha256(shape.encode()).hexdigest()


@dataclass
class Receipt:
    stamp: str
    shape: str
    inputs: dict[str, list[int]]
    lines: list[str]  # what the ingest reports when nothing changed


def write_receipt(settings: Settings, paths: list[Path], prune: bool, inputs: dict[str, list[int]], lines: list[str]) -> None:
    """Record a complete ingest of `paths` (call it holding the ingest lock, after the last write)."""
    if settings.chroma_host:  # other machines write there: no receipt can tell
        return
    stamp = read_stamp(settings) or restamp(settings)  # (an index from before stamps gets one)
    write_atomically(_path(settings), json.dumps(asdict(Receipt(stamp, _shape(settings, paths, prune), inputs, lines))))


def forget_receipt(settings: Settings) -> None:
    """No receipt: the next ingest runs in full."""
    try:
        os.remove(_path(settings))
    except OSError:
        pass


def unchanged_report(settings: Settings, paths: list[Path], prune: bool) -> list[str] | None:
    """The report of the last complete ingest when nothing it read or wrote has changed since; else None."""
    try:
        receipt = Receipt(**json.loads(_path(settings).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if (
        receipt.stamp != read_stamp(settings)
        or not (settings.index_dir / "chroma.sqlite3").is_file()
        or receipt.shape != _shape(settings, paths, prune)
        or receipt.inputs != take_inputs(paths)
    ):
        return None
    return receipt.lines
