"""The detection API of the engine: text in, one Detection per element out, with evidence spans."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from .detectors import Finding, Note, find_all
from .detectors.checklist import APPROX
from .detectors.special import open_schedule_sentences
from .detectors.values import read_value
from .elements import ELEMENT_IDS, State
from .nlp import Parser, default_parser
from .reader import SOURCE_LEARNED, Reader, decide, reads
from .text import utf16_offset, validate

ABSENT_CONFIDENCE = 0.7  # nothing matched at all
ABSENT_AFTER_REJECTS = 0.55  # cue words were there but the parse ruled them out


@dataclass(frozen=True, slots=True)
class Evidence:
    start: int  # code points into the text as sent
    end: int
    text: str
    start_utf16: int  # UTF-16 code units, for JavaScript's String indices
    end_utf16: int


@dataclass(frozen=True, slots=True)
class Detection:
    element: str
    state: State
    confidence: float
    evidence: tuple[Evidence, ...]
    rule: str
    negated: bool = False  # the deciding evidence sits under a negated predicate
    value: str | None = None  # what it says, where that matters (detectors/values.py): urgency "high"/"low", …
    source: str = "none"  # who decided: the rule id, "learned" (the reader overruled or filled in), "none" (silence)


@dataclass(frozen=True, slots=True)
class NoteDetections:
    text: str
    detections: dict[str, Detection]
    elapsed_ms: float = 0.0
    findings: tuple[Finding, ...] = field(default=(), repr=False)

    def states(self) -> dict[str, str]:
        return {k: d.state.value for k, d in self.detections.items()}


def detect(text: str, parser: Parser | None = None, reader: Reader | None = None,
           embedding: np.ndarray | None = None) -> NoteDetections:
    """Parse `text` (sentence Docs are cached) and decide every element's state with its evidence.

    With a `reader` the rules' reading is one of its inputs and its decision is final (see reader.py);
    `embedding` is the note's sentence embedding, which a reader trained with it needs."""
    text = validate(text)
    t0 = time.perf_counter()
    parser = parser or default_parser()
    note = Note(text, parser.parse(text) if text.strip() else [])
    findings = find_all(note) if note.sentences else []
    detections = {el: _decide(el, [f for f in findings if f.element == el], note) for el in ELEMENT_IDS}
    if reader is not None and note.sentences and reads(text):
        detections = _read_with(reader, text, detections, embedding)
    return NoteDetections(text, detections, (time.perf_counter() - t0) * 1000, tuple(findings))


def _read_with(reader: Reader, text: str, rules: dict[str, Detection], embedding: np.ndarray | None) -> dict[str, Detection]:
    """The reader's decision per element: where it keeps the rules' state, their evidence and value stand."""
    reading = {el: (d.state.value, d.confidence) for el, d in rules.items()}
    emb = None if embedding is None else np.asarray(embedding)[None, :]
    probs = reader.model.proba([text], [reading], emb)[0]
    out = {}
    for el, (state, p) in zip(ELEMENT_IDS, decide(probs), strict=True):
        d = rules[el]
        if state == d.state.value:
            out[el] = replace(d, confidence=round(p, 3))
            continue
        span = reader.model.evidence(text, el, state)
        evidence = () if span is None else (_evidence_span(text, *span),)
        out[el] = Detection(el, State(state), round(p, 3), evidence, SOURCE_LEARNED, source=SOURCE_LEARNED)
    return out


def _decide(element: str, findings: list[Finding], note: Note) -> Detection:
    present = [f for f in findings if f.state is State.PRESENT]
    unknown = [f for f in findings if f.state is State.UNKNOWN]
    if element == "next_action":
        present, unknown = _next_action_open(present, unknown, note)
    if present:
        chosen, state = present, State.PRESENT
    elif unknown:
        chosen, state = unknown, State.UNKNOWN
    else:
        conf = ABSENT_AFTER_REJECTS if findings else ABSENT_CONFIDENCE
        return Detection(element, State.ABSENT, conf, (), "none")
    best = max(chosen, key=lambda f: f.confidence)
    confidence = min(0.99, best.confidence + 0.05 * (len(chosen) - 1))
    value = read_value(element, note, chosen) if state is State.PRESENT else None
    return Detection(element, state, round(confidence, 3), _evidence(note.text, chosen), best.rule, best.negated, value,
                     best.rule)


def _next_action_open(present: list[Finding], unknown: list[Finding], note: Note) -> tuple[list[Finding], list[Finding]]:
    """An approximate date in a sentence that also says the date is still open is not a fixed next step."""
    open_spans = open_schedule_sentences(note)
    if not open_spans:
        return present, unknown
    kept, demoted = [], []
    for f in present:
        in_open = any(lo <= f.start < hi for lo, hi in open_spans)
        vague = APPROX.search(note.norm_of(f.start, min(len(note.text), f.end + 4))) or not any(
            c.isdigit() for c in note.text[f.start:f.end])
        (demoted if in_open and vague else kept).append(f)
    extra = [Finding(f.element, State.UNKNOWN, f.start, f.end, "next:open-date", 0.6) for f in demoted]
    if not kept:
        extra += [Finding("next_action", State.UNKNOWN, lo, hi, "next:open-schedule", 0.6) for lo, hi in open_spans[:1]]
    return kept, unknown + extra


def _evidence(text: str, findings: list[Finding]) -> tuple[Evidence, ...]:
    spans: list[tuple[int, int]] = []
    for f in sorted(findings, key=lambda f: (f.shown_start, -f.end)):
        if spans and f.shown_start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], f.end))
        else:
            spans.append((f.shown_start, f.end))
    return tuple(_evidence_span(text, s, e) for s, e in spans)


def _evidence_span(text: str, start: int, end: int) -> Evidence:
    return Evidence(start, end, text[start:end], utf16_offset(text, start), utf16_offset(text, end))
