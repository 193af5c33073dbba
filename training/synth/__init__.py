"""Synthetic IS→FS handoff notes with a known latent truth and drawn outcomes.

`generate(n, seed)` returns n flat JSON-serialisable records: the note (Japanese), the CRM fields (lead
source, contact title, first-contact delay, touches, rep, dates), the outcome (opportunity, won) and
`latent`, the truth the note was rendered from and the exact outcome probabilities. The latent model and its
coefficients are in `model.py` (documented there and in data/annotated/HANDOFFS.md); the wording is in
`phrases.py` and `fillers.py`, the layouts in `styles.py`. Deterministic: one `numpy.random.default_rng(seed)`,
split into a stream for the latent draws and one for the wording, so rewording never changes an outcome.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .model import (
    ELEMENT_IDS,
    N_REPS,
    OPPORTUNITY_B0,
    OPPORTUNITY_COEF,
    WON_B0,
    WON_COEF,
    draw_lead,
    draw_reps,
)
from .render import render

__all__ = ["ELEMENT_IDS", "OPPORTUNITY_B0", "OPPORTUNITY_COEF", "WON_B0", "WON_COEF", "generate", "iter_records"]

CRM_KEYS = ("lead_source", "contact_title", "days_to_first_contact", "n_contacts", "rep_id", "lead_created_at",
            "first_contact_at", "handoff_at", "opportunity", "won")


def iter_records(n: int, seed: int) -> Iterator[tuple[dict, dict[str, str]]]:
    """(record, fragments) for n leads; fragments map an element to the text that carries it."""
    latent_rng, text_rng = np.random.default_rng(seed).spawn(2)
    reps = draw_reps(latent_rng)
    for i in range(n):
        lead = draw_lead(latent_rng, reps[int(latent_rng.integers(N_REPS))])
        text, frags = render(lead, text_rng)
        record = {"id": f"h-{i + 1:06d}", "text": text, **{k: lead[k] for k in CRM_KEYS}, "latent": lead["latent"]}
        yield record, frags


def generate(n: int, seed: int) -> list[dict]:
    """n synthetic handoff records; the same (n, seed) always gives the same records."""
    return [record for record, _ in iter_records(n, seed)]
