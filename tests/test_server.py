"""One real uvicorn process on a free loopback port: score → store → outcome → read back, and a SIGHUP reload."""

from __future__ import annotations

import json
import signal
import time

import httpx
import pytest

from tests.live import LiveServer, copy_models

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    models = copy_models(tmp / "models", ["live-a", "live-b"])  # the committed model twice, to see the switch
    srv = LiveServer({"HANDOFF_MODELS_DIR": str(models), "HANDOFF_DB_URL": f"sqlite:///{tmp / 'live.sqlite3'}",
                      "HANDOFF_API_KEYS": "", "HANDOFF_ADMIN_KEYS": ""}, tmp / "server.log")
    srv.models = models
    yield srv
    srv.stop()


def test_live_server_scores_stores_and_reads_back_an_outcome(server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        scored = http.post("/v1/score", json={"text": "勤怠の締めに毎月40時間。決裁は部長で次回同席。", "handoff_id": "live-1"})
        assert scored.status_code == 200, scored.text
        assert scored.json()["elements"]["decision_maker"]["state"] == "present"
        put = http.put("/v1/handoffs/live-1/outcome", json={"opportunity": True, "feedback": "決裁者同席で話が早かった"})
        assert put.status_code == 201 and put.json()["status"] == "created"
        again = http.put("/v1/handoffs/live-1/outcome", json={"opportunity": True, "feedback": "決裁者同席で話が早かった"})
        assert again.status_code == 200 and again.json()["status"] == "unchanged"
        got = http.get("/v1/handoffs/live-1").json()
        assert got["outcome"]["opportunity"] is True and got["score"]["score"] == scored.json()["score"]
    assert "勤怠" not in server.log(), "note text must not reach the log unless HANDOFF_LOG_NOTE_TEXT=1"
    assert "request_id=" in server.log()


def test_live_server_switches_model_on_sighup(server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get("/v1/model").json()["version"] == "live-a"
        (server.models / "registry.json").write_text(json.dumps({"current": "live-b"}))
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while http.get("/v1/model").json()["version"] != "live-b":
            assert time.monotonic() < deadline, server.log()
            assert http.post("/v1/analyze", json={"text": "予算は未定。"}).status_code == 200  # serving throughout
            time.sleep(0.2)
