"""Input the assistant should not answer from the documents: malformed (not text, a broken history),
or not a question (emoji, punctuation, SQL, orders to the AI). (Questions in another language are told
apart in core/languages.)

Each check returns a reason or None; assistant/question.py turns a reason into an InvalidQuestion
whose message the UI and the CLI show as they are.
"""

import re

from ingest.instructions import looks_like_instructions

_MIN_LETTERS = 2
_SQL = re.compile(
    r"\bselect\b.+\bfrom\b.*(?:[;*]|--)|\bselect\s+\*|\b(?:drop|truncate|alter)\s+(?:table|database)\b|\binsert\s+into\b"
    r"|\bdelete\s+from\s+\w+\s*(?:;|where\b)|\bunion\s+(?:all\s+)?select\b|;\s*--|'\s*or\s+'?\d+'?\s*=\s*'?\d+",
    re.IGNORECASE | re.DOTALL,
)


def malformed(text: object, history: object) -> str | None:
    """What is wrong with the types of an API call's question and history, in plain words."""
    if text is not None and not isinstance(text, str):
        return f"The question must be text (str), not {type(text).__name__}."
    if history is None:
        return None
    if not isinstance(history, (list, tuple)):
        return f'history must be a list of {{"role": "user"|"assistant", "content": str}} turns, not {type(history).__name__}.'
    for number, turn in enumerate(history):
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant") or not isinstance(turn.get("content"), str):
            return f'history turn {number} must be {{"role": "user"|"assistant", "content": str}}, not {turn!r:.80}.'
    return None


def not_a_question(text: str) -> bool:
    """Emoji or punctuation only, SQL, or orders to the assistant ("ignore previous instructions…")."""
    letters = sum(ch.isalpha() for ch in text)
    return letters < _MIN_LETTERS or bool(_SQL.search(text)) or looks_like_instructions(text)
