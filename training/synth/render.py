"""From a lead's latent truth to the note: pick a phrase per captured element, lay it out, add noise.

`render(lead, rng)` returns the note and, per element, the fragment that carries it (before noise), which
the tests use to measure how varied the wording is. Only `present` and `unknown` elements get a fragment;
an `absent` element is either silent or gets a vague word (興味あり, 課題あり …) that leaves it absent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from . import styles
from .fillers import CHATTER, CONTEXT_LINES, REP_FEELINGS
from .phrases import BANK
from .slots import choose, make_slots

VAGUE_ELEMENTS = ("interest", "urgency", "need", "next_action")
WEAK_LINES = ("とりあえず会ってくれるそうです", "アポ取れました", "会ってもらえることになりました", "詳細は当日聞いてください",
              "先方、話は聞いてくれるとのこと", "ひとまずアポ確定です", "なんとかアポまでいけました", "会うだけならOKとのこと",
              "一度お話を聞いてもらえることになりました", "アポ獲得です", "とりあえず会えます", "話を聞く場は作れました")
# a second clause for a present element in careful notes: (slot it adds, clauses)
ELABORATION = {"need": ("goal", ("{goal}というのが導入の目的", "目的は{goal}こと", "{goal}とも話していた")),
               "interest": ("feature2", ("{feature2}も見てみたいとのこと", "{feature2}についても聞きたいそう",
                                         "{feature2}も気になっている様子"))}
BANT_ALL = ("budget", "decision_maker", "need", "timing")
BANT_UNKNOWN = {"long": ("!BANTは取れていない", "!BANTはほぼ聞けていない", "!BANT情報は未確認"),
                "val": ("BANT未確認", "BANT聞けず", "BANT:未")}


@dataclass(slots=True)
class Part:
    element: str          # an element id, or "bant" for the four BANT elements at once
    state: str            # present / unknown / vague
    clauses: list[str] = field(default_factory=list)   # raw long clauses (markup of phrases.py)
    vals: list[str] = field(default_factory=list)      # raw template values


def _bank_key(element: str, lead: dict) -> str:
    lat = lead["latent"]
    match element:
        case "urgency":
            return f"present:{lat['urgency_level']}"
        case "emotion":
            return f"present:{lat['emotion_kind']}"
        case "decision_maker":
            return "present:" + ("self" if lat["dm_is_contact"] else "attends" if lat["dm_attends"] else "not_attends")
        case "budget":
            return f"present:{lat['budget_status']}"
        case "timing":
            return "present:" + ("near" if lat["timing_near"] else "far")
        case "competition":
            return f"present:{lat['competition_status']}"
        case "resonant_content":
            return f"present:{lat['content_reaction']}"
        case "contact_history":
            return f"present:{lead['lead_source']}"
    return "present"


# a rep's habits for the key nouns: each rule is switched on for a note with probability 0.4, and then
# rewrites every match in that note's clauses (same meaning, so no label changes)
SYNONYMS = (
    (r"(?<![ご来今期年度])予算は", ("ご予算は", "予算枠は", "費用は", "投資枠は", "予算面は")),
    (r"予算感は", ("費用感は", "予算規模は", "ご予算感は")),
    (r"(?<![最終])決裁者は", ("最終決裁者は", "決裁権者は", "決める人は", "決定権者は")),
    (r"(?<![最終])決裁者の", ("最終決裁者の", "決裁権者の", "決定権者の")),
    (r"温度感は", ("熱量は", "温度は", "温度感としては")),
    (r"導入時期は", ("導入タイミングは", "導入の時期は", "稼働時期は")),
    (r"(?<![の])課題は", ("困りごとは", "悩みは", "課題としては")),
    (r"打ち合わせ", ("打合せ", "MTG", "ミーティング")),
    (r"商談", ("打ち合わせ", "MTG", "面談", "アポ")),
    (r"ダウンロード", ("DL",)),
    (r"(?<!お)問い合わせ", ("問合せ", "お問い合わせ")),
    (r"見積(?!も?り)", ("見積もり", "見積り")),
    (r"確保済み", ("確保済", "確保ずみ")),
    (r"とのこと", ("との事", "とのコト")),
    (r"担当者", ("ご担当者", "担当の方")),
)
_SYN = tuple((re.compile(pat), alts) for pat, alts in SYNONYMS)


def vary_words(text: str, rule_on: tuple[bool, ...], rng: np.random.Generator) -> str:
    for (pat, alts), on in zip(_SYN, rule_on, strict=True):
        if on:
            text = pat.sub(lambda _m, alts=alts: choose(rng, alts), text)
    return text


def _pick(rng: np.random.Generator, bank: dict, slots: dict) -> tuple[str, str]:
    long = choose(rng, bank["long"]).format_map(slots)
    return vary_words(long, slots["_syn"], rng), choose(rng, bank["val"]).format_map(slots)


def build_parts(lead: dict, slots: dict, rng: np.random.Generator) -> list[Part]:
    lat, captured = lead["latent"], lead["latent"]["captured"]
    slots["_syn"] = tuple(bool(rng.random() < 0.4) for _ in _SYN)
    parts: list[Part] = []
    skip: set[str] = set()
    if all(captured[e] == "unknown" for e in BANT_ALL) and rng.random() < 0.5:
        c, v = _pick(rng, BANT_UNKNOWN, slots)
        parts.append(Part("bant", "unknown", [c], [v]))
        skip.update(BANT_ALL)
    for e in lat["captured"]:
        state = captured[e]
        if e in skip:
            continue
        if state == "absent":
            p_vague = 0.35 if lat["effort"] < 0 else 0.15
            if e in VAGUE_ELEMENTS and rng.random() < p_vague:
                c, v = _pick(rng, BANK[e]["vague"], slots)
                parts.append(Part(e, "vague", [c], [v]))
            continue
        key = "unknown" if state == "unknown" else _bank_key(e, lead)
        c, v = _pick(rng, BANK[e][key], slots)
        part = Part(e, state, [c], [v])
        if state == "present" and e in ELABORATION and lat["effort"] > 0.3 and rng.random() < 0.5:
            slot, more = ELABORATION[e]
            if slots[slot] not in c:
                part.clauses.append(choose(rng, more).format_map(slots))
        if state == "present" and e == "decision_maker" and not lat["dm_is_contact"] and rng.random() < 0.35:
            c2, v2 = _pick(rng, BANK[e]["process"], slots)
            part.clauses.append(c2)
            part.vals.append(v2)
        if state == "present" and e == "contact_history" and (lead["lead_source"] == "outbound" or rng.random() < 0.4):
            c2, v2 = _pick(rng, BANK[e]["touches" if lead["n_contacts"] > 1 else "touches_first"], slots)
            part.clauses.append(c2)
            part.vals.append(v2)
        parts.append(part)
    return parts


# ---------------------------------------------------------------- noise

_HALF = {}
for _cp in range(0xFF66, 0xFF9E):
    _hw = chr(_cp)
    _HALF[unicodedata.normalize("NFKC", _hw)] = _hw
    for _mark in ("\uff9e", "\uff9f"):
        _full = unicodedata.normalize("NFKC", _hw + _mark)
        if len(_full) == 1:
            _HALF[_full] = _hw + _mark
_HALF["ー"] = "ｰ"
_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
ABBREVIATIONS = (("お疲れ様です", "おつです"), ("よろしくお願いします", "よろしくです"), ("よろしくお願いします", "宜しくお願いします"),
                 ("お願いします", "お願いしまーす"), ("打ち合わせ", "打合せ"), ("ミーティング", "MTG"), ("ウェビナー", "Webセミナー"),
                 ("スケジュール", "スケジュ-ル"), ("お客様", "客先"), ("アポイント", "アポ"), ("ください", "下さい"),
                 ("できる", "出来る"), ("分から", "わから"), ("いただ", "頂"), ("ありがとうございます", "ありがとうございますm(_ _)m"),
                 ("とのこと", "との事"), ("株式会社", "(株)"))
TYPOS = (("ました", "まいた"), ("について", "につて"), ("している", "してる"), ("ています", "てます"),
         ("です。", "です、"), ("。", "。。"), ("ので", "ので、"), ("ところ", "とこ"),
         ("確認", "確人"), ("連絡", "連らく"), ("検討", "険討"),
("とのこと", "とのとこ"), ("お願いします", "お願いしまs"), ("お疲れ様です", "お疲れさまでs"),
         ("ありがとう", "ありがおう"), ("という", "とうい"), ("様子", "洋子"), ("感じ", "漢字"), ("ですが", "でうすが"),
         ("打ち合わせ", "打ち合せ"), ("いただ", "いたd"), ("ください", "くだしあ"), ("商談", "商段"))


def _half_katakana(text: str, rng: np.random.Generator) -> str:
    """Half-width katakana for some katakana runs (as some CRM exports and old keyboards do)."""
    out, run = [], []
    convert = rng.random() < 0.5  # all runs, or about half of them
    for ch in text + "\0":
        if ch in _HALF and ch != "ー" or (ch == "ー" and run):
            run.append(ch)
            continue
        if run:
            out.append("".join(_HALF.get(c, c) for c in run) if convert or rng.random() < 0.5 else "".join(run))
            run = []
        out.append(ch)
    return "".join(out[:-1])


def add_noise(text: str, lead: dict, rng: np.random.Generator) -> str:
    sloppy = lead["latent"]["effort"] < -0.3
    if rng.random() < (0.14 if sloppy else 0.06):
        text = text.translate(_FULL_DIGITS)
    if rng.random() < 0.07:
        text = _half_katakana(text, rng)
    if rng.random() < (0.2 if sloppy else 0.08):
        for _ in range(int(rng.integers(1, 3))):
            src, dst = choose(rng, TYPOS)
            if src in text:
                text = text.replace(src, dst, 1)
    if rng.random() < (0.35 if sloppy else 0.15):
        for _ in range(int(rng.integers(1, 4))):
            src, dst = choose(rng, ABBREVIATIONS)
            if src in text:
                text = text.replace(src, dst)
    if rng.random() < 0.1:
        text = text.rstrip("。") if rng.random() < 0.5 else text.replace("、", " ", 1)
    if rng.random() < 0.05:
        text = text.replace("。", "、", 1)
    return text.strip()


def render(lead: dict, rng: np.random.Generator) -> tuple[str, dict[str, str]]:
    """The note for one lead and the fragment per element (for tests and inspection)."""
    slots = make_slots(lead, rng)
    parts = build_parts(lead, slots, rng)
    n_present = sum(p.state == "present" for p in parts)
    extras: list[str] = []
    effort = lead["latent"]["effort"]
    if n_present <= 1 and rng.random() < 0.5:
        extras.append(choose(rng, WEAK_LINES))
    if rng.random() < 0.12:
        extras.append(choose(rng, CHATTER))
    if rng.random() < 0.04:
        extras.append(choose(rng, REP_FEELINGS))
    n_context = int(effort > 0.2) + int(effort > 0.9) + int(effort > 1.5)
    order = rng.permutation(len(parts))
    if rng.random() < 0.35:  # roughly in the schema's order, as a rep following a checklist would
        order = np.argsort(np.arange(len(parts)) + rng.normal(0, 1.5, len(parts)))
    parts = [parts[i] for i in order]
    for line in rng.permutation(len(CONTEXT_LINES))[:n_context]:
        text = CONTEXT_LINES[line].format(n=int(rng.integers(2, 9)), **slots)
        parts.insert(int(rng.integers(0, 2)) if parts else 0, Part("context", "vague", [text], [text]))
    if not parts and not extras:
        extras.append(choose(rng, WEAK_LINES))
    text, frags = styles.LAYOUTS[lead["latent"]["style"]](parts, extras, slots, lead, rng)
    if len(text) < 12:  # even the laziest note says that a meeting was set
        text += "\n" + choose(rng, WEAK_LINES)
    return add_noise(text, lead, rng), frags
