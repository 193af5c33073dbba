"""Outcome-model metrics: ROC-AUC, PR-AUC, Brier score, a calibration table, and a paired comparison."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def summary(y: Sequence[int], p: Sequence[float]) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y_arr, p_arr = np.asarray(y), np.asarray(p, dtype=float)
    return {
        "roc_auc": round(float(roc_auc_score(y_arr, p_arr)), 4),
        "pr_auc": round(float(average_precision_score(y_arr, p_arr)), 4),
        "brier": round(float(brier_score_loss(y_arr, p_arr)), 4),
        "base_rate": round(float(y_arr.mean()), 4),
        "n": int(len(y_arr)),
    }


def calibration_table(y: Sequence[int], p: Sequence[float], bins: int = 10) -> list[dict[str, float]]:
    """Equal-width bins of predicted probability: count, mean prediction, observed rate."""
    y_arr, p_arr = np.asarray(y), np.asarray(p, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (p_arr >= lo) & ((p_arr < hi) if hi < 1 else (p_arr <= hi))
        if mask.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(mask.sum()), "predicted": round(float(p_arr[mask].mean()), 4),
                         "observed": round(float(y_arr[mask].mean()), 4)})
    return rows


def paired_auc_difference(y: Sequence[int], p_a: Sequence[float], p_b: Sequence[float], rounds: int = 300, seed: int = 0) -> dict[str, float]:
    """AUC(b) - AUC(a) on the same rows, with a bootstrap 95% interval."""
    from sklearn.metrics import roc_auc_score

    y_arr, a, b = np.asarray(y), np.asarray(p_a), np.asarray(p_b)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(rounds):
        idx = rng.integers(0, len(y_arr), len(y_arr))
        if y_arr[idx].min() == y_arr[idx].max():
            continue
        diffs.append(roc_auc_score(y_arr[idx], b[idx]) - roc_auc_score(y_arr[idx], a[idx]))
    point = roc_auc_score(y_arr, b) - roc_auc_score(y_arr, a)
    lo, hi = np.percentile(diffs, [2.5, 97.5]) if diffs else (float("nan"), float("nan"))
    return {"delta_auc": round(float(point), 4), "ci_low": round(float(lo), 4), "ci_high": round(float(hi), 4)}
