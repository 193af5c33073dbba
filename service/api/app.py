"""create_app(settings): the FastAPI application; the model is loaded in the lifespan, not at import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI

from service.engine.nlp import default_parser
from service.engine.policy import PolicyError, load_policy
from service.engine.scorer import Scorer
from service.store import db_url_from_env

from . import errors
from .deps import scorer_dep
from .errors import ServiceError
from .guard import RequestGuard
from .routes import router
from .schemas import ErrorResponse, Health, ReloadResponse
from .settings import Settings
from .storage import StoreAccess

log = logging.getLogger("handoff.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.scorer = None
        app.state.policy = load_policy(settings.policy_file)  # a bad policy stops startup with its reason
        app.state.reload_lock = asyncio.Lock()
        app.state.storage = StoreAccess(settings.db_url or db_url_from_env())
        await app.state.storage.open()
        if settings.load_model:
            try:
                app.state.scorer = await asyncio.to_thread(_load, settings)
                log.info("model %s loaded", app.state.scorer.version)
            except Exception as exc:  # noqa: BLE001 - reported by /readyz and 503s, the process stays up
                app.state.model_error = str(exc) or type(exc).__name__  # never empty: /readyz shows it
                log.error("model not loaded: %s", exc)
        _on_sighup(app)
        yield
        app.state.storage.dispose()

    app = FastAPI(title="Handoff context API", version="1", lifespan=lifespan,
                  description="IS→FS引き継ぎメモの文脈を読み、スコアと不足している文脈を返します。")
    app.state.settings = settings
    errors.install(app)
    app.include_router(router)

    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes, work_seconds=settings.work_seconds)

    @app.get("/healthz", response_model=Health, tags=["ops"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["ops"], responses={503: {"model": ErrorResponse}})
    def readyz(scorer: Annotated[Scorer, Depends(scorer_dep)]) -> Health:
        return Health(status="ok", model_version=scorer.version)

    from . import web  # the live note-feedback page (service/web/)

    app.mount("/static", web.static_files(), name="static")

    @app.get("/", include_in_schema=False)
    def root():
        return web.index_response()

    return app


async def reload_model(app: FastAPI) -> ReloadResponse:
    """Load the registry's current version and the policy file beside the running ones, then swap both.

    Requests hold the Scorer their dependency returned, so the ones in flight finish on the old model; the
    swap itself is one attribute assignment. Concurrent reloads queue on a lock.
    """
    settings: Settings = app.state.settings
    async with app.state.reload_lock:
        try:
            policy = load_policy(settings.policy_file)
        except PolicyError as exc:
            raise ServiceError(422, exc.code, f"ポリシーを読み込めません(動作中のものを継続します)。policy not reloaded, the running one stays: {exc}") from exc
        try:
            scorer = await asyncio.to_thread(_load, settings)
        except Exception as exc:  # noqa: BLE001 - the running model keeps serving
            raise ServiceError(503, "model_not_loaded", f"モデルを読み込めません(動作中のものを継続します)。model not reloaded, the running one stays: {exc}") from exc
        previous = app.state.scorer.version if app.state.scorer is not None else None
        app.state.scorer, app.state.policy = scorer, policy
        app.state.model_error = None
    log.info("reloaded: model %s (was %s), policy %s", scorer.version, previous, policy.source)
    return ReloadResponse(model_version=scorer.version, previous_version=previous, policy_source=policy.source)


def _on_sighup(app: FastAPI) -> None:
    """`kill -HUP <pid>` reloads like POST /v1/admin/reload (only where the loop runs in the main thread)."""
    loop = asyncio.get_running_loop()

    def handler() -> None:
        task = loop.create_task(reload_model(app))
        task.add_done_callback(lambda t: t.exception() and log.error("SIGHUP reload failed: %s", t.exception()))

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests), or Windows
        loop.add_signal_handler(signal.SIGHUP, handler)


def _load(settings: Settings) -> Scorer:
    default_parser().resize_cache(settings.parse_cache_tokens)
    scorer = Scorer.current(settings.models_dir)
    scorer.score("予算は未定。")  # warm GiNZA and the encoder so the first request is not the slow one
    return scorer
