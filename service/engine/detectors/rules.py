"""The rule engine: what an element's cues, topic words and template fields mean once the parse is read.

An element is described by an `ElementRules` (data, in the family modules); `run` turns a note into
findings for it. Three kinds of evidence:

- template fields 「予算:300万」「【決裁】-」「B:○」: the key names the element, the value is judged;
- topic words (予算, 決裁者, 時期 …) in prose: unknown when the governing predicate says the information is
  missing (聞けていない, 未定 …), present when the clause carries the element's concrete content;
- cues: phrases that state the element directly (「月額10万円まで」「来週火曜14時 訪問」), present unless
  the parse shows they are the rep's own words, about another company, or (where it matters) negated.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..elements import State
from .base import Finding, Note, Reading

Check = Callable[[Note, int, int, Reading], bool]
MAX_MATCHES = 30  # per pattern and note: enough evidence, and a bound on pathological notes (「予算」×5000)

EMPTY_VALUE = re.compile(r"^[\s\-ー~?×x✕/・…。.、,()]*$")
UNKNOWN_VALUE = re.compile(
    r"未定|不明|未確認|未確定|未把握|未ヒアリング|未取得|確認中|調整中|要確認|次回確認|聞けず|聞けて(い)?(ない|ません)|"
    r"聞き(そびれ|逃|忘)|わから(ない|ず)|分から(ない|ず)|読(め|み取れ)(ず|な(い|かった)|ません)|つかめ(ず|な(い|かった)|ません)|tbd|TBD|\?|未$|不明確|これから|検討中|確認できて(い)?(ない|ません)|"
    r"伺え(ず|て(い)?(ない|ません))|取れて(い)?(ない|ません)|聞いて(い)?(ない|ません)|^△$|聞き出せ(ず|て(い)?(ない|ません))|"
    r"ヒアリングでき(ず|て(い)?(ない|ません))|確認でき(ず|なかった)|(商談|当日|次回|アポ|面談)(で|にて|時に)(ご)?確認|"
    r"^[^、,(/]{1,10}(?<![ぁ-ん])次第"  # 「院長次第」 leaves it to someone else; not 「でき次第」 or 「ゼロ(効果次第)」
)
KANA_YES_NO_MAP = {"アリ": "あり", "アル": "ある", "ナシ": "なし", "ナイ": "ない"}
KANA_YES_NO = re.compile(rf"(?<![ァ-ヶー])(?:{'|'.join(KANA_YES_NO_MAP)})(?![ァ-ヶー])")  # not ヒアリング
NONE_VALUE = re.compile(r"^(特に)?(なし|無し|ない|無い|特になし|とくになし)$")
OTHER_COMPANY = re.compile(
    r"[A-Za-z]{1,3}社(では|で|の事例|が導入|は導入)|他社(では|の事例|事例)|同業(他社)?(では|の事例|が導入)|導入事例|事例では|"
    r"事例(を|で)(紹介|説明|話)|他(院|校|店|行|自治体|大学|病院|施設|拠点)(では|の事例)|導入先(では|の)"
)
# a key after the bullets and brackets reps put before it: 「■予算」「・【決裁】」「> 時期」
MARKED_KEY = r"[\s>＞■□●○◆◇▼▽・\-*※#\[【〔(]*\s*(?P<key>[^:=\]】〕)\s]{1,14}?)"
FIELD_LINE = re.compile(rf"^{MARKED_KEY}\s*(?:[】\]〕)]\s*[:=→]?|[:=→]|\s(?=\S))\s*(?P<value>.*)$")


@dataclass(frozen=True, slots=True)
class Cue:
    name: str
    pattern: re.Pattern[str]
    check: Check | None = None  # extra condition on the match and its reading
    confidence: float = 0.8
    negation_kills: bool = False  # a negated predicate makes this cue say nothing
    unknown_means_unknown: bool = True  # False: a cue under 聞けていない etc. says nothing
    customer_state_ok: bool = False  # 「原因が分からない」 is the customer's problem, not the rep's gap
    shown: Callable[[Note, int, Reading], int | None] | None = None  # where its evidence is shown from (Finding.shown_from)


@dataclass(frozen=True)
class ElementRules:
    element: str
    keys: frozenset[str]  # template keys, normalised and lower-cased
    topic: re.Pattern[str] | None = None  # words naming the element, for unknown-scope and topic+content
    content: re.Pattern[str] | None = None  # what makes a topic mention concrete (None: any mention)
    topic_check: Check | None = None  # is this mention about the element at all (予算管理システム is not)
    content_check: Check | None = None  # is a relevant, not-unknown mention concrete (「サービスに興味」 is not)
    cues: tuple[Cue, ...] = ()
    vague_value: re.Pattern[str] | None = None  # field values that say nothing (興味:あり)
    value_content: re.Pattern[str] | None = None  # a field value must contain this to be present
    none_is_present: bool = False  # 「競合:なし」 is a fact, 「時期:なし」 is not
    negated_topic_unknown: bool = False  # 「決裁権なし」: the contact is not the decider, no decider named
    named_despite_unknown: re.Pattern[str] | None = None  # 「決裁者の部長とは話せていない」 still names the decider
    customer_only: bool = False  # the rep's own feelings do not count
    about_others_ok: bool = False  # statements about other companies count (competition, materials)
    extra: Callable[[Note], list[Finding]] | None = field(default=None)


def run(rules: ElementRules, note: Note, fields: list[tuple[str, int, int, str, int]]) -> list[Finding]:
    out: list[Finding] = []
    field_spans: list[tuple[int, int]] = []
    for key, k_start, v_start, value, v_end in fields:
        if key in rules.keys:
            field_spans.append((k_start, v_end))
            out.append(_judge_field(rules, note, key, k_start, v_start, value, v_end))
    if rules.topic is not None:
        out.extend(_topics(rules, note, field_spans))
    for cue in rules.cues:
        out.extend(f for f in _cue(rules, cue, note) if not any(lo <= f.start < hi for lo, hi in field_spans))
    if rules.extra is not None:
        out.extend(rules.extra(note))
    return out


def _judge_field(rules: ElementRules, note: Note, key: str, k_start: int, v_start: int, value: str, v_end: int) -> Finding:
    v = KANA_YES_NO.sub(lambda m: KANA_YES_NO_MAP[m.group()], value.strip())  # 「興味アリ」「ナシ」 as written in casual notes
    el = rules.element
    span_end = max(v_end, k_start + len(key))
    if EMPTY_VALUE.match(v):
        return Finding(el, State.UNKNOWN, k_start, span_end, "field:empty", 0.9)
    if NONE_VALUE.match(v):
        state = State.PRESENT if rules.none_is_present else State.UNKNOWN
        return Finding(el, state, k_start, span_end, "field:none", 0.7)
    if rules.vague_value is not None and rules.vague_value.fullmatch(v):
        return Finding(el, State.ABSENT, k_start, span_end, "field:vague", 0.7)
    # 「決裁:部長/同席未定」「次年度予算で要求、規模は未確認」: the answer comes first, what is still open after
    if (UNKNOWN_VALUE.search(v) and not (rules.value_content and rules.value_content.search(v))
            and not _concrete(rules, LIST_ITEM.split(v)[0])):
        return Finding(el, State.UNKNOWN, k_start, span_end, "field:unknown", 0.85)
    if rules.value_content is not None and not rules.value_content.search(v):
        return Finding(el, State.UNKNOWN, k_start, span_end, "field:no-content", 0.5)
    return Finding(el, State.PRESENT, v_start, span_end, "field:value", 0.9)


LIST_ITEM = re.compile(r"[/、,・\s(]")  # 「本部長(同席可否は確認中)」: the answer, then a remark on it
NOT_THERE = re.compile(r"なし|無し|ない|空欄|不在")  # 「記録なし」「決裁権なし」「CRM上空欄」 answer nothing


def _concrete(rules: ElementRules, item: str) -> bool:
    item = item.strip()
    return bool(item) and not (
        EMPTY_VALUE.match(item) or NONE_VALUE.match(item) or UNKNOWN_VALUE.search(item) or NOT_THERE.search(item)
        or (rules.vague_value is not None and rules.vague_value.fullmatch(item))
        or (rules.value_content is not None and not rules.value_content.search(item))
    )


def _topics(rules: ElementRules, note: Note, field_spans: list[tuple[int, int]]) -> list[Finding]:
    out = []
    assert rules.topic is not None
    for s, e, _ in itertools.islice(note.find(rules.topic), MAX_MATCHES):
        if any(lo <= s < hi for lo, hi in field_spans):
            continue
        r = note.read(s, e)
        if not _speaker_ok(rules, note, s, e, r):
            continue
        if rules.topic_check is not None and not rules.topic_check(note, s, e, r):
            continue
        phrase = _argument_phrase(note, s, r)
        named = rules.named_despite_unknown is not None and rules.named_despite_unknown.search(phrase)
        if (r.unknown or (rules.negated_topic_unknown and r.negated)) and not named:
            out.append(Finding(rules.element, State.UNKNOWN, s, e, "topic:unknown", 0.8))
            continue
        tail = note.norm_of(s, _clause_end(note, s))
        if rules.content_check is not None and not rules.content_check(note, s, e, r):
            continue
        if rules.content is None or rules.content.search(tail):
            end = _clause_end(note, s)
            out.append(Finding(rules.element, State.PRESENT, s, end, "topic:content", 0.75, r.negated))
    return out


def _argument_phrase(note: Note, s: int, r: Reading) -> str:
    """From the topic word to its governing predicate: 「決裁者の部長とは」 of 「…話せていない」."""
    tail = note.norm_of(s, _clause_end(note, s))
    cut = tail.find(r.predicate[:2]) if r.predicate else -1
    return tail[:cut] if cut > 0 else tail


def _cue(rules: ElementRules, cue: Cue, note: Note) -> list[Finding]:
    out = []
    for s, e, _ in itertools.islice(note.find(cue.pattern), MAX_MATCHES):
        r = note.read(s, e)
        if not _speaker_ok(rules, note, s, e, r):
            continue
        if cue.check is not None and not cue.check(note, s, e, r):
            continue
        if r.unknown and not (cue.customer_state_ok and r.unknown_soft):
            if cue.unknown_means_unknown:
                out.append(Finding(rules.element, State.UNKNOWN, s, e, f"cue:{cue.name}:unknown", 0.6))
            continue
        if cue.negation_kills and r.negated:
            continue
        conf = cue.confidence * (0.85 if r.hedged else 1.0)
        shown = cue.shown(note, s, r) if cue.shown is not None else None
        out.append(Finding(rules.element, State.PRESENT, s, e, f"cue:{cue.name}", conf, r.negated, shown))
    return out


def _speaker_ok(rules: ElementRules, note: Note, s: int, e: int, r: Reading) -> bool:
    if rules.customer_only and r.rep_own:
        return False
    return rules.about_others_ok or not OTHER_COMPANY.search(r.clause_text)


def _clause_end(note: Note, pos: int) -> int:
    """End of the sentence-level unit containing pos (used as the evidence span of topic mentions)."""
    sent = note.sentence_at(pos)
    if sent is None:
        return pos
    end = sent.start + len(sent.text.rstrip("\n"))
    m = re.search(r"[、,;]", note.text[pos:end])
    return pos + m.start() if m and m.start() > 3 else end


def template_fields(note: Note, key_lookup: Callable[[str], bool]) -> list[tuple[str, int, int, str, int]]:
    """Lines that look like 「KEY: value」 with a known key: (key, key start, value start, value, value end).

    A key alone on its line, without a colon (「■予算」 as a heading, as CRM exports and some templates write
    it), takes the next non-empty line as its value, unless that line is itself a field; 「予算:」 alone is an
    empty field."""
    out = []
    lines = [(lo, hi, note.norm_of(lo, hi)) for lo, hi in note.line_bounds]
    for n, (lo, hi, line) in enumerate(lines):
        heading = HEADING_LINE.fullmatch(line)
        if heading and key_lookup(heading.group("key").lower()):
            nxt = next(((vlo, vhi, v) for vlo, vhi, v in lines[n + 1:] if v.strip()), None)
            if nxt and not _is_field_line(nxt[2], key_lookup):
                k_start = note.span_in(lo, heading.start("key"), heading.start("key") + 1)[0]
                out.append((heading.group("key").lower(), k_start, nxt[0], nxt[2].strip(), nxt[1]))
                continue
        for p_off, p_end, piece in _pieces(line, key_lookup):
            end = note.span_in(lo, p_end - 1, p_end)[1] if p_end < len(line) else hi
            for key, k_off, v_off, value in _split_fields(piece):
                if key_lookup(key):
                    k_start, _ = note.span_in(lo, p_off + k_off, p_off + k_off + 1)
                    v_start = note.span_in(lo, p_off + v_off, p_off + v_off + 1)[0] if value else end
                    out.append((key, k_start, v_start, value, end))
    return out


def _pieces(line: str, key_lookup: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """A line of items joined by 「/」「｜」「、」 or a space (「予算:300万/興味:API連携｜時期:4月」) is cut before
    each known key that takes a colon, so a field's value ends where the next item begins."""
    cuts = [m.start(1) for m in INLINE_KEY.finditer(line) if key_lookup(m.group("key").lower())]
    # a bar always ends an item; so does a full stop once fields sit inside prose (「…、導入時期:？です。最後に…」),
    # while a line that starts with its one key may run on (「関心:Xの自動化。他社の事例も聞きたい」)
    cuts += [m.end() for m in re.finditer(r"[|｜。]" if cuts else r"[|｜]", line)]
    bounds = sorted({0, *cuts, len(line)})
    pieces = [(lo, line[lo:hi].rstrip(" /|｜、,。")) for lo, hi in zip(bounds, bounds[1:], strict=False)]
    return [(lo, lo + len(piece), piece) for lo, piece in pieces if piece.strip()]


