"""Ingests on different machines (here: data dirs) sharing one real `chroma run` server take turns."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.pipeline import exclusive_ingest
from tests.conftest import free_port, start_chroma_server
from vectorstore.ingest_lock import IngestLease
from vectorstore.store import StoreError, make_client

pytestmark = pytest.mark.slow  # starts a Chroma server (no models needed)

ROOT = Path(__file__).resolve().parents[1]

# One "machine": waits for the go file, then marks the start and end of its exclusive section in a shared log.
SECTION = """
import sys, time
from pathlib import Path
from core.settings import Settings
from ingest.pipeline import exclusive_ingest

log, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
(go.parent / f"ready-{name}").touch()
while not go.exists():
    time.sleep(0.05)
with exclusive_ingest(Settings()):
    with log.open("a") as out:
        out.write(f"start {name} {time.time()}\\n")
    time.sleep(1)
    with log.open("a") as out:
        out.write(f"end {name} {time.time()}\\n")
"""


def server_settings(tmp_path: Path, port: int, **overrides) -> Settings:
    return Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=port, **overrides)


def newest_lease(settings: Settings) -> dict:
    records = make_client(settings).get_collection(f"{settings.collection}_locks").get(include=["metadatas"])
    return max(zip(records["ids"], records["metadatas"]), key=lambda record: int(record[0].split("-")[1]))[1]


def test_exclusive_sections_on_different_data_dirs_never_overlap(chroma_server, tmp_path):
    log, go, names = tmp_path / "sections.log", tmp_path / "go", ["a", "b", "c"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SECTION, str(log), name, str(go)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env={**os.environ, "BENELUX_QA_DATA_DIR": str(tmp_path / f"data-{name}"),
                            "BENELUX_QA_CHROMA_HOST": "127.0.0.1", "BENELUX_QA_CHROMA_PORT": str(chroma_server)},
        )
        for name in names
    ]
    while not all((tmp_path / f"ready-{name}").exists() for name in names):
        assert all(p.poll() is None for p in processes), [p.communicate()[0] for p in processes]
        time.sleep(0.05)
    go.touch()  # all ask for the lease at once
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs

    events = [line.split() for line in log.read_text().splitlines()]
    assert len(events) == 2 * len(names)
    assert sorted(name for kind, name, _ in events if kind == "start") == names
    for (start, first, _), (end, second, _) in zip(events[::2], events[1::2]):
        assert (start, end) == ("start", "end") and first == second  # each section ends before the next starts
    times = [float(t) for *_, t in events]
    assert times == sorted(times)
    waiting = f"another ingest is running on the index at 127.0.0.1:{chroma_server}; waiting for it to finish..."
    assert any(waiting in out for out in outputs), outputs


def test_the_expired_lease_of_a_dead_holder_is_taken_over(chroma_server, tmp_path):
    settings = server_settings(tmp_path, chroma_server)
    locks = make_client(settings).get_or_create_collection(f"{settings.collection}_locks", embedding_function=None)
    locks.add(ids=["ingest-1"], embeddings=[[1.0]], metadatas=[{"owner": "crashed", "expires": time.time() - 1}])
    lease = IngestLease(settings)
    assert lease.try_acquire()
    held = locks.get(include=["metadatas"])
    assert held["ids"] == ["ingest-2"] and held["metadatas"][0]["owner"] == lease.owner  # the dead one's is gone
    lease.release()


def test_a_live_lease_is_not_taken_and_release_lets_the_next_in_at_once(chroma_server, tmp_path):
    settings = server_settings(tmp_path, chroma_server)
    first, second = IngestLease(settings), IngestLease(settings)
    assert first.try_acquire()
    assert not second.try_acquire()
    assert newest_lease(settings)["owner"] == first.owner
    first.release()
    assert second.try_acquire()
    assert newest_lease(settings)["owner"] == second.owner
    second.release()


def test_renewal_keeps_a_lease_past_its_nominal_time(chroma_server, tmp_path):
    settings = server_settings(tmp_path, chroma_server, ingest_lease_seconds=2.0)
    holder, other = IngestLease(settings), IngestLease(settings)
    assert holder.try_acquire()
    first_expiry = newest_lease(settings)["expires"]
    time.sleep(5)  # two and a half lease times: only renewals keep it
    assert not other.try_acquire()
    lease = newest_lease(settings)
    assert lease["owner"] == holder.owner and lease["expires"] > first_expiry
    holder.release()
    assert other.try_acquire()
    other.release()


def test_exclusive_ingest_releases_the_lease_when_the_ingest_fails(chroma_server, tmp_path):
    settings = server_settings(tmp_path, chroma_server)
    with pytest.raises(RuntimeError), exclusive_ingest(settings):
        raise RuntimeError("the ingest failed")
    lease = IngestLease(settings)
    assert lease.try_acquire()
    lease.release()


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the index"), exclusive_ingest(server_settings(tmp_path, free_port())):
        pass
    process, port = start_chroma_server(tmp_path / "server-db")
    try:
        lease = IngestLease(server_settings(tmp_path, port))
    finally:
        process.terminate()
        process.wait(timeout=30)
    with pytest.raises(StoreError, match=f"the Chroma server 127.0.0.1:{port}"):
        lease.try_acquire()
