"""Machine translation speed and fact-check pass rate (a report, not a test), with the configured LLM and an
empty cache: the first sentences of a Dutch-only and a bilingual document of the bundled corpus, translated
as ingest does (Dutch → English, then English → French from it; French → English for the bilingual one).
Reports seconds per 1,000 source words per target language, the pass rate, and sample translations.
Usage: PYTHONPATH=. .venv/bin/python benchmarks/bench_translation.py [--sentences 12]
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

from core.sentences import split_sentences
from core.settings import Settings
from ingest.translation import Translator

DOCUMENTS = {"nl": "001_29f7b3141a8d4611.txt", "fr": "000_8155b968e599ee5e.txt"}


def sentences(settings: Settings, name: str, lang: str, count: int) -> list[str]:
    from core.languages import detect_language

    text = (settings.corpus_dir / name).read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if len(p.split()) > 12]
    found = [s.strip() for p in paragraphs if detect_language(p) == lang for s in split_sentences(p, lang) if len(s.split()) > 5]
    return found[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=12, help="per document")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), models_dir=Settings().resolved_models_dir, translation_seed=None)
        translator = Translator(settings)
        translator.translate("Warm-up.", "en", "fr")  # loads the model outside the timings
        results, samples = {}, {}
        for source, name in DOCUMENTS.items():
            english = {}
            for target in (["en", "fr"] if source == "nl" else ["en"]):
                words, seconds, passed, texts = 0, 0.0, 0, sentences(settings, name, source, args.sentences)
                for text in texts:
                    started = time.perf_counter()
                    result = translator.translate(text, source, target, via=english.get(text) if target != "en" else None)
                    seconds += time.perf_counter() - started
                    words += len(text.split())
                    passed += result.text is not None
                    if target == "en" and result.text:
                        english[text] = result.text
                    samples.setdefault(f"{source}->{target}", []).append({"source": text, "translation": result.text, "problems": result.problems})
                results[f"{source}->{target}"] = {
                    "sentences": len(texts), "words": words, "seconds_per_1000_words": round(1000 * seconds / max(words, 1), 1),
                    "pass_rate": round(passed / max(len(texts), 1), 3),
                }
    print(json.dumps({"results": results, "samples": {k: v[:5] for k, v in samples.items()}}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
