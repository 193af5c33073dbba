"""Shared machinery of the detectors: the parsed note and what the parse says about a matched span.

Cue words are matched on the NFKC-normalised text; everything that decides what a match *means* (is it
negated, is it an admission that the information is missing, whose words are they, which company is it
about) is read from GiNZA's dependency tree and bunsetsu structure around the matched tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import ginza

from ..elements import State
from ..nlp import Sentence
from ..text import Normalized, normalize
from .patterns import ROLE

if TYPE_CHECKING:
    from spacy.tokens import Token

# Predicates that report on the rep's information rather than on the customer's situation: negated
# (聞けていない, 確認できず, 分からない, 話は出なかった) they mean the element is an open question.
INFO_VERBS = frozenset({
    "聞く", "聞ける", "伺う", "伺える", "確認", "把握", "分かる", "わかる", "判る", "掴む", "掴める", "つかむ",
    "つかめる", "読める", "聞き出す", "聞き出せる", "詰める", "決まる", "固まる", "定まる", "出る",
    "話す", "話せる", "ヒアリング", "聴取", "確かめる", "知る", "見える", "教える", "もらえる", "確定", "明かす",
    "聞き取る", "読み取る", "読み取れる", "探る", "見極める", "特定", "決める", "絞る", "絞れる", "確認できる", "つく", "至る", "及ぶ",
})
# Negated, these can also describe the customer's own situation (「原因が分からない」 is a problem, not a gap
# in the rep's notes); problem cues ignore an unknown-reading that rests on them alone.
STATE_VERBS = frozenset({"分かる", "わかる", "判る", "把握", "見える", "知る", "掴む", "掴める", "つかむ", "つかめる"})
# Nouns (Sudachi lemmas or surface) that state the information is missing or undecided.
UNKNOWN_WORDS = frozenset({
    "不明", "未定", "未確認", "未確定", "未把握", "未聴取", "未ヒアリング", "調整中", "確認中", "要確認", "不透明",
    "未知数", "白紙", "不明確", "未回答", "未取得", "未決定", "未詳", "不詳", "未設定", "tbd", "TBD",
    "分からず", "わからず", "聞きそびれ", "保留",
})
# Verbs that, attached to an info verb, also mean "did not get it": 聞きそびれる, 聞き損ねる, 聞き漏らす.
MISSED_AUX = frozenset({"そびれる", "損ねる", "漏らす", "逃す", "忘れる"})
NEGATION_LEMMAS = frozenset({"ない", "ぬ", "ず", "無い", "なし", "無し"})
FUTURE_CHECK = re.compile(
    r"(これから|今後|次回|後日|改めて|追って|別途|当日|来週)[^。]{0,12}(確認|詰め|決め|ヒアリング|聞|伺|相談|検討)|"
    # left to field sales: 「興味の対象は商談でご確認をお願いします」
    r"(商談|面談|アポ|打ち合わせ|訪問|MTG|ミーティング)(で|にて|時に|の際に?|の場で)[^。]{0,8}(確認|ヒアリング|聞いて|伺って|詰めて|探って)[^。]{0,6}(お願い|助か|ください|下さい|いただ|頂|もら|ほしい|欲しい)"
)
EMBED_MARKERS = frozenset({"か", "かどう", "かどうか"})
CLAUSE_LINKS = frozenset({"が", "けど", "けれど", "けれども", "ので", "から", "し"})
FIRST_PERSON = re.compile(r"(私|僕|わたし|当方|弊社側|こちら)(と|として|的|は|も|が|の)(?!方)|個人的")
PERSON = re.compile(rf"(?:{ROLE}|様|さん|氏|決裁者|担当者?|本人)$")
QUOTE_OPEN = "「『\""
QUOTE_CLOSE = "」』\""


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence for one element: where, what it means, and which rule said so."""

    element: str
    state: State
    start: int
    end: int
    rule: str
    confidence: float
    negated: bool = False  # the governing predicate is negated (「同席しない」「急ぎではない」)
    # where the evidence shown to the rep begins, when it is not `start`: the object a cue read before its match
    # (「脆弱性診断を探している」, matched at 「を探している」); display only, nothing is decided on it
    shown_from: int | None = None

    @property
    def shown_start(self) -> int:
        return self.start if self.shown_from is None else self.shown_from


