"""Headless Chromium (Debian's, through Playwright) and a real uvicorn server in a thread, for the page tests
and bench/screenshot.py. `playwright install` is not used: `make browser-deps` installs /usr/bin/chromium."""

from __future__ import annotations

import os
import threading

from tests.live import free_port, wait_ready

CHROMIUM = os.environ.get("HANDOFF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class ThreadServer:
    """uvicorn serving `app` on a loopback port in a daemon thread; stop() and start() again on the same port."""

    def __init__(self, app, port: int | None = None):
        self.app = app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 120.0) -> ThreadServer:
        import uvicorn

        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"uvicorn-{self.port}", daemon=True)
        self._thread.start()
        state = wait_ready(self.url, self._thread.is_alive, timeout)
        if state == "ready":
            return self
        if state == "exited":
            raise RuntimeError(f"uvicorn on port {self.port} exited during startup")
        self.stop()
        raise RuntimeError(f"server not ready on {self.url} after {timeout:.0f} s")

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
        self._server = self._thread = None
