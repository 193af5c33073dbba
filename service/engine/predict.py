"""The positive-class probability of the calibrated pipeline, without scikit-learn's per-call checks.

Live typing scores every note through all five calibration folds with 13 rows (the note and one
counterfactual per missing element). CalibratedClassifierCV.predict_proba validates the input and re-derives
the label encoding in every fold, and for so few rows that bookkeeping costs more than the arithmetic. The
`Predictor` does the same arithmetic (each fold's transformers, its linear decision function, its
calibrator, the mean over the folds), vectorizes the rows once when every fold knows the same features, and
compares itself with predict_proba on the first rows it sees; on any other kind of model, or any difference,
it uses predict_proba.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np

from .scaling import BlockScaler

TOLERANCE = 1e-12


class Predictor:
    def __init__(self, estimator):
        self.estimator = estimator
        self._folds = _linear_folds(estimator)
        self._checked = False

    def positive_proba(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        if self._folds is None:
            return self.estimator.predict_proba(rows)[:, 1]
        if not self._checked:
            reference = self.estimator.predict_proba(rows)[:, 1]
            self._checked = True
            if not np.allclose(self._lean(rows), reference, rtol=0, atol=TOLERANCE):
                self._folds = None
            return reference
        return self._lean(rows)

    @property
    def lean(self) -> bool:
        return self._folds is not None

    def _lean(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        assert self._folds is not None
        shared = self._folds[0][0][0]._vectorize(rows) if self._shared_vocabulary else None
        total = np.zeros(len(rows))
        for transformers, coef, intercept, calibrator in self._folds:
            if shared is not None:  # every fold's BlockScaler knows the same features: vectorize once
                matrix, rest = transformers[0].scale(shared), transformers[1:]
            else:
                matrix, rest = rows, transformers
            for step in rest:
                matrix = step.transform(matrix)
            total += calibrator.predict(np.asarray(matrix) @ coef + intercept)
        return total / len(self._folds)

    @cached_property
    def _shared_vocabulary(self) -> bool:
        assert self._folds is not None
        firsts = [transformers[0] if transformers else None for transformers, *_ in self._folds]
        if not all(isinstance(step, BlockScaler) for step in firsts):
            return False
        vocabulary = firsts[0].vec_.vocabulary_
        return all(step.vec_.vocabulary_ == vocabulary for step in firsts[1:])


def _linear_folds(estimator) -> list[tuple] | None:
    """Each fold's (transformers, coef, intercept, calibrator) for a binary CalibratedClassifierCV over a
    Pipeline ending in a linear model; None for anything else."""
    folds = getattr(estimator, "calibrated_classifiers_", None)
    classes = getattr(estimator, "classes_", None)
    if not folds or classes is None or len(classes) != 2:
        return None
    out = []
    for fold in folds:
        pipeline, calibrators = getattr(fold, "estimator", None), getattr(fold, "calibrators", None)
        steps = getattr(pipeline, "steps", None)
        if not steps or not calibrators or len(calibrators) != 1:
            return None
        final = steps[-1][1]
        coef, intercept = getattr(final, "coef_", None), getattr(final, "intercept_", None)
        if coef is None or intercept is None or np.shape(coef)[0] != 1 or list(final.classes_) != list(classes):
            return None
        out.append(([step for _, step in steps[:-1]], np.asarray(coef[0]), float(intercept[0]), calibrators[0]))
    return out
