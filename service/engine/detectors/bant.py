"""Budget, timing and need: the B, T and N of BANT (the A is decision_maker, in core.py)."""

from __future__ import annotations

import re

from .base import Note, Reading
from .patterns import MONEY, PERIOD, rx
from .rules import Cue, ElementRules

# ---- budget --------------------------------------------------------------------------------------
# 予算 in a product or a business process (予算管理システム, 予実) is not the customer's budget.
NOT_BUDGET = rx(r"予算(?:管理|実績|策定機能|・実績|と実績|編成機能|入力)|予実")
SPEND = rx(r"予算|費用|コスト|投資|月額|年額|年間|初期|ランニング|負担|支払|出せる|かけられ|見込|リース|総額|決裁|裁量|稟議|以内|上限|まで|程度|前後|くらい|ぐらい|想定|枠|範囲|ならば?|確保|予定")
NOT_SPEND = rx(r"損失|ロス|削減|印紙|残業代|売上|年商|資本金|売り上げ|損害|赤字|被害|廃棄|値上げ|電気代|見積|提示|他社|[A-Z]社|億円企業|規模の会社|人件費|外注費|保守費|かかっている|かかって|払って|年商|売上高|取引額")


def _not_product(note: Note, s: int, e: int, r: Reading) -> bool:
    return not NOT_BUDGET.search(note.norm_of(s, s + 8))


def _spend_amount(note: Note, s: int, e: int, r: Reading) -> bool:
    clause = r.clause_text
    return bool(SPEND.search(clause)) and not NOT_SPEND.search(clause)


BUDGET = ElementRules(
    element="budget",
    keys=frozenset({"予算", "予算感", "費用", "費用感", "budget", "b", "金額", "予算規模", "投資額", "予算枠", "コスト", "価格感"}),
    topic=rx(r"予算|費用感|予讃|ご予算"),
    content=None,
    topic_check=_not_product,
    cues=(
        Cue("amount", rx(MONEY), check=_spend_amount, confidence=0.7, unknown_means_unknown=False),
        Cue("subsidy", rx(r"(?:補助金|助成金)[^。]{0,15}(?:申請|活用|使|前提|ありき|次第|採択|利用)"), confidence=0.75),
        Cue("spend-limit", rx(r"(?:費用|コスト|金額|価格|月額|年額|初期費用|ランニング)(?:は|が|感は|面は)?[^。]{0,12}(?:以内|まで|程度|上限|抑えたい|収めたい|なら)"), confidence=0.7),
    ),
    none_is_present=True,
)

# ---- timing --------------------------------------------------------------------------------------
ADOPT = (
    r"導入|稼働|運用開始|運用|切り?替え|切替|入れ|使い始め|使いたい|使える|リプレイス|移行|開始|スタート|本番|リリース|"
    r"契約|決めたい|決定|実施|設置|展開|立ち上げ|ローンチ|始めたい|利用開始|適用|乗り換え|更新|刷新|置き換え|入替|入れ替え|"
    r"着手|本格|オープン|開業|間に合わせ|完了|取り入れ|開通|実装|検討開始|再開|全面"
)
TIMING_CUE = rx(rf"(?:{PERIOD})[^。\n]{{0,24}}?(?:{ADOPT})|(?:{ADOPT})[^。\n]{{0,6}}(?:は|を|の時期は|時期は|予定は|目標は)[^。\n]{{0,6}}(?:{PERIOD})")
NOT_TIMING = rx(r"(?:来期|今期|来年度|今年度|次年度|新年度)(?:の)?(?:予算|設備投資予算)|予算(?:申請|要求|編成|取り|化)|締め|締切|〆")


# the date of a meeting or demo is the next action, not when they adopt: 「来月中旬にデモを実施」
MEETING_EVENT = rx(r"(?:デモ|商談|打ち合わせ|打合せ|面談|訪問|MTG|ミーティング|説明会|プレゼン|勉強会)(?:を|の|は)?(?:実施|開始|スタート|決定)")


def _timing_ok(note: Note, s: int, e: int, r: Reading) -> bool:
    m = note.norm_of(s, e)
    return (not NOT_TIMING.search(m) and not MEETING_EVENT.search(m)
            and not re.search(r"(?:前|以前|昨年|去年|先月|先週)[^。]{0,6}(?:導入|入れ)(?:た|して|済)", m))