@dataclass(slots=True)
class Reading:
    """What the parse says about a matched span."""

    unknown: bool = False
    unknown_soft: bool = False  # unknown only because of a negated STATE_VERB
    negated: bool = False
    hedged: bool = False
    rep_own: bool = False
    quoted: bool = False
    clause_text: str = ""
    clause_start: int = 0
    predicate: str = ""


@dataclass
class Note:
    """A note with its sentence parses and a normalised view for matching; offsets index `text`."""

    text: str
    sentences: list[Sentence]
    norm: Normalized = field(init=False)

    def __post_init__(self) -> None:
        self.norm = normalize(self.text)
        self._starts = [s.start for s in self.sentences]
        self._structure: dict[int, DocStructure] = {}

    def structure(self, doc) -> DocStructure:
        """Bunsetsu spans and clause heads of a sentence Doc, computed once per note."""
        key = id(doc)
        if key not in self._structure:
            self._structure[key] = DocStructure.of(doc)
        return self._structure[key]

    # ---- matching ---------------------------------------------------------------------------
    def find(self, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, re.Match[str]]]:
        """Matches on the normalised text, as (start, end) offsets into the original text."""
        for m in pattern.finditer(self.norm.text):
            s, e = self.norm.span(m.start(), m.end())
            if s >= start and (end is None or e <= end) and e > s:
                yield s, e, m

    def norm_of(self, start: int, end: int) -> str:
        """The normalised text of an original [start, end) range."""
        lo = bisect_left(self.norm.starts, start)
        hi = bisect_left(self.norm.starts, end)
        return self.norm.text[lo:hi]

    def span_in(self, start: int, lo: int, hi: int) -> tuple[int, int]:
        """The original span of characters [lo, hi) of `norm_of(start, …)`: a match found in that slice, mapped back."""
        base = bisect_left(self.norm.starts, start)
        return self.norm.span(base + lo, base + hi)

    # ---- structure --------------------------------------------------------------------------
    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.sentences[i].start + len(self.sentences[i].text):
            return self.sentences[i]
        return None

    def tokens(self, start: int, end: int) -> list[Token]:
        sent = self.sentence_at(start)
        if sent is None:
            return []
        lo, hi = start - sent.start, end - sent.start
        struct = self.structure(sent.doc)
        # tokens are in order and do not overlap: those ending after lo and starting before hi
        first, last = bisect_right(struct.token_ends, lo), bisect_left(struct.token_starts, hi)
        return [sent.doc[i] for i in range(first, last)]

    @cached_property
    def line_bounds(self) -> list[tuple[int, int]]:
        bounds, pos = [], 0
        for line in self.text.split("\n"):
            bounds.append((pos, pos + len(line)))
            pos += len(line) + 1
        return bounds

    def line_at(self, pos: int) -> tuple[int, int]:
        for lo, hi in self.line_bounds:
            if lo <= pos <= hi:
                return lo, hi
        return 0, len(self.text)

    @cached_property
    def quote_mask(self) -> list[bool]:
        """True for characters inside 「」/『』 (the customer's own words, as reps write them)."""
        mask, depth = [False] * len(self.text), 0
        for i, ch in enumerate(self.text):
            if ch in "「『":
                depth += 1
            elif ch in "」』" and depth:
                depth -= 1
            mask[i] = depth > 0
        return mask

    # ---- reading the parse ------------------------------------------------------------------
    def read(self, start: int, end: int) -> Reading:
        """Read the clause governing [start, end): negation, unknown-ness, hedging, speaker."""
        toks = self.tokens(start, end)
        sent = self.sentence_at(start)
        if not toks or sent is None:
            return Reading()
        struct = self.structure(sent.doc)
        chain = struct.chain(toks[-1])
        reading = Reading(quoted=self.quote_mask[start] if start < len(self.quote_mask) else False)
        pred_tokens: list[Token] = []
        predicate = chain[-1]
        soft = True
        for bunsetu in chain:
            pred_tokens.extend(bunsetu)
            if _is_unknown_bunsetu(bunsetu):
                reading.unknown = True
                soft = soft and _only_state_verbs(bunsetu)
            # a relative clause (「刺さったポイントも掴めず」) or embedded question is governed further up
            if _is_predicate(bunsetu) and not _embeds_question(bunsetu) and (bunsetu.root.dep_ != "acl" or _ends_clause(bunsetu)):
                predicate = bunsetu
                break
        reading.negated = _negated(predicate)
        reading.predicate = predicate.text
        between = [b for b in struct.bunsetsus if chain[0].end <= b.start and b.end <= predicate.start]
        modifiers = [b for b in between if b.root.head.i == predicate.root.i]
        # 「時期は未定とのこと」: the unknown word modifies the predicate instead of heading it
        if any(_is_unknown_bunsetu(b) for b in modifiers):
            reading.unknown = True
            soft = False
        # 「予算は本部次第」「予算は見積次第とのこと」: the topic is left to someone or something else
        if _has_topic_particle(chain[0]) and any(_contingent(t) for b in chain[1:2] + modifiers for t in b):
            reading.unknown = True
            soft = False
        # 「予算は300万、時期は未定」: a later 「Xは」 before the predicate takes the predicate as its own
        if reading.unknown and _has_topic_particle(chain[0]) and any(_new_topic(b) for b in between):
            reading.unknown = False
        head = struct.clause(toks[0])
        c_lo = sent.start + head[0].idx
        c_hi = sent.start + head[-1].idx + len(head[-1].text)
        reading.clause_start = c_lo
        reading.clause_text = self.norm_of(c_lo, c_hi)
        if FUTURE_CHECK.search(reading.clause_text):
            reading.unknown = True
            soft = False
        reading.unknown_soft = reading.unknown and soft
        reading.hedged = any(t.lemma_ in ("らしい", "そう", "かも", "多分", "たぶん", "おそらく") for t in pred_tokens)
        # the rep's own feelings: a first-person subject in the clause of the cue, outside quotes
        reading.rep_own = not reading.quoted and bool(FIRST_PERSON.search(_unquoted(reading.clause_text)))
        return reading


