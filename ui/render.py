"""HTML for the chat messages and the sources panel.

Every piece of document or model text goes through `html.escape` before it is placed in markup;
the only tags in the output are the ones written here. Citation markers [n] become links to the
source cards (id="src-n"), and a card highlights the sentences that support the answer.
"""

import re
from html import escape

from assistant.answer import Answer, Citation, Passage
from core.languages import LANGUAGES, own_name

# The few UI strings that follow the asker's language (labels stay English).
STRINGS = {
    "sources": {"nl": "Bronnen", "fr": "Sources", "en": "Sources"},
    "closest": {
        "nl": "Dichtstbijzijnde passages (geen antwoord gevonden)",
        "fr": "Passages les plus proches (pas de réponse trouvée)",
        "en": "Closest passages (no answer found)",
    },
    "no_sources": {
        "nl": "De bronnen van het antwoord verschijnen hier.",
        "fr": "Les sources de la réponse apparaîtront ici.",
        "en": "The sources of the answer appear here.",
    },
    "detected": {"nl": "Gedetecteerde taal", "fr": "Langue détectée", "en": "Detected language"},
    "answer_in": {"nl": "antwoord in", "fr": "réponse en", "en": "answer in"},
    "translation": {"nl": "Vertaling", "fr": "Traduction", "en": "Translation"},
    "machine": {
        "nl": "machinevertaling; het origineel is gezaghebbend",
        "fr": "traduction automatique ; l'original fait foi",
        "en": "machine translation; the original is authoritative",
    },
    "error": {
        "nl": "Er ging iets mis bij het beantwoorden van deze vraag. Probeer het opnieuw of herformuleer de vraag.",
        "fr": "Une erreur s'est produite en répondant à cette question. Réessayez ou reformulez la question.",
        "en": "Something went wrong while answering this question. Please try again or rephrase it.",
    },
    "empty": {
        "nl": "Typ eerst een vraag.",
        "fr": "Tapez d'abord une question.",
        "en": "Please type a question first.",
    },
}

_MARKER = re.compile(r"\[(\d{1,3})\]")


def t(key: str, lang: str | None) -> str:
    """The UI string `key` in `lang` (English when the language is unknown)."""
    options = STRINGS[key]
    return options.get(lang or "en", options["en"])


def language_name(lang: str | None) -> str:
    return own_name(lang) if lang in LANGUAGES else lang or "?"


# --- chat messages -----------------------------------------------------------------------------


def answer_html(text: str, markers: set[int] | None = None) -> str:
    """Escaped answer text with [n] turned into links to the source card #src-n.

    With `markers`, only those numbers become links (the others stay plain text).
    """
    escaped = escape(text)

    def link(match: re.Match) -> str:
        n = int(match.group(1))
        if markers is not None and n not in markers:
            return match.group(0)
        return f'<a class="bq-cite" href="#src-{n}" data-src="src-{n}" title="source {n}">[{n}]</a>'

    return _MARKER.sub(link, escaped).replace("\n", "<br>")


_MARKER_LINK = re.compile(r'<a class="bq-cite" href="#src-\d+" data-src="src-\d+" title="source \d+">(\[\d+\])</a>')


def unlink_markers(html: str) -> str:
    """An earlier answer's markers stop being links (the sources panel shows the latest answer only)."""
    return _MARKER_LINK.sub(r'<span class="bq-cite-old">\1</span>', html)


