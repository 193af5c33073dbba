"""Model artifacts: models/<version>/{model.joblib, meta.json}, models/registry.json; checked on load.

meta.json carries what is needed to refuse an artifact that would silently score wrongly: the artifact
format, the scikit-learn version it was pickled with, the encoder's behavioural fingerprint, and the feature
names the estimator expects.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EngineError

FORMAT = 1
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"


def models_dir_from_env() -> Path:
    """HANDOFF_MODELS_DIR, or the project's models/: the service and the training CLI read the same directory."""
    return Path(os.environ.get("HANDOFF_MODELS_DIR") or MODELS_DIR)
REGISTRY = "registry.json"
DETECTOR_SOURCES = ("detect.py", "text.py", "nlp.py", "detectors")


class ModelError(EngineError):
    code = "model_error"


class ModelNotFoundError(ModelError):
    code = "model_not_found"


class IncompatibleModelError(ModelError):
    code = "incompatible_model"


@dataclass(frozen=True)
class Artifact:
    path: Path
    meta: dict[str, Any]
    estimator: Any

    @property
    def version(self) -> str:
        return str(self.meta["version"])


def read_meta(path: Path) -> dict[str, Any]:
    meta_file = path / "meta.json"
    if not meta_file.exists():
        raise ModelNotFoundError(f"no model version {path.name!r} in {path.parent} (no meta.json); "
                                 "`python -m training list` shows the versions")
    return json.loads(meta_file.read_text(encoding="utf-8"))


def load_artifact(path: str | Path, encoder_fingerprint: str | None) -> Artifact:
    """Load and check an artifact; `encoder_fingerprint` is the running encoder's (None skips that check)."""
    import sklearn

    path = Path(path)
    meta = read_meta(path)
    problems = []
    if meta.get("format") != FORMAT:
        problems.append(f"artifact format {meta.get('format')!r}, this code reads {FORMAT}")
    trained = str(meta.get("libraries", {}).get("scikit-learn", "?"))
    if _minor(trained) != _minor(sklearn.__version__):
        problems.append(f"pickled with scikit-learn {trained}, installed {sklearn.__version__}")
    enc = meta.get("encoder", {})
    if encoder_fingerprint is not None and enc.get("fingerprint") != encoder_fingerprint:
        problems.append(f"trained with encoder {enc.get('id')!r} (fingerprint {enc.get('fingerprint')}), "
                        f"the configured encoder's fingerprint is {encoder_fingerprint}")
    if problems:
        raise IncompatibleModelError(f"model {path.name} cannot be used: " + "; ".join(problems))
    if not (path / "model.joblib").exists():
        raise ModelNotFoundError(f"no model.joblib in {path}")
    estimator = unpickle(path / "model.joblib", f"model {path.name}")
    if list(meta.get("feature_names", [])) != list(feature_names_of(estimator)):
        raise IncompatibleModelError(f"model {path.name}: meta.json feature names do not match the estimator")
    return Artifact(path, meta, estimator)


def unpickle(file: Path, what: str) -> Any:
    """joblib.load, with a truncated, empty or foreign file reported as what it is (EOFError says nothing)."""
    import joblib

    try:
        return joblib.load(file)
    except Exception as exc:  # noqa: BLE001 - unpickling can raise almost anything on a damaged file
        size = file.stat().st_size
        reason = "the file is empty" if size == 0 else f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise IncompatibleModelError(f"{what}: {file.name} ({size} bytes) cannot be read: {reason}") from exc


def feature_names_of(estimator: Any) -> list[str]:
    """The DictVectorizer's feature names inside a (calibrated) pipeline."""
    inner = estimator.calibrated_classifiers_[0].estimator if hasattr(estimator, "calibrated_classifiers_") else estimator
    return list(inner.named_steps["vec"].feature_names_)


def current_version(models_dir: Path = MODELS_DIR) -> str:
    reg = models_dir / REGISTRY
    if not reg.exists():
        raise ModelNotFoundError(f"no {REGISTRY} in {models_dir}: train a model or promote a version")
    return str(json.loads(reg.read_text(encoding="utf-8"))["current"])


def set_current(version: str, models_dir: Path = MODELS_DIR) -> None:
    reg = models_dir / REGISTRY
    tmp = reg.with_suffix(".tmp")
    tmp.write_text(json.dumps({"current": version}, indent=2) + "\n", encoding="utf-8")
    tmp.replace(reg)  # atomic: a reader sees the old or the new registry, never half of one


def detector_fingerprint() -> str:
    """A hash of the detection code, recorded in meta.json (features depend on it)."""
    root = Path(__file__).resolve().parent
    files = sorted(p for name in DETECTOR_SOURCES for p in ([root / name] if name.endswith(".py") else (root / name).glob("*.py")))
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])
