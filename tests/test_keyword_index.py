"""The keyword index follows the store document by document (fast: a scripted store stands in for Chroma;
tests/test_store_recovery.py runs it on the real one)."""

import pytest

from core.records import StoredChunk
from core.text import analyze
from vectorstore.keyword_index import FILE_NAME, KeywordIndex, current_keyword_index


class ScriptedStore:
    """The calls the keyword index makes, over documents held in a dict; records what it was asked for."""

    def __init__(self):
        self.documents: dict[str, tuple[str, list[StoredChunk]]] = {}
        self.read: list[str] = []
        self.revisions_read: list[list[str] | None] = []
        self.known: dict[tuple[str, str], set[str]] = {}  # (old version, new version) → what this "process" changed

    def put(self, doc_id: str, revision: str, *texts: str, lang: str = "nl") -> None:
        chunks = [
            StoredChunk(f"{doc_id}/{i}", text, doc_id, doc_id, None, "note", lang, i, 0, None) for i, text in enumerate(texts)
        ]
        self.documents[doc_id] = (revision, chunks)

    def revisions(self, doc_ids: list[str] | None = None) -> dict[str, str]:
        self.revisions_read.append(doc_ids)
        return {doc_id: revision for doc_id, (revision, _) in self.documents.items() if doc_ids is None or doc_id in doc_ids}

    def changed_since(self, old: str, new: str) -> set[str] | None:
        return self.known.get((old, new))

    def chunks_of(self, doc_ids: list[str]) -> list[StoredChunk]:
        self.read += doc_ids
        return [chunk for doc_id in doc_ids for chunk in self.documents[doc_id][1]]


@pytest.fixture
def store():
    store = ScriptedStore()
    store.put("haven.txt", "1", "De douaniers in de haven van Terneuzen kregen een opleiding.", "Het project liep in 2019.")
    store.put("bus.txt", "1", "Les chauffeurs de bus apprennent à reconnaître les victimes.", lang="fr")
    return store


def test_search_finds_stemmed_words_and_ranks_by_bm25(store, tmp_path):
    index = current_keyword_index(store, tmp_path, "v1")
    hits = index.search("Welke opleidingen kregen douaniers?", "nl", 5)
    assert [chunk_id for chunk_id, _ in hits] == ["haven.txt/0"] and hits[0][1] > 0
    assert index.search("chauffeur", "fr", 5)[0][0] == "bus.txt/0"
    assert index.search("de het een", "nl", 5) == []  # stopwords only


def test_only_changed_documents_are_read_again(store, tmp_path):
    index = current_keyword_index(store, tmp_path, "v1")
    assert sorted(store.read) == ["bus.txt", "haven.txt"]

    store.read.clear()
    index.catch_up(store, "v1")
    assert store.read == []  # the same version: nothing to do

    store.put("haven.txt", "2", "De haven van Antwerpen.")
    store.put("trein.txt", "1", "Treinpersoneel herkent slachtoffers.")
    index.catch_up(store, "v2")
    assert sorted(store.read) == ["haven.txt", "trein.txt"]
    assert index.search("Terneuzen", "nl", 5) == [] and index.search("Antwerpen", "nl", 5)[0][0] == "haven.txt/0"
    assert "2019" not in index.vocabulary and "antwe" in index.vocabulary and "trein" in index.vocabulary

    del store.documents["bus.txt"]
    index.catch_up(store, "v3")
    assert index.search("chauffeur", "fr", 5) == [] and "chauf" not in index.vocabulary


def test_changes_the_store_knows_of_are_caught_up_without_reading_every_document(store, tmp_path):
    index = current_keyword_index(store, tmp_path, "v1")
    assert store.revisions_read == [None]  # a new index: every document

    store.put("trein.txt", "1", "Treinpersoneel herkent slachtoffers.")
    del store.documents["bus.txt"]
    store.known[("v1", "v2")] = {"trein.txt", "bus.txt"}
    store.read.clear()
    index.catch_up(store, "v2")
    assert store.revisions_read[-1] == ["bus.txt", "trein.txt"] and store.read == ["trein.txt"]
    assert index.search("Treinpersoneel", "nl", 5)[0][0] == "trein.txt/0" and index.search("chauffeur", "fr", 5) == []
    assert index.search("douaniers", "nl", 5)[0][0] == "haven.txt/0"  # untouched

    store.put("haven.txt", "2", "De haven van Antwerpen.")  # written by another process: the store cannot tell
    index.catch_up(store, "v3")
    assert store.revisions_read[-1] is None and index.search("Antwerpen", "nl", 5)[0][0] == "haven.txt/0"


def test_a_second_process_finds_the_index_current(store, tmp_path):
    current_keyword_index(store, tmp_path, "v1").close()
    store.read.clear()
    other = KeywordIndex(tmp_path / FILE_NAME)  # another connection to the same file, as another process has
    other.catch_up(store, "v1")
    assert store.read == [] and other.search("douaniers", "nl", 5)[0][0] == "haven.txt/0"


def test_a_damaged_file_is_built_again(store, tmp_path):
    current_keyword_index(store, tmp_path, "v1").close()
    (tmp_path / FILE_NAME).write_bytes(b"not a database" * 100)
    index = current_keyword_index(store, tmp_path, "v1")
    assert index.search("douaniers", "nl", 5)[0][0] == "haven.txt/0"


def test_a_term_is_found_whichever_language_stems_it(store, tmp_path):
    """English stems "coronabewijs" to "coronabewij", Dutch keeps it whole: an English question finds the Dutch passage."""
    store.put("bewijs.txt", "1", "Voor een coronabewijs bestaat een andere app: CoronaCheck.")
    index = current_keyword_index(store, tmp_path, "v1")
    assert analyze("coronabewijs", "en") != analyze("coronabewijs", "nl")
    assert [chunk_id for chunk_id, _ in index.search("How do I get a coronabewijs?", "en", 5)] == ["bewijs.txt/0"]
