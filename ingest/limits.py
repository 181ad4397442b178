"""The size limit on one document's extracted text (setting `max_document_mb`).

Every paragraph and sentence of a document is embedded, so time grows with its text: a 5 MB text is
tens of thousands of sentences (an estimate, not measured: many minutes on two CPU cores), and one
upload would hold the library's lock that long. Documents over the limit are refused with a message that names the limit and the setting.
"""

from pathlib import Path

from ingest.loaders import UnreadableDocument

MB = 1024 * 1024


class DocumentTooLarge(UnreadableDocument):
    def __str__(self) -> str:
        return f"{self.path.name} is too large: {self.reason}."


def check_text_size(path: Path, text: str, max_mb: float) -> None:
    """Raise DocumentTooLarge when `text` (UTF-8) is over `max_mb` megabytes."""
    size = len(text.encode("utf-8"))
    if size > max_mb * MB:
        raise DocumentTooLarge(
            path,
            f"its text is {size / MB:.1f} MB, over the limit of {max_mb:g} MB per document "
            "(setting max_document_mb, environment variable BENELUX_QA_MAX_DOCUMENT_MB); split it or raise the limit",
        )
