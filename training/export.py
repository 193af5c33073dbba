"""Stored handoffs with outcomes → a training file in the format training/handoffs.py loads (JSONL or CSV).

The file is written beside its destination and renamed into place, so a failed export leaves no partial file.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from service.store import TRAINING_FIELDS, Store

COLUMNS = ("id", "text", "opportunity", "won", *TRAINING_FIELDS, "handoff_at")
FORMATS = ("jsonl", "csv")


@dataclass(frozen=True, slots=True)
class ExportResult:
    written: int  # handoffs with an outcome, one row each
    skipped: int  # stored handoffs without an outcome yet


def export_outcomes(store: Store, out: Path, fmt: str | None = None) -> ExportResult:
    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "jsonl")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (jsonl or csv)")
    if (fmt == "csv") != (out.suffix.lower() == ".csv"):  # load_handoffs reads a file by its suffix
        raise ValueError(f"{out}: a {fmt} export needs a file name {'ending' if fmt == 'csv' else 'not ending'} in .csv")
    counts = store.counts()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
            written = (_write_csv if fmt == "csv" else _write_jsonl)(fh, store.export_rows())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportResult(written=written, skipped=max(counts["handoffs"] - counts["outcomes"], 0))


def _write_jsonl(fh: IO[str], rows: Iterable[dict]) -> int:
    n = 0
    for row in rows:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def _write_csv(fh: IO[str], rows: Iterable[dict]) -> int:  # with a BOM, so that Excel reads the Japanese
    writer = csv.DictWriter(fh, fieldnames=COLUMNS, restval="", extrasaction="raise")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n