TIMING = ElementRules(
    element="timing",
    keys=frozenset({"時期", "導入時期", "導入予定", "導入希望時期", "稼働", "稼働時期", "スケジュール", "timing", "t", "期限",
                    "希望時期", "納期", "導入目標", "稼働目標", "導入希望", "時期感"}),
    topic=rx(r"導入時期|時期|スケジュール|稼働(?:時期|予定|目標)|導入(?:予定|目標|希望)|タイミング|いつから|いつまで"),
    content=rx(rf"{PERIOD}|\d{{1,2}}/\d{{1,2}}|まで|以内"),
    cues=(
        Cue("period-adopt", TIMING_CUE, check=_timing_ok, confidence=0.75),
        Cue("by-deadline", rx(rf"(?:{PERIOD}|\d{{1,2}}/\d{{1,2}})(?:まで|までに|中に|には|内に|迄に)[^。]{{0,20}}(?:使え|稼働|導入|入れ|間に合|切り?替|運用|完了|設置|整え)"), check=_timing_ok, confidence=0.75),
    ),
    value_content=rx(rf"{PERIOD}|\d|まで|以内|急ぎ|すぐ|早"),
)

# ---- need ----------------------------------------------------------------------------------------
PROBLEM = (
    r"手作業|手入力|手書き|手集計|転記|二度手間|二重入力|属人化|属人的|ミス|漏れ|抜け漏れ|遅れ|遅延|負担|工数|"
    r"時間が(?:かか|足り)|手間|非効率|煩雑|バラバラ|ばらばら|追いつか|回らない|回っていない|パンク|人手不足|不足して|離職|辞め|"
    r"残業(?:が|は)?(?:多|増|続|常態|月|毎|発生)|"
    r"クレーム|ブラックボックス|把握できない|管理できていない|できていない|繰り返|停止|故障|"
    r"ロス|廃棄|損失|コストが(?:高|かか)|値上げ|事故|インシデント|乗っ取|誤送信|指摘|監査|検査|義務化|法改正|電帳法|"
    r"インボイス|対応が必要|必須に|困って|困り|悩み|悩んで|ネック|ボトルネック|支障|限界|"
    r"重い|重く|放置|逼迫|満杯|揉め|依存|回しきれ|ざっくり|放題|遅い|遅く|溢れ|頼り|頼って|追われ|足りず|崩壊|困難|"
    r"面倒|煩わし|手が回らない|しきれ|捌け|さばけ|苦慮|増加|増えて|減って|下がって|落ちて|退職|採れない|採用難|高騰|"
    r"値上が|アナログ|手で|目視|電話のみ|ベテラン(?:しか|頼み|任せ|に依存)|(?:1|一)人で|属人|未導入|散在|分散|"
    r"(?<!確認)(?<!ヒアリング)(?<!話)(?<!連絡)(?<!お会い)(?<!面談)(?<!回答)(?<!聞き出す)でき(?:ない|ず|ておらず|ていない|てない)|"
    r"時間(?:/|を)?(?:月|日|週)|月\d+時間|毎月\d+時間|\d+時間かか|紙(?:で|の|ベース|運用)|FAX|ファックス|電話(?:で|と)(?:受け|対応)|"
    r"エクセル管理|Excel管理|使いにくい|使いづらい|古い|老朽化|サポート終了|EOL|保守切れ|脆弱|漏洩|流出|滞留|欠品|在庫過多|"
    r"ずれ(?:る|て|が)|ズレ|別々|毎(?:月|週|日)\d+(?:時間|日|件)|\d+時間(?:も)?(?:取られ|かか|使っ|費やし)|取られて|"
    r"取りこぼ|機会損失|対応漏れ|抜け|重複|二重|待ち時間|ムダ|無駄|"
    # excess, demands from clients or regulators, what nobody there can do (苦情 alone is a feeling:
    # 「現場からの苦情に疲れ切っている」; so are 不満 and 詰められ; 「やり取りは追えていない」 is the rep's own gap)
    r"(?:高|多|長|遅|重|細か)(?:すぎ|過ぎ)|求められ|(?:でき|使え|分かる|わかる|扱え)る?人が(?:いない|いません|おらず)|"
    r"探せ(?:ない|ず)|対応して(?:い)?ない"
)
GOAL_NOUN = (
    r"削減|効率化|自動化|短縮|一元化|一元管理|可視化|見える化|ペーパーレス化?|電子化|デジタル化|クラウド化|標準化|改善|解消|"
    r"省力化|省人化|内製化|平準化|共有|把握|防止|強化|対策|整備|見直し|刷新|統一|集約"
)
# a goal noun alone is often the product category (「業務効率化ツール」); the customer must want it
GOAL = (
    rf"(?:{GOAL_NOUN})(?:を|が|も)?(?:したい|させたい|を図りたい|を進めたい|が目的|を目指|が狙い|が急務|が必要|が課題|したく|できれば)|"
    r"なくしたい|無くしたい|減らしたい|下げたい|(?<![立持申見取仕引繰切押])上げたい|増やしたい|早めたい|楽にしたい|防ぎたい|止めたい|やめたい|"
    r"(?:目的|狙い|ゴール|テーマ)(?:として)?(?:は|:)|(?:が|は)(?:テーマ|目的|狙い)(?:です|。|$|とのこと)|なんとかしたい|何とかしたい|終わらせたい|減らせれば|なくせれば"
)
VAGUE_NEED = rx(r"^(?:課題|ニーズ|困りごと|悩み|問題)(?:は|が|も)?(?:あり|ある|有り|色々|いろいろ|多い|ありそう|ある様子|あるらしい)")


