"""Batch scoring, the handoff policy, stored handoffs and outcomes, the store being down, model reload."""

from __future__ import annotations

import json
import threading
from contextlib import nullcontext

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.settings import Settings
from tests.errors import assert_error as _error
from tests.live import copy_models

pytestmark = pytest.mark.slow
RICH = "勤怠の締め作業に毎月40時間、『もう限界』と。来期予算で検討、決裁は部長で次回同席。一番の関心はシフト連動の自動集計。"
WEAK = "興味あり、とりあえず会ってくれるそうです"
OUTCOME = {"opportunity": True, "won": None, "opportunity_at": "2026-11-30", "feedback": "決裁者同席で初回から要件を詰められた",
           "helpful_elements": ["decision_maker"], "missing_elements": ["budget"]}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory):
    """The API on the embedded default and on a real PostgreSQL server (tests/postgres.py)."""
    database = (nullcontext(f"sqlite:///{tmp_path_factory.mktemp('api') / 'store.sqlite3'}") if request.param == "sqlite"
                else request.getfixturevalue("postgres_server").database())
    with database as url, TestClient(create_app(Settings(db_url=url))) as c:
        yield c


def test_batch_keeps_order_and_reports_a_bad_item_in_its_place(client):
    items = [{"text": RICH}, {"text": "   "}, {"text": 42}, "not an object", {"text": WEAK, "fields": {"lead_source": "ad"}}]
    resp = client.post("/v1/score/batch", json={"items": items})
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert [r["ok"] for r in results] == [True, False, False, False, True]
    assert [r["error"]["code"] for r in results if not r["ok"]] == ["empty_note", "invalid_request", "invalid_request"]
    single = client.post("/v1/score", json={"text": RICH}).json()
    assert results[0]["result"]["score"] == single["score"]
    assert results[4]["result"]["score"] < results[0]["result"]["score"]


def test_batch_size_limit_names_the_limit(client):
    resp = client.post("/v1/score/batch", json={"items": [{"text": "予算は未定。"}] * 101})
    _error(resp, 413, "batch_too_large")
    assert "100" in resp.json()["error"]["message"]


def test_policy_blocks_with_japanese_reasons_and_can_be_overridden(client):
    weak = client.post("/v1/score", json={"text": WEAK}).json()["policy"]
    assert weak["pass_ready"] is False and weak["source"] == "policy.toml"
    assert {r["element"] for r in weak["reasons"]} >= {"interest", "decision_maker"}
    assert all(r["message_ja"] for r in weak["reasons"])
    rich = client.post("/v1/score", json={"text": RICH, "policy": {"required": ["decision_maker"], "min_score": 0}}).json()
    assert rich["policy"] == {"pass_ready": True, "reasons": [], "required": ["decision_maker"], "min_score": 0,
                              "unknown_counts": False, "source": "request"}
    _error(client.post("/v1/score", json={"text": RICH, "policy": {"required": ["budjet"]}}), 422, "unknown_element")


def test_scored_handoff_outcome_is_idempotent_and_read_back(client):
    scored = client.post("/v1/score", json={"text": RICH, "handoff_id": "SF-100", "fields": {"rep_id": "rep-01"}}).json()
    assert scored["handoff_id"] == "SF-100"
    first = client.put("/v1/handoffs/SF-100/outcome", json=OUTCOME)
    assert first.status_code == 201 and first.json()["status"] == "created"
    again = client.put("/v1/handoffs/SF-100/outcome", json=OUTCOME)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    won = client.put("/v1/handoffs/SF-100/outcome", json=OUTCOME | {"won": True, "closed_at": "2027-01-20"})
    assert won.status_code == 200 and won.json()["status"] == "updated"
    got = client.get("/v1/handoffs/SF-100").json()
    assert got["text"] == RICH and got["fields"] == {"rep_id": "rep-01"}
    assert got["score"]["score"] == scored["score"] and got["score"]["model_version"] == scored["model_version"]
    assert got["score"]["states"]["decision_maker"] == "present"
    assert got["outcome"]["won"] is True and got["outcome"]["feedback"] == OUTCOME["feedback"]


def test_analyze_never_stores(client):
    client.post("/v1/analyze", json={"text": RICH, "handoff_id": "SF-analyze-only"})
    _error(client.get("/v1/handoffs/SF-analyze-only"), 404, "handoff_not_found")


@pytest.mark.parametrize(("path", "body", "status", "code"), [
    ("/v1/handoffs/never-scored/outcome", OUTCOME, 404, "handoff_not_found"),
    ("/v1/handoffs/SF-100/outcome", OUTCOME | {"helpful_elements": ["budjet"]}, 422, "unknown_element"),
    ("/v1/handoffs/SF-100/outcome", {"won": True}, 422, "invalid_request"),
    ("/v1/handoffs/SF-100/outcome", OUTCOME | {"opportunity": "maybe"}, 422, "invalid_request"),
    ("/v1/handoffs/bad%20id/outcome", OUTCOME, 422, "invalid_request"),
    ("/v1/handoffs/SF-100/outcome", OUTCOME | {"opportunity": False, "won": True}, 422, "invalid_request"),
])
def test_outcome_errors(client, path, body, status, code):
    client.post("/v1/score", json={"text": RICH, "handoff_id": "SF-100"})
    resp = client.put(path, json=body)
    _error(resp, status, code)
    if code == "invalid_request":  # from the schema or from the store's own check: the same Japanese sentence first
        assert resp.json()["error"]["message"].startswith("リクエストの項目に誤りがあります。"), resp.text


