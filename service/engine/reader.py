"""The learned reader: a trained second reading of the note, beside the rules.

The rules are precise and explainable but were written from a few writers' notes; a rep they never read
phrases things they do not match. The reader is one multinomial logistic regression per element over
three blocks of features of the whole note:

- character 1–3-grams of the NFKC-normalised, lower-cased text (robust to typos, IME errors, half-width
  kana and romaji, where GiNZA's lemmas break);
- the note's static embedding (ja_ginza's vectors, the same encoder the outcome model uses);
- the rules' reading of every element (one-hot state, confidence): the reader learns when to trust them.

Its output per element is the probability of each state; the combined decision is their argmax. Where the
reader agrees with the rules the rules' evidence, value and rule id stand; where it decides otherwise the
evidence is the sentence that pushes most towards its decision (the rep can check it), and the source is
`learned`. The artifact is models/reader/<version>/{reader.joblib, meta.json}, checked on load like the
outcome models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .artifact import MODELS_DIR, IncompatibleModelError, ModelNotFoundError, current_version, detector_fingerprint
from .elements import ELEMENT_IDS, STATES, State
from .text import normalize, split_sentences

FORMAT = 1
READER_DIR = MODELS_DIR / "reader"
N_EL, N_ST = len(ELEMENT_IDS), len(STATES)
SOURCE_LEARNED = "learned"
READER_SOURCES = ("reader.py",)  # with the detectors' sources: the code fingerprint of a reader artifact
NEAR_MISS_BELOW = 0.6  # an absent reading this unsure had cue words the parse ruled out
MIN_SENTENCE_CHARS = 4  # evidence shorter than this tells a rep nothing

# element -> (state, confidence): the rules' reading, what the reader's rule block is built from
RuleReading = Mapping[str, tuple[str, float]]


def reader_text(text: str) -> str:
    """What the character n-grams see: NFKC (widths, half-width kana), lower case (romaji), digits as 0."""
    return "".join("0" if c.isdigit() else c for c in normalize(text).text.lower())


def rule_block(reading: RuleReading) -> np.ndarray:
    """One-hot state of every element (12 × 3), the confidence of each present one (12), and whether an absent
    one is a near miss (12): cue words were there but the parse ruled them out (detect.ABSENT_AFTER_REJECTS)."""
    out = np.zeros(N_EL * N_ST + 2 * N_EL, dtype=np.float64)
    for i, el in enumerate(ELEMENT_IDS):
        state, conf = reading.get(el, (State.ABSENT.value, 0.0))
        out[i * N_ST + STATES.index(state)] = 1.0
        if state == State.PRESENT.value:
            out[N_EL * N_ST + i] = conf
        elif state == State.ABSENT.value and conf < NEAR_MISS_BELOW:
            out[N_EL * N_ST + N_EL + i] = 1.0
    return out


@dataclass(frozen=True, slots=True)
class ReaderSettings:
    C: float = 4.0
    ngram_max: int = 3
    min_df: int = 2
    use_rules: bool = True
    use_embedding: bool = True
    rule_scale: float = 1.0  # the rule block's weight against the (L2-normalised) n-gram block
    embedding_scale: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class ReaderModel:
    """Per-element 3-state classifiers; fit on texts, rule readings, embeddings and gold labels."""

    def __init__(self, settings: ReaderSettings | None = None, random_state: int = 0):
        self.settings = settings or ReaderSettings()
        self.random_state = random_state

    # training ------------------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], readings: Sequence[RuleReading], embeddings: np.ndarray | None,
            labels: Sequence[Mapping[str, str]]) -> ReaderModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        s = self.settings
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, s.ngram_max), min_df=s.min_df,
                                           sublinear_tf=True, lowercase=False, dtype=np.float64)
        self.vectorizer_.fit([reader_text(t) for t in texts])
        self.vectorizer_.stop_words_ = None  # the n-grams min_df dropped: only bloat the pickle (sklearn's advice)
        x = self._design(texts, readings, embeddings)
        n_features = x.shape[1]
        self.coef_ = np.zeros((n_features, N_EL * N_ST))
        self.intercept_ = np.full(N_EL * N_ST, -30.0)  # a state never seen in training is never predicted
        for i, el in enumerate(ELEMENT_IDS):
            y = np.array([STATES.index(lab[el]) for lab in labels])
            seen = np.unique(y)
            cols = [i * N_ST + k for k in seen]
            if len(seen) == 1:
                self.intercept_[cols] = 0.0
                continue
            # newton-cg: the same optimum as lbfgs on these sparse blocks, three times faster
            clf = LogisticRegression(C=s.C, solver="newton-cg", max_iter=3000, random_state=self.random_state)
            clf.fit(x, y)
            coef = clf.coef_ if len(seen) > 2 else np.vstack([-clf.coef_[0] / 2, clf.coef_[0] / 2])
            icpt = clf.intercept_ if len(seen) > 2 else np.array([-clf.intercept_[0] / 2, clf.intercept_[0] / 2])
            self.coef_[:, cols] = coef.T
            self.intercept_[cols] = icpt
        self.n_text_features_ = len(self.vectorizer_.vocabulary_)
        return self

    # reading -------------------------------------------------------------------------------------------
    def _design(self, texts: Sequence[str], readings: Sequence[RuleReading] | None, embeddings: np.ndarray | None):
        from scipy import sparse

        s = self.settings
        blocks = [self.vectorizer_.transform([reader_text(t) for t in texts])]
        if s.use_embedding:
            if embeddings is None:
                raise ValueError("this reader reads the note's embedding: pass embeddings")
            blocks.append(sparse.csr_matrix(np.asarray(embeddings, dtype=np.float64) * s.embedding_scale))
        if s.use_rules:
            if readings is None:
                raise ValueError("this reader reads the rules' findings: pass readings")
            blocks.append(sparse.csr_matrix(np.vstack([rule_block(r) for r in readings]) * s.rule_scale))
        return sparse.hstack(blocks, format="csr")

    def proba(self, texts: Sequence[str], readings: Sequence[RuleReading] | None,
              embeddings: np.ndarray | None) -> np.ndarray:
        """P(state) of every element: shape (notes, 12, 3), states in STATES order."""
        z = np.asarray(self._design(texts, readings, embeddings) @ self.coef_) + self.intercept_
        z = z.reshape(len(texts), N_EL, N_ST)
        z -= z.max(axis=2, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=2, keepdims=True)

    def evidence(self, text: str, element: str, state: str) -> tuple[int, int] | None:
        """The sentence whose n-grams push hardest from `absent` towards `state` for `element`."""
        if state == State.ABSENT.value:
            return None
        segments = [s for s in split_sentences(text) if len(s.text.strip()) >= MIN_SENTENCE_CHARS]
        if not segments:
            return None
        i = ELEMENT_IDS.index(element)
        col, base = i * N_ST + STATES.index(state), i * N_ST + STATES.index(State.ABSENT.value)
        direction = self.coef_[: self.n_text_features_, col] - self.coef_[: self.n_text_features_, base]
        x = self.vectorizer_.transform([reader_text(s.text) for s in segments])
        pushes = np.asarray(x @ direction).ravel()
        best = segments[int(np.argmax(pushes))]
        lead = len(best.text) - len(best.text.lstrip())
        return best.start + lead, best.start + len(best.text.rstrip())


@dataclass(frozen=True)
class Reader:
    """A loaded reader artifact: the model and its meta.json."""

    path: Path
    meta: dict[str, Any]
    model: ReaderModel

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    @property
    def uses_embedding(self) -> bool:
        return self.model.settings.use_embedding


def code_fingerprint() -> str:
    """The detectors' fingerprint and this module's source: what a reader's rule block and features mean."""
    digest = hashlib.sha256(detector_fingerprint().encode())
    for name in READER_SOURCES:
        digest.update((Path(__file__).resolve().parent / name).read_bytes())
    return digest.hexdigest()[:16]


