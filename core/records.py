"""The data model every floor shares: paragraphs, chunks, sentences and documents, as parsed and as stored."""

from dataclasses import dataclass, field

import numpy as np

Span = tuple[int, int]


@dataclass
class Paragraph:
    """A paragraph of a document; `spans` are its pieces' character offsets into the extracted text."""

    text: str
    spans: list[Span]
    lang: str = "unknown"
    number: int = 0  # the citation anchor a user sees (§number), in document order
    pair_id: str | None = None
    repaired: bool = False  # joined from pieces that a page break had cut apart

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


@dataclass
class DocumentInfo:
    """What users see about a document in citations and in the documents list."""

    doc_id: str
    title: str
    date: str | None  # ISO date
    kind: str
    languages: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """A unit stored in the vector store: a paragraph or a sentence-aligned part of a long one."""

    chunk_id: str
    text: str
    doc_id: str
    lang: str
    paragraph: int
    part: int
    start: int
    end: int
    pair_id: str | None
    context: str = ""  # its document's title, embedded with it (`ingest.chunking.chunk_paragraphs`), never shown

    @property
    def embedded(self) -> str:
        return self.context + self.text


@dataclass
class Sentence:
    """A sentence of a chunk, embedded on its own to pick the sentences that answer a question."""

    sentence_id: str
    chunk_id: str
    index: int
    text: str
    context: str = ""  # the headings just before it, embedded with it (`core.sentences.heading_contexts`), never quoted

    @property
    def embedded(self) -> str:
        return self.context + self.text


@dataclass
class DocumentRecord:
    """A registry entry: what was indexed for one document and with which content hash."""

    info: DocumentInfo
    content_hash: str
    stats: dict[str, int]
    translation: str = ""  # machine translations: "" not made yet, "done", "partial" (the LLM was unavailable)


@dataclass
class StoredChunk:
    """A chunk as the store gives it back, with its document's title, date and kind."""

    chunk_id: str
    text: str
    doc_id: str
    title: str
    date: str | None
    kind: str
    lang: str
    paragraph: int
    part: int
    pair_id: str | None
    embedding: np.ndarray | None = None
    translated_from: str | None = None  # a machine translation of this chunk id (else an original)
    sentence_translations: list[str | None] | None = None  # of a translation: per original sentence (None: dropped)


def twin_id(chunk_id: str, lang: str) -> str:
    """The id of the machine translation of chunk `chunk_id` into `lang`."""
    return f"{chunk_id}~{lang}"


@dataclass
class Twin:
    """A machine translation of a stored chunk into `lang`, sentence by sentence (None where the
    translation failed the fact check and was dropped)."""

    source: StoredChunk
    lang: str
    sentences: list[str | None]
    source_sentences: list[str]  # the original's, in the same order

    @property
    def text(self) -> str:
        """The whole passage: a dropped sentence stays in the original's words, so that the twin is found for what the
        passage says (not only for its translated part: "Luxembourg, December 2, 2016" stood for a legal clause) and
        shows the reader all of it."""
        return " ".join(t or s for t, s in zip(self.sentences, self.source_sentences))

    @property
    def chunk_id(self) -> str:
        return twin_id(self.source.chunk_id, self.lang)


@dataclass
class StoredSentence:
    """A sentence of a stored chunk with its embedding, in text order within the chunk."""

    chunk_id: str
    text: str
    embedding: np.ndarray
    index: int = 0  # its place in the chunk (a machine translation's: the place of the sentence it translates)
