"""The documents users manage: list, add (uploads are kept in the data dir) and remove.

Added documents are searchable at once in their own language; their machine translations are made
after, by one background thread, while the UI serves (`translate_in_background`).
"""

import logging
import shutil
import threading
from pathlib import Path

from core.records import DocumentRecord
from core.settings import Settings
from core.text import document_id
from ingest.pipeline import IngestSummary, Ingestor, exclusive_ingest
from ingest.translation import Translator
from ingest.twins import TwinMaker
from vectorstore.keyword_index import current_keyword_index
from vectorstore.store import ParagraphStore


log = logging.getLogger(__name__)


class DocumentLibrary:
    def __init__(self, settings: Settings, store: ParagraphStore):
        self.settings = settings
        self.store = store
        self.translation_unavailable: str | None = None  # why the last translation run could not finish
        self._translator: Translator | None = None
        self._wanted = threading.Event()  # documents were added since the worker last looked
        self._worker: threading.Thread | None = None

    def translate_in_background(self) -> None:
        """Make the machine translations the indexed documents still lack, in a background thread."""
        if not self.settings.machine_translation:
            return
        self._wanted.set()
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._translate_pending, name="translations", daemon=True)
            self._worker.start()

    def _translate_pending(self) -> None:
        while self._wanted.is_set():
            self._wanted.clear()
            self._translator = self._translator or Translator(self.settings)  # its own LLM: answers may run meanwhile
            try:
                summary = TwinMaker(self.store, self._translator, lambda: exclusive_ingest(self.settings)).run()
            except Exception:  # the index changed under it or failed: the next upload tries again
                log.exception("background translation failed")
                return
            self.translation_unavailable = summary.unavailable
            if summary.unavailable:
                return  # no LLM: nothing more to do until one is configured

    def translation_status(self, record: DocumentRecord) -> str:
        """What the documents tab says about a document's machine translations."""
        if record.translation == "done" or not self.settings.machine_translation:
            return "done" if record.translation == "done" else "off"
        if self.translation_unavailable:
            return "unavailable (no LLM)"
        return "in progress" if self._worker is not None and self._worker.is_alive() else "pending"

    @property
    def uploads_dir(self) -> Path:
        return self.settings.uploads_dir

    def documents(self) -> list[DocumentRecord]:
        return sorted(self.store.documents().values(), key=lambda r: r.info.doc_id)

    def add(self, paths: list[Path]) -> IngestSummary:
        """Copy the files into the data dir under their document ids and index them; bad files are reported, not fatal."""
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        kept = []
        for path in paths:
            target = self.uploads_dir / document_id(path.name)
            if path.resolve() != target.resolve():
                shutil.copyfile(path, target)
            kept.append(target)
        with exclusive_ingest(self.settings):
            summary = Ingestor(self.settings, self.store, show_progress=False).ingest(kept, count_index=False)
        for name in summary.failed:  # keep nothing we could not index
            (self.uploads_dir / Path(name).name).unlink(missing_ok=True)
        self.translate_in_background()
        return summary

    def ingest_corpus(self) -> IngestSummary:
        with exclusive_ingest(self.settings):
            return Ingestor(self.settings, self.store, show_progress=False).ingest([self.settings.corpus_dir])

    def remove(self, doc_id: str) -> None:
        with exclusive_ingest(self.settings):
            self.store.delete_document(doc_id)
            (self.uploads_dir / document_id(doc_id)).unlink(missing_ok=True)
            current_keyword_index(self.store, self.settings.keyword_index_dir, self.store.version()).close()
