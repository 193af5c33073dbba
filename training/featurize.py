"""Detections and features for thousands of notes: parallel GiNZA parsing, a persistent detection cache.

Parsing dominates training time (~60 ms a note), so detections are computed in worker processes and cached
in var/cache/detections.sqlite keyed by the detection code's fingerprint and the note's hash: retraining or
evaluating on the same notes reuses them; changing the detectors invalidates them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from service.engine.artifact import detector_fingerprint
from service.engine.features import Fields, Summary, feature_dict, read_summary

CACHE = Path(os.environ.get("HANDOFF_CACHE_DIR", Path(__file__).resolve().parents[1] / "var" / "cache")) / "detections.sqlite"
CHUNK = 40


def detect_summaries(texts: Sequence[str], workers: int = 2, progress: bool = True, cache: Path | None = CACHE) -> list[Summary]:
    fp = detector_fingerprint()
    keys = [f"{fp}:{hashlib.sha1(t.encode('utf-8', 'surrogatepass')).hexdigest()}" for t in texts]
    found = _cache_get(cache, keys) if cache else {}
    todo = [i for i, k in enumerate(keys) if k not in found]
    if progress and found:
        print(f"detections: {len(texts) - len(todo)} from cache, {len(todo)} to parse", file=sys.stderr)
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    results: dict[int, Summary] = {}
    start = time.monotonic()
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=_one_blas_thread) as pool:
            for chunk, out in zip(chunks, pool.map(_detect_chunk, ([texts[i] for i in c] for c in chunks)), strict=True):
                results.update(zip(chunk, out, strict=True))
                _progress(progress, len(results), len(todo), start)
    else:
        for chunk in chunks:
            results.update(zip(chunk, _detect_chunk([texts[i] for i in chunk]), strict=True))
            _progress(progress, len(results), len(todo), start)
    if cache and results:
        _cache_put(cache, {keys[i]: s for i, s in results.items()})
    return [found.get(k) or results[i] for i, k in enumerate(keys)]


def rule_readings(summaries: Sequence[Summary]) -> list[dict[str, tuple[str, float]]]:
    """Each element's (state, confidence) from the rules' summaries: the reader's view of the rules."""
    from service.engine.elements import ELEMENT_IDS

    return [{el: (s[el][0], float(s[el][1])) for el in ELEMENT_IDS} for s in summaries]


def reader_summaries(texts: Sequence[str], summaries: Sequence[Summary], reader, embedder) -> list[Summary]:
    """The rules' summaries after the learned reader's decisions, as detect(text, reader=…) would give them."""
    from service.engine.reader import decide, reads

    readings = rule_readings(summaries)
    embeddings = embedder.encode(list(texts)) if reader.uses_embedding else None
    probs = reader.model.proba(list(texts), readings, embeddings)
    return [read_summary(s, decide(p)) if reads(t) else s for t, s, p in zip(texts, summaries, probs, strict=True)]


def build_features(texts: Sequence[str], summaries: Sequence[Summary], fields: Sequence[Fields], embedder) -> list[dict[str, float]]:
    embeddings = embedder.encode(list(texts)) if embedder is not None else [None] * len(texts)
    return [feature_dict(s, e, f, len(t)) for t, s, f, e in zip(texts, summaries, fields, embeddings, strict=True)]


def _one_blas_thread() -> None:
    """Each worker multiplies on one thread: with the parser on numpy's BLAS, two workers that each spin up
    a thread per core fight over the 2 cores (400 notes: 99 ms a note with the default, 34 ms with this)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _detect_chunk(texts: list[str]) -> list[Summary]:
    from service.engine.detect import detect
    from service.engine.features import summarize

    return [summarize(detect(t)) for t in texts]


def _progress(show: bool, done: int, total: int, start: float) -> None:
    if not show or not total:
        return
    if not sys.stderr.isatty() and done != total and done % 500 >= CHUNK:
        return  # in a log file, one line every ~500 notes
    elapsed = time.monotonic() - start
    left = elapsed / done * (total - done) if done else 0
    end = "\n" if done == total or not sys.stderr.isatty() else ""
    print(f"\r  parsed {done}/{total} notes ({100 * done // total}%), {elapsed:.0f} s elapsed, ~{left:.0f} s left",
          end=end, file=sys.stderr, flush=True)


def _cache_get(path: Path, keys: list[str]) -> dict[str, Summary]:
    if not path.exists():
        return {}
    out: dict[str, Summary] = {}
    with sqlite3.connect(path) as db:
        for i in range(0, len(keys), 500):
            batch = keys[i:i + 500]
            rows = db.execute(f"SELECT key, value FROM detections WHERE key IN ({','.join('?' * len(batch))})", batch)
            out.update({k: {el: tuple(t) for el, t in json.loads(v).items()} for k, v in rows})
    return out


def _cache_put(path: Path, items: dict[str, Summary]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS detections (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executemany("INSERT OR REPLACE INTO detections VALUES (?, ?)", [(k, json.dumps(v)) for k, v in items.items()])
