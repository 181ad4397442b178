"""Whether the documents answer a question: signals that hold on any corpus, combined by a logistic model
whose parameters are data (fitted by `benelux-qa calibrate`, never constants in code).

The signals are relative to the question's own retrieval, not absolute cosines (e5's similarities sit in
a narrow band whose place differs from corpus to corpus and between language pairs): how far the best
passage stands out from the other candidates, the gap to the second, whether it is in another language
than the question, how much of the question's content it covers, whether the quoted evidence holds
the kind of answer asked for (a date, a name, a place, a quantity), and how much of what the question
talks about occurs nowhere in the documents. In generative mode a second model adds the LLM's own judgement:
asked whether the sentences it would answer from give the answer, the probability that it replies "no" (read off
one prompt evaluation, no generation). On both question sets that judgement separated answerable from unanswerable
questions far better than any signal read off the retrieval (ROC AUC 0.88 and 0.96 against at most 0.75; it also
beat the probability that the generation prompt's reply starts with NO_ANSWER: see the closing notes of issue 10).
"""

import json
import math
from collections.abc import Container
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.answer import Passage
from assistant.answer_types import AnswerType, holds
from assistant.evidence import ScoredSentence
from core.files import write_atomically
from core.text import content_terms

DEFAULT_PARAMETERS = Path(__file__).with_name("answerability.json")
EXTRACTIVE_FEATURES = ["standout", "gap", "cross_lingual", "coverage", "evidence", "type_missing", "unknown_terms"]
GENERATIVE_FEATURES = [*EXTRACTIVE_FEATURES, "declines"]


def generative_path(path: Path) -> Path:
    """Where the generative-mode model lives beside the extractive one at `path`."""
    return path.with_name(f"{path.stem}-generative{path.suffix}")


@dataclass
class Signals:
    standout: float  # best passage's cosine minus the mean cosine of the candidates after the top k
    gap: float  # best passage's cosine minus the second's
    cross_lingual: float  # 1 when the document has the best passage in no version in the question's language (machine ones aside)
    coverage: float  # share of the question's content words found in the best passage (any version, machine ones too)
    evidence: float  # cosine between the question and the best evidence sentence
    type_missing: float  # 1 when a date, name, place or quantity is asked and the evidence holds none
    unknown_terms: float  # share of the question's content words that occur nowhere in the documents
    declines: float | None = None  # generative mode: the LLM's probability that its sources do not give the answer


def _stems(text: str, lang: str) -> set[str]:
    """The content words' beginnings alone (numbers left to the other checks)."""
    return {t for t in content_terms(text, lang) if not t.isdigit()}


def signals(
    question: str, lang: str, passages: list[Passage], background: float, chosen: list[ScoredSentence],
    kind: AnswerType, corpus_terms: Container[str],
) -> Signals:
    """The signals of one answered question (`passages` best first, `chosen` the evidence to quote,
    `corpus_terms` the word beginnings of all documents)."""
    best = passages[0]
    top = best.dense_score or 0.0
    second = passages[1].dense_score if len(passages) > 1 and passages[1].dense_score is not None else background
    asked = _stems(question, lang)
    versions = [v for v in (best, best.translation) if v is not None]  # the document's own
    found = set().union(*(_stems(v.text, v.lang) for v in best.readings()))
    return Signals(
        standout=top - background,
        gap=top - second,
        cross_lingual=float(all(v.lang != lang for v in versions)),
        coverage=len(asked & found) / len(asked) if asked else 0.0,
        evidence=max((s.similarity for s in chosen), default=0.0),
        type_missing=float(kind is not AnswerType.OTHER and not any(holds(s.text, kind, question) for s in chosen)),
        unknown_terms=sum(term not in corpus_terms for term in asked) / len(asked) if asked else 0.0,
    )