INLINE_KEY = re.compile(r"[/|｜\s、,。](?=\S)((?P<key>[^:=/|｜\s、,。]{1,14}?)\s*:)")
HEADING_LINE = re.compile(rf"{MARKED_KEY}\s*[】\]〕)]?\s*")


def _is_field_line(line: str, key_lookup: Callable[[str], bool]) -> bool:
    """A heading or a 「key: value」 line, known key or not (「感情面:」 is a field we have no key for)."""
    heading = HEADING_LINE.fullmatch(line)
    return (bool(heading and key_lookup(heading.group("key").lower())) or any(key_lookup(k) for k, *_ in _split_fields(line))
            or bool(re.match(r"[^:。、]{1,14}:", line.strip()) or re.match(r"\s*[【\[〔]", line)))


BANT_MARK = re.compile(r"(?<![A-Za-z])([BANT])\s*[:=]\s*([^\sBANT,、/]{0,12})")


def _split_fields(line: str) -> list[tuple[str, int, int, str]]:
    """One line may hold several fields: 「B:○ A:× N:△ T:?」 or 「予算:300万 / 時期:4月」."""
    marks = list(BANT_MARK.finditer(line))
    if len(marks) >= 2:
        return [(m.group(1).lower(), m.start(1), m.start(2), m.group(2)) for m in marks]
    parts, pos = [], 0
    for chunk in re.split(r"(\s[/|｜]\s|\s{2,}|\t)", line):
        if chunk and not re.fullmatch(r"\s[/|｜]\s|\s{2,}|\t", chunk):
            m = FIELD_LINE.match(chunk)
            if m:
                parts.append((m.group("key").lower(), pos + m.start("key"), pos + m.start("value"), m.group("value")))
        pos += len(chunk)
    return parts
