"""The API's error shape, as a CRM plugin and the reps see it: {"error": {"code", "message"}}, the message in
Japanese first (the English after it is for the plugin's developers)."""

from __future__ import annotations

import re

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    assert JAPANESE.match(body["error"]["message"]), body["error"]["message"]
    return body
