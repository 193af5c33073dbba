"""The rest of the handoff checklist: competition, ng_topics, next_action, resonant_content, contact_history."""

from __future__ import annotations

import re

from .base import Note, Reading
from .patterns import CLOCK, DATE, rx
from .rules import Cue, ElementRules

# ---- competition ---------------------------------------------------------------------------------
TOOLS = (
    r"Excel|エクセル|スプレッドシート|スプシ|Googleフォーム|Google ?Workspace|kintone|キントーン|Access|LINE|Slack|Chatwork|"
    r"チャットワーク|Teams|freee|マネーフォワード|マネフォ|Salesforce|セールスフォース|HubSpot|ハブスポット|Zendesk|サイボウズ|"
    r"ジョブカン|KING OF TIME|キングオブタイム|SmartHR|クラウドサイン|GMOサイン|Sansan|ガルーン|Notion|Backlog|Box|Dropbox|"
    r"SharePoint|Word|勘定奉行|弥生|奉行|OBIC|SAP|Oracle|楽楽精算|ロジザード|Shopify|Zoom|Tableau|PowerBI|Power BI|"
    r"タイムカード|NAS|ファイルサーバ|オンプレ|スクラッチ|自社開発|自社システム|自社製|内製|自前|自作|独自(?:の)?システム|"
    r"無料(?:の)?(?:ツール|アプリ|サービス|版|プラン)|フリーソフト|パッケージ"
)
USING = r"(?:を|で)?(?:使って|使用|利用|運用|管理|導入済|入れて|契約中|使ってる|使用中|利用中|運用中)"
NOT_VENDOR_RIVAL = rx(
    r"競合(?:他社|ブランド|店|企業|チェーン)?(?:に|が|の)[^。]{0,20}(?:奪|負け|上回|取られ|出店|シェア|顧客|売上|順位|勝て|差別化|劣)|"
    r"競合(?!他社|製品|サービス|ツール|ベンダー|状況|比較|検討|先|は|:|なし|も|が|の有無|として|に|と|・|\s|$)[ぁ-んァ-ヴー一-龥]|"
    r"他社(?:の)?営業(?:が|に|マン|担当)|比較(?:サイト|ガイド|記事|メディア)"
)
USAGE = rx(
    r"(?:[ァ-ヴーA-Za-z0-9]{2,}|システム|サービス|ツール|ソフト|機能|アプリ|パッケージ)(?:\([^)]*\))?\s*(?:を|で)"
    r"(?:一部で?|各自で?|全社で?|主に|長年|ずっと)?(?:使って|使用して|利用して|導入して|運用して|入れて|回して|管理して)"
)


def _vendor_context(note: Note, s: int, e: int, r: Reading) -> bool:
    return not NOT_VENDOR_RIVAL.search(note.norm_of(max(0, s - 4), s + 30)) and not re.search(r"事例|導入実績", note.norm_of(e, e + 6))


def _tool_in_use(note: Note, s: int, e: int, r: Reading) -> bool:
    """Excel as the incumbent (「今はExcelで管理」), not as a wish (「LINEで通知したい」) or an integration target."""
    after = note.norm_of(e, min(len(note.text), e + 18)).split("。")[0]
    before = note.norm_of(max(0, s - 16), s)
    if re.search(r"^(?:と|の|へ|に|で)?(?:の)?(?:連携|対応|出力|エクスポート|取り込|互換|形式|ファイルで(?:送|提出))", after):
        return False
    if re.search(r"したい|できる|できれば|してほしい|させたい|希望", after):
        return False
    return bool(
        re.search(r"^(?:で|を|と|に|は)?[^。、]{0,10}(?:している|しており|してる|てて|ている|ており|てる|中|任せ|頼み|職人|管理|台帳|併用|"
                  r"作り直|作成|集計|運用|使|利用|回|比較|検討|見積|乗り換|置き換|リプレイス|契約|導入|試|見送)", after)
        or re.search(r"現在|今は|いまは|現行|現状|既存|従来|今の|もともと|[+・/と]$", before)
        or re.search(r"^\s*[+・/]", after)
    )


