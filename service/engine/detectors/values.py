"""What a present element says, where the value matters to field sales: urgency high or low, the decision
maker attending or not, budget secured / planned / none, timing near or far, competition kind, a fixed next
step, material that landed or fell flat. Read from the deciding evidence's sentence and its negation.
"""

from __future__ import annotations

import re

from .base import Finding, Note

# element -> ordered (value, pattern); the first that matches the evidence's sentence wins
VALUE_PATTERNS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "urgency": (
        # a level word said of the topic itself comes first: 「本気度は中程度」 is mid although 本気 is a high word
        ("mid", re.compile(r"(?:温度感?|本気度|熱量|優先度|緊急度|確度)[^。、]{0,4}?(?:は|が|:|=|→|\s)\s*(?:中(?!旬|期|に)|そこそこ|まずまず|"
                           r"普通|ふつう|五分五分|まあまあ|ほどほど|△|mid|Mid|MID)")),
        ("low", re.compile(r"低|×|弱|急ぎ(?:では|じゃ)ない|急がない|急いでいない|情報収集|とりあえず|様子見|先の話|じっくり|検討初期|だけ|淡々|"
                           r"乗り気(?:では|じゃ)|見送り|後回し|今すぐ(?:では|という|どうこう|動く気)|いずれ|情報を集め|あれば[^。]{0,12}(?:くらい|程度)")),
        ("high", re.compile(r"高|◎|MAX|max|急|至急|早急|すぐ|必ず|必須|必達|絶対|間に合わ|最優先|強い|強め|強く|語気|切迫|前のめり|本気|ASAP|"
                            r"asap|なるはや|一刻|何とか|なんとか|ホット|hot|本腰|早く")),
        ("mid", re.compile(r"中|そこそこ|まずまず|普通|△|ほどほど|五分五分|まあまあ")),
    ),
    "decision_maker": (
        # whether the decider comes is still open: 「同席は未定」「同席可否は確認中」 (not a refusal)
        ("undecided", re.compile(
            r"(?:同席|出席|参加|同行|顔出し)[^。、/]{0,6}?(?:未定|調整中|確認中|要確認|未確認|不明|次第|わから|分から|検討中)")),
        # the decider will not be in the meeting: a negated or refused attendance, or only a report upwards
        ("not_attending", re.compile(
            r"(?:同席|出席|参加|同行|顔出し|出て(?:こ|く)|来られ|来れ|お会い|会え|話せ|お話し)[^。、/]{0,8}?"
            r"(?:しない|しません|できない|できず|できていない|できていません|不可|なし|無し|難しい|NG|×|無理|見送|ない|ません)|"
            r"来ない|会うのは[^。、]{0,6}先|"
            r"不参加|欠席|同席[×✕]|[・/／]\s*[×✕]\s*$|担当(?:者)?(?:だけ|のみ)|上申|報告(?:のみ|だけ|して)")),
        ("attends", re.compile(r"同席|出席|参加|顔出し|同行|会える|お会いでき|話せた|直接(?:提案|話)|本人|"
                                r"出て(?:くれ|もらえ|いただけ|頂け|くる|こられ|来られ)")),
    ),
    "budget": (
        ("none", re.compile(r"予算(?:は|が|も)?(?:、)?(?:ない|なし|無い|無し|ゼロ|0)|使い切|取れていない|取れてない|付かない|つかない|"
                            r"出ない|ついていない|付いていない|ゼロ|枠(?:は|が)?(?:ない|無い|なし)|確保(?:は)?(?:できて|されて)?(?:い)?ない|未確保")),
        ("planned", re.compile(r"申請|要求|計上予定|予算取り|予算化|来期|来年度|次年度|編成|補助金|助成金|これから|見込み|予定")),
        ("secured", re.compile(r"確保|確定|承認|あり|ある|枠|範囲|以内|まで|済|程度|前後|くらい|万")),
    ),
    "timing": (
        ("near", re.compile(r"今月|来月|今期|年内|年度内|年度末|[1-6]\s*(?:ヶ|か|カ|ケ)?月以内|すぐ|早急|来週|今週|月内|至急|急ぎ|[1-3]月(?:まで|中|から)")),
        ("far", re.compile(r"来年度|再来|半年以上|来年|\d{4}年|未定|\d年後|数年")),
    ),
    "competition": (
        ("none", re.compile(r"相見積(?:もり)?(?:なし|無し|はない)|のみ|だけ|1社|一社|比較(?:は)?(?:なし|していない)|他社(?:は)?(?:見て|検討して)いない")),
        # comparing twice: its strong words beat an incumbent tool (「Excelと比較中」), its weak ones do not
        # (「Excelからのリプレイスを検討中」 is an incumbent)
        ("comparing", re.compile(r"比較|相見積|コンペ|並行|[A-Z]社")),
        ("incumbent", re.compile(r"リプレイス|リプレース|乗り換え|乗換|置き換え|置換|移行|入れ替え|現行|現在|今は|今の|使って|利用|運用|管理|"
                                 r"Excel|エクセル|スプレッドシート|紙|自社開発|パッケージ")),
        ("comparing", re.compile(r"検討中|見積|提案を受け")),
    ),
    "next_action": (
        ("fixed", re.compile(r"\d{1,2}\s*(?::\s*\d{2}|時)|\d{1,2}/\d{1,2}|\d{1,2}月\d{1,2}日|確定|決定")),
    ),
    "resonant_content": (
        ("flat", re.compile(r"薄|微妙|響かず|響かな|響いてい?な|刺さらず|刺さらな|刺さってい?な|黙|曇|渋|不評|いまいち|今ひとつ|イマイチ|スルー|"
                            r"トーンダウン|首をかしげ|無反応|反応(?:は|が)?(?:なし|無し|ない|鈍|悪)|特に反応|流され|流した|ピンと(?:来|き)て?(?:い)?な")),
        ("positive", re.compile(r".")),
    ),
}
NEGATION_FLIPS = {"urgency": ("high", "low"), "decision_maker": ("attends", "not_attending"), "budget": ("secured", "none")}


def read_value(element: str, note: Note, findings: list[Finding]) -> str | None:
    """The value of a present element, from the most confident evidence that states one ("stated" when none
    does: 「決裁は部長。次回は部長も同席」 takes attendance from the second sentence); None where no value is
    modelled."""
    patterns = VALUE_PATTERNS.get(element)
    if not patterns or not findings:
        return None
    for finding in sorted(findings, key=lambda f: -f.confidence):
        value = _value_of(element, patterns, note, finding)
        if value is not None:
            return value
    return "stated"


def _value_of(element: str, patterns, note: Note, finding: Finding) -> str | None:
    sent = note.sentence_at(finding.start)
    lo, hi = (sent.start, sent.start + len(sent.text)) if sent else (finding.start, finding.end)
    text = note.norm_of(max(lo, finding.start - 12), max(hi, finding.end))
    flip = NEGATION_FLIPS.get(element)
    for value, pattern in patterns:
        if pattern.search(text):
            return flip[1] if flip and finding.negated and value == flip[0] else value
    return flip[1] if flip and finding.negated else None
