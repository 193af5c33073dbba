"""Note-level rules that span elements: 「BANTも取れてない」, and next-action dates left open."""

from __future__ import annotations

import re

from ..elements import State
from .base import Finding, Note

BANT_ELEMENTS = ("budget", "decision_maker", "need", "timing")
BANT_UNKNOWN = re.compile(r"BANT(?:情報)?(?:は|も|が)?(?:全く|まだ|ほぼ|何も)?(?:取れて|聞けて|確認できて|把握できて|ヒアリングできて)(?:い)?(?:ない|ません|ず)|BANT(?:は|も)?(?:未確認|不明|未ヒアリング|これから)")
OPEN_SCHEDULE = re.compile(r"(?:日程|日時|時間|次回)(?:は|も)?(?:調整中|未定|未確定|決まって(?:い)?(?:ない|ません)|確定して(?:い)?(?:ない|ません)|まだ)|候補日|調整中|返事待ち|連絡待ち")


def note_level_findings(note: Note, fields: list) -> list[Finding]:
    out: list[Finding] = []
    for s, e, _ in note.find(BANT_UNKNOWN):
        out.extend(Finding(el, State.UNKNOWN, s, e, "bant:unknown", 0.8) for el in BANT_ELEMENTS)
    return out


def open_schedule_sentences(note: Note) -> list[tuple[int, int]]:
    """Sentences that say the next meeting's date is still open (「日時は調整中」)."""
    spans = []
    for s, _e, _ in note.find(OPEN_SCHEDULE):
        sent = note.sentence_at(s)
        if sent is not None:
            spans.append((sent.start, sent.start + len(sent.text)))
    return spans


__all__ = ["note_level_findings", "open_schedule_sentences"]