COMPETITION = ElementRules(
    element="competition",
    keys=frozenset({"競合", "比較", "他社", "競合状況", "比較検討", "competitor", "competitors", "competition", "現行", "現状ツール",
                    "現行システム", "他社検討", "他社検討状況", "vs", "併用", "比較対象", "競合他社", "現行ツール", "既存システム"}),
    topic=rx(r"競合|比較|他社|相見積|相見積もり|コンペ|他ベンダー|他のベンダー|他サービス|他製品|並行して|乗り換え|リプレイス|置き換え"),
    content=None,
    topic_check=_vendor_context,
    cues=(
        Cue("named-tool", rx(rf"(?:{TOOLS})"), check=_tool_in_use, confidence=0.75, unknown_means_unknown=False),
        Cue("usage", USAGE, check=lambda n, s, e, r: not re.search(r"当社|弊社|御社", n.norm_of(max(0, s - 8), e)), confidence=0.65, unknown_means_unknown=False),
        Cue("evaluating", rx(r"(?:[ァ-ヴーA-Za-z0-9]{2,}|[A-Z]社)(?:の資料|の見積|の提案|のデモ)?(?:も|を)(?:見て|検討|試験|試用|試し|トライアル|取り寄せ|入手|比較)"), check=lambda n, s, e, r: not re.search(r"当社|弊社|御社|デモ$", n.norm_of(max(0, s - 6), s + 2)), confidence=0.65, unknown_means_unknown=False),
        # 「A社、Bと並べて検討中」「Cとも話をしている」「Dとのコンペ」「Eの置き換えが前提」
        Cue("named-rival", rx(r"(?:[ァ-ヴーA-Za-z0-9]{2,}|[A-Z]社)(?:[、,・/][ァ-ヴーA-Za-z0-9]{2,}|[、,・/][A-Z]社)*(?:と(?:並べて|比較|天秤|両天秤|併せて|あわせて)|とも(?:話|打ち合わせ|商談|接触)|との(?:コンペ|相見積|比較)|(?:から)?の(?:置き換え|乗り換え|リプレイス)|(?:から|より)(?:の)?(?:乗り換え|切り替え|移行)|のデモ(?:は|を|も)(?:もう|既に|すでに)?受け)"), check=lambda n, s, e, r: not re.search(r"当社|弊社|御社", n.norm_of(max(0, s - 6), s + 2)), confidence=0.7, unknown_means_unknown=False),
        Cue("current-generic", rx(r"今の[^。、]{0,8}(?:ソフト|システム|ツール|サービス|業者|ベンダー)|併用"), confidence=0.6, unknown_means_unknown=False),
        Cue("other-vendors", rx(r"(?:\d+|二|三|複数|数)社(?:から|と|とも|に)(?:も)?[^。]{0,8}(?:情報収集|話|見積|提案|比較|検討|資料)|別(?:の)?(?:業者|ベンダー|会社|メーカー)(?:さん)?(?:の|で|に)[^。]{0,10}(?:システム|サービス|ツール|製品|導入|見積|提案)"), confidence=0.7, unknown_means_unknown=False),
        Cue("current", rx(r"現行(?:の)?(?:システム|ツール|ソフト|サービス|ベンダー|製品|パッケージ|運用は|は)|現在(?:は|の)[^。]{0,15}(?:で管理|を利用|を使用|を使って|で運用)|既存(?:の)?(?:システム|ツール|ベンダー|ソフト)"), confidence=0.7, unknown_means_unknown=False),
        Cue("vendor", rx(r"[A-Za-zＡ-Ｚ]{1,3}社|[ァ-ヴー]{2,}社"), check=lambda n, s, e, r: bool(re.search(r"比較|検討|見積|提案|話を聞|話して|デモ|使って|利用|導入済|乗り換え|契約|並行|リプレイス|継続|保守|から|入れて|資料", r.clause_text)) and not re.search(r"事例|では", n.norm_of(e, e + 4)), confidence=0.75),
        Cue("only-us", rx(r"相見積(?:もり)?(?:なし|無し|は取らない|はない)|当社のみ|弊社のみ|弊社だけ|当社だけ|(?:当社|弊社)一本|(?:当社|弊社)だけで|(?:当社|弊社)1社|1社で(?:検討|決め)|他社(?:は)?(?:検討していない|見ていない)"), confidence=0.8, negation_kills=False),
    ),
    none_is_present=True,
    about_others_ok=True,
)

