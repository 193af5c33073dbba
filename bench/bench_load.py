"""Load check: 8 concurrent clients for 60 s against one `python -m service` on loopback.

Each client loops: score a note with a fresh handoff id (POST /v1/score), report its outcome
(PUT /v1/handoffs/{id}/outcome), and every third round read it back (GET). At the end every outcome written
is read back and compared. Records p50/p95 latency per call, throughput and errors in bench/results/load.json.

    .venv/bin/python bench/bench_load.py [--clients 8] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/load.json")
    args = parser.parse_args()

    notes = [json.loads(line)["text"] for line in (ROOT / "data/annotated/dev.jsonl").read_text(encoding="utf-8").splitlines()]
    tmp = Path(tempfile.mkdtemp(prefix="handoff-load-"))
    server = LiveServer({"HANDOFF_DB_URL": f"sqlite:///{tmp / 'load.sqlite3'}", "HANDOFF_API_KEYS": "",
                         "HANDOFF_ADMIN_KEYS": ""}, tmp / "server.log")
    latencies: dict[str, list[float]] = {"score": [], "outcome": [], "read": []}
    errors: list[str] = []
    written: dict[str, dict] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def client(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=server.url, timeout=60) as http:
            i = 0
            while time.monotonic() < deadline:
                hid = f"load-{k}-{i}"
                calls = [("score", "POST", "/v1/score", {"text": rng.choice(notes), "handoff_id": hid,
                                                          "fields": {"lead_source": rng.choice(["webinar", "inquiry"])}})]
                outcome = {"opportunity": rng.random() < 0.2, "feedback": f"FSより: {i}回目", "helpful_elements": ["need"]}
                calls.append(("outcome", "PUT", f"/v1/handoffs/{hid}/outcome", outcome))
                if i % 3 == 0:
                    calls.append(("read", "GET", f"/v1/handoffs/{hid}", None))
                for name, method, path, body in calls:
                    t0 = time.perf_counter()
                    try:
                        r = http.request(method, path, json=body)
                        ok = r.status_code in (200, 201)
                    except httpx.HTTPError as exc:
                        ok, r = False, exc
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        latencies[name].append(ms)
                        if not ok:
                            errors.append(f"{method} {path}: {getattr(r, 'status_code', r)}")
                        elif name == "outcome":
                            written[hid] = outcome
                i += 1

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    mismatched = 0
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for hid, outcome in written.items():
            got = http.get(f"/v1/handoffs/{hid}").json().get("outcome") or {}
            if got.get("opportunity") != outcome["opportunity"] or got.get("feedback") != outcome["feedback"]:
                mismatched += 1
    server.stop()

    total = sum(len(v) for v in latencies.values())
    result = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": total,
        "throughput_rps": round(total / elapsed, 1), "handoffs_per_s": round(len(latencies["score"]) / elapsed, 2),
        "errors": len(errors), "error_samples": errors[:5], "outcomes_written": len(written),
        "outcomes_read_back_mismatched": mismatched,
        "latency_ms": {k: {"n": len(v), "p50": round(statistics.median(v), 1) if v else None,
                           "p95": round(percentile(v, 0.95), 1) if v else None} for k, v in latencies.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if not errors and not mismatched else 1


if __name__ == "__main__":
    sys.exit(main())
