"""Versions in models/: list, evaluate, compare (champion vs challenger on the same rows), promote."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from service.engine.artifact import (
    MODELS_DIR,
    Artifact,
    current_version,
    load_artifact,
    read_meta,
    set_current,
)
from service.engine.embedder import Embedder
from service.engine.scorer import reader_of

from .featurize import build_features, detect_summaries, reader_summaries
from .handoffs import Handoff, load_handoffs
from .metrics import calibration_table, paired_auc_difference, summary
from .model import build_peer
from .train import is_heldout


def list_versions(models_dir: Path = MODELS_DIR) -> list[dict]:
    try:
        current = current_version(models_dir)
    except Exception:  # noqa: BLE001 - no registry yet
        current = None
    out = []
    for meta_file in sorted(models_dir.glob("*/meta.json")):
        meta = read_meta(meta_file.parent)
        ours = meta.get("metrics", {}).get("ours", {})
        out.append({"version": meta["version"], "trained_at": meta.get("trained_at"), "rows": meta.get("data", {}).get("rows"),
                    "roc_auc": ours.get("roc_auc"), "brier": ours.get("brier"), "current": meta["version"] == current})
    return out


def promote(version: str, models_dir: Path = MODELS_DIR, embedder: Embedder | None = None) -> None:
    """Make `version` current, after checking it loads with the configured encoder."""
    load_artifact(models_dir / version, (embedder or Embedder()).fingerprint)
    set_current(version, models_dir)


def predict(artifact: Artifact, rows: list[Handoff], embedder: Embedder, workers: int = 2) -> np.ndarray:
    summaries = detect_summaries([r.text for r in rows], workers=workers)
    reader = reader_of(artifact, embedder)
    if reader is not None:
        summaries = reader_summaries([r.text for r in rows], summaries, reader, embedder)
    feats = build_features([r.text for r in rows], summaries, [r.fields for r in rows], embedder)
    return artifact.estimator.predict_proba(feats)[:, 1]


def evaluation_rows(paths: list[str], heldout_percent: int | None, columns: dict | None = None) -> list[Handoff]:
    rows = load_handoffs(paths, columns).rows
    return rows if heldout_percent is None else [r for r in rows if is_heldout(r.id, heldout_percent)]


def evaluate(version: str, paths: list[str], all_rows: bool = False, models_dir: Path = MODELS_DIR,
             embedder: Embedder | None = None, columns: dict | None = None, peer: bool = False) -> dict:
    """Metrics of a version on the held-out rows; with `peer`, also the naive peer fitted on the other rows as
    training does, and ours − peer with a paired bootstrap interval."""
    embedder = embedder or Embedder()
    artifact = load_artifact(models_dir / version, embedder.fingerprint)
    rows = evaluation_rows(paths, None if all_rows else artifact.meta["config"]["heldout_percent"], columns)
    y = np.array([r.opportunity for r in rows])
    p = predict(artifact, rows, embedder)
    result = {"version": version, "metrics": summary(y, p), "calibration": calibration_table(y, p)}
    if peer:
        if all_rows:
            raise ValueError("--peer needs the held-out split: the peer is fitted on the other rows")
        percent = artifact.meta["config"]["heldout_percent"]
        train_rows = [r for r in load_handoffs(paths, columns).rows if not is_heldout(r.id, percent)]
        fitted = build_peer(artifact.meta["config"]["seed"]).fit([r.text for r in train_rows],
                                                                 [r.opportunity for r in train_rows])
        p_peer = fitted.predict_proba([r.text for r in rows])[:, 1]
        result["peer"] = summary(y, p_peer)
        result["ours_minus_peer"] = paired_auc_difference(y, p_peer, p, rounds=1000)
    return result


def compare(champion: str, challenger: str, paths: list[str], models_dir: Path = MODELS_DIR,
            embedder: Embedder | None = None, columns: dict | None = None) -> dict:
    """Both models on the same rows: the champion's held-out split of the given data."""
    embedder = embedder or Embedder()
    a = load_artifact(models_dir / champion, embedder.fingerprint)
    b = load_artifact(models_dir / challenger, embedder.fingerprint)
    rows = evaluation_rows(paths, a.meta["config"]["heldout_percent"], columns)
    y = np.array([r.opportunity for r in rows])
    p_a, p_b = predict(a, rows, embedder), predict(b, rows, embedder)
    return {"rows": len(rows), champion: summary(y, p_a), challenger: summary(y, p_b),
            "challenger_minus_champion": paired_auc_difference(y, p_a, p_b)}