# ---- ng_topics -----------------------------------------------------------------------------------
NG = ElementRules(
    element="ng_topics",
    keys=frozenset({"ng", "ng事項", "注意", "注意点", "注意事項", "地雷", "禁句", "タブー", "前回ng", "ngワード", "要注意", "留意点",
                    "留意事項", "ng・注意"}),
    topic=rx(r"NG(?:事項|ワード|ネタ|な話題)?(?!に)|地雷|禁句|タブー|避けるべき"),
    content=None,
    topic_check=lambda n, s, e, r: not re.search(r"受付NG|NG(?:でした|だった|で終話)", n.norm_of(max(0, s - 2), e + 5)),
    cues=(
        Cue("avoid", rx(r"避けて|避ける|避けた方|触れない|触れないで|触れず|言わない|出さない|出さないで|使わない(?:こと|で|ように)|控えて|"
                        r"持ち出さない|踏み込まない|話題にしない|外して|封印|しないこと|しないでください|しないように|言及しない|NG!|NG。|NGです|"
                        r"慎重に|要注意|注意が必要|注意してください|嫌う|嫌がる|嫌いな|嫌い(?:だ|です|とのこと|らしい|なので)|気にされて|センシティブ|デリケート|敏感"), confidence=0.8, unknown_means_unknown=False),
        Cue("past-bad", rx(r"(?:以前|前回|過去|前任|前の|昔|数年前|昨年|去年|一度)[^。]{0,40}(?:失敗|トラブル|揉め|不評|不快|使われなくなった|定着しなかった|定着せず|撤退|"
                           r"解約|強引|しつこ|悪かった|懲り|うまくいかなかった|うまくいかず|頓挫|炎上|二度と|印象が悪|嫌な思い|クレーム|説明がなかった)"), confidence=0.65),
    ),
    none_is_present=True,
    about_others_ok=True,
)

# ---- next_action ---------------------------------------------------------------------------------
MEETING = r"オンライン|訪問|来社|来訪|Web|WEB|ウェブ|Zoom|zoom|Teams|teams|Meet|デモ|商談|MTG|ミーティング|打ち合わせ|打合せ|面談|会議|説明|同席|見学|現地|伺う|お伺い|お待ちして|実施|電話|TEL|架電予定|ご提案|提案|プレゼン|アポ"
APPROX = rx(r"頃|ごろ|あたり|中旬|上旬|下旬|以降|~|〜")
HISTORY_VERB = rx(r"不在|接続|参加|DL|ダウンロード|問い合わせ|問合せ|送った|送付済|交換|架電(?!予定)|受付|つながった|開封|請求|来場|失注|した$|しました")


def _future_meeting(note: Note, s: int, e: int, r: Reading) -> bool:
    around = note.norm_of(s, min(len(note.text), e + 40))
    return bool(re.search(MEETING + "|" + CLOCK, around)) and not HISTORY_VERB.search(note.norm_of(e, min(len(note.text), e + 14)))


