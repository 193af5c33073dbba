"""Command line for data scientists: `python -m training <command>` (thin: the work is in the modules)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ev = sub.add_parser("evaluate-detector", help="per-element P/R/F1 of `present`, 3-state accuracy, macro-F1")
    ev.add_argument("--gold", nargs="+", required=True, help="annotated JSONL files (schema record format)")
    ev.add_argument("--predictions", type=Path, help="write each note's predicted states as JSONL {id, labels}")
    ev.add_argument("--no-peer", action="store_true", help="skip the keyword-peer column")

    args = parser.parse_args(argv)
    if args.command == "evaluate-detector":
        return _evaluate_detector(args)
    return 2


def _evaluate_detector(args: argparse.Namespace) -> int:
    from service.engine.detect import detect

    from .detector_eval import format_report, predict_all, score, write_predictions
    from .keyword_peer import peer_states
    from .records import RecordError, load_annotated

    try:
        gold = load_annotated(args.gold)
    except (OSError, RecordError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"evaluating {len(gold)} notes from {len(args.gold)} file(s)", file=sys.stderr)
    predicted = predict_all(gold, lambda t: detect(t).states())
    ours = score(gold, predicted)
    peer = None if args.no_peer else score(gold, [peer_states(r.text) for r in gold])
    print(format_report(ours, peer))
    if args.predictions:
        write_predictions(args.predictions, gold, predicted)
        print(f"predictions written to {args.predictions}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
