"""Note layouts: prose (です/ます or plain), bullets, key:value templates, terse one-liners, chat, pasted mail.

Each layout takes the ordered parts and returns the note and the fragment that carries each element.
`voice` turns a raw clause of phrases.py into the plain, polite or chat register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .phrases import (
    CHAT_EMOJI,
    CLOSINGS,
    CONNECTIVES,
    ELEMENT_EMOJI,
    GREETINGS,
    HANDOFF_LINES,
    KEYS,
    MAIL_QUOTES,
    SEPARATORS,
)
from .slots import choose

if TYPE_CHECKING:
    from .render import Part

ORDER = ("contact_history", "interest", "need", "emotion", "urgency", "decision_maker", "budget", "timing",
         "competition", "resonant_content", "ng_topics", "next_action")
_VERB_END = set("るうくすつむぶぐ")
_A_TO_I = dict(zip("かがさたなばまらわ", "きぎしちにびみりい", strict=True))  # 分からない → 分かりません


def _ending(s: str) -> str:
    for suffix, kind in ((("です", "ます", "でした", "ました"), "done"), (("とのこと", "そう", "らしい"), "hearsay"),
                         (("くらい", "ぐらい"), "noun"),
                         (("ていた",), "teita"), (("だった",), "datta"), (("かった",), "katta"), (("た",), "ta"),
                         (("い",), "adj"), (("だ",), "da"), (("ず",), "zu")):
        if s.endswith(suffix):
            return kind
    return "verb" if s and s[-1] in _VERB_END else "noun"


def _i_stem(neg_stem: str) -> str:
    """The masu stem from the negative stem: 分から → 分かり, 聞け → 聞け."""
    return neg_stem[:-1] + _A_TO_I.get(neg_stem[-1], neg_stem[-1]) if neg_stem else neg_stem


def _polite(s: str, own: bool, rng: np.random.Generator) -> str:
    kind = _ending(s)
    if kind == "done":
        return s
    if kind == "noun" and not own and rng.random() < 0.3:
        return s + choose(rng, ("とのことです", "と伺いました", "とのお話でした"))
    if kind in ("hearsay", "katta", "noun"):
        return s + "です"
    if kind == "teita":
        return s[:-1] + "ました"
    if kind == "datta":
        return s[:-3] + "でした"
    if kind == "da":
        return s[:-1] + "です"
    if kind == "zu":
        return _i_stem(s[:-1]) + "ませんでした"
    if kind == "adj" and own and s.endswith("ない"):
        return _i_stem(s[:-2]) + "ません"
    if kind == "adj":
        return s + choose(rng, ("です", "とのことです", "ようです", "と伺いました", "とおっしゃっていました", "みたいです"))
    return s + choose(rng, ("とのことです", "ようです", "そうです", "と伺いました", "とおっしゃっていました", "らしいです",
                            "とのお話でした", "みたいです"))


def voice(raw: str, register: str, rng: np.random.Generator) -> str:
    own = raw.startswith("!")
    plain, _, polite = raw.lstrip("!").partition("|")
    own = own or bool(polite)
    if register == "plain":
        kind = _ending(plain)
        if not own and kind in ("verb", "ta", "teita", "adj", "noun", "katta") and rng.random() < 0.25:
            return plain + choose(rng, ("らしい", "とのこと", "みたい", "との話", "そう") if kind != "noun"
                                  else ("とのこと", "らしい", "との話", "と聞いた"))
        return plain
    if register == "polite":
        return polite or _polite(plain, own, rng)
    if polite and rng.random() < 0.5:
        return polite
    if rng.random() < 0.5:
        plain = plain.replace("ていない", "てない")
    kind = _ending(plain)
    if kind == "done":
        return plain
    if kind in ("ta", "verb", "teita", "katta", "datta") and (own or kind != "verb"):
        return plain + choose(rng, ("", "!", "") if own else ("", "!", "らしいです"))
    if own or kind == "hearsay":
        return plain + choose(rng, ("", "です", "!", ""))
    if kind == "noun":
        return plain + choose(rng, ("", "です", "っぽいです", "みたいです", "!"))
    return plain + choose(rng, ("", "っぽいです", "みたいです", "らしいです", "!"))


def _key(family: str, element: str, rng: np.random.Generator) -> str:
    return choose(rng, KEYS[family][element])


def _kv(part: Part, family: str, sep: str, rng: np.random.Generator) -> str:
    value = "、".join(v for v in part.vals if v) if part.vals[0] else ""
    if part.element not in KEYS[family]:  # BANT summary, neutral context
        return value
    key = _key(family, part.element, rng)
    return key + (sep if not key.endswith("】") else choose(rng, ("", " "))) + value


def _record(frags: dict, part: Part, text: str) -> None:
    if part.state == "vague" or part.element == "context":
        return
    for e in (("budget", "decision_maker", "need", "timing") if part.element == "bant" else (part.element,)):
        frags[e] = text


def _header(slots: dict, rng: np.random.Generator, register: str) -> str:
    if register == "polite":
        forms = ("{company}の{contact}とお話ししました。", "{company}様({industry})の件です。", "{company}様、{dept}の{contact}です。",
                 "{company}様({industry}・従業員{employees}名)、{contact}。")
    else:
        forms = ("{company}({industry}、{employees}名規模)。", "{company} {dept} {contact}。", "{company}の{contact}と通話。",
                 "{company}/{prod}の件。")
    return choose(rng, forms).format_map(slots)


def _joint(raw: str, register: str, rng: np.random.Generator) -> str:
    """The clause in a form that another clause can follow in the same sentence (…ですが、 / …で、 / …し、)."""
    text = voice(raw, register, rng)
    if register == "polite":
        return text + choose(rng, ("が、", "し、", "が、"))
    kind = _ending(text)
    if kind == "noun" or (kind == "hearsay" and not text.endswith("らしい")):
        return text + choose(rng, ("で、", "で、", "、"))
    if kind == "da":
        return text[:-1] + "で、"
    if kind == "zu":
        return text + "、"
    if kind == "done":
        return text + "が、"
    return text + choose(rng, ("し、", "が、", "けど、"))


NARRATIVE_OPENERS = {
    "polite": ("本日、{contact}とお電話でお話ししました。", "受付から{contact}におつなぎいただき、お話しできました。",
               "{contact}と20分ほどお話ししました。", "本日の通話内容です。", "通話の流れに沿って書きます。"),
    "plain": ("今日{contact}と電話で話した。", "受付経由で{contact}につないでもらって話せた。", "通話の流れで書く。",
              "{contact}と15分くらい話した内容。", "電話の内容、時系列で。"),
}
NARRATIVE_STEPS = {
    "first": ("まず、", "最初に", "冒頭で", "はじめに", "まず"),
    "middle": ("話を聞いていくと、", "続けて", "その流れで", "途中で", "話の中で", "そのあと", "", "", ""),
    "last": ("最後に", "最後に、", "締めに", "電話の最後に", "終わり際に"),
}
CALL_ORDER = ("context", "contact_history", "interest", "need", "emotion", "competition", "resonant_content", "urgency",
              "budget", "decision_maker", "bant", "timing", "ng_topics", "next_action")


def prose(parts, extras, slots, lead, rng, register="polite"):
    out, frags = [], {}
    narrative = len(parts) >= 3 and rng.random() < 0.22
    if register == "polite" and rng.random() < 0.5:
        out.append(choose(rng, GREETINGS).format_map(slots))
    if narrative:
        keyed = [(CALL_ORDER.index(p.element) + rng.normal(0, 0.8), k) for k, p in enumerate(parts)]
        parts = [parts[k] for _, k in sorted(keyed)]
        out.append(choose(rng, NARRATIVE_OPENERS[register]).format_map(slots))
    elif rng.random() < 0.7:
        out.append(_header(slots, rng, register))
    i = 0
    while i < len(parts):
        part = parts[i]
        step = ""
        if narrative and part.element != "context":
            step = choose(rng, NARRATIVE_STEPS["first" if i == 0 or parts[i - 1].element == "context" else
                                                 "last" if i == len(parts) - 1 else "middle"])
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if (nxt is not None and len(part.clauses) == 1 and len(nxt.clauses) == 1 and part.element != "context"
                and nxt.element != "context" and rng.random() < 0.3):
            text = step + _joint(part.clauses[0], register, rng) + voice(nxt.clauses[0], register, rng) + "。"
            _record(frags, part, text)
            _record(frags, nxt, text)
            out.append(text)
            i += 2
            continue
        sents = []
        for j, raw in enumerate(part.clauses):
            conn = choose(rng, CONNECTIVES) if (i or j) and not step and rng.random() < 0.25 else ""
            sents.append((step if j == 0 else conn) + voice(raw, register, rng) + "。")
        text = "".join(sents)
        _record(frags, part, text)
        out.append(text)
        i += 1
    out.extend(x + "。" for x in extras)
    if register == "polite" and rng.random() < 0.6:
        out.append(choose(rng, CLOSINGS))
    joiner = "\n" if rng.random() < 0.3 else ""
    return joiner.join(x for x in out if x), frags


def prose_plain(parts, extras, slots, lead, rng):
    return prose(parts, extras, slots, lead, rng, register="plain")


def bullets(parts, extras, slots, lead, rng, register="plain"):
    mark = choose(rng, ("・", "■", "-", "●", "◆", "*", "・ ", "- "))
    out, frags = [], {}
    if rng.random() < 0.75:
        out.append(choose(rng, ("{company}/{contact}", "【{company}様】", "{company}様 {prod}の件", "{company}({industry})",
                                "{company} {dept} {contact}")).format_map(slots))
    family, sep = choose(rng, ("colon", "bant", "english")), choose(rng, (":", "：", ": "))
    for part in parts:
        if rng.random() < 0.65 or part.element == "bant":
            text = "、".join(voice(c, register, rng) for c in part.clauses)
        else:
            text = _kv(part, family, sep, rng)
        _record(frags, part, text)
        out.append(mark + text)
    out.extend(mark + x for x in extras)
    return "\n".join(out), frags


def template(parts, extras, slots, lead, rng):
    family = choose(rng, tuple(KEYS))
    sep = choose(rng, ("\n", " ", ":")) if family == "square" else choose(rng, SEPARATORS)
    if rng.random() < 0.7:
        parts = sorted(parts, key=lambda p: ORDER.index(p.element) if p.element in ORDER else 6)
    out, frags = [], {}
    if rng.random() < 0.7:
        keys = choose(rng, (("会社", "担当", "商材"), ("企業名", "先方担当", "サービス"), ("Company", "Contact", "Product")))
        vals = (slots["company"], f"{slots['dept']} {slots['contact']}", slots["prod"])
        out.extend(f"{k}{sep}{v}" for k, v in zip(keys, vals, strict=True) if rng.random() < 0.85)
    for part in parts:
        text = _kv(part, family, sep, rng)
        _record(frags, part, text)
        out.append(text)
    if extras:
        out.append(choose(rng, ("備考", "メモ", "その他")) + sep + "、".join(extras))
    return "\n".join(out), frags


def terse(parts, extras, slots, lead, rng):
    joiner = choose(rng, ("/", "、", " ", "。", " / ", "｜"))
    items, frags = [], {}
    if rng.random() < 0.6:
        items.append(choose(rng, ("{company_core}", "{prod}の件", "{company_core}様", "{contact}")).format_map(slots))
    for part in parts:
        clause = voice(part.clauses[0], "plain", rng)
        text = clause if len(clause) <= 24 and len(part.clauses) == 1 else _kv(part, "colon", ":", rng)
        _record(frags, part, text)
        items.append(text)
    items.extend(extras)
    return joiner.join(items), frags


def chat(parts, extras, slots, lead, rng):
    out = [choose(rng, ("@{fs}さん ", "{fs}さん ", "")).format_map(slots)
           + choose(rng, ("{company}さんの件パスします", "{company}さん引き継ぎです", "アポ取れたので共有です",
                          "{company}さん、アポ入りました")).format_map(slots) + choose(rng, CHAT_EMOJI)]
    frags = {}
    for part in parts:
        text = "、".join(voice(c, "chat", rng).rstrip("!") for c in part.clauses[:-1])
        text = (text + "、" if text else "") + voice(part.clauses[-1], "chat", rng)
        if part.element in ELEMENT_EMOJI and rng.random() < 0.4 and not (
                part.element == "urgency" and lead["latent"]["urgency_level"] != "high"):
            text = ELEMENT_EMOJI[part.element] + text
        _record(frags, part, text)
        out.append(text)
    out.extend(extras)
    out.append(choose(rng, ("よろしくです🙏", "お願いします!", "あとはお願いします〜", "よろしくお願いします🙇", "")))
    return "\n".join(x for x in out if x), frags


def mail(parts, extras, slots, lead, rng):
    out, frags, quoted = [], {}, []
    if rng.random() < 0.4:
        out.append("件名:" + choose(rng, ("{company}様 引き継ぎ", "【引き継ぎ】{company}様", "Fw: {prod}のご案内の件")).format_map(slots))
    out.append(choose(rng, ("{fs}さん", "{fs}様", "FS各位")).format_map(slots))
    out.append(choose(rng, GREETINGS[:4]).format_map(slots) or "お疲れ様です。")
    out.append(choose(rng, HANDOFF_LINES).format_map(slots))
    as_list = rng.random() < 0.5
    body = []
    for part in parts:
        if part.state == "present" and part.element in MAIL_QUOTES and rng.random() < 0.4:
            text = choose(rng, MAIL_QUOTES[part.element]).format_map(slots)
            _record(frags, part, text)
            quoted.append(text)
            continue
        text = "".join(voice(c, "polite", rng) + "。" for c in part.clauses)
        _record(frags, part, text)
        body.append(("・" + text) if as_list else text)
    body.extend(("・" if as_list else "") + x + "。" for x in extras)
    out.append(("\n" if as_list else "").join(body))
    if quoted:
        out.append(choose(rng, ("--- 先方からのメール(抜粋) ---", "▼先方返信", "-----Original Message-----")))
        out.extend(quoted)
    out.append(choose(rng, ("以上、よろしくお願いいたします。", "よろしくお願いします。", "以上です。")))
    return "\n".join(x for x in out if x), frags


LAYOUTS = {"prose_desu": prose, "prose_plain": prose_plain, "bullets": bullets, "template": template,
           "terse": terse, "chat": chat, "mail": mail}
