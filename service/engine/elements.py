"""The twelve context elements of ../shared/context-schema.md: ids, states, Japanese labels, suggestions.

This module is the one place the element catalogue lives; the API, the page and the training code read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    PRESENT = "present"
    UNKNOWN = "unknown"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Element:
    id: str
    name_ja: str
    description_ja: str
    question_ja: str  # what the rep should ask the customer when the element is missing
    core: bool  # one of the four context elements a handoff must carry


ELEMENTS: tuple[Element, ...] = (
    Element("interest", "興味の核心",
            "顧客が具体的に何に関心を持ったか、なぜ商談を受けたのか",
            "「今回お時間をいただけた一番の理由は何でしょうか？特に気になっている機能や事例はありますか？」", True),
    Element("urgency", "緊急度・温度感",
            "どれだけ本気か・急いでいるか(高くても低くても)。期限の強さ、優先度、口調",
            "「いつまでに解決できないと困りますか？社内での優先度はどのくらいですか？」", True),
    Element("emotion", "感情の動き",
            "現状について顧客自身が口にした不満・不安・焦り・期待などの言葉",
            "「今のやり方で一番ストレスを感じているのはどんな場面ですか？」と、お客様自身の言葉を聞く", True),
    Element("decision_maker", "決裁者・意思決定プロセス",
            "誰が決めるか、どう決まるか(稟議・会議)、決裁者に会えるか・同席するか",
            "「最終的にはどなたがご判断されますか？次回、その方にもご同席いただけますか？」", True),
    Element("budget", "予算",
            "予算の有無・規模・取得時期",
            "「今回の取り組みに予算は確保されていますか？おおよその規模や、予算取りの時期を教えてください」", False),
    Element("timing", "導入希望時期",
            "いつ導入・稼働・決定したいか",
            "「いつ頃から使い始めたいとお考えですか？稼働の目標時期はありますか？」", False),
    Element("need", "顕在課題・導入目的",
            "具体的な課題、または期待する成果",
            "「現状で一番困っていることは何ですか？どのくらいの時間やコストがかかっていますか？」", False),
    Element("competition", "競合検討状況",
            "比較中の他社・他ツール、置き換え対象の現行ツール",
            "「他に比較されているサービスはありますか？今は何を使って管理されていますか？」", False),
    Element("ng_topics", "NG事項・地雷",
            "避けるべき話題、センシティブな点、過去にうまくいかなかったこと",
            "「ご提案の際に避けた方がよい話題や、過去にご不快だったことはありますか？」", False),
    Element("next_action", "次回アクション",
            "合意した次のステップ(日時・参加者・持参物)",
            "「次回の日時と、ご同席いただく方、準備してほしい資料を決めさせてください」", False),
    Element("resonant_content", "刺さったコンテンツ",
            "反応が良かった(または悪かった)資料・事例・デモ・話題",
            "「お送りした資料や事例の中で、特に参考になったものはどれでしたか？」", False),
    Element("contact_history", "過去のコンタクト履歴",
            "以前の架電・ウェビナー・資料DL・流入経路などの接点",
            "「以前に弊社のセミナーや資料をご覧いただいたことはありますか？今回のきっかけは何でしたか？」", False),
)

ELEMENT_IDS: tuple[str, ...] = tuple(e.id for e in ELEMENTS)
BY_ID: dict[str, Element] = {e.id: e for e in ELEMENTS}
STATES: tuple[str, ...] = tuple(s.value for s in State)
