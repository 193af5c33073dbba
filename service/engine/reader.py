"""The learned reader: a trained second reading of the note, beside the rules.

The rules are precise and explainable but were written from a few writers' notes; a rep they never read
phrases things they do not match. The reader has two stages:

- the text model, one multinomial logistic regression per element over the note's character 1–3-grams
  (NFKC-normalised, lower-cased, digits as 0: robust to typos, IME errors, half-width kana and romaji, where
  GiNZA's lemmas break), the character 2–4-grams of its reading in katakana (Sudachi's reading of each word:
  決裁者, 決済者 and ｹｯｻｲｼｬ all read ケッサイシャ, so a note in half-width kana or with IME errors shares
  features with one in kanji) and its static embedding (ja_ginza's vectors, the encoder the outcome model uses);
- the combiner, one small logistic regression per element over the rules' reading of every element
  (one-hot state, confidence, near misses) and the text model's probabilities, trained on out-of-fold text
  probabilities (inner folds grouped by writer), so that it learns how far to trust each on unseen writers.

Its output per element is the probability of each state; the combined decision is their argmax. Where the
reader agrees with the rules the rules' evidence, value and rule id stand; where it decides otherwise the
evidence is the sentence that pushes most towards its decision (the rep can check it), and the source is
`learned`. The artifact is models/reader/<version>/{reader.joblib, meta.json}, checked on load like the
outcome models.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .artifact import (
    MODELS_DIR,
    IncompatibleModelError,
    ModelNotFoundError,
    current_version,
    detector_fingerprint,
    unpickle,
)
from .elements import ELEMENT_IDS, STATES, State
from .text import normalize, split_sentences

FORMAT = 1
READER_DIR = MODELS_DIR / "reader"
N_EL, N_ST = len(ELEMENT_IDS), len(STATES)
SOURCE_LEARNED = "learned"
READER_SOURCES = ("reader.py",)  # with the detectors' sources: the code fingerprint of a reader artifact
NEAR_MISS_BELOW = 0.6  # an absent reading this unsure had cue words the parse ruled out
MIN_SENTENCE_CHARS = 4  # evidence shorter than this tells a rep nothing
# Below this many characters the rules' reading stands: on the by-writer predictions, notes under 30
# characters were read better by the rules alone (3-state accuracy 0.964 vs 0.953 combined, 48 notes), notes
# of 30–50 better combined (0.942 vs 0.931); a one-sentence note's n-gram profile is unlike any note trained on.
MIN_NOTE_CHARS = 30

# element -> (state, confidence): the rules' reading, what the reader's rule block is built from
RuleReading = Mapping[str, tuple[str, float]]


def reader_text(text: str) -> str:
    """What the character n-grams see: NFKC (widths, half-width kana), lower case (romaji), digits as 0."""
    return "".join("0" if c.isdigit() else c for c in normalize(text).text.lower())


_READING_CHUNK = 2000  # characters per Sudachi call: its input limit is in bytes, far above this
_local = threading.local()  # a Sudachi tokenizer may not be shared between threads


def kana_reading(text: str) -> str:
    """The note as read aloud: each word's katakana reading (Sudachi, the dictionary GiNZA uses), symbols and
    unknown words as written, on the reader_text normalisation."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        tokenizer = _local.tokenizer = Dictionary(dict="core").create(SplitMode.C)
    out: list[str] = []
    for line in reader_text(text).split("\n"):
        for i in range(0, len(line), _READING_CHUNK):
            for m in tokenizer.tokenize(line[i:i + _READING_CHUNK]):
                reading = m.reading_form()
                out.append(m.surface() if not reading or reading == "キゴウ" else reading)
        out.append("\n")
    return "".join(out)


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
    C: float = 4.0  # the text model's inverse regularisation
    ngram_max: int = 3
    min_df: int = 2
    use_reading: bool = True  # the katakana reading's character 2–4-grams (kana_reading)
    use_rules: bool = True  # False: the text model alone (the "learned" column of the by-writer evaluation)
    use_embedding: bool = True
    combiner_C: float = 0.3
    inner_folds: int = 4  # grouped by writer: the out-of-fold text probabilities the combiner learns from

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class ReaderModel:
    """Two stages. The text model: per-element 3-state logistic regressions over the note's character n-grams
    and embedding. The combiner: per element, a small logistic regression over the rules' reading (rule_block)
    and the text model's probabilities of all elements, trained on *out-of-fold* text probabilities (folds
    grouped by writer), so it learns how far to trust each reader on notes the text model has not seen."""

    def __init__(self, settings: ReaderSettings | None = None, random_state: int = 0):
        self.settings = settings or ReaderSettings()
        self.random_state = random_state

    # training ------------------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], readings: Sequence[RuleReading], embeddings: np.ndarray | None,
            labels: Sequence[Mapping[str, str]], groups: Sequence[str] | None = None) -> ReaderModel:
        """`groups` (the writer of each note) keeps a writer's notes in one inner fold."""
        y = np.array([[STATES.index(lab[el]) for el in ELEMENT_IDS] for lab in labels])
        self._fit_text(texts, embeddings, y)
        self.combiner_ = None
        if self.settings.use_rules:
            oof = self._out_of_fold(texts, embeddings, y, groups)
            self.oof_text_proba_ = oof  # for the trainer's metrics; train_reader drops it before saving
            self.combiner_ = _fit_softmax(self._stack(readings, oof), y, self.settings.combiner_C, self.random_state)
        return self

    def _fit_text(self, texts: Sequence[str], embeddings: np.ndarray | None, y: np.ndarray) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        s = self.settings
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, s.ngram_max), min_df=s.min_df,
                                           sublinear_tf=True, lowercase=False, dtype=np.float64)
        self.vectorizer_.fit([reader_text(t) for t in texts])
        self.vectorizer_.stop_words_ = None  # the n-grams min_df dropped: only bloat the pickle (sklearn's advice)
        self.n_text_features_ = len(self.vectorizer_.vocabulary_)
        self.reading_vectorizer_ = None
        if s.use_reading:
            self.reading_vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), min_df=s.min_df,
                                                       sublinear_tf=True, lowercase=False, dtype=np.float64)
            self.reading_vectorizer_.fit([kana_reading(t) for t in texts])
            self.reading_vectorizer_.stop_words_ = None
        self.coef_, self.intercept_ = _fit_softmax(self._design(texts, embeddings), y, s.C, self.random_state)

    def _out_of_fold(self, texts: Sequence[str], embeddings: np.ndarray | None, y: np.ndarray,
                     groups: Sequence[str] | None) -> np.ndarray:
        from sklearn.model_selection import GroupKFold, KFold

        k = self.settings.inner_folds
        if groups is not None and len(set(groups)) >= k:
            splits = GroupKFold(n_splits=k).split(texts, groups=list(groups))
        else:  # too few writers to hold one out: plain folds (a tiny data set; said in meta.json)
            splits = KFold(n_splits=min(k, len(texts)), shuffle=True, random_state=self.random_state).split(texts)
        oof = np.zeros((len(texts), N_EL, N_ST))
        for train, test in splits:
            inner = ReaderModel(replace(self.settings, use_rules=False), self.random_state)
            inner._fit_text([texts[i] for i in train], None if embeddings is None else embeddings[train], y[train])
            oof[test] = inner.text_proba([texts[i] for i in test], None if embeddings is None else embeddings[test])
        return oof

    # reading -------------------------------------------------------------------------------------------
    def _design(self, texts: Sequence[str], embeddings: np.ndarray | None):
        from scipy import sparse

        blocks = [self.vectorizer_.transform([reader_text(t) for t in texts])]
        if self.settings.use_embedding:
            if embeddings is None:
                raise ValueError("this reader reads the note's embedding: pass embeddings")
            blocks.append(sparse.csr_matrix(np.asarray(embeddings, dtype=np.float64)))
        if self.reading_vectorizer_ is not None:
            blocks.append(self.reading_vectorizer_.transform([kana_reading(t) for t in texts]))
        return sparse.hstack(blocks, format="csr")

    @staticmethod
    def _stack(readings: Sequence[RuleReading] | None, text_probs: np.ndarray) -> np.ndarray:
        if readings is None:
            raise ValueError("this reader reads the rules' findings: pass readings")
        rules = np.vstack([rule_block(r) for r in readings])
        return np.hstack([rules, text_probs.reshape(len(text_probs), -1)])

    def text_proba(self, texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
        """The text model's P(state) of every element: shape (notes, 12, 3)."""
        return _softmax(np.asarray(self._design(texts, embeddings) @ self.coef_) + self.intercept_, len(texts))

    def proba(self, texts: Sequence[str], readings: Sequence[RuleReading] | None,
              embeddings: np.ndarray | None) -> np.ndarray:
        """P(state) of every element: shape (notes, 12, 3), states in STATES order; the combined reading when
        the reader was trained with the rules, else the text model's."""
        text = self.text_proba(texts, embeddings)
        if self.combiner_ is None:
            return text
        coef, icpt = self.combiner_
        return _softmax(self._stack(readings, text) @ coef + icpt, len(texts))

    def evidence(self, text: str, element: str, state: str) -> tuple[int, int] | None:
        """The sentence whose n-grams (characters and reading) push hardest from `absent` towards `state` for `element`."""
        if state == State.ABSENT.value:
            return None
        segments = [s for s in split_sentences(text) if len(s.text.strip()) >= MIN_SENTENCE_CHARS]
        if not segments:
            return None
        i = ELEMENT_IDS.index(element)
        col, base = i * N_ST + STATES.index(state), i * N_ST + STATES.index(State.ABSENT.value)
        direction = self.coef_[:, col] - self.coef_[:, base]
        x = self.vectorizer_.transform([reader_text(s.text) for s in segments])
        pushes = np.asarray(x @ direction[: self.n_text_features_]).ravel()
        if self.reading_vectorizer_ is not None:  # the reading's block is the last one of the design
            n = len(self.reading_vectorizer_.vocabulary_)
            kana = self.reading_vectorizer_.transform([kana_reading(s.text) for s in segments])
            pushes += np.asarray(kana @ direction[-n:]).ravel()
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
    model = unpickle(path / "reader.joblib", f"reader {path.name}")
    if not isinstance(model, ReaderModel):
        raise IncompatibleModelError(f"reader {path.name}: reader.joblib is not a ReaderModel")
    return Reader(path, meta, model)


def find_reader(models_dir: Path, name: str | None, encoder_fingerprint: str | None = None) -> Reader | None:
    """The reader `name` under models_dir/reader/: a version, "current" (the registry's; None when there is no
    registry yet), or None / "none" for the rules alone."""
    readers = models_dir / READER_DIR.name
    if name in (None, "none") or (name == "current" and not (readers / "registry.json").exists()):
        return None
    return load_reader(readers / (current_version(readers) if name == "current" else name), encoder_fingerprint)


def _fit_softmax(x, y: np.ndarray, C: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """One multinomial logistic regression per element (column of y), packed as (features, 12 × 3) weights."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((x.shape[1], N_EL * N_ST))
    intercept = np.full(N_EL * N_ST, -30.0)  # a state never seen in training is never predicted
    for i in range(N_EL):
        seen = np.unique(y[:, i])
        cols = [i * N_ST + k for k in seen]
        if len(seen) == 1:
            intercept[cols] = 0.0
            continue
        # newton-cg: the same optimum as lbfgs on these sparse blocks, three times faster
        clf = LogisticRegression(C=C, solver="newton-cg", max_iter=3000, random_state=random_state).fit(x, y[:, i])
        w = clf.coef_ if len(seen) > 2 else np.vstack([-clf.coef_[0] / 2, clf.coef_[0] / 2])
        b = clf.intercept_ if len(seen) > 2 else np.array([-clf.intercept_[0] / 2, clf.intercept_[0] / 2])
        coef[:, cols] = w.T
        intercept[cols] = b
    return coef, intercept


def _softmax(z: np.ndarray, n: int) -> np.ndarray:
    z = z.reshape(n, N_EL, N_ST)
    z = z - z.max(axis=2, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=2, keepdims=True)


def reads(text: str) -> bool:
    """Whether the reader decides for this note, or the rules' reading stands (too short: MIN_NOTE_CHARS)."""
    return len(text.strip()) >= MIN_NOTE_CHARS


def decide(probs: np.ndarray) -> list[tuple[str, float]]:
    """The reader's state and its probability for each element, from one note's (12, 3) probabilities."""
    return [(STATES[int(k)], float(p[k])) for p, k in zip(probs, probs.argmax(axis=1), strict=True)]
