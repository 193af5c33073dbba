"""Train a versioned outcome model: load → split → detect → features → fit → measure → save."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version as pkg_version
from pathlib import Path

import numpy as np

from service.engine.artifact import FORMAT, MODELS_DIR, detector_fingerprint, feature_names_of
from service.engine.embedder import Embedder
from service.engine.reader import find_reader

from .featurize import build_features, detect_summaries, reader_summaries
from .handoffs import Handoff, load_handoffs
from .metrics import calibration_table, summary
from .model import ModelConfig, build_classifier, build_peer, element_weights
from .records import id_bucket

LIBRARIES = ("scikit-learn", "spacy", "ginza", "ja-ginza", "sentence-transformers", "numpy", "torch")


def is_heldout(handoff_id: str, percent: int) -> bool:
    """Deterministic by id; salted so it is independent of the annotated-notes split (same ids, other use)."""
    return id_bucket(handoff_id, salt="outcome:") < percent


def split(rows: list[Handoff], percent: int) -> tuple[list[Handoff], list[Handoff]]:
    train = [r for r in rows if not is_heldout(r.id, percent)]
    held = [r for r in rows if is_heldout(r.id, percent)]
    return train, held


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def train(paths: list[str], config: ModelConfig, columns: dict | None = None, models_dir: Path = MODELS_DIR,
          strict: bool = False, workers: int = 2, embedder: Embedder | None = None, version: str | None = None,
          reader: str | None = "current") -> Path:
    """`reader`: the learned reader version under models_dir/reader/ whose decisions the features read
    ("current": the registry's, when there is one; None: the rules alone)."""
    import joblib

    t0 = time.monotonic()
    loaded = load_handoffs(paths, columns, strict)
    for problem in loaded.problems:
        log(f"skipped {problem}")
    rows = loaded.rows
    train_rows, held_rows = split(rows, config.heldout_percent)
    if len({r.opportunity for r in train_rows}) < 2 or len({r.opportunity for r in held_rows}) < 2:
        raise ValueError("both outcomes (opportunity 0 and 1) are needed in the training and held-out parts")
    log(f"{len(rows)} handoffs ({len(loaded.problems)} skipped): {len(train_rows)} train, {len(held_rows)} held out")
    embedder = embedder or Embedder()
    log("detecting context (GiNZA)…")
    summaries = detect_summaries([r.text for r in rows], workers=workers)
    loaded_reader = find_reader(models_dir, reader, embedder.fingerprint)
    if loaded_reader is not None:
        log(f"reading with the learned reader {loaded_reader.version}…")
        summaries = reader_summaries([r.text for r in rows], summaries, loaded_reader, embedder)
    by_id = {r.id: s for r, s in zip(rows, summaries, strict=True)}
    log("encoding and building features…")
    feats = {part: build_features([r.text for r in rs], [by_id[r.id] for r in rs], [r.fields for r in rs], embedder)
             for part, rs in (("train", train_rows), ("held", held_rows))}
    y_train = np.array([r.opportunity for r in train_rows])
    y_held = np.array([r.opportunity for r in held_rows])
    log("fitting the calibrated classifier and the peer…")
    model = build_classifier(config).fit(feats["train"], y_train)
    p_ours = model.predict_proba(feats["held"])[:, 1]
    peer = build_peer(config.seed).fit([r.text for r in train_rows], y_train)
    p_peer = peer.predict_proba([r.text for r in held_rows])[:, 1]
    metrics = {"ours": summary(y_held, p_ours), "peer": summary(y_held, p_peer)}
    if all(r.latent_p is not None for r in held_rows):
        metrics["ceiling"] = summary(y_held, [r.latent_p for r in held_rows])
    calibration = calibration_table(y_held, p_ours)
    version = version or _version_name(paths)
    out = models_dir / version
    out.mkdir(parents=True, exist_ok=False)
    joblib.dump(model, out / "model.joblib", compress=3)
    meta = {
        "format": FORMAT, "version": version, "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {"files": [Path(p).name for p in paths], "sha256": _data_hash(paths), "rows": len(rows),
                 "skipped": len(loaded.problems), "train": len(train_rows), "heldout": len(held_rows)},
        "config": asdict(config), "split": {"rule": "sha1('outcome:' + id) % 100 < heldout_percent"},
        "libraries": {name: _safe_version(name) for name in LIBRARIES} | {"python": platform.python_version()},
        "encoder": {"id": embedder.name_or_path if not Path(embedder.name_or_path).is_absolute() else "models/encoder",
                    "fingerprint": embedder.fingerprint, "dimension": embedder.dimension},
        "detector_fingerprint": detector_fingerprint(),
        "reader": {} if loaded_reader is None else {"version": loaded_reader.version,
                                                    "code_fingerprint": loaded_reader.meta["code_fingerprint"]},
        "feature_names": feature_names_of(model),
        "metrics": metrics, "calibration": calibration,
        "score_quantiles": [round(float(q), 6) for q in np.quantile(p_ours, np.linspace(0, 1, 101))],
        "element_weights": element_weights(model),
        "train_seconds": round(time.monotonic() - t0, 1),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    from .report import write_report

    write_report(out, meta, y_held, {"ours": p_ours, "peer": p_peer} | ({"ceiling": np.array([r.latent_p for r in held_rows])}
                                                                     if "ceiling" in metrics else {}))
    log(f"saved {out} in {meta['train_seconds']} s")
    return out


def _version_name(paths: list[str]) -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + _data_hash(paths)[:6]


def _data_hash(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for p in sorted(paths):
        digest.update(Path(p).read_bytes())
    return digest.hexdigest()


def _safe_version(name: str) -> str:
    try:
        return pkg_version(name)
    except Exception:  # noqa: BLE001 - a missing optional library is recorded, not fatal
        return "not installed"
