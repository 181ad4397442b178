"""Turn paragraphs into chunks: one per paragraph, long ones split at sentence boundaries."""

import hashlib
from functools import lru_cache

from core.languages import detect_language
from core.records import Chunk, Paragraph, Sentence
from core.sentences import heading_contexts, split_headed, split_sentences


def chunk_id(doc_id: str, text: str, occurrence: int, context: str = "") -> str:
    """Stable id from the document and what is embedded of the chunk: an unchanged paragraph under an unchanged
    title keeps its id (and embedding)."""
    digest = hashlib.sha1(f"{doc_id}\x00{context}{text}\x00{occurrence}".encode()).hexdigest()[:16]
    return f"{doc_id}:{digest}"


@lru_cache(maxsize=64)  # asked again for every paragraph of a document
def title_in(title: str, lang: str) -> str:
    """The part of a title given in several languages ("Antwoord van het Comité ... / Réponse du Comité ...") that is
    in `lang`; the whole title when no part is."""
    parts = title.split(" / ")
    return next((part for part in parts if detect_language(part) == lang), title) if len(parts) > 1 else title


def _parts(text: str, lang: str, max_chars: int) -> list[str]:
    """`text` cut at sentence boundaries into parts of at most about `max_chars`, of similar size."""
    if len(text) <= max_chars:
        return [text]
    sentences = split_sentences(text, lang)
    n_parts = -(-len(text) // max_chars)
    target = len(text) / n_parts
    parts, current = [], ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > target * 1.15:
            parts.append(current.strip())
            current = ""
        current += sentence
    parts.append(current.strip())
    return parts


def chunk_paragraphs(doc_id: str, paragraphs: list[Paragraph], max_chars: int, title: str = "") -> list[Chunk]:
    """The chunks of a document's paragraphs, each embedded after the document's `title` (in the chunk's language when
    the title gives several): a paragraph that goes on about the document's subject without naming it ("Ze werkt als
    lerares Nederlands" in a story titled with Esther van Gorkum's name) is found for a question that names it."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for paragraph in paragraphs:
        context = f"{heading}\n" if (heading := title_in(title, paragraph.lang)) else ""
        for part_number, text in enumerate(_parts(paragraph.text, paragraph.lang, max_chars), start=1):
            occurrence = seen[text] = seen.get(text, -1) + 1
            chunks.append(
                Chunk(
                    chunk_id=chunk_id(doc_id, text, occurrence, context),
                    text=text,
                    doc_id=doc_id,
                    lang=paragraph.lang,
                    paragraph=paragraph.number,
                    part=part_number,
                    start=paragraph.start,
                    end=paragraph.end,
                    pair_id=paragraph.pair_id,
                    context=context,
                )
            )
    return chunks


def chunk_sentences(chunk: Chunk) -> list[Sentence]:
    """The chunk's sentences; an id changes with what is embedded of it (the sentence and the headings before it)."""
    headed = split_headed(chunk.text, chunk.lang)
    texts = [text for text, _ in headed]
    contexts = heading_contexts(texts, [heading for _, heading in headed])
    return [
        Sentence(f"{chunk.chunk_id}/{hashlib.sha1((context + text).encode()).hexdigest()[:8]}{i}", chunk.chunk_id, i, text, context)
        for i, (text, context) in enumerate(zip(texts, contexts))
    ]
