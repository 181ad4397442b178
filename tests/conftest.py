"""Shared fixtures: the bundled corpus, the real models (shared between runs), throwaway data dirs and a real
`chroma run` server."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from core.settings import Settings  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
BILINGUAL = ("000_8155b968e599ee5e.txt", "002_42a1812e0558ab74.txt")
DUTCH_ONLY = ("001_29f7b3141a8d4611.txt", "003_0cd5a18808cb444d.txt", "004_5b854e4566e864c9.txt")

CHROMA = Path(sys.executable).with_name("chroma")
_EXIT_STATUS = pytest.StashKey[int]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave with pytest's exit status once everything is reported, without the interpreter's teardown: after the
    whole suite had passed, a native library's thread still running while the garbage collector tore the process down
    aborted it ("terminate called without an active exception", exit 134), once in two fresh-clone CI runs."""
    if _EXIT_STATUS in config.stash:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.stash[_EXIT_STATUS])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "chroma server exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"chroma server did not listen on {port}")


def start_chroma_server(path: Path) -> tuple[subprocess.Popen, int]:
    """A real `chroma run` server keeping its data in `path`, listening; the caller stops it."""
    port = free_port()
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
    except BaseException:
        process.kill()
        raise
    return process, port


@pytest.fixture
def chroma_server(tmp_path):
    """The port of a fresh Chroma server."""
    process, port = start_chroma_server(tmp_path / "server-db")
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """Converted models live outside the test's temp dirs, so they are built once per machine."""
    return Settings().resolved_models_dir


@pytest.fixture
def settings(tmp_path: Path, models_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", models_dir=models_dir)


@pytest.fixture(scope="session")
def embeddings(models_dir: Path):
    from models.embeddings import ParagraphEmbeddings

    return ParagraphEmbeddings.from_settings(Settings(models_dir=models_dir))


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory, models_dir) -> Settings:
    """A data dir with the bundled corpus indexed once for the whole session, with its shipped machine
    translations (as `benelux-qa ingest` makes it; no LLM is needed for those)."""
    from ingest.pipeline import Ingestor
    from ingest.translation import Translator
    from models.embeddings import ParagraphEmbeddings
    from vectorstore.store import ParagraphStore

    settings = Settings(data_dir=tmp_path_factory.mktemp("corpus"), models_dir=models_dir)
    store = ParagraphStore(settings, ParagraphEmbeddings.from_settings(settings))
    Ingestor(settings, store, show_progress=False, translator=Translator(settings)).ingest([CORPUS])
    return settings


@pytest.fixture(scope="session")
def assistant(corpus_settings):
    from assistant.assistant import Assistant

    return Assistant(corpus_settings)
