"""What live typing costs: a one-sentence edit against a cold note and against the naive full pipeline.

On every note of 100–700 characters (annotated dev + held-out, and ../shared/eval-dev), in one process:
  naive        spacy.load("ja_ginza") and nlp(text), the same as bench_detect.py's naive path;
  cold         the service's path for /v1/analyze, Scorer.score(text) (detection, embedding, the model and one
               counterfactual per missing element), with the sentence cache emptied first; `cold detect` is
               detection alone, the figure bench_detect.py reports;
  edit         Scorer.score after changing one sentence of the note just analysed (or appending one), so that
               exactly one sentence misses the parser's cache, which is checked on the miss counter;
  unchanged    Scorer.score of the same note again (every sentence cached).
Usage: python bench/bench_incremental.py [--rounds N] [--limit N] [--out bench/results/incremental.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

from bench_detect import EVAL_DEV, ROOT, load_naive, load_notes, percentile

FILES = [ROOT / "data/annotated/dev.jsonl", ROOT / "data/annotated/heldout.jsonl", *sorted(EVAL_DEV.glob("*.jsonl"))]
MIN_CHARS, MAX_CHARS = 100, 700
EDIT_BAR_MS = 25.0
COLD_BAR_RATIO = 0.6
_END = re.compile(r"(?:[。！？!?]+[」』）)]*)?\n*$")
_ENDS_SENTENCE = re.compile(r"(?:[。！？!?][」』）)]*|\n)$")
APPENDED = ("次回は{m}/{d} {h}時にオンラインで部長同席のデモ予定。", "予算は年{n}0万円程度で来期に申請予定とのこと。",
            "{m}月のウェビナーにも参加していた。", "他社の見積も{n}社分取得済みらしい。")


def one_sentence_edit(text: str, i: int) -> tuple[str, str]:
    """Append a sentence to every other note that ends a sentence; otherwise change its middle sentence."""
    from service.engine.text import split_sentences

    if i % 2 == 0 and _ENDS_SENTENCE.search(text):
        sentence = APPENDED[i // 2 % len(APPENDED)].format(m=i % 12 + 1, d=i % 28 + 1, h=i % 8 + 10, n=i % 9 + 1)
        return text + sentence, "append"
    seg = split_sentences(text)[len(split_sentences(text)) // 2]
    cut = seg.start + _END.search(seg.text).start()
    return text[:cut] + "とのこと" + text[cut:], "change"


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - start) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="only the first N notes (a quick look)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/incremental.json")
    args = ap.parse_args()

    from service.engine.detect import detect
    from service.engine.nlp import Parser
    from service.engine.scorer import Scorer

    notes = [t for t in load_notes(FILES) if MIN_CHARS <= len(t) <= MAX_CHARS][:args.limit or None]
    naive = load_naive()
    parser = Parser()  # its own cache and counters
    scorer = Scorer.current(parser=parser)
    for t in notes[:5]:  # warm-up
        naive(t)
        scorer.score(t)
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {k: [] for k in ("naive", "cold_detect", "cold", "edit", "edit_detect", "unchanged")}
    kinds = {"append": 0, "change": 0}
    misses_not_one = 0
    for _ in range(args.rounds):
        for i, text in enumerate(notes):
            times["naive"].append(timed(naive, text)[0])
            parser.clear_cache()
            times["cold_detect"].append(timed(detect, text, parser)[0])
            parser.clear_cache()
            times["cold"].append(timed(scorer.score, text)[0])
            times["unchanged"].append(timed(scorer.score, text)[0])
            edited, kind = one_sentence_edit(text, i)
            kinds[kind] += 1
            before = parser.misses
            ms, result = timed(scorer.score, edited)
            misses_not_one += parser.misses - before != 1
            times["edit"].append(ms)
            times["edit_detect"].append(result.detections.elapsed_ms)
    med = {k: round(statistics.median(v), 1) for k, v in times.items()}
    p95 = {k: round(percentile(v, 0.95), 1) for k, v in times.items()}
    result = {
        "notes": len(notes), "rounds": args.rounds, "chars": {"min": MIN_CHARS, "max": MAX_CHARS,
                                                             "median": statistics.median(len(t) for t in notes)},
        "edits": kinds, "edits_not_exactly_one_miss": misses_not_one,
        "median_ms": med, "p95_ms": p95,
        "ratio_cold_to_naive": round(med["cold"] / med["naive"], 3),
        "ratio_cold_detect_to_naive": round(med["cold_detect"] / med["naive"], 3),
        "ratio_edit_to_cold": round(med["edit"] / med["cold"], 3),
        "model": scorer.version, "reader": None if scorer.reader is None else scorer.reader.version,
        "bar": {"edit_median_ms_le_25": med["edit"] <= EDIT_BAR_MS, "cold_le_0.6_naive": med["cold"] <= COLD_BAR_RATIO * med["naive"]},
        "machine": f"{platform.machine()} {platform.python_version()} cpus={os.cpu_count()}",
        "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],  # before, after: 1/5/15 min
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{len(notes)} notes of {MIN_CHARS}–{MAX_CHARS} chars (median {result['chars']['median']}) × {args.rounds} rounds; "
          f"edits: {kinds['append']} appended, {kinds['change']} changed sentences, {misses_not_one} not exactly one miss")
    print("| | median ms | p95 ms |\n|---|---|---|")
    labels = {"naive": "naive: spacy.load(\"ja_ginza\"), nlp(text)", "cold_detect": "cold, detection only",
              "cold": "cold: Scorer.score, empty sentence cache", "edit": "one-sentence edit: Scorer.score",
              "edit_detect": "one-sentence edit: detection only", "unchanged": "unchanged note: Scorer.score"}
    for k, label in labels.items():
        print(f"| {label} | {med[k]:.1f} | {p95[k]:.1f} |")
    print(f"cold / naive = {result['ratio_cold_to_naive']} (bar ≤ {COLD_BAR_RATIO}); cold detection / naive = "
          f"{result['ratio_cold_detect_to_naive']}; edit / cold = {result['ratio_edit_to_cold']}; "
          f"edit median {med['edit']} ms (bar ≤ {EDIT_BAR_MS:.0f})")


if __name__ == "__main__":
    sys.exit(main())
