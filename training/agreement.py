"""Inter-annotator agreement: a second, blind annotator's labels against the writers' own.

The sample is chosen by a hash of each note's id (`in_blind_sample`), so it is the same whoever draws it and
it does not depend on the labels. Agreement per element is the F1 of `present` (one annotator taken as the
reference; F1 is symmetric) and Cohen's κ over the three states; adjudication replaces a writer's label
where the adjudicator sided with the second annotator.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from service.engine.elements import ELEMENT_IDS, STATES

from .records import Annotated, id_bucket

BLIND_PERCENT = 22  # a little over the fifth the data card promises, whatever the hash's luck


def in_blind_sample(record_id: str, percent: int = BLIND_PERCENT) -> bool:
    return id_bucket(record_id, salt="blind:") < percent


def load_labels(paths: list[str | Path]) -> dict[str, dict]:
    """{id: record} of JSONL files of {id, labels, annotator?}; a repeated id is an error."""
    out: dict[str, dict] = {}
    for path in map(Path, paths):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            labels = obj.get("labels", {})
            if set(labels) != set(ELEMENT_IDS) or not set(labels.values()) <= set(STATES):
                raise ValueError(f"{path}:{lineno}: labels must give all twelve elements one of {STATES}")
            if obj["id"] in out:
                raise ValueError(f"{path}:{lineno}: id {obj['id']} labelled twice")
            out[obj["id"]] = obj
    return out


def cohen_kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    if n == 0:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[s] * cb[s] for s in STATES) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def present_f1(a: list[str], b: list[str]) -> float:
    tp = sum(x == y == "present" for x, y in zip(a, b, strict=True))
    n_a, n_b = a.count("present"), b.count("present")
    return 2 * tp / (n_a + n_b) if n_a + n_b else 1.0


@dataclass(frozen=True)
class Agreement:
    n_notes: int
    per_element: dict[str, tuple[float, float, int]]  # element -> (F1 of present, κ, disagreements)

    @property
    def macro_f1(self) -> float:
        return sum(f for f, _, _ in self.per_element.values()) / len(self.per_element)

    @property
    def mean_kappa(self) -> float:
        return sum(k for _, k, _ in self.per_element.values()) / len(self.per_element)


def agreement(first: list[Annotated], second: dict[str, dict]) -> Agreement:
    pairs = [(r.labels, second[r.id]["labels"]) for r in first if r.id in second]
    per = {}
    for el in ELEMENT_IDS:
        a = [p[0][el] for p in pairs]
        b = [p[1][el] for p in pairs]
        per[el] = (present_f1(a, b), cohen_kappa(a, b), sum(x != y for x, y in zip(a, b, strict=True)))
    return Agreement(len(pairs), per)


def format_agreement(result: Agreement) -> str:
    lines = ["| element | F1 of present | Cohen's κ (3 states) | disagreements |", "|---|---|---|---|"]
    for el, (f1, kappa, n) in result.per_element.items():
        lines.append(f"| {el} | {f1:.3f} | {kappa:.3f} | {n} |")
    lines.append(f"| **macro** | **{result.macro_f1:.3f}** | **{result.mean_kappa:.3f}** | "
                 f"{sum(n for _, _, n in result.per_element.values())} |")
    lines.append(f"\n{result.n_notes} notes labelled twice")
    return "\n".join(lines)
