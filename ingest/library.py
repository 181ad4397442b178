"""The documents users manage: list, add (uploads are kept in the data dir) and remove."""

import shutil
from pathlib import Path

from core.records import DocumentRecord
from core.settings import Settings
from core.text import document_id
from ingest.pipeline import IngestSummary, Ingestor, exclusive_ingest
from vectorstore.keyword_index import current_keyword_index
from vectorstore.store import ParagraphStore


class DocumentLibrary:
    def __init__(self, settings: Settings, store: ParagraphStore):
        self.settings = settings
        self.store = store

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
            summary = Ingestor(self.settings, self.store, show_progress=False).ingest(kept)
        for name in summary.failed:  # keep nothing we could not index
            (self.uploads_dir / Path(name).name).unlink(missing_ok=True)
        return summary

    def ingest_corpus(self) -> IngestSummary:
        with exclusive_ingest(self.settings):
            return Ingestor(self.settings, self.store, show_progress=False).ingest([self.settings.corpus_dir])

    def remove(self, doc_id: str) -> None:
        with exclusive_ingest(self.settings):
            self.store.delete_document(doc_id)
            (self.uploads_dir / document_id(doc_id)).unlink(missing_ok=True)
            current_keyword_index(self.store, self.settings.keyword_index_dir, self.store.version())