# 「改善したい点はある」 names no problem; a clause about what to avoid (地雷) is ng_topics, not need
VAGUE_GOAL_TAIL = rx(r"^(?:点|こと|事|ところ|部分|箇所)(?:は|が|も)?(?:ある|あり|有|多|色々|いろいろ)")
NG_CLAUSE = rx(r"地雷|NG|ＮＧ|気をつけ|気を付け|触れ(?:ない|ず)|避け(?:て|た)|禁句|タブー|(?:話題|話)は(?:出さ|しない)")


def _in_ng_sentence(note: Note, pos: int) -> bool:
    """The segment around pos (between 。, line breaks and the separators of one-line notes) is about NG topics."""
    lo = max(note.text.rfind(c, 0, pos) for c in "。\n｜|/／") + 1
    ends = [i for i in (note.text.find(c, pos) for c in "。\n｜|/／") if i >= 0]
    return bool(NG_CLAUSE.search(note.norm_of(lo, min(ends, default=len(note.text)))))


# 「何かしら困っているらしい」「いろいろ課題があるとのこと」: take these words away and nothing is left
VAGUE_PROBLEM_WORDS = rx(
    r"何かしら|何か|なにか|いろいろ|色々|多少|それなりに|少し|ちょっと|多々|課題感|課題|困りごと|困り事|困|悩み事|悩み|悩|"
    r"問題|ニーズ|有り|様子|感じ|先方|担当者|ご担当|担当|現場|社内|印象|雰囲気|伺|聞|話"
)


def _vague_clause(clause: str) -> bool:
    return not re.search(r"[^ぁ-んー\s、。,.!！?？・「」()（）]", VAGUE_PROBLEM_WORDS.sub("", clause))


def _not_vague_need(note: Note, s: int, e: int, r: Reading) -> bool:
    tail = note.norm_of(s, s + 16)
    if VAGUE_NEED.match(tail) or VAGUE_GOAL_TAIL.match(note.norm_of(e, e + 12)) or _in_ng_sentence(note, s):
        return False
    if _vague_clause(r.clause_text):
        return False
    return not re.search(r"(?:課題|ニーズ)(?:は|が|も)?(?:あり|ある)(?:とのこと|そう|らしい)?[、。\s]*$", r.clause_text)


NEED = ElementRules(
    element="need",
    keys=frozenset({"課題", "ニーズ", "困りごと", "悩み", "need", "n", "導入目的", "背景", "ペイン", "pain", "問題", "why now",
                    "課題感", "現状課題", "顕在課題", "目的・課題", "課題・ニーズ", "目的", "導入目標", "ゴール", "狙い"}),
    topic=rx(r"課題|困りごと|困っている(?:こと|点)|ニーズ|悩み|ペイン|導入目的"),
    content=rx(r"[^\s。、]{6,}"),
    content_check=_not_vague_need,
    cues=(
        Cue("problem", rx(PROBLEM), check=_not_vague_need, confidence=0.65, unknown_means_unknown=False, customer_state_ok=True),
        Cue("goal", rx(GOAL), check=_not_vague_need, confidence=0.65, unknown_means_unknown=False),
    ),
    vague_value=rx(r"(?:あり|有り|ある|色々|いろいろ|多数|○|◯|◎|課題あり|ニーズあり)!*"),
)

__all__ = ["BUDGET", "NEED", "TIMING"]
