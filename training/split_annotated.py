"""Assign annotated notes to the dev split (for developing detectors) or the held-out split (never tuned on).

The split is a function of the record id alone (SHA-1), so adding notes never moves an existing one.
Usage: python -m training.split_annotated data/annotated/dev.jsonl data/annotated/heldout.jsonl  (or new files)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .records import id_bucket

HELDOUT_PERCENT = 30
OUT = Path("data/annotated")


def is_heldout(record_id: str) -> bool:
    return id_bucket(record_id) < HELDOUT_PERCENT


def main(paths: list[str]) -> None:
    dev, held = [], []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                (held if is_heldout(rec["id"]) else dev).append(rec)
    for name, recs in (("dev", dev), ("heldout", held)):
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in sorted(recs, key=lambda r: r["id"]))
        print(f"{name}: {len(recs)}")


if __name__ == "__main__":
    main(sys.argv[1:])
