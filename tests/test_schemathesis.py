"""Schemathesis against the live OpenAPI schema of a real server: no 5xx, every response matches its schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import LiveServer

pytestmark = pytest.mark.slow
CHECKS = "all"


def test_schemathesis_finds_no_server_error_or_schema_mismatch(tmp_path):
    server = LiveServer({"HANDOFF_DB_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "HANDOFF_API_KEYS": "",
                         "HANDOFF_ADMIN_KEYS": ""}, tmp_path / "server.log")
    try:
        st = Path(sys.executable).with_name("st")
        run = subprocess.run([str(st), "run", f"{server.url}/openapi.json", "--checks", CHECKS, "--max-examples", "100",
                              "--generation-deterministic", "--request-timeout", "30", "--no-color"],
                             capture_output=True, text=True, timeout=900)
    finally:
        server.stop()
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "Operations:       10 selected / 10 total" in run.stdout  # every route was exercised
