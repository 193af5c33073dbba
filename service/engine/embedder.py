"""The sentence encoder: any sentence-transformers name or path, loaded lazily, with a behavioural fingerprint.

`HANDOFF_ENCODER` names the model (default: models/encoder, built from ja_ginza's vectors on first use).
The fingerprint hashes the model's embeddings of fixed probe sentences, so a model artifact trained with one
encoder refuses to run with another, whatever its path or storage.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

ENV = "HANDOFF_ENCODER"
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "models" / "encoder"
PROBES = ("予算は年300万円で確保済み。", "決裁者は部長、次回同席予定です。", "興味あり、とりあえず会ってくれるそうです")


def encoder_setting() -> str:
    return os.environ.get(ENV) or str(DEFAULT_PATH)


class Embedder:
    def __init__(self, name_or_path: str | None = None):
        self.name_or_path = name_or_path or encoder_setting()
        self._model = None
        self._lock = threading.Lock()
        self._encode_lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer

                    path = Path(self.name_or_path)
                    if path.resolve() == DEFAULT_PATH and not (path / "modules.json").exists():
                        from .encoder_build import build_static_encoder

                        build_static_encoder(path)
                    self._model = SentenceTransformer(self.name_or_path, device="cpu")
        return self._model

    def encode(self, texts: list[str], batch_size: int = 256) -> np.ndarray:
        model = self.model
        with self._encode_lock:  # the Rust tokenizer is not re-entrant across threads either (see nlp.Parser)
            vecs = model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True,
                                show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    @cached_property
    def dimension(self) -> int:
        return int(self.encode([PROBES[0]]).shape[1])

    @cached_property
    def fingerprint(self) -> str:
        probe = np.round(self.encode(list(PROBES)), 4)
        return hashlib.sha256(probe.tobytes() + str(probe.shape).encode()).hexdigest()[:16]
