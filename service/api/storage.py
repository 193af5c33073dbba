"""The store as the routes use it: database work on its own few threads, a bounded wait, a reconnect.

A locked or slow database must not hold the threads that score notes. Every store call therefore runs on a
thread of a small limiter of its own (`threads`), and a request waits for one of those asynchronously, for at
most `wait_seconds`, then gets 503 `store_busy`: /v1/analyze, which never touches the database, keeps the
server's default thread pool to itself. A database that was unavailable at startup (a missing directory, a
server down) is tried again on the next request that needs it, at most every `retry_seconds`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TypeVar

import anyio

from service.store import Store, StoreUnavailable

log = logging.getLogger("handoff.api")
T = TypeVar("T")

THREADS = 4
WAIT_SECONDS = 10.0
RETRY_SECONDS = 5.0


class StoreBusy(StoreUnavailable):
    code = "store_busy"


class StoreAccess:
    def __init__(self, url: str, threads: int = THREADS, wait_seconds: float = WAIT_SECONDS,
                 retry_seconds: float = RETRY_SECONDS):
        self.url = url
        self.wait_seconds = wait_seconds
        self.retry_seconds = retry_seconds
        self.store: Store | None = None
        self.error: str | None = None
        self._slots = anyio.CapacityLimiter(threads)  # requests that may use the database at once
        self._threads = anyio.CapacityLimiter(threads)  # the threads they use (never waited on: same size)
        self._failed_at = -float("inf")
        self._opening = asyncio.Lock()

    async def open(self) -> Store | None:
        """Open the store (create the schema) unless it is open; on failure remember why and when to retry."""
        async with self._opening:
            if self.store is not None:
                return self.store
            try:
                store = await anyio.to_thread.run_sync(_open, self.url, limiter=self._threads)
            except StoreUnavailable as exc:
                self.error, self._failed_at = str(exc), time.monotonic()
                log.error("database not available (%s): scoring works, storing handoffs and outcomes returns 503", exc)
                return None
            self.store, self.error = store, None
            log.info("database: %s", store.safe_url)
            return store

    async def get(self) -> Store:
        store = self.store
        if store is None and time.monotonic() - self._failed_at >= self.retry_seconds:
            store = await self.open()
        if store is None:
            raise StoreUnavailable(f"the database is not available ({self.error or 'not configured'})")
        return store

    async def run(self, fn: Callable[[Store], T]) -> T:
        """`fn(store)` on one of the store's threads; StoreBusy if none frees up within wait_seconds."""
        store = await self.get()
        with anyio.move_on_after(self.wait_seconds) as waited:
            await self._slots.acquire()
        if waited.cancelled_caught:
            raise StoreBusy(f"the database is busy: no connection free within {self.wait_seconds:g} s")
        try:
            return await anyio.to_thread.run_sync(fn, store, limiter=self._threads)
        finally:
            self._slots.release()

    def dispose(self) -> None:
        if self.store is not None:
            self.store.dispose()


def _open(url: str) -> Store:
    store = Store(url)
    store.create_schema()
    return store
