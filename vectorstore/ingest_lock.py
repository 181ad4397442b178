"""One ingest at a time on a Chroma server, from whichever machine: a lease kept on the server.

The lease lives in the collection `<collection>_locks` as numbered generations `ingest-1`, `ingest-2`, …;
the newest is the lease (its owner and expiry). Whoever adds the next generation once the newest is
released or expired (its holder crashed) holds the lease: Chroma's `add` leaves an existing id as it is,
so of several adding the same generation exactly one succeeds, and each reads it back to see which.
(Taking over with `delete(where=owner)` would race: Chroma finds the matching ids first, then deletes
them by id, so a slow deleter could remove a newer holder's record.) A daemon thread renews the expiry
every third of `ingest_lease_seconds`; release marks the generation expired, and the next holder
deletes the older ones.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from core.settings import Settings
from vectorstore.store import StoreError, _chroma_failure, damaged, make_client

POLL_SECONDS = 1.0
_PREFIX = "ingest-"

log = logging.getLogger(__name__)


def _id(generation: int) -> str:
    return f"{_PREFIX}{generation}"


class IngestLease:
    """The server's ingest lease: `try_acquire()` takes it if free, `acquire()` waits for it, `release()` frees it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.server = f"{settings.chroma_host}:{settings.chroma_port}"
        self.owner = f"{uuid.uuid4().hex} {socket.gethostname()} {os.getpid()}"
        self._held = 0  # the generation held, 0 = none
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        client = make_client(settings)
        with self._chroma_errors():
            self._records = client.get_or_create_collection(f"{settings.collection}_locks", embedding_function=None)

    @contextmanager
    def _chroma_errors(self) -> Iterator[None]:
        """Chroma failing becomes the store's StoreError, which says where and what."""
        try:
            yield
        except BaseException as error:
            if isinstance(error, StoreError) or not _chroma_failure(error):
                raise
            raise damaged(self.settings, error) from error

    def _generations(self) -> dict[int, dict]:
        found = self._records.get(include=["metadatas"])
        return {int(record_id.removeprefix(_PREFIX)): meta for record_id, meta in zip(found["ids"], found["metadatas"])}

    def _ours(self, generations: dict[int, dict], generation: int) -> bool:
        """Whether `generation` is the newest and ours."""
        return max(generations, default=0) == generation and generations[generation]["owner"] == self.owner

    def _write(self, generation: int, expires: float) -> None:
        self._records.update(ids=[_id(generation)], metadatas=[{"owner": self.owner, "expires": expires}])

    def try_acquire(self) -> bool:
        """Take the lease if it is free (never taken, released or expired) and start renewing it; whether we hold it."""
        with self._chroma_errors():
            generations = self._generations()
            newest = max(generations, default=0)
            if newest and generations[newest]["expires"] > time.time():
                return False
            mine = newest + 1
            expires = time.time() + self.settings.ingest_lease_seconds
            self._records.add(ids=[_id(mine)], embeddings=[[1.0]], metadatas=[{"owner": self.owner, "expires": expires}])
            generations = self._generations()
            if not self._ours(generations, mine):
                return False
            if older := [_id(g) for g in generations if g < mine]:
                self._records.delete(ids=older)
        self._held = mine
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew, name="ingest-lease", daemon=True)
        self._renewer.start()
        return True

    def acquire(self) -> None:
        """Wait until the lease is free, then take it."""
        while not self.try_acquire():
            time.sleep(POLL_SECONDS)

    def _renew(self) -> None:
        """Push the expiry forward every third of the lease time while held; stop if another took the lease over."""
        while not self._stop.wait(self.settings.ingest_lease_seconds / 3):
            try:
                if not self._ours(self._generations(), self._held):
                    log.error("the ingest lease on %s was taken over by another ingest while this one ran", self.server)
                    return
                self._write(self._held, time.time() + self.settings.ingest_lease_seconds)
            except Exception as error:  # the server is unreachable for now: the ingest's own calls report it
                log.warning("could not renew the ingest lease on %s (%s: %s)", self.server, type(error).__name__, error)

    def release(self) -> None:
        """Stop renewing and mark the lease expired, so the next ingest takes it at once."""
        self._stop.set()
        self._renewer.join()
        with self._chroma_errors():
            self._write(self._held, 0.0)
        self._held = 0