NEXT_ACTION = ElementRules(
    element="next_action",
    keys=frozenset({"次回", "次回アクション", "ネクストアクション", "next", "na", "次回予定", "アポ", "アポ日時", "商談日", "日程", "次のステップ",
                    "next step", "nextstep", "next action", "次アクション", "次回日程", "商談日時", "アポイント", "todo", "宿題"}),
    topic=rx(r"次回|日程|日時|アポ(?:イント)?(?!取得)|候補日|次のステップ|ネクストアクション"),
    content=rx(rf"{DATE}|{CLOCK}|(?:送付|持参|提出|送る|お送り|共有|準備)[^。]{{0,10}}(?:約束|予定|合意|ことに|こと)"),
    cues=(
        Cue("dated-meeting", rx(rf"(?:{DATE})(?:\s*{CLOCK})?"), check=_future_meeting, confidence=0.8),
        Cue("deliverable", rx(rf"(?:{DATE}|\d{{1,2}}月中|今週中|来週中|今月中|週明け|月内)(?:まで)?(?:に)?[^。]{{0,24}}(?:送付|送る|お送り|提出|共有|持参|用意)(?:する)?(?:約束|予定|で合意|ことで合意|ことに|こと)"), confidence=0.75),
    ),
    value_content=rx(rf"{DATE}|{CLOCK}|送付|持参|提出|送る|用意"),
)


# ---- resonant_content ----------------------------------------------------------------------------
MATERIAL = r"チェックシート|チェックリスト|ハンドブック|ガイド|事例集|活用例|導入の流れ|スケジュール例|FAQ|一覧|シート|資料|事例|導入事例|ケーススタディ|デモ|動画|PDF|ホワイトペーパー|WP|料金表|価格表|比較表|シミュレーション|試算|画面|キャプチャ|スクショ|記事|ウェビナー|セミナー|提案書|カタログ|パンフ|サンプル|トライアル|機能紹介|プレゼン|実績|くだり|お話|話題|コンテンツ|ページ|LP|メルマガ|図|グラフ|数字|デモ動画|実機|スライド|帳票|書式|表|レポート|見本|写真|プラン|図面|サンプル画面"
REACTION = r"流され|いまいち|イマイチ|(?:興味|関心|目)を引|反応|(?<!釘を)刺さ|響|好評|好反応|食いつ|食い付|興味深そう|手応え|評判|ウケ|受けが良|喜|感心|驚|表情が変わ|目の色|メモを取|メモしながら|転送|社内(?:で)?(?:回し|共有|説明に使)|そのまま使え|まさに|うちと(?:同じ|近い|全く同じ)|気に入|反応薄|微妙|刺さらず|響かず|ピンと来|不評|首をかしげ|乗ってこ|一変|前のめり|うなず|頷|黙って|表情が曇|渋い顔|刺さらな|響かな|安心した|共感|好感触|好感|興味津々|半信半疑|スルー|読まれていない|感想|声が弾|使えそう|これこれ|(?:が|は)?(?:よかった|良かった)|決め手|気になった|気に入"
SHOWN = r"は(?=「)|に(?=「)|見せたら|見せると|見せた際|見せたところ|見て(?:もらった|いただいた)?(?:ところ|ら)?|を見た|には|に対して|への反応|紹介したら|話したら|送ったら|説明したら|共有したら"
RESONANT = ElementRules(
    element="resonant_content",
    keys=frozenset({"刺さった", "刺さり", "刺さった資料", "刺さったコンテンツ", "反応", "反応良", "響いた", "好評", "資料反応", "刺さったポイント",
                    "反応が良かった資料", "反応が良かったもの", "刺さった話", "刺さった点", "刺さったもの", "反応した資料",
                    "刺さったネタ", "響いた資料", "好反応", "資料の反応", "コンテンツ"}),
    topic=rx(r"刺さった|刺さり|響いた|反応が良|好反応"),
    content=None,
    cues=(
        Cue("material-reaction", rx(rf"(?:{MATERIAL})[^。]{{0,30}}(?:{REACTION})"), check=lambda n, s, e, r: not r.rep_own or "反応" in n.norm_of(s, e), confidence=0.75, unknown_means_unknown=True),
        Cue("shown-quote", rx(rf"(?:{MATERIAL})[^。「]{{0,25}}(?:{SHOWN})[^。「]{{0,6}}「"), confidence=0.7),
        Cue("reaction-material", rx(rf"(?:{REACTION})[^。]{{0,6}}(?:{MATERIAL})"), confidence=0.6),
    ),
    about_others_ok=True,
)

