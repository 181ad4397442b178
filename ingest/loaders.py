"""Turn a user's document into plain text whose paragraphs are separated by one blank line.

Supported: .txt, .md, .html/.htm, .pdf, .docx. Anything that cannot be read raises
`UnreadableDocument`, whose message names the file and says why in plain words. Each format's parser is
imported when a file of that format is read: an ingest with nothing new to read does not pay for them.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from functools import cache
from typing import TYPE_CHECKING

import charset_normalizer

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode


class UnreadableDocument(Exception):
    """A file that cannot be turned into text; `str()` gives a message fit to show the user."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"Cannot read {self.path.name}: {self.reason}."


def extract_text(path: Path) -> str:
    """Return the text of `path`, paragraphs separated by one blank line; raise `UnreadableDocument` otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        kind = f"'{suffix}'" if suffix else "without an extension"
        raise UnreadableDocument(path, f"unsupported file type {kind} (supported: {', '.join(sorted(_LOADERS))})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(path, f"the file could not be opened ({exc.strerror or exc})") from exc
    if not data.strip():
        raise UnreadableDocument(path, "the file is empty")
    text = _normalise(loader(path, data))
    if not text:
        raise UnreadableDocument(path, "the file contains no text")
    return text


# --- shared text helpers -------------------------------------------------------------------

_BLANK_LINES = re.compile(r"\n{3,}")
_PARAGRAPH_SEPARATOR = re.compile(r"\n[ \t]*\n")
_ALLOWED_CONTROLS = set("\t\n\r\f")
_TEXT_ENCODINGS = ["utf_8", "utf_16", "cp1252"]


def _normalise(text: str) -> str:
    """NFC, Unix newlines, plain spaces, no soft hyphens or trailing spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0xA0: " ", 0x202F: " ", 0x2007: " ", 0xAD: None})
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _decode(path: Path, data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 (which covers Latin-1), as
    charset-normalizer judges it; content with NUL bytes (no BOM) or control characters is refused as binary."""
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableDocument(path, "it contains binary content, not text")
    # Restricted to the encodings Benelux documents come in: unrestricted, short Western texts get exotic guesses.
    match = charset_normalizer.from_bytes(data, cp_isolation=_TEXT_ENCODINGS).best()
    text = "" if match is None else str(match)
    if not text or any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text):
        raise UnreadableDocument(
            path, "it is binary content or text in an unsupported encoding (not UTF-8, UTF-16 or Windows-1252)"
        )
    return text


# --- plain text and Markdown -----------------------------------------------------------------

@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")  # raw HTML stays literal text


def strip_markdown(text: str) -> str:
    """Markdown as plain text: headings become paragraphs, emphasis and rules go, links read "text (url)",
    images their alt text; list items and table rows (cells joined by " | ") keep a line each."""
    from markdown_it.tree import SyntaxTreeNode

    return _blocks(SyntaxTreeNode(_markdown().parse(text)).children, "\n\n")


def _blocks(nodes: list[SyntaxTreeNode], gap: str) -> str:
    """Rendered blocks joined by `gap`; a block right below the previous one in the source (no blank line, as a
    list below its introduction) stays in the same paragraph, unless one of the two is a heading."""
    out, previous = "", None
    for node in nodes:
        text = _block(node)
        if not text:
            continue
        if previous is not None:
            touching = _end_line(previous) == node.map[0] and "heading" not in (previous.type, node.type)
            out += "\n" if touching else gap
        out += text
        previous = node
    return out


def _end_line(node: SyntaxTreeNode) -> int:
    """The line after a block's last text; a list's own map also covers the blank lines after it."""
    while node.children and node.children[-1].map:
        node = node.children[-1]
    return node.map[1]


def _block(node: SyntaxTreeNode) -> str:
    match node.type:
        case "paragraph" | "heading":
            return _inline(node)
        case "bullet_list" | "ordered_list":
            return "\n".join(_list_item(item) for item in node.children)
        case "table":
            rows = (row for section in node.children for row in section.children)
            return "\n".join(" | ".join(_inline(cell) for cell in row.children) for row in rows)
        case "blockquote":
            return _blocks(node.children, "\n\n")
        case "code_block" | "fence":
            return node.content.rstrip("\n")
        case _:  # hr
            return ""


def _list_item(item: SyntaxTreeNode) -> str:
    """One item on one line, with the source's marker ("-", "3."); its further lines and sub-lists indented."""
    text = f"{item.info}{item.markup} " + _blocks(item.children, "\n")
    return text.rstrip().replace("\n", "\n  ")


def _inline(node: SyntaxTreeNode) -> str:
    """Text of inline content: markup dropped, links as "text (url)", images as their alt text."""
    parts = []
    for child in node.children:
        if child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link":
            label, url = _inline(child), _markdown().normalizeLinkText(child.attrs["href"])
            parts.append(label if label == url or child.markup == "autolink" else f"{label} ({url})")
        elif child.children:  # inline content, emphasis, images (alt text)
            parts.append(_inline(child))
        else:  # text, code
            parts.append(child.content)
    return "".join(parts)


def _txt_text(path: Path, data: bytes) -> str:
    return _decode(path, data)


def _markdown_text(path: Path, data: bytes) -> str:
    return strip_markdown(_decode(path, data))


# --- HTML ----------------------------------------------------------------------------------

_HTML_DROP = ["head", "script", "style", "nav", "header", "footer", "noscript", "template", "iframe"]
_HTML_BLOCKS = [
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "section", "article", "main",
    "br", "hr", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "table", "caption", "figcaption", "address",
]  # fmt: skip
_HTML_LIST_ITEMS = ["li"]  # the items of one list stay one paragraph, each marked "•"


def _html_text(path: Path, data: bytes) -> str:
    """Visible text only; block elements become paragraph breaks, whitespace inside a paragraph collapses."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(path, data), "html.parser")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in soup.find_all(_HTML_LIST_ITEMS):
        tag.insert_before(" • ")
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_SEPARATOR.split(soup.get_text()))
    return "\n\n".join(p for p in paragraphs if p)


# --- PDF -----------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"(?:(?:page|pagina|blz\.?|p\.)\s*)?[-–—]?\s*(?P<page>\d{1,3})\s*[-–—]?"
    r"(?:\s*(?:/|of|van|sur|de)\s*(?P<total>\d{1,3}))?",
    re.I,
)
_EDGE_LINES = 3  # page furniture is looked for among the first and last lines of each page
_SENTENCE_END = re.compile(r"[.!?:;…][\"'»”’)\]]*$")
_LIST_ITEM = re.compile(r"(?:[•▪‣◦·*–—-]|\d{1,2}(?:\.\d{1,2})*[.)])\s")  # bullets, "3.", "2.1.", "4)"


def page_furniture(line: str) -> bool:
    """True for a line that is only a page number: "3", "- 3 -", "Page 3 of 10", "3/12" (but not "865/3")."""
    match = _PAGE_NUMBER.fullmatch(line.strip())
    return bool(match) and (match["total"] is None or int(match["page"]) <= int(match["total"]))


def _pdf_text(path: Path, data: bytes) -> str:
    """Text of all pages without page numbers and running headers/footers, lines joined into paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if not data.startswith(b"%PDF"):
        raise UnreadableDocument(path, "it is not a PDF file (the content does not start with %PDF)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(path, "the PDF is encrypted (password-protected)")
        pages = [[line.strip() for line in (page.extract_text() or "").strip().splitlines()] for page in reader.pages]
    except UnreadableDocument:
        raise
    except DependencyError as exc:  # AES needs the optional `cryptography` package (pypdf[crypto])
        raise UnreadableDocument(path, "the PDF uses AES encryption, which cannot be decrypted here") from exc
    except Exception as exc:  # pypdf raises many exception types on malformed input
        raise UnreadableDocument(path, "the PDF is corrupt or truncated") from exc
    lines = [line for page in _drop_furniture(pages) for line in page]
    if not any(lines):
        raise UnreadableDocument(path, "the PDF has no extractable text (a scanned image? OCR is not supported)")
    return _join_lines(lines)


def _drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Near the top and bottom of each page, drop page numbers and lines found there on most pages."""

    def key(line: str) -> str:  # running headers often carry the page number: compare without digits
        return re.sub(r"\d+", "#", line)

    def at_edge(i: int, page: list[str]) -> bool:
        return i < _EDGE_LINES or i >= len(page) - _EDGE_LINES

    counts = Counter(k for page in pages for k in {key(line) for i, line in enumerate(page) if at_edge(i, page)})
    running = {k for k, n in counts.items() if k and len(pages) > 1 and n > len(pages) / 2}
    return [
        [line for i, line in enumerate(page) if not (at_edge(i, page) and (page_furniture(line) or key(line) in running))]
        for page in pages
    ]


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines into paragraphs; an empty line always ends a paragraph."""
    lengths = sorted(len(line) for line in lines if line)
    short = 0.8 * lengths[len(lengths) * 3 // 4]  # "clearly shorter" than a typical full line
    paragraphs: list[str] = []
    current = previous = ""
    for line in lines:
        if current and line and not _ends_paragraph(previous, line, short):
            current = _join(current, line)
        else:
            paragraphs.append(current)
            current = line
        previous = line
    paragraphs.append(current)
    return "\n\n".join(p for p in paragraphs if p)


def _ends_paragraph(line: str, next_line: str, short: float) -> bool:
    """A short line ending a sentence, followed by one starting with a capital or a list marker."""
    starts_new = next_line[0].isupper() or bool(_LIST_ITEM.match(next_line))
    return starts_new and len(line) < short and bool(_SENTENCE_END.search(line))


def _join(text: str, line: str) -> str:
    """Append a wrapped line, undoing hyphenation: "bestrij-dingen" -> "bestrijdingen", but "Benelux-Unie" stays."""
    if text.endswith("\xad"):
        return text[:-1] + line
    if text.endswith("-") and text[-2:-1].isalpha():
        return (text[:-1] if line[0].islower() else text) + line
    return f"{text} {line}"


# --- DOCX ----------------------------------------------------------------------------------


def _docx_text(path: Path, data: bytes) -> str:
    """Non-empty paragraphs of the body in document order, table cells included; headers and footers skipped."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_word = "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(path, "it is not a valid .docx file (not a zip archive)") from exc
    if not is_word:
        raise UnreadableDocument(path, "it is not a Word document (word/document.xml is missing)")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        paragraphs = [p.text.strip() for p in _docx_paragraphs(document)]
    except Exception as exc:  # python-docx and lxml raise many exception types on malformed input
        raise UnreadableDocument(path, "the .docx file is corrupt") from exc
    return "\n\n".join(p for p in paragraphs if p)


def _docx_paragraphs(container: Document | _Cell) -> Iterator[Paragraph]:
    """Paragraphs of a document or table cell in order, descending into (nested) tables cell by cell."""
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block
            continue
        seen = set()  # a merged cell is returned once per grid column/row it spans
        for row in block.rows:
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    yield from _docx_paragraphs(cell)


_LOADERS: dict[str, Callable[[Path, bytes], str]] = {
    ".txt": _txt_text,
    ".md": _markdown_text,
    ".html": _html_text,
    ".htm": _html_text,
    ".pdf": _pdf_text,
    ".docx": _docx_text,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)
