"""`python -m training.synth --n 6000 --seed 20261122 --out data/annotated/handoffs.jsonl`"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def summarize(records: list[dict]) -> dict:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    from .model import ELEMENT_IDS

    opp = np.array([r["opportunity"] for r in records])
    won = np.array([r["won"] for r in records])
    p = np.array([r["latent"]["p_opportunity"] for r in records])
    present = {e: float(np.mean([r["latent"]["captured"][e] == "present" for r in records])) for e in ELEMENT_IDS}
    unknown = {e: float(np.mean([r["latent"]["captured"][e] == "unknown" for r in records])) for e in ELEMENT_IDS}
    return {
        "n": len(records), "opportunity_rate": float(opp.mean()), "won_rate": float(won.mean()),
        "won_rate_given_opportunity": float(won[opp == 1].mean()) if opp.any() else float("nan"),
        "mean_p_opportunity": float(p.mean()),
        "auc_ceiling": float(roc_auc_score(opp, p)) if 0 < opp.sum() < len(opp) else float("nan"),
        "median_length": float(np.median([len(r["text"]) for r in records])),
        "length_p5_p95": [float(x) for x in np.percentile([len(r["text"]) for r in records], [5, 95])],
        "present_rate": present, "unknown_rate": unknown,
    }


def format_summary(s: dict) -> str:
    lines = [f"n={s['n']}  opportunity rate={s['opportunity_rate']:.3f}  won rate={s['won_rate']:.3f} "
             f"(given opportunity {s['won_rate_given_opportunity']:.3f})",
             f"AUC of latent p_opportunity vs drawn outcome (ceiling) = {s['auc_ceiling']:.3f}",
             f"median note length = {s['median_length']:.0f} chars (p5–p95 {s['length_p5_p95'][0]:.0f}–"
             f"{s['length_p5_p95'][1]:.0f})", "element            present  unknown"]
    lines += [f"  {e:<18} {s['present_rate'][e]:.3f}    {s['unknown_rate'][e]:.3f}" for e in s["present_rate"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.synth", description="Generate synthetic handoff notes.")
    parser.add_argument("--n", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(argv)

    from . import iter_records

    records = []
    for i, (record, _) in enumerate(iter_records(args.n, args.seed), 1):
        records.append(record)
        if i % 1000 == 0 or i == args.n:
            print(f"  {i}/{args.n}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} records to {args.out}")
    print(format_summary(summarize(records)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
