"""Tests for ingest.loaders: each format yields paragraphs separated by one blank line; bad files are refused."""

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError

from ingest.loaders import SUPPORTED_SUFFIXES, UnreadableDocument, extract_text, page_furniture, strip_markdown

NL_1 = "Het Comité van Ministers heeft goed nota genomen van uw aanbeveling over mensenhandel."
NL_2 = "De werkgroep Mensenhandel binnen de Benelux Unie heeft reeds een aantal initiatieven genomen."
FR_1 = "Le Comité de Ministres a pris bonne note de votre recommandation relative à la traite des êtres humains."


def _pdf_escape(line: str) -> bytes:
    return line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one Helvetica text line per entry, top to bottom, one list per page."""
    count = len(pages)
    page_ids = [4 + 2 * i for i in range(count)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids) + b"] /Count %d >>" % count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for page_id, lines in zip(page_ids, pages):
        stream = b"BT /F1 10 Tf 50 800 Td " + b" ".join(b"(%s) Tj 0 -14 Td" % _pdf_escape(line) for line in lines) + b" ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (page_id + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def paragraphs(text: str) -> list[str]:
    assert "\n\n\n" not in text and text == text.strip()
    return text.split("\n\n")


# --- formats ---------------------------------------------------------------------------------


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def test_txt_paragraphs_and_normalisation(tmp_path):
    raw = f"\ufeff{NL_1}  \r\n\r\n\r\n\r\n{NL_2}\r\n\r\nLa traite\u00a0des êtres humains est une infrac\u00adtion.\r\n"
    text = extract_text(write(tmp_path, "nota.txt", raw))
    assert paragraphs(text) == [NL_1, NL_2, "La traite des êtres humains est une infraction."]


def test_txt_is_nfc_normalised(tmp_path):
    text = extract_text(write(tmp_path, "nfc.txt", "Re\u0301ponse du Comite\u0301"))
    assert text == "Réponse du Comité"


def test_txt_cp1252_fallback(tmp_path):
    text = extract_text(write(tmp_path, "oud.TXT", f"{FR_1}\n\nRéponse – été".encode("cp1252")))
    assert paragraphs(text) == [FR_1, "Réponse – été"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_txt_utf16_with_bom(tmp_path, encoding):
    raw = f"\ufeff{NL_1}\r\n\r\nCoördinatie – élevé: € 5".encode(encoding)
    assert paragraphs(extract_text(write(tmp_path, "unicode.txt", raw))) == [NL_1, "Coördinatie – élevé: € 5"]


@pytest.mark.parametrize(
    ("encoding", "source"),
    [
        ("cp1252", "Coördinatie van de werkgroep: het niveau is élevé en de bijdrage € 5 per persoon."),
        ("latin-1", "Réponse du Comité: un niveau très élevé, « Größe » et naïveté."),
    ],
)
def test_txt_single_byte_western_encodings(tmp_path, encoding, source):
    assert extract_text(write(tmp_path, "oud.txt", source.encode(encoding))) == source


def test_markdown_file(tmp_path):
    source = (
        "# Mensenhandel in de Benelux\n"
        f"{NL_1}\n\n"
        "De **werkgroep** werkt met het *webcrawler*-project en __EMPACT__.\n"
        "Zie [de brochure](https://www.benelux.int/nl/brochure).\n\n"
        "## Réponse du Comité ##\n\n"
        f"{FR_1}\n"
    )
    text = extract_text(write(tmp_path, "nota.md", source))
    assert paragraphs(text) == [
        "Mensenhandel in de Benelux",
        NL_1,
        "De werkgroep werkt met het webcrawler-project en EMPACT.\n"
        "Zie de brochure (https://www.benelux.int/nl/brochure).",
        "Réponse du Comité",
        FR_1,
    ]


def test_strip_markdown_on_corpus_style_text():
    source = "**BENELUX\nASSEMBLEE**\n\nproject (*European Platform*), artikel 134*quinquies* en **vet *schuin* vet**"
    expected = "BENELUX\nASSEMBLEE\n\nproject (European Platform), artikel 134quinquies en vet schuin vet"
    assert strip_markdown(source) == expected


def test_strip_markdown_leaves_lists_and_identifiers_alone():
    source = "- eerste punt\n* tweede punt\n\n3 * 4 * 5 en snake_case_name"
    assert strip_markdown(source) == source


def test_strip_markdown_pipe_table():
    source = (
        "Aantal slachtoffers:\n\n"
        "| Land | **2015** | 2016 |\n|:---|---:|---:|\n| België | 12 | 15 |\n| Nederland | 30 | |\n"
    )
    assert strip_markdown(source) == "Aantal slachtoffers:\n\nLand | 2015 | 2016\nBelgië | 12 | 15\nNederland | 30 | "


def test_strip_markdown_links_and_images():
    source = (
        "Zie [de brochure][brochure], [het verslag][] en <https://www.benelux.int>.\n"
        "![Kaart van de *Benelux*](kaart.png)\n\n"
        "[brochure]: https://www.benelux.int/nl/brochure\n"
        '[het verslag]: <https://www.benelux.int/verslag> "Verslag"\n'
    )
    assert strip_markdown(source) == (
        "Zie de brochure (https://www.benelux.int/nl/brochure), het verslag (https://www.benelux.int/verslag)"
        " en https://www.benelux.int.\nKaart van de Benelux"
    )


def test_strip_markdown_nested_emphasis():
    source = "***Dringend***: de __werkgroep *Mensenhandel*__ en *de **Benelux** Unie*"
    assert strip_markdown(source) == "Dringend: de werkgroep Mensenhandel en de Benelux Unie"


def test_strip_markdown_headings_with_trailing_hashes():
    source = "# Mensenhandel #\nInleiding\n### Réponse ###\n## Taal C# ##\nTitel\n====="
    assert paragraphs(strip_markdown(source)) == ["Mensenhandel", "Inleiding", "Réponse", "Taal C#", "Titel"]


def test_strip_markdown_keeps_lists_code_and_paragraphs():
    source = (
        "Drie stappen:\n1. melden\n2. *opvangen*\n   - met een voogd\n3. vervolgen\n\n---\n\n"
        "```\nartikel 433quinquies\n```\n\n> Een citaat\n> over twee regels."
    )
    assert paragraphs(strip_markdown(source)) == [
        "Drie stappen:\n1. melden\n2. opvangen\n  - met een voogd\n3. vervolgen",
        "artikel 433quinquies",
        "Een citaat\nover twee regels.",
    ]


def test_html(tmp_path):
    wrapped = NL_1.replace(" goed ", "\n         goed ")  # source line breaks inside a paragraph
    source = f"""<!DOCTYPE html>
    <html><head><title>Titel</title><style>p {{ color: red }}</style></head>
    <body>
      <nav><a href="/">Home</a></nav>
      <header>Benelux Unie</header>
      <h1>Mensenhandel</h1>
      <p>{wrapped}</p>
      <script>alert("x")</script>
      <div>{FR_1}<br>Deuxième ligne &amp; fin.</div>
      <ul><li>eerste <b>punt</b></li><li>tweede punt</li></ul>
      <p>&lt;img src=x onerror=alert(1)&gt;</p>
      <!-- commentaar -->
      <footer>© Benelux</footer>
    </body></html>"""
    text = extract_text(write(tmp_path, "pagina.HTML", source))
    assert paragraphs(text) == [
        "Mensenhandel",
        NL_1,
        FR_1,
        "Deuxième ligne & fin.",
        "• eerste punt • tweede punt",  # one list, one paragraph (as in Markdown), its items marked
        "<img src=x onerror=alert(1)>",
    ]
    assert "alert(\"x\")" not in text and "commentaar" not in text


def test_htm_entities_give_literal_text(tmp_path):
    source = "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>caf&eacute;&nbsp;noir</p>"
    text = extract_text(write(tmp_path, "x.htm", source))
    assert paragraphs(text) == ["<script>alert(1)</script>", "café noir"]


def test_docx_body_order_with_tables(tmp_path):
    document = docx.Document()
    document.add_heading("Mensenhandel in de Benelux", level=1)
    document.add_paragraph(NL_1)
    document.add_paragraph("   ")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "België"
    table.cell(0, 1).text = "Nederland"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Gezamenlijke cel"
    document.add_paragraph(FR_1)
    path = tmp_path / "nota.docx"
    document.save(path)
    assert paragraphs(extract_text(path)) == [
        "Mensenhandel in de Benelux",
        NL_1,
        "België",
        "Nederland",
        "Gezamenlijke cel",
        FR_1,
    ]


HEADER = "Benelux Interparlementaire Assemblee – Mensenhandel 2016"


def test_pdf_paragraphs_furniture_and_hyphenation(tmp_path):
    pages = [
        [
            HEADER,
            "Het Comité van Ministers heeft goed nota genomen van uw aanbeveling en",
            "spreekt zijn waardering uit.",
            "De werkgroep binnen de Benelux Unie heeft reeds een aantal initiatieven",
            "genomen voor de grensoverschrijdende bestrij-",
            "ding van mensenhandel in de drie landen.",
            "- 1 -",
        ],
        [
            HEADER,
            "Het Benelux-",
            "Unie publiceert jaarlijks een overzicht.",
            "Pagina 2 van 3",
        ],
        [
            HEADER,
            "Le Comité de Ministres a pris bonne note de votre recommandation et",
            "salue l'intérêt constant de l'Assemblée pour la traite des êtres humains.",
            "865/3",
            "3",
        ],
    ]
    text = extract_text(write(tmp_path, "verslag.pdf", make_pdf(pages)))
    assert paragraphs(text) == [
        "Het Comité van Ministers heeft goed nota genomen van uw aanbeveling en "
        "spreekt zijn waardering uit.",
        "De werkgroep binnen de Benelux Unie heeft reeds een aantal initiatieven "
        "genomen voor de grensoverschrijdende bestrijding van mensenhandel in de drie landen.",
        "Het Benelux-Unie publiceert jaarlijks een overzicht.",
        "Le Comité de Ministres a pris bonne note de votre recommandation et "
        "salue l'intérêt constant de l'Assemblée pour la traite des êtres humains. 865/3",
    ]


@pytest.mark.parametrize(
    "line", ["3", "- 3 -", "– 12 –", "Page 3 of 10", "Pagina 3 van 10", "page 2 sur 5", "3/12", " 3 / 12 "]
)
def test_page_furniture(line):
    assert page_furniture(line)


@pytest.mark.parametrize("line", ["865/3", "2016", "Artikel 3", "3 slachtoffers", ""])
def test_not_page_furniture(line):
    assert not page_furniture(line)


def test_pdf_with_owner_password_only_opens(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([[NL_1]]))))
    writer.encrypt(user_password="", owner_password="eigenaar", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert extract_text(write(tmp_path, "open.pdf", buffer.getvalue())) == NL_1


# --- refused files ---------------------------------------------------------------------------


def _refused(path: Path, reason: str) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        extract_text(path)
    assert path.name in str(caught.value)
    assert reason in str(caught.value)


def test_unsupported_suffix(tmp_path):
    _refused(write(tmp_path, "tabel.xlsx", b"PK\x03\x04"), "unsupported file type '.xlsx'")
    _refused(write(tmp_path, "README", "tekst"), "unsupported file type")


def test_empty_files(tmp_path):
    _refused(write(tmp_path, "leeg.txt", b""), "empty")
    _refused(write(tmp_path, "spaties.md", " \n\t\n"), "empty")
    _refused(write(tmp_path, "leeg.pdf", b""), "empty")
    _refused(write(tmp_path, "alleen-script.html", "<script>alert(1)</script><p> </p>"), "no text")


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inhoud.txt", NL_1)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(200)),
        _zip_bytes(),
        b"\x7fELF\x02\x01\x01\x00" + bytes(100),
        random.Random(865).randbytes(4096),
    ],
    ids=["all-bytes", "png", "zip", "elf", "random"],
)
def test_binary_content_as_txt(tmp_path, data):
    _refused(write(tmp_path, "rommel.txt", data), "binary content")


@pytest.mark.parametrize(
    "data",
    [
        bytes(b for b in random.Random(3).randbytes(4096) if b),  # random, but without the NUL bytes
        b"\xff\xfe" + random.Random(5).randbytes(1000),  # a UTF-16 BOM followed by garbage
        b"\x02\x03\xff\xfe\x1b[0m",  # control characters
    ],
    ids=["random-without-nul", "utf16-bom-garbage", "controls"],
)
def test_binary_content_without_nul_bytes(tmp_path, data):
    _refused(write(tmp_path, "rommel.md", data), "binary content or text in an unsupported encoding")


def test_docx_that_is_not_a_zip(tmp_path):
    _refused(write(tmp_path, "nota.docx", "Dit is gewoon tekst."), "not a zip archive")


def test_zip_that_is_not_a_docx(tmp_path):
    path = tmp_path / "archief.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("inhoud.txt", NL_1)
    _refused(path, "not a Word document")


def test_pdf_that_is_not_a_pdf(tmp_path):
    _refused(write(tmp_path, "nota.pdf", "Dit is gewoon tekst."), "not a PDF")


def test_truncated_pdf(tmp_path):
    data = make_pdf([[NL_1], [NL_2]])
    _refused(write(tmp_path, "kapot.pdf", data[: len(data) // 3]), "corrupt")


def test_encrypted_pdf(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([[NL_1]]))))
    writer.encrypt(user_password="geheim", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    _refused(write(tmp_path, "geheim.pdf", buffer.getvalue()), "encrypted")


def test_pdf_needing_missing_crypto_package(tmp_path, monkeypatch):
    def needs_cryptography(stream):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr("pypdf.PdfReader", needs_cryptography)
    _refused(write(tmp_path, "aes.pdf", make_pdf([[NL_1]])), "AES encryption")


def test_pdf_without_text(tmp_path):
    _refused(write(tmp_path, "scan.pdf", make_pdf([[], []])), "no extractable text")
