"""The detectors' golden file: what they decide on every note, to check that a restructuring changes nothing.

For each note (the annotated notes and the synthetic handoffs) one line: its id, a hash of its text, the
rules' reading of every element (state, confidence, rule id, value, evidence spans) and the combined reading
with the learned reader (state, confidence, source). `write` records it; `check` reads every note again with
the running code and lists each difference. A change of behaviour is then a commit of its own, with the
golden file written again beside its reason.

    python -m training golden --out data/golden/detections.jsonl.gz            # record
    python -m training golden --check data/golden/detections.jsonl.gz          # compare (exit 1 on a difference)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (["data/annotated/dev.jsonl", "data/annotated/heldout.jsonl"]
                + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "data/annotated/writers").glob("*.jsonl"))
                + ["data/annotated/handoffs.jsonl"])
CHUNK = 40
_worker: dict = {}


def notes(paths: Sequence[str]) -> list[tuple[str, str]]:
    """(id, text) of every record of every file, in file order; ids must be unique."""
    out, seen = [], set()
    for path in paths:
        full = Path(path) if Path(path).is_absolute() else ROOT / path
        for n, line in enumerate(full.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                rec = json.loads(line)
                if rec["id"] in seen:
                    raise ValueError(f"{path}:{n}: duplicate id {rec['id']!r}")
                seen.add(rec["id"])
                out.append((rec["id"], rec["text"]))
    return out


def read(note_id: str, text: str, parser, reader, embedder) -> dict:
    """One golden line: the rules' reading and the combined one."""
    from service.engine.detect import detect

    rules = detect(text, parser)
    combined = detect(text, parser, reader, embedder.encode([text])[0]) if reader is not None else rules
    return {
        "id": note_id,
        "sha": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12],
        "rules": {el: [d.state.value, round(d.confidence, 6), d.rule, d.value, [[e.start, e.end] for e in d.evidence]]
                  for el, d in rules.detections.items()},
        "combined": {el: [d.state.value, round(d.confidence, 6), d.source] for el, d in combined.detections.items()},
    }


def _init() -> None:
    from service.engine.artifact import MODELS_DIR
    from service.engine.embedder import Embedder
    from service.engine.nlp import Parser
    from service.engine.reader import find_reader

    from .featurize import _one_blas_thread

    _one_blas_thread()
    embedder = Embedder()
    _worker.update(parser=Parser(cache_tokens=0), embedder=embedder,
                   reader=find_reader(MODELS_DIR, "current", embedder.fingerprint))


def _read_chunk(chunk: list[tuple[str, str]]) -> list[dict]:
    return [read(i, t, _worker["parser"], _worker["reader"], _worker["embedder"]) for i, t in chunk]


def read_all(items: list[tuple[str, str]], workers: int = 2, progress: bool = True) -> Iterator[dict]:
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    start, done = time.monotonic(), 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_init) as pool:
        for lines in pool.map(_read_chunk, chunks):
            done += len(lines)
            if progress and (done % 1000 < CHUNK or done == len(items)):
                print(f"  read {done}/{len(items)} notes, {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
            yield from lines


def write(out: Path, paths: Sequence[str], workers: int = 2) -> int:
    items = notes(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    # mtime=0: the same detections give the same bytes
    with tmp.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for line in read_all(items, workers):
            gz.write((json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode())
    tmp.replace(out)
    return len(items)


def load(path: Path) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return {line["id"]: line for line in map(json.loads, fh)}


def differences(golden: dict[str, dict], lines: Iterator[dict]) -> Iterator[str]:
    """One message per element whose reading changed (or per note that is new or changed its text)."""
    for line in lines:
        old = golden.get(line["id"])
        if old is None or old["sha"] != line["sha"]:
            yield f"{line['id']}: not in the golden file, or its text changed"
            continue
        for part in ("rules", "combined"):
            for el, now in line[part].items():
                if old[part].get(el) != now:
                    yield f"{line['id']} {part} {el}: {old[part].get(el)} -> {now}"


def check(path: Path, workers: int = 2, limit: int = 40) -> int:
    golden = load(path)
    items = [(i, t) for i, t in notes(DEFAULT_DATA) if i in golden]
    counts: Counter[str] = Counter()
    shown = 0
    for message in differences(golden, read_all(items, workers)):
        counts[" ".join(message.split()[1:3]) if ":" not in message.split()[0] else "text"] += 1
        if shown < limit:
            print(message)
            shown += 1
    if not counts:
        print(f"golden file reproduced exactly: {len(items)} notes")
        return 0
    print(f"{sum(counts.values())} differences:", ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    return 1
