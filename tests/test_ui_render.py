"""Fast checks of the UI's HTML: escaping, highlights, marker links and the upload checks."""


import pytest

from assistant.answer import Answer, Citation, Mode, Passage
from core.text import document_id
from ui import render
from ui.documents import UploadRejected, check_size, stage_uploads, upload_name

XSS = '<img src=x onerror=alert(1)> and <script>alert("x")</script>'


def citation(marker=1, quote="First sentence. Second sentence here. Third one.", supporting=None, **extra):
    return Citation(
        marker=marker, chunk_id=f"c{marker}", doc_id="doc.txt", title="A title", date="2016-03-19", paragraph=12,
        lang="nl", quote=quote, supporting=supporting or [], **extra,
    )


def answer(text="Answer [1].", citations=None, **extra):
    return Answer(question="q", text=text, lang="nl", question_lang="nl", mode=Mode.GENERATIVE,
                  citations=citations if citations is not None else [citation()], **extra)


def no_live_markup(html: str) -> None:
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;" in html


def test_document_text_is_escaped_in_citation_cards():
    html = render.sources_html(answer(citations=[citation(quote=f"Before. {XSS}. After.", supporting=[XSS + "."],
                                                          translation=XSS, translation_lang="fr", translation_paragraph=13)]))
    no_live_markup(html)
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 2  # quote and translation


def test_titles_doc_ids_and_dates_are_escaped():
    c = citation()
    c.title, c.doc_id, c.date = XSS, '"><script>x</script>.txt', "<b>2020</b>"
    html = render.citation_card(c)
    assert "<script" not in html and "<img" not in html and "<b>" not in html


def test_model_text_is_escaped_in_the_chat_and_notices():
    html = render.assistant_message(answer(text=f"{XSS} [1]", notices=[XSS]))
    no_live_markup(html)
    assert render.user_html(XSS).startswith("&lt;img")


def test_passages_of_a_refusal_are_escaped():
    passage = Passage(chunk_id="p", doc_id="d.txt", title=XSS, date=None, kind="k", lang="fr", paragraph=3, text=XSS,
                      score=0.5, rank=1)
    html = render.sources_html(answer(text="Les documents ne le disent pas.", citations=[], refused=True, passages=[passage]))
    no_live_markup(html)
    assert "passage-1" in html


def test_supporting_sentences_are_highlighted():
    html = render.highlight("First sentence. Second sentence here. Third one.", ["Second sentence here."])
    assert html == "First sentence. <mark>Second sentence here.</mark> Third one."


def test_highlight_ignores_whitespace_differences_and_merges_overlaps():
    text = "Een zin\nover  twee regels. Nog een zin. Laatste."
    html = render.highlight(text, ["Een zin over twee regels.", "twee regels. Nog een zin.", "Staat er niet in."])
    assert html.count("<mark>") == 1
    assert "<mark>Een zin<br>over  twee regels. Nog een zin.</mark> Laatste." == html


def test_highlight_escapes_inside_marks():
    html = render.highlight(f"Intro. {XSS}", [XSS])
    assert "<mark>&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html


def test_markers_become_links_to_their_source_cards():
    html = render.assistant_message(answer(text="A [1], B [2] and C [3].", citations=[citation(1), citation(2)]))
    assert '<a class="bq-cite" href="#src-1"' in html and 'href="#src-2"' in html
    assert 'href="#src-3"' not in html and "[3]" in html  # no such citation: plain text
    cards = render.sources_html(answer(citations=[citation(2), citation(1)]))
    assert cards.index('id="src-1"') < cards.index('id="src-2"')


def test_translation_is_shown_side_by_side():
    html = render.citation_card(citation(translation="Première phrase.", translation_lang="fr", translation_paragraph=13))
    assert "bq-two" in html and 'lang="fr"' in html and "FR · §&nbsp;13" in html
    assert "bq-two" not in render.citation_card(citation())


def test_notices_and_language_badge():
    html = render.assistant_message(answer(fallback_reason="unsupported: 1987", notices=["Antwoord letterlijk overgenomen."]))
    assert "bq-fallback" in html and "Antwoord letterlijk overgenomen." in html
    assert "Langue détectée: Nederlands" in render.language_badge("nl", "fr", forced=True)
    assert "réponse en Français" in render.language_badge("nl", "fr", forced=True)


def test_answer_json_is_plain_data():
    import json

    data = render.answer_json(answer(citations=[citation(supporting=["Second sentence here."])]))
    assert json.loads(json.dumps(data))["citations"][0]["doc_id"] == "doc.txt"
    assert data["mode"] == "generative"
    refused = render.answer_json(answer(refused=True, refusal_reason="the LLM replied NO_ANSWER", citations=[]))
    assert refused["refused"] and refused["refusal_reason"] == "the LLM replied NO_ANSWER"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\evil.HTML", "evil.html"),
        ("rapport été 2020 (v2).docx", "rapport_ete_2020_v2.docx"),
        (".hidden.md", "hidden.md"),
        ("....pdf", "document.pdf"),
        ("Nota 2022.pdf", "Nota_2022.pdf"),
    ],
)
def test_upload_names_are_document_ids(name, expected):
    assert upload_name(name) == expected == document_id(name)


@pytest.mark.parametrize("name", ["script.sh", "noextension", "image.png"])
def test_unsupported_types_are_refused(name):
    with pytest.raises(UploadRejected, match="unsupported file type"):
        upload_name(name)


def test_uploads_over_the_size_limit_are_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000)
    with pytest.raises(UploadRejected, match="too large"):
        check_size(big, 1000)
    check_size(big, 2000)


def test_staging_refuses_known_names_and_keeps_good_files(tmp_path):
    (tmp_path / "in").mkdir()
    good, bad, known = tmp_path / "in" / "new doc.txt", tmp_path / "in" / "x.exe", tmp_path / "in" / "old.txt"
    good.write_text("Tekst.")
    bad.write_text("no document")
    known.write_text("Tekst.")
    (tmp_path / "stage").mkdir()
    staged, problems = stage_uploads([str(good), str(bad), str(known)], tmp_path / "stage", 10_000, {"old.txt"})
    assert [p.name for p in staged] == ["new_doc.txt"] and staged[0].parent == tmp_path / "stage"
    assert len(problems) == 2 and problems[0].startswith("x.exe:") and "already indexed" in problems[1]


def test_earlier_answers_lose_their_marker_links():
    html = render.unlink_markers(render.answer_html("A [1] and [2].", {1, 2}))
    assert "<a" not in html and html.count('class="bq-cite-old"') == 2 and "[1]" in html