def test_store_down_is_503_and_nothing_is_half_written(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with TestClient(create_app(Settings(db_url=f"sqlite:///{blocker}/db.sqlite3"))) as c:
        assert c.post("/v1/score", json={"text": RICH}).status_code == 200  # scoring without an id still works
        _error(c.post("/v1/score", json={"text": RICH, "handoff_id": "SF-1"}), 503, "store_unavailable")
        _error(c.put("/v1/handoffs/SF-1/outcome", json=OUTCOME), 503, "store_unavailable")
        _error(c.get("/v1/handoffs/SF-1"), 503, "store_unavailable")
    db = tmp_path / "db.sqlite3"
    with TestClient(create_app(Settings(db_url=f"sqlite:///{db}"))) as c:
        c.post("/v1/score", json={"text": RICH, "handoff_id": "SF-2"})
        store = c.app.state.storage.store

        def failing_put(*_args, **_kwargs):
            from service.store import StoreUnavailable

            raise StoreUnavailable("disk I/O error")

        original, store.put_outcome = store.put_outcome, failing_put
        _error(c.put("/v1/handoffs/SF-2/outcome", json=OUTCOME), 503, "store_unavailable")
        store.put_outcome = original
        assert c.get("/v1/handoffs/SF-2").json()["outcome"] is None


def test_reload_needs_the_admin_key_and_switches_without_failing_requests(tmp_path):
    models = copy_models(tmp_path / "models", ["v-a", "v-b"])
    settings = Settings(models_dir=models, api_keys=["user"], admin_keys=["admin"], db_url=f"sqlite:///{tmp_path / 'db'}")
    with TestClient(create_app(settings)) as c:
        user, admin = {"X-API-Key": "user"}, {"X-API-Key": "admin"}
        _error(c.post("/v1/admin/reload", headers=user), 403, "forbidden")
        _error(c.post("/v1/admin/reload"), 401, "unauthorized")
        (models / "registry.json").write_text(json.dumps({"current": "v-b"}))
        failures, versions, stop = [], set(), threading.Event()

        def hammer():
            while not stop.is_set():
                r = c.post("/v1/analyze", json={"text": RICH}, headers=user)
                (versions.add(r.json()["model_version"]) if r.status_code == 200 else failures.append(r.status_code))

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        resp = c.post("/v1/admin/reload", headers=admin)
        for _ in range(5):
            c.post("/v1/analyze", json={"text": RICH}, headers=user)
        stop.set()
        for t in threads:
            t.join()
        assert resp.status_code == 200 and resp.json()["model_version"] == "v-b" and resp.json()["previous_version"] == "v-a"
        assert not failures and "v-b" in versions
        assert c.get("/v1/model", headers=user).json()["version"] == "v-b"
        (models / "registry.json").write_text(json.dumps({"current": "missing"}))
        _error(c.post("/v1/admin/reload", headers=admin), 503, "model_not_loaded")
        assert c.get("/v1/model", headers=user).json()["version"] == "v-b"  # the running model stays


def test_bad_policy_file_refuses_startup_and_reload_keeps_the_old_one(tmp_path):
    bad = tmp_path / "policy.toml"
    bad.write_text('required = ["interest", "budjet"]\n', encoding="utf-8")
    from service.engine.policy import PolicyError

    with pytest.raises(PolicyError, match="budjet"), TestClient(create_app(Settings(policy_file=bad, load_model=False))):
        pass
    good = tmp_path / "good.toml"
    good.write_text('required = ["interest"]\n', encoding="utf-8")
    settings = Settings(policy_file=good, db_url=f"sqlite:///{tmp_path / 'db'}")
    with TestClient(create_app(settings)) as c:
        good.write_text('required = ["budjet"]\n', encoding="utf-8")
        _error(c.post("/v1/admin/reload"), 422, "invalid_policy")
        assert c.post("/v1/score", json={"text": WEAK}).json()["policy"]["required"] == ["interest"]


def test_every_route_documents_a_response_model_and_examples(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ok = next(v for k, v in op["responses"].items() if k.startswith("2"))
            schema = ok["content"]["application/json"]["schema"]
            ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
            assert ref, f"{method} {path} has no response model"
            assert schemas[ref.rsplit("/", 1)[1]].get("examples"), f"{method} {path}: response has no example"
            body = op.get("requestBody")
            if body:
                body_ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                assert schemas[body_ref].get("examples"), f"{method} {path}: request has no example"


@pytest.mark.parametrize("enabled", [False, True])
def test_note_text_reaches_the_log_only_when_enabled(tmp_path, caplog, enabled):
    import logging

    caplog.set_level(logging.INFO, logger="handoff.api")
    with TestClient(create_app(Settings(log_note_text=enabled, db_url=f"sqlite:///{tmp_path / 'db'}"))) as c:
        c.post("/v1/analyze", json={"text": "秘密の株式会社テスト様、決裁は部長。"}, headers={"X-Request-ID": "req-42"})
    assert ("秘密の株式会社テスト" in caplog.text) is enabled
    assert "request_id=req-42" in caplog.text
