"""Dependencies: settings, the loaded scorer, API-key checking (constant-time). All async: they never block,
so they never wait for a thread of the pool that scoring uses."""

from __future__ import annotations

import hmac
from contextvars import ContextVar

from fastapi import Request

from service.engine.policy import Policy
from service.engine.scorer import Scorer

from .errors import ServiceError
from .settings import Settings

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")  # set by app.request_context


async def settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def scorer_dep(request: Request) -> Scorer:
    """The model at the time the request started: a reload swaps app.state.scorer, in-flight requests keep theirs."""
    scorer = getattr(request.app.state, "scorer", None)
    if scorer is None:
        reason = getattr(request.app.state, "model_error", None) or "the model is still loading"
        raise ServiceError(503, "model_not_loaded", f"モデルを読み込めていません: {reason}")
    return scorer


async def policy_dep(request: Request) -> Policy:
    return getattr(request.app.state, "policy", None) or Policy()


def _matches(given: str, keys: list[str]) -> bool:
    # compare against every key, so the time taken does not say which one (or how many) matched
    return sum(hmac.compare_digest(given.encode(), k.encode()) for k in keys) > 0


async def require_key(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if not settings.keys_configured:
        return  # loopback-only mode (service/__main__.py refuses other hosts)
    if not _matches(request.headers.get("x-api-key", ""), settings.api_keys + settings.admin_keys):
        raise ServiceError(401, "unauthorized", "有効なAPIキーが必要です。a valid X-API-Key header is required")


async def require_admin(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if not settings.keys_configured:
        return
    given = request.headers.get("x-api-key", "")
    if not _matches(given, settings.admin_keys):
        if _matches(given, settings.api_keys):
            raise ServiceError(403, "forbidden", "このキーでは管理操作はできません。this key may not call admin endpoints; use a key from HANDOFF_ADMIN_KEYS")
        raise ServiceError(401, "unauthorized", "管理用のAPIキーが必要です。a valid admin X-API-Key header is required")