@dataclass(frozen=True)
class DocStructure:
    """GiNZA's bunsetsu segmentation and clause heads of one Doc, indexed for repeated lookups."""

    bunsetsus: list
    token_bunsetsu: list[int]
    clause_heads: list[int]
    clause_members: dict[int, list[int]]
    token_starts: list[int]
    token_ends: list[int]

    @classmethod
    def of(cls, doc) -> DocStructure:
        spans = ginza.bunsetu_spans(doc)
        index = [0] * len(doc)
        for bi, span in enumerate(spans):
            for i in range(span.start, span.end):
                index[i] = bi
        heads = list(doc.user_data.get("clause_heads", range(len(doc))))
        members: dict[int, list[int]] = {}
        for i, head in enumerate(heads):
            members.setdefault(head, []).append(i)
        starts = [t.idx for t in doc]
        return cls(spans, index, heads, members, starts, [s + len(t.text) for s, t in zip(starts, doc, strict=True)])

    def chain(self, token: Token) -> list:
        """The bunsetsu of `token` and the bunsetsus it depends on, up to the root of its sentence."""
        chain, seen = [], set()
        bi = self.token_bunsetsu[token.i]
        while bi not in seen:
            seen.add(bi)
            current = self.bunsetsus[bi]
            chain.append(current)
            head = current.root.head
            if head.i == current.root.i:
                break
            bi = self.token_bunsetsu[head.i]
        return chain

    def clause(self, token: Token) -> list[Token]:
        """The tokens of GiNZA's clause containing `token`."""
        members = self.clause_members.get(self.clause_heads[token.i])
        return [token.doc[i] for i in members] if members else [token]


def _is_predicate(bunsetu) -> bool:
    """A bunsetsu whose head is a verb/adjective, or a noun carrying a copula or auxiliary (確保済みだ)."""
    root = bunsetu.root
    return (
        root.tag_.startswith(("動詞", "形容詞", "形状詞"))
        or any(t.dep_ in ("aux", "cop") for t in bunsetu)
        or root.dep_ == "ROOT"
        or any(t.lemma_ in UNKNOWN_WORDS or t.text in UNKNOWN_WORDS for t in bunsetu)
        # note style drops する: 「来期予算で検討、時期は未定」 ends its clause at 検討、
        or (_closed_by_comma(bunsetu) and bunsetu[-2].i == root.i and root.tag_.startswith("名詞-普通名詞-サ変可能"))
    )


def _closed_by_comma(bunsetu) -> bool:
    return len(bunsetu) > 1 and bunsetu[-1].text in ("、", ",")


