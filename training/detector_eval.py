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


def format_modes(reports: dict[str, DetectorReport]) -> str:
    """Per element P/R/F1 of `present` for several readers side by side (rules, learned, combined)."""
    modes = list(reports)
    head = "| element | " + " | ".join(f"{m} P | {m} R | {m} F1" for m in modes) + " | support |"
    lines = [head, "|---|" + "---|---|---|" * len(modes) + "---|"]
    first = reports[modes[0]]
    for el in first.per_element:
        cells = " | ".join(f"{reports[m].per_element[el].precision:.2f} | {reports[m].per_element[el].recall:.2f} | "
                           f"{reports[m].per_element[el].f1:.2f}" for m in modes)
        lines.append(f"| {el} | {cells} | {first.per_element[el].support} |")
    lines.append("| **macro-F1 (present)** | " + " | ".join(f" | | **{reports[m].macro_f1:.3f}**" for m in modes) + " | |")
    lines.append("| 3-state accuracy | " + " | ".join(f" | | {reports[m].accuracy_3state:.3f}" for m in modes) + " | |")
    lines.append(f"\n{first.n_notes} notes")
    return "\n".join(lines)


def calibration_error(gold: list[Annotated], probs, bins: int = 10) -> float:
    """Expected calibration error of the decided state's probability over all (note, element) pairs."""
    import numpy as np

    conf, hit = [], []
    for g, p in zip(gold, probs, strict=True):
        for i, el in enumerate(ELEMENT_IDS):
            k = int(np.argmax(p[i]))
            conf.append(float(p[i][k]))
            hit.append(float(STATES[k] == g.labels[el]))
    conf_a, hit_a = np.array(conf), np.array(hit)
    edges = np.linspace(0, 1, bins + 1)
    err = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = (conf_a > lo) & (conf_a <= hi)
        if m.any():
            err += m.mean() * abs(conf_a[m].mean() - hit_a[m].mean())
    return float(err)
