"""Detect the twelve context elements in a note: Doc → findings → one Detection per element."""

from __future__ import annotations

from .bant import BUDGET, NEED, TIMING
from .base import Finding, Note
from .checklist import COMPETITION, CONTACT_HISTORY, NEXT_ACTION, NG, RESONANT
from .core import DECISION_MAKER, EMOTION, INTEREST, URGENCY
from .rules import ElementRules, run, template_fields
from .special import note_level_findings

RULES: tuple[ElementRules, ...] = (
    INTEREST, URGENCY, EMOTION, DECISION_MAKER, BUDGET, TIMING, NEED, COMPETITION, NG, NEXT_ACTION, RESONANT,
    CONTACT_HISTORY,
)
ALL_KEYS = frozenset().union(*(r.keys for r in RULES)) | {"bant"}


def find_all(note: Note) -> list[Finding]:
    fields = template_fields(note, ALL_KEYS.__contains__)
    findings: list[Finding] = []
    for rules in RULES:
        findings.extend(run(rules, note, fields))
    findings.extend(note_level_findings(note, fields))
    return findings


__all__ = ["RULES", "Finding", "Note", "find_all"]