# ---- contact_history -----------------------------------------------------------------------------
CONTACT_HISTORY = ElementRules(
    element="contact_history",
    keys=frozenset({"経緯", "接点", "過去接点", "履歴", "流入", "流入経路", "リードソース", "source", "過去", "コンタクト履歴", "架電ログ",
                    "過去のやり取り", "きっかけ", "流入元", "獲得経路", "これまでの経緯", "経路", "lead source", "過去履歴"}),
    topic=rx(r"接点|流入|過去の(?:やり取り|商談|取引)|リードソース|出どころ|出所"),
    content=None,
    cues=(
        Cue("event", rx(r"ウェビナー|セミナー|展示会|イベント|ブース|名刺交換|勉強会|説明会|交流会|商談会|フェア|EXPO|見本市|閲覧|MAログ|サイト訪問|資料請求|資料(?:を)?DL|資料ダウンロード|ホワイトペーパー(?:を)?(?:DL|ダウンロード)|DL|ダウンロード|メルマガ|メール(?:を)?開封|開封"),
            check=lambda n, s, e, r: not re.search(r"開催したい|やりたい|実施したい|配信したい|を作り|作成|運営|主催", n.norm_of(e, e + 10)), confidence=0.8),
        Cue("inquiry", rx(r"(?:Web|WEB|HP|サイト|フォーム|先方から|先方より|から|お)(?:の)?(?:問い合わせ|問合せ|お問い合わせ)|(?:問い合わせ|問合せ)(?:あり|が(?:あ|来)|をいただ|いただ|を受け|から|経由|フォーム|→)|請求を受け"), confidence=0.75),
        Cue("calls", rx(r"\d+回目|何度か(?:架電|電話)|再架電|初回架電|初回接触|不在|つながらず|折り返し|受付(?:NG|突破|で)|(?:\d{1,2}/\d{1,2})(?![^。\n]{0,6}まで)[^。\n]{0,8}(?:架電|接続|不在|TEL|電話|メール受領|参加|DL|来場|問い合わせ|送付済)"), confidence=0.75),
        Cue("sent-before", rx(r"(?:先週|先月|前回|以前|事前に|過去に|昨日|先日|\d{1,2}/\d{1,2}に)[^。]{0,6}(?:お送り|送付|送った|郵送|送って|お渡し)|(?:当社|弊社)(?:の)?資料を(?:受け取|お持ち|見て|読んで)|郵送済"), confidence=0.7),
        Cue("past", rx(r"(?:過去に|以前|以前に|前回|昨年|去年|前任|一度)[^。]{0,20}(?:弊社|当社|接点|問い合わせ|商談|取引|失注|ご連絡|資料|提案|利用|検討|架電|面談|訪問|お付き合い)|失注|再アプローチ|掘り起こし|休眠|再商談"), confidence=0.7),
        Cue("referral", rx(r"(?:から|より)(?:の)?(?:ご)?紹介|紹介(?:元|者|案件|経由)|ご紹介(?:いただ|で|を受け)|紹介され|紹介いただ|(?:紹介|広告|検索|LP|サイト|フォーム|ウェビナー|セミナー|ブログ|SNS|Instagram|DM)(?:経由|から(?:の)?(?:流入|問い合わせ|問合せ))|からの流入|で(?:検索|見つけ)"), confidence=0.7),
    ),
)

__all__ = ["COMPETITION", "CONTACT_HISTORY", "NEXT_ACTION", "NG", "RESONANT"]
