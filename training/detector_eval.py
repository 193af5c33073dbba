"""Measure the detectors (or the keyword peer) against annotated notes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.engine.elements import ELEMENT_IDS, STATES

from .records import Annotated


@dataclass(frozen=True, slots=True)
class ElementScore:
    precision: float
    recall: float
    f1: float
    support: int  # gold `present`


@dataclass(frozen=True, slots=True)
class DetectorReport:
    n_notes: int
    per_element: dict[str, ElementScore]
    accuracy_3state: float
    macro_f1: float


def score(gold: list[Annotated], predicted: list[dict[str, str]]) -> DetectorReport:
    """Per-element P/R/F1 of `present`, 3-state accuracy over all (note, element) pairs, macro-F1."""
    per: dict[str, ElementScore] = {}
    correct = total = 0
    for el in ELEMENT_IDS:
        tp = fp = fn = 0
        for g, p in zip(gold, predicted, strict=True):
            gp, pp = g.labels[el] == "present", p[el] == "present"
            tp += gp and pp
            fp += pp and not gp
            fn += gp and not pp
            correct += g.labels[el] == p[el]
            total += 1
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[el] = ElementScore(prec, rec, f1, tp + fn)
    macro = sum(s.f1 for s in per.values()) / len(per)
    return DetectorReport(len(gold), per, correct / total if total else 0.0, macro)


def predict_all(records: list[Annotated], predict: Callable[[str], dict[str, str]], progress: bool = True) -> list[dict[str, str]]:
    out = []
    for i, rec in enumerate(records, 1):
        out.append(predict(rec.text))
        if progress and (i % 25 == 0 or i == len(records)):
            print(f"\r  {i}/{len(records)} notes", end="" if i < len(records) else "\n", file=sys.stderr, flush=True)
    return out


def format_report(ours: DetectorReport, peer: DetectorReport | None = None) -> str:
    head = "| element | P | R | F1 |" + (" peer F1 |" if peer else "") + " support |"
    rule = "|---|---|---|---|" + ("---|" if peer else "") + "---|"
    lines = [head, rule]
    for el, s in ours.per_element.items():
        peer_cell = f" {peer.per_element[el].f1:.2f} |" if peer else ""
        lines.append(f"| {el} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |{peer_cell} {s.support} |")
    peer_macro = f" {peer.macro_f1:.3f} |" if peer else ""
    peer_acc = f" {peer.accuracy_3state:.3f} |" if peer else ""
    lines.append(f"| **macro-F1 (present)** | | | **{ours.macro_f1:.3f}** |{peer_macro} |")
    lines.append(f"| 3-state accuracy | | | {ours.accuracy_3state:.3f} |{peer_acc} |")
    lines.append(f"\n{ours.n_notes} notes")
    return "\n".join(lines)


def write_predictions(path: Path, records: list[Annotated], predicted: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for rec, labels in zip(records, predicted, strict=True):
            assert set(labels) == set(ELEMENT_IDS) and set(labels.values()) <= set(STATES)
            fh.write(json.dumps({"id": rec.id, "labels": labels}, ensure_ascii=False) + "\n")
