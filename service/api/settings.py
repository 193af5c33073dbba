"""Deployment settings, read once from the environment (or given to create_app by tests)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from service.engine.artifact import MODELS_DIR, models_dir_from_env
from service.engine.nlp import CACHE_TOKENS
from service.engine.text import MAX_NOTE_CHARS

from .schemas import MAX_BATCH

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY = ROOT / "policy.toml"


class SettingsError(ValueError):
    """A deployment setting that cannot be used: the service does not start, and says which and why."""


def _keys(env: dict, name: str) -> list[str]:
    keys = [k.strip() for k in env.get(name, "").split(",") if k.strip()]
    if env.get(f"{name}_FILE"):
        path = Path(env[f"{name}_FILE"])
        try:
            keys += [k.strip() for k in path.read_text(encoding="utf-8").splitlines() if k.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise SettingsError(f"{name}_FILE={path}: cannot read the keys file ({reason})") from None
    return keys


class Settings(BaseModel):
    models_dir: Path = MODELS_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_note_chars: int = MAX_NOTE_CHARS
    max_body_bytes: int = 2_000_000  # counted on the bytes read, chunked uploads included
    work_seconds: float = Field(60.0, gt=0)  # a request's work budget: parsing stops after it (503 work_abandoned)
    max_batch: int = MAX_BATCH
    parse_cache_tokens: int = Field(CACHE_TOKENS, ge=0)  # the sentence cache's bound (about 440 bytes a token)
    log_note_text: bool = False
    load_model: bool = True  # tests may start the app without a model to check 503s
    api_keys: list[str] = Field(default_factory=list)
    admin_keys: list[str] = Field(default_factory=list)  # may call /v1/admin/*; also accepted as API keys
    db_url: str | None = None  # None: the embedded SQLite file (service.store.DEFAULT_DB_URL)
    policy_file: Path | None = DEFAULT_POLICY if DEFAULT_POLICY.exists() else None

    @classmethod
    def from_env(cls) -> Settings:
        env = dict(os.environ)
        policy = env.get("HANDOFF_POLICY_FILE")
        return cls(
            models_dir=models_dir_from_env(),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8000")),
            workers=int(env.get("HANDOFF_WORKERS", "1")),
            max_note_chars=int(env.get("HANDOFF_MAX_NOTE_CHARS", MAX_NOTE_CHARS)),
            max_body_bytes=int(env.get("HANDOFF_MAX_BODY_BYTES", 2_000_000)),
            work_seconds=float(env.get("HANDOFF_WORK_SECONDS", 60)),
            max_batch=min(MAX_BATCH, int(env.get("HANDOFF_MAX_BATCH", MAX_BATCH))),
            parse_cache_tokens=int(env.get("HANDOFF_PARSE_CACHE_TOKENS", CACHE_TOKENS)),
            log_note_text=env.get("HANDOFF_LOG_NOTE_TEXT", "") == "1",
            api_keys=_keys(env, "HANDOFF_API_KEYS"),
            admin_keys=_keys(env, "HANDOFF_ADMIN_KEYS"),
            db_url=env.get("HANDOFF_DB_URL") or None,
            policy_file=(Path(policy) if policy else None) if "HANDOFF_POLICY_FILE" in env else cls.model_fields["policy_file"].default,
        )

    @property
    def keys_configured(self) -> bool:
        return bool(self.api_keys or self.admin_keys)
