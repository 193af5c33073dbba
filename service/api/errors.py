"""One place that turns every failure into `{"error": {"code", "message"}}` with the right status."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.engine.artifact import ModelError
from service.engine.errors import EngineError, InvalidNoteError, NoteTooLongError, WorkAbandoned
from service.store import StoreUnavailable

INVALID_REQUEST = "リクエストの項目に誤りがあります。"  # the Japanese sentence every invalid_request message starts with


class ServiceError(Exception):
    """An API-level error with its status, code and message (raised by routes and dependencies)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s'\"/\\:,;()]+)+[/\\]([^\s'\"/\\:,;()]+)")


def public(message: str) -> str:
    """A message fit for a client: server paths cut to their last part (models/…/meta.json → meta.json)."""
    return _PATH.sub(r"\1", message)


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": public(message)}}, status_code=status, headers=headers)


def describe(exc: Exception) -> tuple[int, str, str]:
    """(status, code, message) of a failure: one mapping for the exception handlers and for batch items."""
    status, code, message = _describe(exc)
    return status, code, public(message)


def _describe(exc: Exception) -> tuple[int, str, str]:
    if isinstance(exc, ServiceError):
        return exc.status, exc.code, exc.message
    if isinstance(exc, RequestValidationError | ValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return 400, "malformed_json", "リクエストをJSONとして読めません。request body is not valid JSON"
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}" for e in errors[:5]]
        kinds = {(e.get("type"), next((str(p) for p in e.get("loc", ()) if p != "body"), "")) for e in errors}
        if kinds == {("missing", "")}:  # no body at all
            return 400, "malformed_json", "リクエストの本文がありません。the request body is empty; send a JSON object"
        if kinds == {("string_too_short", "text")}:  # the schema's minLength: the same answer as a blank note
            return 422, "empty_note", "メモが空です。the note is empty"
        if kinds <= {("literal_error", "policy"), ("literal_error", "helpful_elements"), ("literal_error", "missing_elements")}:
            return 422, "unknown_element", "不明な要素IDがあります。" + "; ".join(parts) + "; GET /v1/elements lists them"
        return 422, "invalid_request", INVALID_REQUEST + "; ".join(parts)
    if isinstance(exc, StoreUnavailable):
        return 503, exc.code, f"データベースを利用できません。nothing was written: {exc}"
    if isinstance(exc, NoteTooLongError):
        return 413, exc.code, f"メモが長すぎます。{exc}"
    if isinstance(exc, InvalidNoteError):
        return 422, exc.code, f"メモを読めません。{exc}"
    if isinstance(exc, WorkAbandoned):
        return 503, exc.code, f"処理が時間内に終わらなかったため中断しました。メモを短くするか件数を減らして再送してください。{exc}"
    if isinstance(exc, ModelError):
        return 503, exc.code, f"モデルを利用できません。{exc}"
    if isinstance(exc, EngineError):
        return 500, exc.code, "内部エラーが発生しました。internal error"
    return 500, "internal_error", "内部エラーが発生しました。internal error; the request id is in the server log"


def install(app: FastAPI) -> None:
    async def _described(_: Request, exc: Exception):
        return error_response(*describe(exc))

    for kind in (ServiceError, RequestValidationError, StoreUnavailable, EngineError, Exception):
        app.add_exception_handler(kind, _described)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException):
        # 400 is FastAPI failing to decode the body (invalid UTF-8, nesting too deep, an integer too long)
        code, lead = {400: ("malformed_json", "リクエストをJSONとして読めません。"), 404: ("not_found", "見つかりません。"),
                      405: ("method_not_allowed", "このメソッドは使えません。")}.get(exc.status_code, ("http_error", "エラーです。"))
        return error_response(exc.status_code, code, lead + str(exc.detail), headers=exc.headers)  # 405 keeps Allow
