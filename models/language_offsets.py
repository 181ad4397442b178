"""How far the embedding model leans towards each language, so that retrieval can take the lean out.

e5-small scores a question higher against text in the question's own language than against the same content in
another language. The lean is a direction per language: the mean vector of many passages written in that language
minus the mean of the same passages in the others. `measure` takes it from parallel versions (human translations
and machine twins), where the content is the same and only the language differs; retrieval subtracts
`weight` × (question · the language's mean vector) from each cosine. The vectors belong to the model (the file names
it; another model gets no correction) and the weight is fitted on tuning questions: both are data
(`e5-language-offsets.json`, made by `benelux-qa calibrate --language-offsets`).
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.files import write_atomically

DEFAULT_OFFSETS = Path(__file__).with_name("e5-language-offsets.json")


@dataclass
class LanguageOffsets:
    model: str  # the embedding model the vectors were measured with
    weight: float  # how much of the lean to take out (0: none)
    vectors: dict[str, np.ndarray]  # language → mean vector of the parallel passages in it
    fitted_on: str = ""

    def lean(self, query: np.ndarray, lang: str) -> float:
        """What to subtract from the cosine between `query` and a passage in `lang` (0 for a language not measured)."""
        vector = self.vectors.get(lang)
        return self.weight * float(query @ vector) if vector is not None else 0.0

    def save(self, path: Path) -> None:
        header = json.dumps({"model": self.model, "weight": self.weight, "fitted_on": self.fitted_on}, indent=1)[:-2]
        vectors = ",\n".join(f"  {json.dumps(lang)}: {json.dumps([round(float(x), 6) for x in vector])}" for lang, vector in sorted(self.vectors.items()))
        write_atomically(path, f'{header},\n "vectors": {{\n{vectors}\n }}\n}}\n')  # a vector per line


def load_offsets(path: Path | None, model: str) -> LanguageOffsets | None:
    """The offsets in `path` when they were measured with `model`; None otherwise (no correction)."""
    if path is None or not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("model") != model:
        return None
    vectors = {lang: np.asarray(vector, dtype=np.float32) for lang, vector in data["vectors"].items()}
    return LanguageOffsets(data["model"], float(data["weight"]), vectors, data.get("fitted_on", ""))


def complete(versions: list[dict[str, np.ndarray]], languages: tuple[str, ...]) -> list[dict[str, np.ndarray]]:
    """The passages of `versions` (one dict per passage, language → its vector there) found in all `languages`."""
    return [by_lang for by_lang in versions if all(lang in by_lang for lang in languages)]


def measure(versions: list[dict[str, np.ndarray]], languages: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Each language's mean vector over the passages that exist in all `languages` (see `complete`), so that what
    they say cancels out. Raises ValueError without any."""
    parallel = complete(versions, languages)
    if not parallel:
        raise ValueError(f"no passage of the index exists in all of {', '.join(languages)}: ingest with machine translation first")
    return {lang: np.mean([by_lang[lang] for by_lang in parallel], axis=0) for lang in languages}
