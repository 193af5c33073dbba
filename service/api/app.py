"""create_app(settings): the FastAPI application; the model is loaded in the lifespan, not at import."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse

from service.engine.scorer import Scorer

from . import errors
from .deps import scorer_dep
from .routes import router
from .schemas import ErrorResponse, Health
from .settings import Settings

log = logging.getLogger("handoff.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.scorer = None
        if settings.load_model:
            try:
                app.state.scorer = await asyncio.to_thread(_load, settings)
                log.info("model %s loaded", app.state.scorer.version)
            except Exception as exc:  # noqa: BLE001 - reported by /readyz and 503s, the process stays up
                app.state.model_error = str(exc)
                log.error("model not loaded: %s", exc)
        yield

    app = FastAPI(title="Handoff context API", version="1", lifespan=lifespan,
                  description="IS→FS引き継ぎメモの文脈を読み、スコアと不足している文脈を返します。")
    app.state.settings = settings
    errors.install(app)
    app.include_router(router)

    @app.middleware("http")
    async def request_context(request: Request, call_next):
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:12]
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_body_bytes:
            return errors.error_response(413, "body_too_large", f"request body over {settings.max_body_bytes} bytes")
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["x-request-id"] = request_id
        log.info("request_id=%s %s %s %s %.1fms", request_id, request.method, request.url.path, response.status_code,
                 (time.perf_counter() - start) * 1000)
        return response

    @app.get("/healthz", response_model=Health, tags=["ops"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["ops"], responses={503: {"model": ErrorResponse}})
    def readyz(scorer: Annotated[Scorer, Depends(scorer_dep)]) -> Health:
        return Health(status="ok", model_version=scorer.version)

    @app.get("/", include_in_schema=False)
    def root():
        return RedirectResponse("/docs")

    return app


def _load(settings: Settings) -> Scorer:
    scorer = Scorer.current(settings.models_dir)
    scorer.score("予算は未定。")  # warm GiNZA and the encoder so the first request is not the slow one
    return scorer
