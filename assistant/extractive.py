"""The extractive answer: the most relevant sentences quoted from the sources, no LLM involved."""

from assistant.citations import CitationList
from assistant.evidence import ScoredSentence
from assistant.messages import QUOTES, message
from core.languages import list_names


def extractive_text(chosen: list[ScoredSentence], lang: str, citations: CitationList) -> str:
    """E.g. 'Selon les documents : « … » [1]'; says so when the source is in another language."""
    opening, closing = QUOTES.get(lang, QUOTES["en"])
    quotes = [f"{opening}{s.text}{closing} [{citations.cite(s.passage, s.text)}]" for s in chosen]
    foreign = next((s.passage for s in chosen if s.passage.lang != lang), None)
    if foreign is None:
        intro = message(lang, "intro")
    elif foreign.translation is None:
        intro = message(lang, "only_in", source=list_names([foreign.lang], lang))
    else:
        intro = message(lang, "in_languages", source=list_names([foreign.lang, foreign.translation.lang], lang))
    return f"{intro} " + " ".join(quotes)