def _ends_clause(bunsetu) -> bool:
    """「聞けませんでしたが、」: a conjunctive particle closes a clause, which no relative clause does (the parser
    sometimes attaches such a clause to a noun far on as if it were one)."""
    if any(t.tag_.startswith("助詞-接続助詞") and t.text in CLAUSE_LINKS for t in bunsetu):
        return True
    # 「関心がある、現状…」: nor is a relative clause ever cut from its noun by a comma
    return _closed_by_comma(bunsetu)


def _embeds_question(bunsetu) -> bool:
    """持ったかは / あるのか / 本気かどうか: an embedded question, governed by the next predicate."""
    return any(t.text in EMBED_MARKERS and t.tag_.startswith("助詞") for t in bunsetu)


def _negated(bunsetu) -> bool:
    return any(
        t.lemma_ in NEGATION_LEMMAS and (t.tag_.startswith(("助動詞", "形容詞")) or t.lemma_ in ("なし", "無し"))
        for t in bunsetu
    )


def _is_unknown_bunsetu(bunsetu) -> bool:
    if any(_bare_question_mark(t) for t in bunsetu):
        return True
    lemmas = [t.lemma_ for t in bunsetu]
    if any(lem in UNKNOWN_WORDS or t.text in UNKNOWN_WORDS or t.text.startswith("未確")
           or (t.text == "未" and t.tag_.startswith("接頭辞"))  # 未ヒアリング, 未回答: not yet done
           for lem, t in zip(lemmas, bunsetu, strict=True)):
        return True
    has_info = any(t.lemma_ in INFO_VERBS and not _attends(t) for t in bunsetu)
    return has_info and (_negated(bunsetu) or any(lem in MISSED_AUX for lem in lemmas))


def _contingent(t) -> bool:
    """「本部次第」「見積次第」: N次第 leaves the matter to N, so it is not settled; 「でき次第送付」 (as soon as,
    after a verb) is not. Only said right of a topic: 「予算ゼロで、効果次第」 still states the budget."""
    return t.lemma_ == "次第" and t.i > 0 and t.doc[t.i - 1].tag_.startswith(("名詞", "接尾辞"))


def _attends(t) -> bool:
    """「商談には出てこない」「部長が出てこない」: 出る of a person attending, not of a topic coming up (「予算の話は
    出なかった」): it has a に-marked place or a person as its subject."""
    if t.lemma_ != "出る":
        return False
    for c in t.children:
        cases = {cc.text for cc in c.children if cc.dep_ == "case"}
        if c.dep_ == "obl" and "に" in cases:
            return True
        if c.dep_ == "nsubj" and (c.tag_.startswith("名詞-固有名詞-人名") or PERSON.search(c.text)):
            return True
    return False


def _bare_question_mark(t) -> bool:
    """「時期?」「刺さった資料?」: a noun left open with a question mark, not a quoted question."""
    doc = t.doc
    if t.text not in ("?", "？") or t.i == 0 or not doc[t.i - 1].tag_.startswith(("名詞", "接尾辞", "補助記号")):
        return False
    return t.i == len(doc) - 1 or doc[t.i + 1].text.strip() in ("", ")", "）", "/", "・", "、")


def _only_state_verbs(bunsetu) -> bool:
    lemmas = {t.lemma_ for t in bunsetu}
    return bool(lemmas & STATE_VERBS) and not (lemmas & (INFO_VERBS - STATE_VERBS)) and not any(
        t.lemma_ in UNKNOWN_WORDS or t.text.startswith("未確") for t in bunsetu)


def _has_topic_particle(bunsetu) -> bool:
    return any(t.text == "は" and t.tag_.startswith("助詞") for t in bunsetu)


def _new_topic(bunsetu) -> bool:
    """「時期は」 opens a topic of its own; 「電話では」「商談には」 only contrast an adjunct (a case particle
    before は): 「どう感じているかは電話ではつかめなかった」 is still about how they feel."""
    return any(t.text == "は" and t.tag_.startswith("助詞") and not (t.i > 0 and t.doc[t.i - 1].tag_.startswith("助詞-格助詞"))
               for t in bunsetu)


def _unquoted(text: str) -> str:
    return re.sub(r"[「『][^」』]*[」』]", "", text)
