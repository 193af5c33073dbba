"""Training and measuring the learned reader (service/engine/reader.py) on annotated notes.

The rules' readings are computed once per note (cached with the outcome model's detections) and are
inputs, not labels. Measurement is by writer: each writer's notes are read by a reader trained without
any of that writer's notes, which is what a new customer's reps get.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from service.engine.elements import ELEMENT_IDS, STATES
from service.engine.reader import (
    FORMAT,
    READER_DIR,
    ReaderModel,
    ReaderSettings,
    RuleReading,
    code_fingerprint,
    decide,
    reads,
)

from .augment import HALF_WIDTH_SHARE, half_width_copies
from .featurize import detect_summaries, rule_readings
from .records import Annotated, load_annotated

MODES = ("rules", "learned", "combined")


@dataclass(frozen=True)
class Corpus:
    records: list[Annotated]  # the annotated notes, then their re-typed copies (training/augment.py)
    readings: list[RuleReading]
    embeddings: np.ndarray | None
    originals: int = -1  # how many of `records` are annotated notes (-1: all)

    @property
    def notes(self) -> list[Annotated]:
        """The annotated notes, without the copies: what is measured."""
        return self.records if self.originals < 0 else self.records[:self.originals]

    def texts(self, idx: list[int] | None = None) -> list[str]:
        return [self.records[i].text for i in (range(len(self.records)) if idx is None else idx)]

    def take(self, idx: list[int]) -> Corpus:
        emb = None if self.embeddings is None else self.embeddings[idx]
        return Corpus([self.records[i] for i in idx], [self.readings[i] for i in idx], emb)


def refuse_eval_dev(paths: list[str]) -> None:
    """../shared/eval-dev/ measures the project from outside; it is never training data."""
    bad = [p for p in paths if "eval-dev" in Path(p).resolve().parts]
    if bad:
        raise ValueError(f"{bad[0]} is in eval-dev/, which is never training data; measure on it with "
                         "`evaluate-detector --gold` instead")


def load_corpus(paths: list[str], workers: int = 2, embedder=None, progress: bool = True,
                half_width_share: float = HALF_WIDTH_SHARE) -> Corpus:
    """The annotated notes of `paths` and, after them, half-width re-typed copies of a share of them."""
    notes = load_annotated(paths)
    records = notes + half_width_copies(notes, half_width_share)
    texts = [r.text for r in records]
    summaries = detect_summaries(texts, workers=workers, progress=progress)
    readings = rule_readings(summaries)
    embeddings = embedder.encode(texts) if embedder is not None else None
    return Corpus(records, readings, embeddings, len(notes))


def fit(corpus: Corpus, settings: ReaderSettings) -> ReaderModel:
    return ReaderModel(settings).fit(corpus.texts(), corpus.readings, corpus.embeddings,
                                     [r.labels for r in corpus.records], [r.writer for r in corpus.records])


def predict_states(model: ReaderModel, corpus: Corpus) -> list[dict[str, str]]:
    return [_states(p) for p in model.proba(corpus.texts(), corpus.readings, corpus.embeddings)]


def predict_probs(model: ReaderModel, corpus: Corpus) -> np.ndarray:
    return model.proba(corpus.texts(), corpus.readings, corpus.embeddings)


def by_writer(corpus: Corpus, settings: ReaderSettings, progress: bool = True, jobs: int = 1) -> dict[str, object]:
    """Leave-one-writer-out: every note is read by readers trained without its writer.

    Returns {"rules"|"learned"|"combined": predicted states per annotated note (corpus.notes), "probs": the
    combined reader's probabilities per note (for calibration), "writers": the order}. A writer's re-typed
    copies are left out of the training with the writer, and never scored. `jobs` folds run in parallel."""
    notes = corpus.notes
    writers = sorted({r.writer for r in notes})
    if len(writers) < 2 or "" in writers:
        raise ValueError("evaluation by writer needs every record to name its writer, and at least two writers")
    out: dict[str, list] = {m: [None] * len(notes) for m in MODES}
    probs = np.zeros((len(notes), len(ELEMENT_IDS), len(STATES)))
    folds = [[i for i, r in enumerate(notes) if r.writer == w] for w in writers]
    start = time.monotonic()
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = pool.map(_fold, [corpus] * len(folds), folds, [settings] * len(folds))
            done = _collect(results, folds, writers, out, probs, progress, start)
    else:
        done = _collect((_fold(corpus, test, settings) for test in folds), folds, writers, out, probs, progress, start)
    for i in range(len(notes)):
        out["rules"][i] = {el: corpus.readings[i][el][0] for el in ELEMENT_IDS}
        if not reads(notes[i].text):  # what detect() serves: the rules' reading stands
            out["combined"][i] = out["rules"][i]
            probs[i] = [[c if s == st else (1 - c) / 2 for s in STATES]  # with the rules' own confidence
                        for st, c in (corpus.readings[i][el] for el in ELEMENT_IDS)]
    assert done == len(folds)
    return {**out, "probs": probs, "writers": writers}


def _fold(corpus: Corpus, test: list[int], settings: ReaderSettings) -> tuple[list[dict[str, str]], np.ndarray]:
    """Train a reader without the writer of the notes in `test` (nor its re-typed copies); read `test` with its
    text model alone and combined."""
    held = {corpus.records[i].writer for i in test}
    te = corpus.take(test)
    tr = corpus.take([i for i, r in enumerate(corpus.records) if r.writer not in held])
    model = fit(tr, replace(settings, use_rules=True))
    learned = model.text_proba(te.texts(), te.embeddings)
    return [_states(p) for p in learned], predict_probs(model, te)


def _states(probs: np.ndarray) -> dict[str, str]:
    return {el: s for el, (s, _) in zip(ELEMENT_IDS, decide(probs), strict=True)}


def _collect(results, folds, writers, out, probs, progress, start) -> int:
    done = 0
    for test, w, (learned, p) in zip(folds, writers, results, strict=True):
        probs[test] = p
        for i, pl, pc in zip(test, learned, p, strict=True):
            out["learned"][i] = pl
            out["combined"][i] = _states(pc)  # notes too short for the reader: replaced by the rules below
        done += 1
        if progress:
            print(f"  writer {w}: {len(test)} notes ({done}/{len(writers)}), {time.monotonic() - start:.0f} s",
                  file=sys.stderr, flush=True)
    return done


def data_hash(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for p in sorted(paths):
        digest.update(Path(p).read_bytes())
    return digest.hexdigest()[:16]


def train_reader(paths: list[str], settings: ReaderSettings | None = None, readers_dir: Path = READER_DIR,
                 version: str | None = None, workers: int = 2, embedder=None, metrics: dict | None = None,
                 half_width_share: float = HALF_WIDTH_SHARE) -> Path:
    """Fit on every record of `paths` and write models/reader/<version>/{reader.joblib, meta.json}."""
    import joblib
    import sklearn

    refuse_eval_dev(paths)
    settings = settings or ReaderSettings()
    if settings.use_embedding and embedder is None:
        from service.engine.embedder import Embedder

        embedder = Embedder()
    started = time.monotonic()
    corpus = load_corpus(paths, workers, embedder if settings.use_embedding else None, half_width_share=half_width_share)
    model = fit(corpus, settings)
    oof = getattr(model, "oof_text_proba_", None)
    if oof is not None:
        del model.oof_text_proba_
        from .detector_eval import score

        report = score(corpus.notes, [_states(p) for p in oof[:len(corpus.notes)]])
        grouped = len({r.writer for r in corpus.records}) >= settings.inner_folds
        metrics = {**(metrics or {}), "text_model_out_of_fold": {
            "folds": f"{settings.inner_folds} {'grouped by writer' if grouped else 'by note (too few writers)'}",
            "macro_f1_present": round(report.macro_f1, 4), "accuracy_3state": round(report.accuracy_3state, 4),
            "per_element": {el: {"precision": round(e.precision, 4), "recall": round(e.recall, 4), "f1": round(e.f1, 4)}
                            for el, e in report.per_element.items()}}}
    dhash = data_hash(paths)
    version = version or f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{dhash[:6]}"
    out = readers_dir / version
    out.mkdir(parents=True, exist_ok=False)
    joblib.dump(model, out / "reader.joblib", compress=3)
    writers: dict[str, int] = {}
    for r in corpus.notes:
        writers[r.writer or "?"] = writers.get(r.writer or "?", 0) + 1
    meta = {
        "format": FORMAT, "version": version, "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "elements": list(ELEMENT_IDS), "states": list(STATES), "settings": settings.as_dict(),
        "data": {"files": [str(p) for p in paths], "rows": len(corpus.notes), "sha256": dhash, "writers": writers,
                 "half_width_copies": {"share": half_width_share, "rows": len(corpus.records) - len(corpus.notes)}},
        "libraries": {"scikit-learn": sklearn.__version__},
        "code_fingerprint": code_fingerprint(),
        "encoder_fingerprint": embedder.fingerprint if settings.use_embedding else None,
        "n_text_features": model.n_text_features_,
        "metrics": metrics or {},
        "train_seconds": round(time.monotonic() - started, 1),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out
