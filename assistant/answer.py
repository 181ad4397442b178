"""What the assistant returns: retrieved passages, checked citations and the answer itself.

These are the whole contract between the assistant and its two clients, the UI and the evaluation.
"""

from dataclasses import dataclass, field
from enum import Enum


class Mode(str, Enum):
    GENERATIVE = "generative"  # the configured LLM writes the answer; code checks it
    EXTRACTIVE = "extractive"  # the answer is quoted from the sources; no LLM


@dataclass
class Passage:
    """A retrieved paragraph (chunk); its translation in the other language when the document has one."""

    chunk_id: str
    doc_id: str
    title: str
    date: str | None
    kind: str
    lang: str
    paragraph: int  # the § a user sees
    text: str
    score: float  # fused retrieval score (higher is better)
    rank: int  # 1-based, after fusion and pair collapse
    dense_score: float | None = None  # cosine similarity, when dense search found it
    keyword_score: float | None = None  # BM25, when keyword search found it
    pair_id: str | None = None
    translation: "Passage | None" = None  # the document's own version in the other language, if it has one
    chunk_ids: list[str] = field(default_factory=list)  # the chunks whose text `text` is (several for a whole twin paragraph)
    versions: list[str] = field(default_factory=list)  # languages the document itself has this passage in
    machine_translation: "Passage | None" = None  # into the asker's language, when the document has no version in it
    machine: bool = False  # this passage is a machine translation: the original is authoritative

    def readings(self) -> list["Passage"]:
        """This passage, the document's version in the other language and the machine translation, those that exist."""
        return [v for v in (self, self.translation, self.machine_translation) if v is not None]


@dataclass
class Citation:
    """A numbered source of the answer: [marker] → document, § and the quoted paragraph."""

    marker: int  # 1..n in order of first use in the answer text
    chunk_id: str
    doc_id: str
    title: str
    date: str | None
    paragraph: int
    lang: str
    quote: str  # the cited paragraph, in the asker's language where a version exists
    supporting: list[str] = field(default_factory=list)  # its sentences that support the answer (to highlight)
    translation: str | None = None  # the paired paragraph in the other language
    translation_lang: str | None = None
    translation_paragraph: int | None = None
    machine_translation: str | None = None  # the quote translated by the LLM into the asker's language (the quote is authoritative)
    machine_translation_lang: str | None = None


@dataclass
class Evidence:
    """Streamed first in generative mode: the quotes (with [n] markers) the generated answer will follow."""

    text: str


@dataclass
class Answer:
    question: str
    text: str  # with [n] markers
    lang: str  # language of the answer (equals the question's unless the user forced one)
    question_lang: str
    mode: Mode
    refused: bool = False  # the documents do not hold the answer
    refusal_reason: str | None = None  # why it was refused (for the eval report and the log, in English)
    answerability: float | None = None  # how likely the documents answer it (0–1); refused below the threshold
    signals: dict[str, float] = field(default_factory=dict)  # what `answerability` was computed from
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)  # what retrieval returned, best first
    # a generated answer failed this check (or no LLM could answer) and the extractive one replaced it
    fallback_reason: str | None = None
    notices: list[str] = field(default_factory=list)  # things the user should know, in their language
    # retrieval_s, first_evidence_s, first_generated_token_s (the LLM's first, unchecked), first_token_s (the first text
    # shown as the answer: a checked sentence, or the quotes when the generated answer fails), total_s
    timings: dict[str, float] = field(default_factory=dict)
    evidence: str = ""  # generative mode: the quotes shown before the generated `text` (their markers are in `citations`)

    @property
    def fallback(self) -> bool:
        return self.fallback_reason is not None

    def own_citations(self) -> list[Citation]:
        """The citations whose markers `text` itself uses (not only the evidence)."""
        return [c for c in self.citations if f"[{c.marker}]" in self.text]
