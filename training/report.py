"""The model report: Markdown with PNG plots (ROC, calibration, element weights) beside model.joblib."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_report(out: Path, meta: dict, y: np.ndarray, probs: dict[str, np.ndarray]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import roc_curve

    fig, ax = plt.subplots(figsize=(5, 5))
    for name, p in probs.items():
        fpr, tpr, _ = roc_curve(y, p)
        ax.plot(fpr, tpr, label=f"{name} (AUC {meta['metrics'][name]['roc_auc']:.3f})")
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC, held-out handoffs")
    ax.legend(loc="lower right")
    fig.savefig(out / "roc.png", dpi=100, bbox_inches="tight")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 5))
    for name in ("ours", "peer"):
        frac, mean = calibration_curve(y, probs[name], n_bins=10, strategy="quantile")
        ax.plot(mean, frac, "o-", label=name)
    ax.plot([0, 1], [0, 1], ":", color="grey")
    ax.set(xlabel="predicted probability", ylabel="observed opportunity rate", title="Calibration (deciles)")
    ax.legend()
    fig.savefig(out / "calibration.png", dpi=100, bbox_inches="tight")
    plt.close(fig)

    weights = {k: v for k, v in meta["element_weights"].items() if k.startswith("el:") and k.endswith("=present")}
    names = sorted(weights, key=weights.get)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.barh([n[3:-8] for n in names], [weights[n] for n in names])
    ax.set(xlabel="standardised coefficient of 'present'", title="What the model learned per element")
    fig.savefig(out / "weights.png", dpi=100, bbox_inches="tight")
    plt.close(fig)

    m = meta["metrics"]
    lines = [f"# Model {meta['version']}", "", f"Trained {meta['trained_at']} on {meta['data']['train']} handoffs; "
             f"measured on {meta['data']['heldout']} held-out handoffs ({meta['data']['skipped']} input rows skipped).", "",
             "| model | ROC-AUC | PR-AUC | Brier |", "|---|---|---|---|"]
    lines += [f"| {k} | {v['roc_auc']:.3f} | {v['pr_auc']:.3f} | {v['brier']:.4f} |" for k, v in m.items()]
    if "ceiling" in m:
        gap = m["ceiling"]["roc_auc"] - m["peer"]["roc_auc"]
        closed = (m["ours"]["roc_auc"] - m["peer"]["roc_auc"]) / gap if gap > 0 else float("nan")
        lines += ["", f"Our model closes {closed:.0%} of the AUC gap between the peer and the ceiling."]
    lines += ["", "![ROC](roc.png) ![calibration](calibration.png)", "", "## Calibration (held-out)", "",
              "| predicted | n | mean predicted | observed |", "|---|---|---|---|"]
    lines += [f"| {r['bin']} | {r['n']} | {r['predicted']:.3f} | {r['observed']:.3f} |" for r in meta["calibration"]]
    lines += ["", "## Element weights", "", "![weights](weights.png)", "", "| feature | weight |", "|---|---|"]
    lines += [f"| {k} | {v:+.3f} |" for k, v in sorted(meta["element_weights"].items(), key=lambda kv: -abs(kv[1]))]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