def load_reader(path: str | Path, encoder_fingerprint: str | None = None) -> Reader:
    """Load and check a reader: format, label set, scikit-learn version, detector code and encoder."""
    import joblib
    import sklearn

    path = Path(path)
    meta_file = path / "meta.json"
    if not meta_file.exists():
        raise ModelNotFoundError(f"no reader version {path.name!r} in {path.parent} (no meta.json); "
                                 "`python -m training train-detector --data FILE...` trains one")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    problems = []
    if meta.get("format") != FORMAT:
        problems.append(f"reader format {meta.get('format')!r}, this code reads {FORMAT}")
    if meta.get("elements") != list(ELEMENT_IDS) or meta.get("states") != list(STATES):
        problems.append("its element ids or states differ from this code's")
    trained = str(meta.get("libraries", {}).get("scikit-learn", "?"))
    if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        problems.append(f"pickled with scikit-learn {trained}, installed {sklearn.__version__}")
    if meta.get("code_fingerprint") != code_fingerprint():
        problems.append(f"trained on detector code {meta.get('code_fingerprint')}, running {code_fingerprint()}: "
                        "retrain it with `python -m training train-detector`")
    enc = meta.get("encoder_fingerprint")
    if encoder_fingerprint is not None and enc is not None and enc != encoder_fingerprint:
        problems.append(f"trained with encoder fingerprint {enc}, the configured encoder's is {encoder_fingerprint}")
    if problems:
        raise IncompatibleModelError(f"reader {path.name} cannot be used: " + "; ".join(problems))
    if not (path / "reader.joblib").exists():
        raise ModelNotFoundError(f"no reader.joblib in {path}")
    model = joblib.load(path / "reader.joblib")
    if not isinstance(model, ReaderModel):
        raise IncompatibleModelError(f"reader {path.name}: reader.joblib is not a ReaderModel")
    return Reader(path, meta, model)


def current_reader(readers_dir: Path = READER_DIR, encoder_fingerprint: str | None = None) -> Reader:
    return load_reader(readers_dir / current_version(readers_dir), encoder_fingerprint)


def decide(probs: np.ndarray) -> list[tuple[str, float]]:
    """The reader's state and its probability for each element, from one note's (12, 3) probabilities."""
    return [(STATES[int(k)], float(p[k])) for p, k in zip(probs, probs.argmax(axis=1), strict=True)]
