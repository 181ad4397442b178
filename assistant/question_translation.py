"""The question in the languages of documents not yet machine-translated into the asker's, made at question time.

Until a document's twins are made (`ingest.twins`: minutes to hours of LLM time after an upload, or never when
machine translation is off), a question in another language than the document's finds its passages only through e5,
which matches same-language text far better. In generative mode (the LLM is loaded anyway) the question is then
translated into those documents' languages, and retrieval searches with each version (`HybridRetriever.retrieve`).
Generative eval on the two corpora indexed without twins (coronamelder-faq, public-algorithms), accuracy / citation
precision / recall, tuning halves 0.736 / 0.796 / 0.736 -> 0.774 / 0.840 / 0.792 and 0.485 / 0.576 / 0.576 -> 0.576 /
0.706 / 0.727, test halves 0.731 / 0.778 / 0.750 -> 0.750 / 0.821 / 0.808 and 0.576 / 0.600 / 0.606 -> 0.606 / 0.639 /
0.697; at a cost of ~4.5 s before the first token (two translations on 2 cores). Translations go through English, as
at ingest, and pass the same checks; they are cached with the ingest's.
"""

from core.languages import SUPPORTED
from core.records import DocumentRecord
from ingest.translation import PIVOT, Translator


def untranslated_languages(documents: dict[str, DocumentRecord], lang: str) -> list[str]:
    """The languages, other than `lang`, of the documents whose machine translations are not all made."""
    return sorted({other for record in documents.values() if record.translation != "done"
                   for other in record.info.languages if other in SUPPORTED} - {lang})


def translated_question(translator: Translator, text: str, lang: str, targets: list[str]) -> dict[str, str]:
    """`text` (in `lang`) in each of `targets` that the checks accept, by language; through English when neither
    language is English. Raises `TranslationUnavailable` when the LLM cannot be used."""
    english = None
    if lang != PIVOT and targets:
        english = translator.translate(text, lang, PIVOT).text
    found = {PIVOT: english} if PIVOT in targets else {}
    for target in targets:
        if target != PIVOT and (lang == PIVOT or english):
            found[target] = translator.translate(text, lang, target, via=None if lang == PIVOT else english).text
    return {target: translation for target, translation in found.items() if translation}