def user_html(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def notices_html(notices: list[str], fallback: bool = False) -> str:
    if not notices:
        return ""
    kind = "bq-notice bq-fallback" if fallback else "bq-notice"
    return "".join(f'<div class="{kind}">{escape(n)}</div>' for n in notices)


def evidence_html(evidence: str, markers: set[int] | None = None) -> str:
    """The quotes streamed before a generated answer, set apart from it."""
    return f'<div class="bq-evidence">{answer_html(evidence, markers)}</div>' if evidence else ""


def assistant_message(answer: Answer) -> str:
    """The final chat bubble: the quoted evidence (generative mode), the answer with marker links, then its notices."""
    markers = {c.marker for c in answer.citations}
    body = answer_html(answer.text, markers)
    if answer.refused:
        body = f'<div class="bq-refusal">{body}</div>'
    return evidence_html(answer.evidence, markers) + body + notices_html(answer.notices, answer.fallback)


def error_message(lang: str | None) -> str:
    return f'<div class="bq-notice bq-error">{escape(t("error", lang))}</div>'


def pending_message() -> str:
    """The placeholder bubble until the first words arrive (language-neutral: three pulsing dots)."""
    return '<span class="bq-pending" aria-label="…"><i></i><i></i><i></i></span>'


# --- sources -------------------------------------------------------------------------------------


def _sentence_pattern(sentence: str) -> re.Pattern | None:
    words = sentence.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def highlight(text: str, supporting: list[str]) -> str:
    """`text` escaped, with each supporting sentence found in it wrapped in <mark> (whitespace-insensitive)."""
    spans = []
    for sentence in supporting:
        pattern = _sentence_pattern(sentence)
        match = pattern.search(text) if pattern else None
        if match:
            spans.append((match.start(), match.end()))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return _paragraphs("".join(out))


def _paragraphs(escaped: str) -> str:
    return escaped.replace("\n", "<br>")


def _meta(date: str | None, paragraph: int, lang: str, doc_id: str) -> str:
    parts = [escape(date) if date else None, f"§&nbsp;{int(paragraph)}", escape(lang.upper()), f"<code>{escape(doc_id)}</code>"]
    return " · ".join(p for p in parts if p)


def _text_block(body: str, lang: str, paragraph: int | None, extra_class: str = "", machine: bool = False) -> str:
    label = escape(lang.upper()) + (f" · §&nbsp;{int(paragraph)}" if paragraph is not None else "")
    if machine:
        label += f' · <span class="bq-machine">{escape(t("machine", lang))}</span>'
        extra_class += " bq-machine-translation"
    return (
        f'<div class="bq-text {extra_class}" lang="{escape(lang)}">'
        f'<div class="bq-lang">{label}</div><div class="bq-para">{body}</div></div>'
    )


def citation_card(citation: Citation) -> str:
    c = citation
    blocks = _text_block(highlight(c.quote, c.supporting), c.lang, c.paragraph)
    twin = c.translation is not None or c.machine_translation is not None
    if c.machine_translation is not None:  # the asker's language first; the original is authoritative
        blocks += _text_block(
            _paragraphs(escape(c.machine_translation)), c.machine_translation_lang or "", c.paragraph, "bq-translation", machine=True
        )
    elif c.translation is not None:
        blocks += _text_block(_paragraphs(escape(c.translation)), c.translation_lang or "", c.translation_paragraph, "bq-translation")
    return (
        f'<article class="bq-card" id="src-{int(c.marker)}">'
        f'<header><span class="bq-marker">[{int(c.marker)}]</span>'
        f'<span class="bq-title">{escape(c.title)}</span></header>'
        f'<div class="bq-meta">{_meta(c.date, c.paragraph, c.lang, c.doc_id)}</div>'
        f'<div class="bq-pair{" bq-two" if twin else ""}">{blocks}</div></article>'
    )


def passage_card(passage: Passage, number: int) -> str:
    p = passage
    blocks = _text_block(_paragraphs(escape(p.text)), p.lang, p.paragraph)
    tr = p.machine_translation or p.translation
    if tr is not None:
        blocks += _text_block(_paragraphs(escape(tr.text)), tr.lang, tr.paragraph, "bq-translation", tr.machine)
    return (
        f'<article class="bq-card bq-passage" id="passage-{int(number)}">'
        f'<header><span class="bq-marker">{int(number)}.</span>'
        f'<span class="bq-title">{escape(p.title)}</span></header>'
        f'<div class="bq-meta">{_meta(p.date, p.paragraph, p.lang, p.doc_id)}</div>'
        f'<div class="bq-pair{" bq-two" if tr is not None else ""}">{blocks}</div></article>'
    )


def sources_html(answer: Answer | None, lang: str | None = None, max_passages: int = 3) -> str:
    """The sources panel: citation cards, or the closest passages when there are no citations."""
    lang = lang or (answer.lang if answer else None)
    if answer is None:
        return f'<div class="bq-sources bq-empty">{escape(t("no_sources", lang))}</div>'
    if answer.citations:
        cards = "".join(citation_card(c) for c in sorted(answer.citations, key=lambda c: c.marker))
        heading = t("sources", lang)
    elif answer.passages:
        cards = "".join(passage_card(p, i) for i, p in enumerate(answer.passages[:max_passages], start=1))
        heading = t("closest", lang)
    else:
        return f'<div class="bq-sources bq-empty">{escape(t("no_sources", lang))}</div>'
    return f'<div class="bq-sources"><h3 class="bq-heading">{escape(heading)}</h3>{cards}</div>'


def language_badge(question_lang: str | None, answer_lang: str | None, forced: bool) -> str:
    """The language indicator: what was detected, and the answer language when it was forced."""
    if not question_lang:
        return ""
    shown = answer_lang or question_lang
    text = f"{t('detected', shown)}: {language_name(question_lang)}"
    if forced and answer_lang and answer_lang != question_lang:
        text += f" → {t('answer_in', shown)} {language_name(answer_lang)}"
    return f'<span class="bq-lang-badge">{escape(text)}</span>'


def answer_json(answer: Answer) -> dict:
    """The answer as JSON-able data for the API."""

    def citation(c: Citation) -> dict:
        return {
            "marker": c.marker, "doc_id": c.doc_id, "title": c.title, "date": c.date, "paragraph": c.paragraph,
            "lang": c.lang, "quote": c.quote, "supporting": list(c.supporting), "translation": c.translation,
            "translation_lang": c.translation_lang, "translation_paragraph": c.translation_paragraph,
            "machine_translation": c.machine_translation, "machine_translation_lang": c.machine_translation_lang,
            "chunk_id": c.chunk_id,
        }

    def passage(p: Passage) -> dict:
        return {
            "doc_id": p.doc_id, "title": p.title, "date": p.date, "paragraph": p.paragraph, "lang": p.lang,
            "text": p.text, "score": p.score, "rank": p.rank, "chunk_id": p.chunk_id,
            "translation": p.translation.text if p.translation else None,
            "translation_lang": p.translation.lang if p.translation else None,
            "machine_translation": p.machine_translation.text if p.machine_translation else None,
            "machine_translation_lang": p.machine_translation.lang if p.machine_translation else None,
        }

    return {
        "text": answer.text,
        "evidence": answer.evidence,
        "lang": answer.lang,
        "question_lang": answer.question_lang,
        "mode": getattr(answer.mode, "value", str(answer.mode)),
        "refused": answer.refused,
        "refusal_reason": answer.refusal_reason,
        "fallback": answer.fallback,
        "notices": list(answer.notices),
        "citations": [citation(c) for c in answer.citations],
        "passages": [passage(p) for p in answer.passages],
        "timings": dict(answer.timings),
    }
