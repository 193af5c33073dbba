"""The naive peer: one keyword regex per element, present if it matches, absent otherwise.

This is what a lead-scoring feature without a parser does; the detectors are measured beside it.
"""

from __future__ import annotations

import re

PEER_PATTERNS: dict[str, re.Pattern[str]] = {
    "interest": re.compile(r"興味|関心"),
    "urgency": re.compile(r"温度感|急ぎ|至急|早急|今期中|優先"),
    "emotion": re.compile(r"不満|限界|焦|不安|困って|ストレス|嬉し|怖"),
    "decision_maker": re.compile(r"決裁|決定権|社長|部長|役員|稟議"),
    "budget": re.compile(r"予算|万円|費用"),
    "timing": re.compile(r"時期|導入|稼働|\d+月"),
    "need": re.compile(r"課題|ニーズ|困|削減|効率化|手作業"),
    "competition": re.compile(r"競合|他社|比較|Excel|エクセル"),
    "ng_topics": re.compile(r"NG|ＮＧ|避け|触れない|注意"),
    "next_action": re.compile(r"次回|\d+/\d+|\d+月\d+日"),
    "resonant_content": re.compile(r"刺さ|反応|好評|響"),
    "contact_history": re.compile(r"ウェビナー|セミナー|展示会|資料請求|DL|ダウンロード|問い合わせ|架電"),
}


def peer_states(text: str) -> dict[str, str]:
    return {el: "present" if p.search(text) else "absent" for el, p in PEER_PATTERNS.items()}
