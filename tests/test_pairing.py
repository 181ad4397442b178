"""Pairing Dutch paragraphs with their French translations."""

import numpy as np
import pytest

from core.records import Paragraph
from ingest.chunking import chunk_paragraphs
from ingest.pairing import pair_translations
from ingest.parse import parse_document
from ingest.pipeline import _paragraph_vectors
from tests.conftest import BILINGUAL, CORPUS


def _paragraph(text, lang):
    return Paragraph(text=text, spans=[(0, len(text))], lang=lang)


def test_alignment_follows_similarity_and_skips_an_untranslated_paragraph():
    rng = np.random.default_rng(0)
    topics = rng.normal(size=(4, 16))
    nl = [_paragraph(f"Dutch paragraph number {i} with text", "nl") for i in range(4)]
    fr = [_paragraph(f"Paragraphe français numéro {i} avec texte", "fr") for i in (0, 1, 3)]  # nl[2] untranslated
    paragraphs = [nl[0], nl[1], fr[0], fr[1], nl[2], nl[3], fr[2]]
    vectors = topics[[0, 1, 0, 1, 2, 3, 3]] + rng.normal(scale=0.1, size=(7, 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert pair_translations(paragraphs, vectors, "doc") == 3
    assert nl[0].pair_id == fr[0].pair_id and nl[1].pair_id == fr[1].pair_id and nl[3].pair_id == fr[2].pair_id
    assert nl[2].pair_id is None


def test_single_language_document_gets_no_pairs():
    paragraphs = [_paragraph("Een Nederlandse alinea.", "nl") for _ in range(5)]
    assert pair_translations(paragraphs, np.eye(5), "doc") == 0
    assert all(p.pair_id is None for p in paragraphs)


@pytest.fixture(scope="module")
def paired(embeddings):
    docs = {}
    for name in BILINGUAL:
        doc = parse_document(CORPUS / name)
        chunks = chunk_paragraphs(name, doc.paragraphs, 1000)
        vectors = embeddings.embed_passages([c.text for c in chunks])
        n_pairs = pair_translations(doc.paragraphs, _paragraph_vectors(doc.paragraphs, chunks, vectors), name)
        docs[name] = (doc, n_pairs)
    return docs


def _twin(doc, needle):
    (p,) = [p for p in doc.paragraphs if needle in p.text]
    assert p.pair_id, f"{needle!r} has no partner"
    return [q for q in doc.paragraphs if q.pair_id == p.pair_id and q.lang != p.lang]


@pytest.mark.parametrize(
    "name, dutch, french",
    [
        ("000_8155b968e599ee5e.txt", "heeft goed nota genomen van uw aanbeveling", "a pris bonne note de votre Recommandation"),
        ("000_8155b968e599ee5e.txt", "eerste bijeenkomst in Antwerpen", "première réunion fut organisée à Anvers"),
        ("000_8155b968e599ee5e.txt", "De interne communicatie is dus goed afgebakend", "bien balisée"),
        ("000_8155b968e599ee5e.txt", "nventariseerd worden of er behoefte bestaat", "dresseront un inventaire"),
        ("002_42a1812e0558ab74.txt", "In 2018 werd, onder Belgisch voorzitterschap", "En 2018, sous présidence belge"),
        ("002_42a1812e0558ab74.txt", "makkelijker te maken", "transfrontalière et comprend"),
        ("002_42a1812e0558ab74.txt", "Nederland is in 2019 ook trekker van EMPACT", "les Pays-Bas ont également piloté EMPACT"),
        ("002_42a1812e0558ab74.txt", "artikel 134", "l'article 134"),
    ],
)
def test_known_translation_pairs(paired, name, dutch, french):
    doc, _ = paired[name]
    twins = _twin(doc, dutch)
    assert any(french in q.text for q in twins), [q.text[:80] for q in twins]
    assert len(twins) == 1


@pytest.mark.parametrize("name", BILINGUAL)
def test_nearly_every_paragraph_has_a_partner(paired, name):
    doc, n_pairs = paired[name]
    for lang in ("nl", "fr"):
        own = [p for p in doc.paragraphs if p.lang == lang]
        with_partner = [p for p in own if p.pair_id]
        assert len(with_partner) >= 0.9 * len(own), (lang, [p.text[:60] for p in own if not p.pair_id])
    assert n_pairs >= 0.9 * min(sum(p.lang == "nl" for p in doc.paragraphs), sum(p.lang == "fr" for p in doc.paragraphs))


def test_titles_embedded_with_the_chunks_do_not_move_the_pairs(settings, embeddings, tmp_path):
    """Each chunk is embedded after its document's title in its own language ("Antwoord ..." / "Réponse ..."); pairing
    reads the chunks without it: with it, "Recommandation 10" lost its Dutch partner."""
    import shutil

    from ingest.pipeline import Ingestor
    from vectorstore.store import ParagraphStore

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / "002_42a1812e0558ab74.txt", docs)
    shutil.copy(CORPUS / "metadata.json", docs)
    store = ParagraphStore(settings, embeddings)
    Ingestor(settings, store, show_progress=False).ingest([docs])
    chunks = store.originals("002_42a1812e0558ab74.txt")
    assert all(c.title.startswith("Antwoord van het Comité") for c in chunks)
    (french,) = [c for c in chunks if c.text.startswith("Recommandation 10")]
    (dutch,) = [c for c in chunks if c.text.startswith("Aanbeveling 10")]
    assert french.pair_id is not None and french.pair_id == dutch.pair_id