@dataclass
class AnswerabilityModel:
    """p(answerable) = sigmoid(bias + Σ weight·(signal − mean)/scale); refused below `threshold`."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    threshold: float
    fitted_on: str  # what it was calibrated on, for people reading the file
    # Generative mode: a generated answer that fails its checks (`VerifiedGeneration.failure`) is refused below this
    # probability instead of giving way to the quotes (`fit_fallback_threshold`); None: the quotes always stand.
    fallback_threshold: float | None = None

    def probability(self, observed: Signals) -> float:
        values = asdict(observed)
        z = self.bias + sum(
            w * (values[f] - m) / s for f, m, s, w in zip(self.features, self.mean, self.scale, self.weights)
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def save(self, path: Path) -> None:
        write_atomically(path, json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> "AnswerabilityModel":
        model = cls(**json.loads(path.read_text(encoding="utf-8")))
        unknown = set(model.features) - set(Signals.__dataclass_fields__)
        if unknown or not len(model.features) == len(model.mean) == len(model.scale) == len(model.weights):
            raise ValueError(f"{path}: not an answerability model of this version (features {sorted(unknown)})")
        return model


def load_model(calibrated: Path, default: Path = DEFAULT_PARAMETERS) -> tuple[AnswerabilityModel, bool]:
    """The model calibrated for this index when there is one (True), else the shipped `default` (False)."""
    if calibrated.is_file():
        try:
            return AnswerabilityModel.load(calibrated), True
        except (ValueError, TypeError, KeyError) as error:
            raise ValueError(f"the calibration file {calibrated} is damaged ({error}): run `benelux-qa calibrate` again") from None
    return AnswerabilityModel.load(default), False


# Which way each signal may move the answerability: a fit on a hundred questions otherwise gives some of them the
# wrong sign (the generative model had more coverage make an answer less likely, a missing date or name more likely),
# and a sign that holds only on the questions fitted on need not hold on another corpus. Cross-lingual is free: it is the
# offset for the lower similarities across languages. So is the gap to the second passage: on both question sets a
# wider gap went with unanswerable questions (ROC AUC 0.30 and 0.45), and held at zero or above it took the best
# passage's standout down with it (a one-document index then refused what it answers).
DIRECTIONS = {"standout": 1, "gap": 0, "cross_lingual": 0, "coverage": 1, "evidence": 1, "type_missing": -1,
              "unknown_terms": -1, "declines": -1}


def fit_model(
    observed: list[Signals], answerable: list[bool], max_false_refusals: float, fitted_on: str,
    features: list[str] = EXTRACTIVE_FEATURES,
) -> AnswerabilityModel:
    """Logistic regression on standardised signals, classes weighted alike, L2 penalty, each weight kept to its
    signal's `DIRECTIONS` (SciPy's bounded L-BFGS-B); the threshold set as high as the allowed share of refused
    answerable questions permits (most refusals of the unanswerable ones)."""
    import numpy as np
    from scipy.optimize import minimize

    if len(set(answerable)) < 2:
        raise ValueError("calibration needs answerable and unanswerable questions")
    x = np.array([[getattr(o, f) for f in features] for o in observed])
    y = np.array(answerable, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    balance = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))

    def loss(parameters):
        weights, bias = parameters[:-1], parameters[-1]
        logits = z @ weights + bias
        error = balance * (1 / (1 + np.exp(-logits)) - y)
        value = np.sum(balance * (np.logaddexp(0, logits) - y * logits)) + 0.5 * weights @ weights
        return value, np.append(z.T @ error + weights, error.sum())

    bounds = [{1: (0, None), -1: (None, 0), 0: (None, None)}[DIRECTIONS[f]] for f in features] + [(None, None)]
    fitted = minimize(loss, np.zeros(len(features) + 1), jac=True, bounds=bounds, method="L-BFGS-B").x
    model = AnswerabilityModel(
        features=features, mean=mean.tolist(), scale=scale.tolist(), weights=fitted[:-1].tolist(),
        bias=float(fitted[-1]), threshold=0.0, fitted_on=fitted_on,
    )
    kept = sorted(model.probability(o) for o, a in zip(observed, answerable) if a)
    allowed = math.floor(max_false_refusals * len(kept))  # answerable questions that may fall under the threshold
    model.threshold = kept[allowed] if allowed < len(kept) else kept[-1]
    return model


def fit_fallback_threshold(failed: list[tuple[float, bool]]) -> float | None:
    """From the questions whose generated answer failed its checks, (probability answerable, answerable) each: the
    probability below which refusing them refuses the most more unanswerable than answerable ones (the lowest such
    cut); None when no cut refuses more unanswerable than answerable ones."""
    best, gain = None, 0
    for cut in sorted({p for p, _ in failed}):
        below = [answerable for p, answerable in failed if p <= cut]
        if below.count(False) - below.count(True) > gain:
            best, gain = cut, below.count(False) - below.count(True)
    return None if best is None else math.nextafter(best, math.inf)
