"""The outermost layer of every HTTP request, as plain ASGI: its id, its size, its work budget, its log line.

- The body limit is enforced on the bytes actually read, whatever the transfer encoding: a chunked upload is
  cut off with 413 as soon as it passes `max_body_bytes` (a `Content-Length` over it is refused unread).
- Once the body is read, a watcher waits for the client to disconnect; the request's work budget
  (service.engine.budget: a deadline of `work_seconds` and that cancel flag) stops the parser between chunks
  of sentences, so a client that leaves takes its work with it.
- The request id is the client's `X-Request-ID` when it is a plain token, else a new one: never echoed or logged
  raw. The access log line has the method, the path without its query string (the live page's `?key=`), the
  status and the time; never the note.
- Every response carries the hardening headers (no sniffing, no referrer, no framing); JSON responses a CSP
  that allows nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from service.engine import budget

from .deps import REQUEST_ID

log = logging.getLogger("handoff.api")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
HARDENING = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
             (b"x-frame-options", b"DENY")]
JSON_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
# the API documentation pages load their scripts from elsewhere until they are served locally
NO_CSP_PATHS = ("/docs", "/redoc")


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int, work_seconds: float):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.work_seconds = work_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        REQUEST_ID.set(request_id)
        start = time.perf_counter()
        status = {"code": 0}
        send = _with_headers(send, request_id, scope["path"], status)
        try:
            body = await self._read_body(scope, receive, send)
            if body is None:  # refused (413 sent) or the client left while sending
                return
            cancelled = threading.Event()
            watcher = asyncio.create_task(_watch_disconnect(receive, cancelled))
            try:
                with budget.within(self.work_seconds, cancelled):
                    await self.app(scope, _replay(body, watcher), send)
            finally:
                watcher.cancel()
        finally:
            log.info("request_id=%s %s %s %s %.1fms", request_id, scope["method"], scope["path"],
                     status["code"] or "-", (time.perf_counter() - start) * 1000)

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _too_large(send, self.max_body_bytes)
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # chunked, or a Content-Length that lied: stop reading here
                await _too_large(send, self.max_body_bytes)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


async def _watch_disconnect(receive: Receive, cancelled: threading.Event) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            cancelled.set()
            return


def _replay(body: bytes, watcher: asyncio.Task) -> Receive:
    """The app's receive: the body already read, then (if it asks again) the disconnect when it comes."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.shield(watcher)
        return {"type": "http.disconnect"}

    return receive


def _with_headers(send: Send, request_id: str, path: str, status: dict) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            status["code"] = message["status"]
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
            names = {k.lower() for k, _ in headers}
            headers += [(k, v) for k, v in HARDENING if k not in names]
            if b"content-security-policy" not in names and not path.startswith(NO_CSP_PATHS):
                headers.append(JSON_CSP)
            headers.append((b"x-request-id", request_id.encode()))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"error": {"code": "body_too_large", "message": f"リクエストが大きすぎます。request body over {limit} bytes"}},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k.lower() == name:
            return v.decode("latin-1")
    return None


def _request_id(scope: Scope) -> str:
    given = _header(scope, b"x-request-id")
    return given if given is not None and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:12]
