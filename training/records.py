"""Reading annotated records (../shared/context-schema.md record format) with line-numbered errors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from service.engine.elements import ELEMENT_IDS, STATES


def id_bucket(record_id: str, salt: str = "") -> int:
    """0–99 from a hash of the id: splits that never move a record when others are added."""
    return int(hashlib.sha1(f"{salt}{record_id}".encode()).hexdigest(), 16) % 100


class RecordError(ValueError):
    """A record that does not follow the schema; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Annotated:
    id: str
    text: str
    labels: dict[str, str]
    quality: int | None
    source: str
    writer: str = ""  # who wrote the note (the data card's writer id); evaluation by writer groups on it
    style: str = ""


def load_annotated(paths: list[str | Path]) -> list[Annotated]:
    """All records of the given JSONL files; any malformed line raises RecordError with its location."""
    out: list[Annotated] = []
    for path in map(Path, paths):
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    out.append(_parse(line, f"{path}:{lineno}"))
    return out


def _parse(line: str, where: str) -> Annotated:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not isinstance(obj.get("labels"), dict):
        raise RecordError(f"{where}: a record needs a string 'text' and an object 'labels'")
    labels = obj["labels"]
    missing = [e for e in ELEMENT_IDS if e not in labels]
    bad = {k: v for k, v in labels.items() if k not in ELEMENT_IDS or v not in STATES}
    if missing or bad:
        raise RecordError(f"{where}: labels missing {missing} or invalid {bad}")
    return Annotated(str(obj.get("id", where)), obj["text"], dict(labels), obj.get("quality"), where,
                     str(obj.get("writer") or ""), str(obj.get("style") or ""))
