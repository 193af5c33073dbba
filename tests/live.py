"""A real `python -m service` process on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_models(dest: Path, versions: list[str]) -> Path:
    """A models directory holding the committed model under each name in `versions` (the first current)."""
    current = json.loads((ROOT / "models/registry.json").read_text())["current"]
    for version in versions:
        shutil.copytree(ROOT / "models" / current, dest / version)
        meta_path = dest / version / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta["version"] = version
        meta_path.write_text(json.dumps(meta))
    for extra in ("encoder", "reader"):  # the built encoder; the learned reader the model was trained with
        if (ROOT / "models" / extra).exists():
            shutil.copytree(ROOT / "models" / extra, dest / extra)
    (dest / "registry.json").write_text(json.dumps({"current": versions[0]}))
    return dest


def wait_ready(url: str, alive: Callable[[], bool], timeout: float) -> str:
    """Poll `url`/readyz until it answers 200: "ready", or "exited" once `alive()` is false, or "timeout"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return "exited"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return "ready"
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return "timeout"


class LiveServer:
    def __init__(self, env: dict[str, str], log_path: Path, timeout: float = 180.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        full_env = os.environ | {"HOST": "127.0.0.1", "PORT": str(self.port)} | env
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "service"], cwd=ROOT, env=full_env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        state = wait_ready(self.url, lambda: self.proc.poll() is None, timeout)
        if state == "exited":
            raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
        if state == "timeout":
            self.stop()
            raise RuntimeError(f"server not ready after {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()
