"""The extractive answer: the most relevant sentences quoted from the sources, no LLM involved.

A sentence quoted from a source in another language than the asker's is followed by its machine
translation (made at ingest), labelled as such: the quote is authoritative.
"""

from assistant.citations import CitationList
from assistant.evidence import ScoredSentence
from assistant.messages import QUOTES, message
from core.languages import list_names


def extractive_text(chosen: list[ScoredSentence], lang: str, citations: CitationList) -> str:
    """E.g. 'Selon les documents : « … » [1]'; says in which language a source in another one is."""
    opening, closing = QUOTES.get(lang, QUOTES["en"])
    quotes = []
    for s in chosen:
        quote = f"{opening}{s.text}{closing} [{citations.cite(s.passage, s.text)}]"
        if s.translation and s.passage.lang != lang:
            quote += f" ({message(lang, 'machine_translation')} {opening}{s.translation}{closing})"
        quotes.append(quote)
    return f"{_intro(chosen, lang)} " + " ".join(quotes)


def _intro(chosen: list[ScoredSentence], lang: str) -> str:
    """"According to the documents:", or in which languages the quotes are that are not in the asker's:
    "only" when every quote is, and the documents have those passages in no other language."""
    foreign = [s.passage for s in chosen if s.passage.lang != lang]
    if not foreign:
        return message(lang, "intro")
    quoted = sorted({p.lang for p in foreign})
    if len(foreign) < len(chosen):
        return message(lang, "partly_in", source=list_names(quoted, lang))
    versions = sorted({v for p in foreign for v in (p.versions or [p.lang])})
    if versions == quoted:
        return message(lang, "only_in", source=list_names(quoted, lang))
    return message(lang, "in_languages", source=list_names(versions, lang))
