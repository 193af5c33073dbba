"""The HTTP API through TestClient (lifespan runs, so the committed model is loaded)."""

import json
import re

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.settings import Settings
from tests.errors import assert_error as _error

pytestmark = pytest.mark.slow
WEAK = "興味あり、とりあえず会ってくれるそうです"
RICH = "勤怠の締め作業に毎月40時間、『もう限界』と。来期予算で検討、決裁は部長で次回同席。一番の関心はシフト連動の自動集計。"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings())) as c:
        yield c


def test_api_score_returns_elements_evidence_and_ranked_questions(client):
    resp = client.post("/v1/score", json={"text": RICH, "fields": {"lead_source": "inquiry"}})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert 0 <= body["score"] <= 100 and body["band"] in "ABCD" and 0 < body["probability"] < 1
    assert set(body["elements"]) == {"interest", "urgency", "emotion", "decision_maker", "budget", "timing", "need",
                                     "competition", "ng_topics", "next_action", "resonant_content", "contact_history"}
    dm = body["elements"]["decision_maker"]
    assert dm["state"] == "present" and dm["name_ja"] == "決裁者・意思決定プロセス"
    for ev in dm["evidence"]:
        assert RICH[ev["start"]:ev["end"]] == ev["text"]
    gains = [s["gain"] for s in body["suggestions"]]
    assert gains == sorted(gains, reverse=True)


def test_api_weak_note_scores_lower_and_warns(client):
    weak = client.post("/v1/analyze", json={"text": WEAK}).json()
    rich = client.post("/v1/analyze", json={"text": RICH}).json()
    assert weak["score"] < rich["score"]
    assert weak["warnings"] and weak["suggestions"][0]["question_ja"].startswith("「")


def test_api_utf16_offsets_after_emoji(client):
    text = "😀😀決裁は社長。"
    ev = client.post("/v1/analyze", json={"text": text}).json()["elements"]["decision_maker"]["evidence"][0]
    assert (ev["start"], ev["start_utf16"]) == (2, 4)


@pytest.mark.parametrize(("kwargs", "status", "code"), [
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "malformed_json"),
    ({"json": {"text": 123}}, 422, "invalid_request"),
    ({"json": {}}, 422, "invalid_request"),
    ({"json": {"text": "  \n\u3000"}}, 422, "empty_note"),
    ({"json": {"text": "あ" * 20_001}}, 413, "note_too_long"),
    ({"json": {"text": "予算", "fields": {"lead_source": "tv"}}}, 422, "invalid_request"),
    ({"json": {"text": "予算", "extra": 1}}, 422, "invalid_request"),
])
def test_api_bad_requests_get_a_json_error(client, kwargs, status, code):
    message = _error(client.post("/v1/score", **kwargs), status, code)["error"]["message"]
    assert re.match(r"[ぁ-んァ-ヶ一-龥]", message), message  # a rep may see it: Japanese first, details after


def test_api_catalogue_model_card_and_health(client):
    cat = client.get("/v1/elements").json()
    assert [e["id"] for e in cat][:4] == ["interest", "urgency", "emotion", "decision_maker"] and cat[0]["question_ja"]
    card = client.get("/v1/model").json()
    assert card["version"] and "ours" in card["metrics"]
    from service.engine.artifact import MODELS_DIR, current_version

    meta = json.loads((MODELS_DIR / current_version(MODELS_DIR) / "meta.json").read_text(encoding="utf-8"))
    assert (card["reader"] or {}).get("version") == meta.get("reader", {}).get("version")  # the reader it was trained with
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["model_version"] == card["version"]
    _error(client.get("/v1/nope"), 404, "not_found")


def test_api_without_a_model_is_not_ready(tmp_path):
    with TestClient(create_app(Settings(models_dir=tmp_path))) as c:
        _error(c.get("/readyz"), 503, "model_not_loaded")
        _error(c.post("/v1/score", json={"text": "予算は未定"}), 503, "model_not_loaded")
        assert c.get("/healthz").status_code == 200


def test_api_keys_are_required_when_configured():
    with TestClient(create_app(Settings(api_keys=["s3cret"], load_model=False))) as c:
        _error(c.get("/v1/elements"), 401, "unauthorized")
        _error(c.get("/v1/elements", headers={"X-API-Key": "wrong"}), 401, "unauthorized")
        assert c.get("/v1/elements", headers={"X-API-Key": "s3cret"}).status_code == 200
        assert c.get("/healthz").status_code == 200


def test_api_body_limit():
    with TestClient(create_app(Settings(max_body_bytes=100, load_model=False))) as c:
        _error(c.post("/v1/score", content=b"x" * 500, headers={"content-type": "application/json"}), 413, "body_too_large")


def test_api_each_element_says_who_decided_it(client):
    """`source` is the rule id where the rules' reading stands, `learned` where the learned reader decided, and
    `none` for silence; a learned decision other than silence points at a sentence of the note."""
    from service.engine.elements import ELEMENT_IDS

    body = client.post("/v1/analyze", json={"text": RICH}).json()
    for el in ELEMENT_IDS:
        e = body["elements"][el]
        if e["source"] == "learned":
            assert e["rule"] == "learned" and e["value"] is None
            assert e["state"] == "absent" or [RICH[v["start"]:v["end"]] for v in e["evidence"]] == [v["text"] for v in e["evidence"]]
        elif e["state"] == "absent":
            assert e["source"] == "none" and not e["evidence"]
        else:
            assert e["source"] == e["rule"] and e["evidence"]
