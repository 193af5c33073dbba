"""Detection time per note, GiNZA included, against the naive way: spacy.load("ja_ginza") and nlp(text).

Both run on the same notes in the same process, alternating per note. Ours runs with a cold sentence cache
(cleared before every note), so the figure is a first analysis, not a cache hit; the warm figure is printed
beside it. Usage: python bench/bench_detect.py [--rounds N] [--out bench/results/detect.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


EVAL_DEV = ROOT.parent / "shared/eval-dev"


def load_notes(files: list[Path] | None = None) -> list[str]:
    """Held-out and eval-dev notes (or `files`), in file order."""
    files = files or [ROOT / "data/annotated/heldout.jsonl", *sorted(EVAL_DEV.glob("*.jsonl"))]
    return [json.loads(line)["text"] for f in files if Path(f).exists() for line in open(f, encoding="utf-8") if line.strip()]


def load_naive():
    """The naive way: the whole ja_ginza pipeline (ner, morphologizer and all), one nlp(text) per note."""
    import spacy

    return spacy.load("ja_ginza")


def percentile(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * q))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/detect.json")
    args = ap.parse_args()

    from service.engine.detect import detect
    from service.engine.nlp import Parser
    from service.engine.scorer import Scorer

    notes = load_notes()
    naive = load_naive()
    parser = Parser()
    scorer = Scorer.current(parser=parser)  # the learned reader the served model was trained with, if any
    reader, embedder = scorer.reader, scorer.embedder

    def ours(text: str):  # what the service detects: the rules, and the reader with the note's embedding
        return detect(text, parser, reader, embedder.encode([text])[0] if reader is not None else None)

    for t in notes[:5]:  # warm-up both
        naive(t)
        ours(t)
    t_naive, t_cold, t_warm = [], [], []
    for _ in range(args.rounds):
        for text in notes:
            s = time.perf_counter()
            naive(text)
            t_naive.append((time.perf_counter() - s) * 1000)
            parser.clear_cache()
            s = time.perf_counter()
            ours(text)
            t_cold.append((time.perf_counter() - s) * 1000)
            s = time.perf_counter()
            ours(text)
            t_warm.append((time.perf_counter() - s) * 1000)
    med = {k: statistics.median(v) for k, v in (("naive", t_naive), ("ours_cold", t_cold), ("ours_warm", t_warm))}
    p95 = {k: percentile(v, 0.95) for k, v in (("naive", t_naive), ("ours_cold", t_cold), ("ours_warm", t_warm))}
    result = {
        "notes": len(notes), "rounds": args.rounds,
        "median_chars": statistics.median(len(t) for t in notes),
        "median_ms": {k: round(v, 1) for k, v in med.items()},
        "p95_ms": {k: round(v, 1) for k, v in p95.items()},
        "ratio_cold_to_naive": round(med["ours_cold"] / med["naive"], 3),
        "reader": None if reader is None else reader.version,
        "machine": f"{platform.machine()} {platform.python_version()} cpus={__import__('os').cpu_count()}",
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{len(notes)} notes × {args.rounds} rounds, median {result['median_chars']} chars")
    print("| | median ms | p95 ms |\n|---|---|---|")
    for k in ("naive", "ours_cold", "ours_warm"):
        print(f"| {k} | {med[k]:.1f} | {p95[k]:.1f} |")
    print(f"ratio ours (cold) / naive: {result['ratio_cold_to_naive']} (target ≤ 0.6)")


if __name__ == "__main__":
    main()
