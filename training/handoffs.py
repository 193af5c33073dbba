"""Loading historical handoffs with outcomes from JSONL or a CRM's CSV export.

Columns (JSONL keys or CSV headers; a config's [columns] table maps them from a CRM's own names):

| name | required | meaning |
|---|---|---|
| text | yes | the handoff note |
| opportunity | yes | FS accepted it as a real deal (案件化): 1/0, true/false, yes/no, はい/いいえ |
| won | no | 受注, same values |
| id | no | a handoff id (line number if missing) |
| lead_source, contact_title, days_to_first_contact, n_contacts, rep_id | no | CRM fields (service/engine/features.py) |
| lead_created_at, first_contact_at, handoff_at | no | ISO dates |

A row with a missing or malformed field is reported by file and line and skipped (or, with strict, the whole
load is rejected); nothing is dropped silently.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from service.engine.features import FIELD_NAMES, Fields

TRUE = {"1", "true", "yes", "y", "t", "はい", "有", "あり", "○", "1.0"}
FALSE = {"0", "false", "no", "n", "f", "いいえ", "無", "なし", "×", "0.0"}
DATE_FIELDS = ("lead_created_at", "first_contact_at", "handoff_at")


class DataError(ValueError):
    """The input cannot be used (strict mode, or no usable row at all)."""


@dataclass(frozen=True, slots=True)
class Handoff:
    id: str
    text: str
    fields: Fields
    opportunity: int
    won: int | None
    handoff_at: str | None = None
    latent_p: float | None = None  # the generator's own probability, where the data is synthetic (the ceiling)


@dataclass
class LoadReport:
    rows: list[Handoff] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file:line: reason"


def load_handoffs(paths: list[str | Path], columns: Mapping[str, str] | None = None, strict: bool = False) -> LoadReport:
    report = LoadReport()
    for path in map(Path, paths):
        for where, raw in _raw_rows(path, report):
            row = {name: raw.get((columns or {}).get(name, name)) for name in _ALL_NAMES}
            try:
                report.rows.append(_parse(row, where, raw))
            except ValueError as exc:
                report.problems.append(f"{where}: {exc}")
    if strict and report.problems:
        raise DataError(f"{len(report.problems)} bad rows (strict): " + "; ".join(report.problems[:5]))
    if not report.rows:
        raise DataError("no usable rows in " + ", ".join(map(str, paths)) + "".join(f"\n  {p}" for p in report.problems[:10]))
    return report


_ALL_NAMES = ("id", "text", "opportunity", "won", *FIELD_NAMES, *DATE_FIELDS)


def _raw_rows(path: Path, report: LoadReport):
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for lineno, raw in enumerate(csv.DictReader(fh), 2):
                yield f"{path}:{lineno}", raw
        return
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                report.problems.append(f"{path}:{lineno}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(raw, dict):
                report.problems.append(f"{path}:{lineno}: not a JSON object")
                continue
            yield f"{path}:{lineno}", raw


def _parse(row: dict, where: str, raw: Mapping) -> Handoff:
    text = row["text"]
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    opportunity = _flag(row["opportunity"], "opportunity", required=True)
    won = _flag(row["won"], "won", required=False)
    if won and not opportunity:
        raise ValueError("'won' is 1 but 'opportunity' is 0")
    for name in ("days_to_first_contact", "n_contacts"):
        if row[name] not in (None, ""):
            try:
                value = float(row[name])
            except (TypeError, ValueError):
                raise ValueError(f"'{name}' is not a number: {row[name]!r}") from None
            if value < 0:
                raise ValueError(f"'{name}' is negative: {value}")
            row[name] = value
    for name in DATE_FIELDS:
        if row[name] not in (None, ""):
            try:
                date.fromisoformat(str(row[name])[:10])
            except ValueError:
                raise ValueError(f"'{name}' is not an ISO date: {row[name]!r}") from None
    latent = raw.get("latent") if isinstance(raw.get("latent"), dict) else {}
    return Handoff(
        id=str(row["id"] or where.rsplit(":", 1)[-1]),
        text=text,
        fields=Fields.from_mapping({k: (str(row[k]) if isinstance(row[k], str) else row[k]) for k in FIELD_NAMES}),
        opportunity=opportunity,
        won=won,
        handoff_at=str(row["handoff_at"])[:10] if row["handoff_at"] else None,
        latent_p=float(latent["p_opportunity"]) if "p_opportunity" in latent else None,
    )


def _flag(value: object, name: str, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise ValueError(f"missing '{name}'")
        return None
    if isinstance(value, bool):
        return int(value)
    text = str(value).strip().lower()
    if text in TRUE:
        return 1
    if text in FALSE:
        return 0
    raise ValueError(f"'{name}' is not a yes/no value: {value!r}")
