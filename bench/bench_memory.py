"""Memory of one service process over many varied requests: does its RSS plateau under the documented bound?

Sends `--requests` requests (default 5,000) to one `python -m service` on loopback, two clients at a time:
/v1/analyze and /v1/score on notes built from the annotated notes with their sentences shuffled and numbers
changed (so most sentences are new to the parse cache), one in 25 a long note (40–150 sentences), one in 250
of 20,000 characters, one in twenty a batch of five. Samples the server's RSS every 250 requests. Writes bench/results/memory.json: the
samples, the growth over the last 1,000 requests (the issue's bar: under 5 %), the peak, and the parse cache's
bound (HANDOFF_PARSE_CACHE_TOKENS).

    .venv/bin/python bench/bench_memory.py [--requests 5000] [--cache-tokens 250000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.engine.text import split_sentences  # noqa: E402
from tests.live import LiveServer  # noqa: E402

SAMPLE_EVERY = 250


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def varied_notes(rng: random.Random, n: int) -> list[str]:
    """Notes a parse cache cannot keep whole: annotated sentences, shuffled, with their digits changed."""
    texts = []
    for path in sorted((ROOT / "data/annotated/writers").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    sentences = [s.text for t in texts for s in split_sentences(t) if len(s.text.strip()) > 3]
    out = []
    for i in range(n):
        k = rng.choice([2, 3, 4, 6]) if i % 25 else rng.randint(40, 150)  # one in 25 is long
        if i % 250 == 125:
            k = 1000  # and one in 250 is cut at 20,000 characters
        picked = [rng.choice(sentences) for _ in range(k)]
        note = "".join("".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in s) for s in picked)
        out.append(note[:20_000])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--cache-tokens", type=int, default=None, help="HANDOFF_PARSE_CACHE_TOKENS (default: the service's)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/memory.json")
    args = parser.parse_args()

    rng = random.Random(5000)
    notes = varied_notes(rng, args.requests)
    tmp = Path(tempfile.mkdtemp(prefix="handoff-memory-"))
    env = {"HANDOFF_DB_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "HANDOFF_API_KEYS": "", "HANDOFF_ADMIN_KEYS": ""}
    if args.cache_tokens is not None:
        env["HANDOFF_PARSE_CACHE_TOKENS"] = str(args.cache_tokens)
    server = LiveServer(env, tmp / "server.log")
    samples = [{"requests": 0, "rss_mb": round(rss_mb(server.proc.pid), 1)}]
    statuses: dict[int, int] = {}
    start = time.monotonic()

    def one(i: int, http: httpx.Client) -> int:
        if i % 20 == 19:
            return http.post("/v1/score/batch", json={"items": [{"text": t} for t in notes[i - 4:i + 1]]}).status_code
        if i % 2:
            return http.post("/v1/score", json={"text": notes[i], "handoff_id": f"mem-{i}"}).status_code
        return http.post("/v1/analyze", json={"text": notes[i]}).status_code

    try:
        with httpx.Client(base_url=server.url, timeout=120) as http, ThreadPoolExecutor(max_workers=2) as pool:
            for done in range(0, args.requests, SAMPLE_EVERY):
                for status in pool.map(lambda i: one(i, http), range(done, min(done + SAMPLE_EVERY, args.requests))):
                    statuses[status] = statuses.get(status, 0) + 1
                samples.append({"requests": min(done + SAMPLE_EVERY, args.requests),
                                "rss_mb": round(rss_mb(server.proc.pid), 1),
                                "seconds": round(time.monotonic() - start, 1)})
                print(f"  {samples[-1]['requests']:>5} requests: RSS {samples[-1]['rss_mb']:.0f} MB, "
                      f"{samples[-1]['seconds']:.0f} s", file=sys.stderr, flush=True)
    finally:
        server.stop()

    by_count = {s["requests"]: s["rss_mb"] for s in samples}
    last = samples[-1]
    before = by_count.get(last["requests"] - 1000)
    result = {
        "requests": args.requests, "statuses": statuses,
        "cache_tokens": args.cache_tokens or "service default",
        "rss_start_mb": samples[0]["rss_mb"], "rss_peak_mb": max(s["rss_mb"] for s in samples),
        "rss_end_mb": last["rss_mb"],
        "growth_last_1000_percent": None if before is None else round(100 * (last["rss_mb"] - before) / before, 2),
        "samples": samples,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
