"""Does a locked database slow scoring? /v1/analyze latency with the SQLite file free and with it locked.

One `python -m service` on loopback. First 30 /v1/analyze calls are timed with the database free. Then another
connection (this process) holds `BEGIN EXCLUSIVE` on the file while 60 clients PUT outcomes (each waits for
the lock or for one of the store's threads, then gets 503), and 30 more /v1/analyze calls are timed. The issue's
bar: the locked median within 2x the free one. Writes bench/results/locked_db.json.

    .venv/bin/python bench/bench_locked_db.py
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402

NOTE = "勤怠の締め作業に毎月40時間、『もう限界』と。来期予算で検討、決裁は部長で次回同席。"
OUTCOME = {"opportunity": True, "feedback": "決裁者が同席していた", "helpful_elements": ["decision_maker"]}
CALLS = 30
WRITERS = 60


def timed_analyze(http: httpx.Client, n: int, first: int) -> list[float]:
    out = []
    for i in range(first, first + n):
        start = time.perf_counter()
        resp = http.post("/v1/analyze", json={"text": f"{NOTE}{i}件目。"})  # a new last sentence each call
        out.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200, resp.text
    return out


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="handoff-locked-"))
    db = tmp / "db.sqlite3"
    server = LiveServer({"HANDOFF_DB_URL": f"sqlite:///{db}", "HANDOFF_API_KEYS": "", "HANDOFF_ADMIN_KEYS": ""},
                        tmp / "server.log")
    try:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            for i in range(WRITERS):
                http.post("/v1/score", json={"text": NOTE, "handoff_id": f"h-{i}"}).raise_for_status()
            timed_analyze(http, 5, 1000)  # warm
            free = timed_analyze(http, CALLS, 0)
            lock = sqlite3.connect(db, timeout=1, isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")
            try:
                def put(i: int) -> int:
                    with httpx.Client(base_url=server.url, timeout=120) as c:
                        return c.put(f"/v1/handoffs/h-{i}/outcome", json=OUTCOME).status_code

                with ThreadPoolExecutor(max_workers=WRITERS) as pool:
                    writers = [pool.submit(put, i) for i in range(WRITERS)]
                    time.sleep(1.0)
                    locked = timed_analyze(http, CALLS, CALLS)
                    statuses = [w.result() for w in writers]
            finally:
                lock.rollback()
                lock.close()
    finally:
        server.stop()
    result = {
        "free_median_ms": round(statistics.median(free), 1), "locked_median_ms": round(statistics.median(locked), 1),
        "ratio": round(statistics.median(locked) / statistics.median(free), 2),
        "locked_max_ms": round(max(locked), 1), "writer_statuses": {str(s): statuses.count(s) for s in set(statuses)},
        "calls": CALLS, "writers": WRITERS,
    }
    (ROOT / "bench/results/locked_db.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
