"""Scoring a note: Scorer.from_dir(path).score(text, fields) → probability, 0–100 score, band, detections,
and the missing context ranked by how much the model's probability would rise if it were captured.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import budget
from .artifact import MODELS_DIR, Artifact, current_version, load_artifact
from .detect import NoteDetections, detect
from .elements import BY_ID, State
from .embedder import Embedder
from .features import Fields, Summary, feature_dict, summarize, with_present
from .nlp import Parser, default_parser
from .predict import Predictor
from .reader import READER_DIR, Reader, load_reader
from .text import validate

BANDS = ((80, "A"), (60, "B"), (35, "C"), (0, "D"))  # on the 0–100 score


@dataclass(frozen=True, slots=True)
class Suggestion:
    element: str
    name_ja: str
    state: str  # the element's state now: absent or unknown
    gain: float  # rise in probability if the element were present (probability points, 0–1)
    question_ja: str


@dataclass(frozen=True, slots=True)
class ScoreResult:
    probability: float
    score: int
    band: str
    detections: NoteDetections
    suggestions: tuple[Suggestion, ...]
    model_version: str


class Scorer:
    def __init__(self, artifact: Artifact, embedder: Embedder, parser: Parser | None = None, reader: Reader | None = None):
        self.artifact = artifact
        self.embedder = embedder
        self.parser = parser or default_parser()
        self.reader = reader  # the learned reader the model was trained with (None: rules only)
        self._quantiles = list(artifact.meta["score_quantiles"])
        self._predictor = Predictor(artifact.estimator)

    @classmethod
    def from_dir(cls, path: str | Path, embedder: Embedder | None = None, parser: Parser | None = None) -> Scorer:
        embedder = embedder or Embedder()
        artifact = load_artifact(path, embedder.fingerprint)
        return cls(artifact, embedder, parser, reader_of(artifact, embedder))

    @classmethod
    def current(cls, models_dir: Path = MODELS_DIR, embedder: Embedder | None = None, parser: Parser | None = None) -> Scorer:
        return cls.from_dir(models_dir / current_version(models_dir), embedder, parser)

    @property
    def version(self) -> str:
        return self.artifact.version

    def score(self, text: str, fields: Fields | Mapping[str, object] | None = None) -> ScoreResult:
        fields = fields if isinstance(fields, Fields) else Fields.from_mapping(fields)
        text = validate(text)  # what the encoder, the parser and the caller's store all read
        budget.check()  # a batch stops between notes when its request's budget ran out
        embedding = self.embedder.encode([text])[0]
        detections = detect(text, self.parser, self.reader, embedding)
        summary = summarize(detections)
        missing = _missing(summary)
        variants = [summary] + [with_present(summary, el) for el in missing]
        probs = self._predictor_of_model().positive_proba([feature_dict(v, embedding, fields, len(text)) for v in variants])
        p = float(probs[0])
        suggestions = sorted(
            (self._suggestion(el, summary, float(q) - p) for el, q in zip(missing, probs[1:], strict=True)),
            key=lambda s: -s.gain,
        )
        score = self.to_score(p)
        return ScoreResult(round(p, 4), score, band_of(score), detections, tuple(s for s in suggestions if s.gain > 0),
                           self.version)

    def _predictor_of_model(self) -> Predictor:
        if self._predictor.estimator is not self.artifact.estimator:  # the artifact was swapped (tests do)
            self._predictor = Predictor(self.artifact.estimator)
        return self._predictor

    def to_score(self, probability: float) -> int:
        """0–100: the share of held-out handoffs this one scores above (the percentile of its probability)."""
        q = self._quantiles
        return int(round(100 * bisect.bisect_right(q, probability) / len(q)))

    @staticmethod
    def _suggestion(element: str, summary: Summary, gain: float) -> Suggestion:
        el = BY_ID[element]
        return Suggestion(element, el.name_ja, summary[element][0], round(gain, 4), el.question_ja)


def reader_of(artifact: Artifact, embedder: Embedder) -> Reader | None:
    """The reader version named in the model's meta.json, from models/reader/ beside the model (checked on load:
    a model's features mean what that reader decided)."""
    name = artifact.meta.get("reader", {}).get("version")
    if not name:
        return None
    return load_reader(artifact.path.parent / READER_DIR.name / name, embedder.fingerprint)


def _missing(summary: Summary) -> list[str]:
    return [el for el, reading in summary.items() if reading[0] != State.PRESENT]


def band_of(score: int) -> str:
    return next(b for threshold, b in BANDS if score >= threshold)
