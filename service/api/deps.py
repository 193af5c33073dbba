"""Dependencies: settings, the loaded scorer, API-key checking (constant-time)."""

from __future__ import annotations

import hmac

from fastapi import Request

from service.engine.scorer import Scorer

from .errors import ServiceError
from .settings import Settings


def settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def scorer_dep(request: Request) -> Scorer:
    scorer = getattr(request.app.state, "scorer", None)
    if scorer is None:
        reason = getattr(request.app.state, "model_error", None) or "the model is still loading"
        raise ServiceError(503, "model_not_loaded", f"モデルを読み込めていません: {reason}")
    return scorer


def require_key(request: Request) -> None:
    keys: list[str] = request.app.state.settings.api_keys
    if not keys:
        return
    given = request.headers.get("x-api-key", "")
    if not any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
        raise ServiceError(401, "unauthorized", "a valid X-API-Key header is required")
