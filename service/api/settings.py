"""Deployment settings, read once from the environment (or given to create_app by tests)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from service.engine.artifact import MODELS_DIR
from service.engine.text import MAX_NOTE_CHARS


class Settings(BaseModel):
    models_dir: Path = MODELS_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    max_note_chars: int = MAX_NOTE_CHARS
    max_body_bytes: int = 2_000_000
    log_note_text: bool = False
    load_model: bool = True  # tests may start the app without a model to check 503s
    api_keys: list[str] = Field(default_factory=list)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        keys = [k.strip() for k in env.get("HANDOFF_API_KEYS", "").split(",") if k.strip()]
        if env.get("HANDOFF_API_KEYS_FILE"):
            keys += [k.strip() for k in Path(env["HANDOFF_API_KEYS_FILE"]).read_text().splitlines() if k.strip()]
        return cls(
            models_dir=Path(env.get("HANDOFF_MODELS_DIR", MODELS_DIR)),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8000")),
            max_note_chars=int(env.get("HANDOFF_MAX_NOTE_CHARS", MAX_NOTE_CHARS)),
            log_note_text=env.get("HANDOFF_LOG_NOTE_TEXT", "") == "1",
            api_keys=keys,
        )
