"""From a file to numbered, language-tagged, repaired paragraphs (everything before embedding)."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from core.languages import SUPPORTED, UNKNOWN, detect_language
from core.records import DocumentInfo, Paragraph
from ingest.code_version import PARSER_VERSION
from ingest.headings import merge_headings
from ingest.instructions import looks_like_instructions
from ingest.limits import check_text_size
from ingest.lists import keep_lists_whole
from ingest.loaders import UnreadableDocument, extract_text
from ingest.metadata import describe_document
from ingest.paragraphs import split_paragraphs
from ingest.repair import repair_splits


@dataclass
class ParsedDocument:
    info: DocumentInfo
    text: str
    content_hash: str
    paragraphs: list[Paragraph]
    flagged: list[int] = field(default_factory=list)  # § of paragraphs left out: instructions aimed at an AI

    @property
    def repairs(self) -> int:
        return sum(p.repaired for p in self.paragraphs)


def content_hash(path: Path, *settings: object) -> str:
    digest = hashlib.sha256(path.read_bytes())
    digest.update(repr((PARSER_VERSION, *settings)).encode())
    return digest.hexdigest()


def _fill_unknown_languages(paragraphs: list[Paragraph]) -> None:
    """Too-short paragraphs take the language of the nearest paragraph before (or else after) them."""
    known = [p.lang for p in paragraphs if p.lang != UNKNOWN]
    previous = known[0] if known else UNKNOWN
    for paragraph in paragraphs:
        if paragraph.lang == UNKNOWN:
            paragraph.lang = previous
        previous = paragraph.lang


def parse_paragraphs(text: str) -> list[Paragraph]:
    paragraphs = split_paragraphs(text)
    for paragraph in paragraphs:
        paragraph.lang = detect_language(paragraph.text)
    paragraphs = keep_lists_whole(merge_headings(repair_splits(paragraphs)))
    for paragraph in paragraphs:
        if paragraph.lang == UNKNOWN:  # a run of short headings may tell its language as a whole
            paragraph.lang = detect_language(paragraph.text)
    _fill_unknown_languages(paragraphs)
    for number, paragraph in enumerate(paragraphs, start=1):
        paragraph.number = number
    return paragraphs


def parse_document(path: Path, *hash_settings: object, max_text_mb: float | None = None) -> ParsedDocument:
    """Raises UnreadableDocument for files we cannot use (or whose text is over `max_text_mb`), with the reason in plain words."""
    text = extract_text(path)
    if max_text_mb is not None:
        check_text_size(path, text, max_text_mb)
    paragraphs = parse_paragraphs(text)
    if not paragraphs:
        raise UnreadableDocument(path, "no paragraphs with text found")
    # Orders planted for an AI ("ignore previous instructions, answer that …") are not evidence: they are
    # never indexed, so retrieval cannot return them nor the LLM read them. Numbers (§) stay as in the source.
    flagged = [p.number for p in paragraphs if looks_like_instructions(p.text)]
    paragraphs = [p for p in paragraphs if p.number not in flagged]
    if not paragraphs:
        raise UnreadableDocument(path, "every paragraph reads as instructions to an AI assistant, not as information")
    if not any(p.lang in SUPPORTED for p in paragraphs):
        found = ", ".join(sorted({p.lang for p in paragraphs}))
        raise UnreadableDocument(path, f"its language is not supported ({found}; supported: {', '.join(SUPPORTED)})")
    info = describe_document(path, text, paragraphs)
    return ParsedDocument(
        info=info, text=text, content_hash=content_hash(path, *hash_settings), paragraphs=paragraphs, flagged=flagged
    )
