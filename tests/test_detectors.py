"""Each rule of ../shared/context-schema.md, as literal notes and the state the detector must give."""

import pytest

pytestmark = pytest.mark.slow

P, U, A = "present", "unknown", "absent"

CASES = [
    # interest: a specific feature or reason; vague words are absent; 何に興味…不明 is unknown
    ("interest", "勤怠の自動集計に関心があるとのこと。", P),
    ("interest", "特に関心を持っていたのはシフト作成の自動化機能です。", P),
    ("interest", "物流業の導入事例を聞きたいとのことでアポ。", P),
    ("interest", "興味あり、前向きに検討。", A),
    ("interest", "サービスに興味があるそうです。", A),
    ("interest", "何に興味を持ったのかは聞けていません。", U),
    ("interest", "興味:あり", A),
    ("interest", "【興味】請求書の自動読み取り", P),
    # urgency: explicit temperature, must-deadline, tone, or a clear low signal; dates alone are timing
    ("urgency", "温度感高め。", P),
    ("urgency", "温度感:中", P),
    ("urgency", "急ぎではない様子で、情報収集段階とのこと。", P),
    ("urgency", "今期中に何とかしたいと強い口調でした。", P),
    ("urgency", "温度感は不明です。", U),
    # 「温度は…」 graded is the customer's temperature; a measured temperature is not; commitment and
    # 「今すぐどうこうではない」 are urgency high and low
    ("urgency", "温度はまずまずと感じました。", P),
    ("urgency", "冷蔵庫の温度が高いまま放置されがち。", A),
    ("urgency", "室温度を手書きで記録している。", A),
    ("urgency", "今期は腰を据えて、本腰を入れて進めるとのこと。", P),
    ("urgency", "今すぐどうこうする話ではないそう。", P),
    ("urgency", "いい製品があれば替えたい程度の温度感。", P),
    ("urgency", "まだ情報を集めている段階とのこと。", P),
    # 「電話では」 contrasts an adjunct, it opens no topic of its own; 感情 and 読み取れない are read as well
    ("emotion", "先方がどう感じているかは電話ではつかめなかった。", U),
    ("emotion", "ご担当の感情は最後まで読み取れなかった。", U),
    ("emotion", "感情面はよく分からないまま。", U),
    ("emotion", "感情面:読めず", U),
    ("emotion", "感情的になって現行ベンダーへの不満を話していた。", P),
    ("emotion", "担当者の本音は商談で探っていただけると助かります。", U),
    ("urgency", "温度感：読み取れず", U),
    ("budget", "予算は今回の電話では聞けていない。", U),
    ("urgency", "温度感:?", U),
    ("urgency", "4月に導入したい。", A),
    ("urgency", "前向きです。", A),
    ("urgency", "個人的にはかなり本気度が高いと感じました。", A),
    # emotion: the customer's words, not the rep's own feelings; negated or factual is absent
    ("emotion", "「締めの時期は地獄」とぼやいていた。", P),
    ("emotion", "現行ツールに強い不満を持っている。", P),
    ("emotion", "経理の担当者が悲鳴をあげているらしい。", P),
    ("emotion", "私も正直焦りました。", A),
    ("emotion", "従業員は50名、拠点は3つ。", A),
    ("emotion", "現場が今の運用をどう感じているかは聞けていない。", U),
    # decision_maker
    ("decision_maker", "決裁者は山田部長、次回同席予定。", P),
    ("decision_maker", "稟議は月1回の役員会で回す。", P),
    ("decision_maker", "決裁者は未確認。", U),
    ("decision_maker", "決裁者とは話せていない。", U),
    ("decision_maker", "決裁者の部長とは話せていない。", P),
    ("decision_maker", "担当:佐藤様", A),
    ("decision_maker", "中村様(決裁権なし)", U),
    ("decision_maker", "入札になる可能性が高い。", P),
    ("decision_maker", "ハンコを押すのは専務とのこと。", P),
    ("decision_maker", "副社長(田村様)がそのまま決める立場。", P),
    # budget: existence, size or timing of budget; not obtained is unknown; 予算管理 is a product
    ("budget", "予算は年300万円程度で確保済み。", P),
    ("budget", "予算はまだ取れていない。", P),
    ("budget", "予算については聞けていない。", U),
    ("budget", "来期予算で申請予定。", P),
    ("budget", "予算:-", U),
    ("budget", "予算:300万", P),
    ("budget", "予算の話は出なかった。", U),
    ("budget", "予算管理システムの件で問い合わせ。", A),
    ("budget", "費用は月5万円以内に抑えたいとのこと。", P),
    # timing
    ("timing", "4月稼働希望。", P),
    ("timing", "半年以内に導入したい。", P),
    ("timing", "時期は未定とのこと。", U),
    ("timing", "T:?", U),
    ("timing", "来期予算で申請予定。", A),
    # need
    ("need", "紙の申請処理に月40時間かかっている。", P),
    ("need", "離職率を下げたい。", P),
    ("need", "課題あり。", A),
    ("need", "何かしら困っているらしい。", A),
    ("need", "色々と課題はあるとのこと。", A),
    ("need", "どんな課題があるのかは次回ヒアリング予定。", U),
    # interest: what they want to know or see, named; 「何ができるか」 names nothing
    ("interest", "シフト作成の自動化がどこまでできるか知りたいそう。", P),
    ("interest", "一番気にしているのは既存データの移行。", P),
    ("interest", "上司に勤怠の自動集計について調べておけと言われたそう。", P),
    ("interest", "先方は何ができるか知りたいとのこと。", A),
    ("interest", "関心:関心あり", A),
    ("interest", "> 経費精算の自動化について詳しく伺えればと存じます。", P),
    ("interest", "入退室ログの一元管理、ここを一番見たいと言っていた。", P),
    ("interest", "興味ポイント:有給の自動付与のデモ希望", P),
    ("interest", "興味ポイント: 聞き出せず", U),
    # interest: the object is what the parse says 興味/関心 governs, not whatever precedes it; a product
    # category or the product of this handoff names nothing new; why they took the meeting counts
    ("interest", "一応関心はある様子です。", A),
    ("interest", "冒頭でサービスに興味ありとのこと。", A),
    ("interest", "在庫管理システムに興味ありとのことです。", A),
    ("interest", "電子契約の件。先方は電子契約に興味あり。", A),
    ("interest", "料金表は興味を引かなかった様子。", A),
    ("interest", "宿日直の区分管理ができるかが最大の関心。", P),
    ("interest", "・連絡アプリの既読確認機能が一番の関心\n・決裁:校長", P),
    ("interest", "見積の自動作成機能に強い関心を示していた。", P),
    ("interest", "アポを受けてくれた理由は聞けず。", U),
    ("interest", "興味の対象は商談でご確認をお願いします。", U),
    ("interest", "興味:興味アリ", A),
    ("interest", "■関心事\n入荷検品のハンディ化", P),
    ("interest", "棚卸の自動集計があれば今の運用にはまると話していた。", P),
    ("interest", "季節商品の需要予測がどこまで当たるのかを見たい、とのこと。", P),
    ("interest", "何が刺さって会ってくれるのかは不明です。", U),
    ("interest", "アポを受けてくれた理由は聞けませんでしたが、今のツールには困り果てているとのことです。", U),
    ("interest", "どの機能が目当てかは分からないまま。", U),
    ("interest", "ﾃﾞﾓ希望（何を見たいかは不明）", U),
    # 「はじめに」「最初に」 say when it was said, not what the interest is in; が after です joins clauses; in a
    # terse note the object is the last item, not the run of items the parse hangs on it
    ("interest", "最初にご興味ありとのこと。", A),
    ("interest", "はじめに興味は示してくれました。導入は来期。", A),
    ("interest", "興味ありですが、来週火曜に訪問予定です。", A),
    ("interest", "関心はある様子ですが、細かい要望はこれから。", A),
    ("interest", "山田商事 課題あり サービス自体には興味ありそう 決裁ルート:部長", A),
    ("interest", "興味ありとのこと/温度感は低めと聞いた", A),
    ("interest", "クラウド会計に興味ありとのこと。", A),
    ("interest", "興味があるのは、仕訳の自動提案の部分とのこと。", P),
    ("interest", "はじめに給与明細の電子配布に関心があると伺いました。", P),
    # a clause joined by が/けど is a sibling, not what the interest is in; so is an item across a 「/」
    ("interest", "料金表は刺さらなかったけど、製品に興味ありとのこと。", A),
    ("interest", "概算見積を金曜までに送付/興味はありそう/他社比較なし", A),
    ("interest", "見積書のテンプレートを見せたら興味津々だった。", P),
    # the product the note is about (「チャットボットの件」) is no wish for a feature; an item ends at 「/」
    ("interest", "AIチャットボットの件、来年度中に導入したい。", A),
    ("interest", "打ち合わせはオンライン/来月には入れたい", A),
    ("interest", "受付の手続きをタブレット化したいとのこと。", P),
    ("decision_maker", "坂本課長は決裁権なしで、決裁者は不明。", U),
    ("emotion", "話しぶりは落ち着いていて、すぐにでも、という感じではない。", A),
    # fields inside a line of items end where the next item begins; the answer comes before what is still open
    ("interest", "導入時期:？｜興味:選考状況の可視化｜予算は聞き出せず", P),
    ("timing", "導入時期:？｜興味:選考状況の可視化｜予算は聞き出せず", U),
    ("interest", "温度感は高め、関心:請求書の自動発行、決裁は社長", P),
    ("timing", "決裁は三浦本部長とのことですし、導入時期:？です。最後に、7月10日(金) 15時で確定です。", U),
    ("decision_maker", "決裁:部長/同席未定", P),
    ("budget", "予算:次年度予算で要求、規模は未確認", P),
    ("contact_history", "経緯:記録なし、経緯不明", U),
    # a heading alone on its line takes the next line as its value; 「key:」 alone is an empty field
    ("budget", "■予算\n不明\n■導入時期\n来年4月", U),
    ("timing", "■予算\n不明\n■導入時期\n来年4月", P),
    ("urgency", "温度感:\n感情面:", U),
    ("need", "N: 未ヒアリング", U),
    # 出る of a person attending is not 「話が出なかった」
    ("next_action", "決裁者の部長は次回の商談には出てこない。", A),
    ("next_action", "次回は部長が出てこない予定。", A),
    ("budget", "予算の話は出なかった。", U),
    # competition
    ("competition", "A社と比較中。", P),
    ("competition", "現在はExcelで管理している。", P),
    ("competition", "他社の見積も取得済み。", P),
    ("competition", "相見積なし、当社のみで検討。", P),
    ("competition", "比較先は未定。", U),
    ("competition", "紙で管理している。", A),
    ("competition", "競合他社に顧客を奪われて売上が落ちている。", A),
    # ng_topics
    ("ng_topics", "価格の話は避けてほしいとのこと。", P),
    ("ng_topics", "前任ベンダーとのトラブルには触れないこと。", P),
    ("ng_topics", "NG:特に聞けず", U),
    ("ng_topics", "予算は300万。", A),
    # next_action
    ("next_action", "12/3 14時 オンライン商談、概算見積を持参。", P),
    ("next_action", "次回:調整中", U),
    ("next_action", "候補日の返事待ち。", U),
    ("next_action", "また連絡しますとのこと。", A),
    # resonant_content
    ("resonant_content", "物流業の事例PDFに反応が良かった。", P),
    ("resonant_content", "料金表は反応薄でした。", P),
    ("resonant_content", "予算は300万。", A),
    # contact_history
    ("contact_history", "10/5ウェビナー参加、資料DL2回。", P),
    ("contact_history", "3回目の架電でつながった。", P),
    ("contact_history", "問い合わせ対応の工数を減らしたい。", A),
    # interest: what they are looking for or want to have, when it names a thing we could show
    ("interest", "請求書の自動発行の仕組みを探しているとのこと。", P),
    ("interest", "稟議の説得材料に同業の導入事例が欲しいと。", P),
    ("interest", "とにかく人手が欲しいとのこと。", A),
    ("interest", "デモを見て「こういうのが欲しかった」と。", A),
    # need: excess, outside demands, what nobody there can do; feelings and the rep's own gaps are not needs
    ("need", "元請けから作業記録の提出を求められている。", P),
    ("need", "売上データはあるが分析できる人がいない。", P),
    ("need", "今のシステムは月額が高すぎるとのこと。", P),
    ("need", "過去の図面がすぐに探せない。", P),
    ("need", "現場からの苦情に疲れ切っている様子。", A),
    ("need", "これまでのやり取りは追えていない。", A),
    # note style drops する: 「検討、」 closes its clause, so a later 「時期は未定」 is not the budget's
    ("budget", "来期予算で検討、時期は未定。", P),
    ("timing", "来期予算で検討、時期は未定。", U),
    ("budget", "予算確保、時期は未定。", P),
    # the date of a demo or meeting is the next action, not when they adopt
    ("timing", "来月中旬に現地でデモを実施する方向。", A),
    ("timing", "来月中旬に本番稼働の予定。", P),
    # a field's answer may carry a remark in brackets: the answer still counts
    ("decision_maker", "決裁:常務(同席できるかは確認中)", P),
    ("budget", "予算:年200万(上振れは要確認)", P),
    # N次第: left to someone or something else, so not settled; but a stated fact before it still counts
    ("budget", "予算:本社次第", U),
    ("budget", "ご予算は稟議の結果次第とのこと。", U),
    ("budget", "予算はゼロで、費用対効果次第。", P),
    ("timing", "導入時期は保留。", U),
    ("next_action", "資料が出来次第、12/3 14時の商談でご説明。", P),
]


@pytest.mark.parametrize(("element", "text", "expected"), CASES, ids=[f"{c[0]}:{c[1][:14]}" for c in CASES])
def test_detectors_schema_rule(states, element, text, expected):
    assert states(text)[element] == expected


def test_detectors_bant_not_taken_makes_four_elements_unknown(states):
    s = states("BANTも取れてない。とりあえず会ってくれるとのこと。")
    assert [s[e] for e in ("budget", "decision_maker", "need", "timing")] == [U, U, U, U]


def test_detectors_bant_marks_line(states):
    s = states("B:○ 300万 A:× N:? T:4月")
    assert (s["budget"], s["decision_maker"], s["need"], s["timing"]) == (P, U, U, P)


def test_detectors_other_company_case_study_is_not_this_customers_need(states):
    s = states("A社では導入後に残業が半減したという事例を紹介したら、食いつきが良かった。")
    assert s["need"] == A
    assert s["resonant_content"] == P


def test_detectors_template_and_halfwidth_forms(states):
    s = states("■予算：３００万円\n■決裁：社長\n■次回：１２／３（火）１０：００ ｵﾝﾗｲﾝ")
    assert (s["budget"], s["decision_maker"], s["next_action"]) == (P, P, P)


def test_detectors_evidence_offsets_index_the_text_as_sent(parser):
    from service.engine.detect import detect

    text = "😀😀ｵﾝﾗｲﾝで話した。予算は年３００万円で確保済み。"
    det = detect(text, parser).detections["budget"]
    assert det.state == P
    ev = det.evidence[0]
    assert text[ev.start:ev.end] == ev.text and "予算" in ev.text
    assert ev.start_utf16 == ev.start + 2  # two astral-plane emoji before it
    assert text.encode("utf-16-le")[ev.start_utf16 * 2:ev.end_utf16 * 2].decode("utf-16-le") == ev.text


@pytest.mark.parametrize(("text", "shown"), [
    ("😀先方はｸﾗｳﾄﾞ監視の通知設定を探しているとのこと。", "ｸﾗｳﾄﾞ監視の通知設定を探している"),
    ("勤怠の締めの自動化がどこまでできるか知りたいそう。", "勤怠の締めの自動化がどこまでできるか知りたい"),
    ("帳票の出力形式については、細かく聞かれました。", "帳票の出力形式については、細かく聞かれ"),
])
def test_detectors_interest_evidence_shows_the_object_not_only_the_cue(parser, text, shown):
    """The rep sees what the customer wants highlighted, from the object the cue read; offsets still index the
    text as sent (half-width kana and an emoji before it)."""
    from service.engine.detect import detect

    det = detect(text, parser).detections["interest"]
    assert det.state == P
    ev = det.evidence[0]
    assert ev.text == shown and text[ev.start:ev.end] == ev.text
    assert text.encode("utf-16-le")[ev.start_utf16 * 2:ev.end_utf16 * 2].decode("utf-16-le") == ev.text


def test_detectors_every_detection_names_its_rule_and_confidence(parser):
    from service.engine.detect import detect

    result = detect("決裁は社長。予算は未定。", parser)
    assert set(result.detections) == set(__import__("service.engine.elements", fromlist=["x"]).ELEMENT_IDS)
    dm = result.detections["decision_maker"]
    assert dm.rule and 0 < dm.confidence <= 1 and dm.evidence
    assert result.detections["budget"].state == U


VALUE_CASES = [
    ("urgency", "温度感高め、今期中に何とかしたいとのこと。", "high"),
    ("urgency", "急ぎではない様子で、情報収集段階。", "low"),
    ("urgency", "今すぐ動く気はなさそうでした。", "low"),
    ("urgency", "いい製品があれば替えたい程度の温度感。", "low"),
    ("urgency", "一日も早く動きたいと言っていた。", "high"),
    ("decision_maker", "決裁者の山田部長が次回同席予定。", "attends"),
    ("decision_maker", "決裁は社長だが、次回の同席はしない。", "not_attending"),
    ("decision_maker", "決裁は本部長だが、商談には出てこない。", "not_attending"),
    ("decision_maker", "DM:専務(中野様)/同席×", "not_attending"),
    ("decision_maker", "決裁は事業部長、同席は未定。", "undecided"),
    ("decision_maker", "決裁:常務/同席可否は確認中", "undecided"),
    ("decision_maker", "決裁者の常務も次回は出てくれるとのこと。", "attends"),
    ("decision_maker", "■課題 紙の台帳、「もう無理」と課長\n■決裁 本部長(同席可否は確認中)", "undecided"),
    # the decider is named in one sentence and attendance said in another
    ("decision_maker", "決裁は本部長。次の打ち合わせには本部長も同席予定です。", "attends"),
    ("urgency", "本気度はそこそこ。", "mid"),
    ("competition", "既存の自社システムからのリプレイス。", "incumbent"),
    ("resonant_content", "導入事例集にはほぼ無反応だった。", "flat"),
    ("budget", "予算は年300万円で確保済み。", "secured"),
    ("budget", "予算はまだ取れていない。", "none"),
    ("budget", "来期予算で申請予定。", "planned"),
    ("competition", "A社と比較中。", "comparing"),
    ("competition", "相見積なし、当社のみで検討。", "none"),
    ("resonant_content", "料金表は反応薄でした。", "flat"),
    ("resonant_content", "物流業の事例PDFに反応が良かった。", "positive"),
]


@pytest.mark.parametrize(("element", "text", "value"), VALUE_CASES, ids=[f"{c[0]}:{c[2]}" for c in VALUE_CASES])
def test_detectors_value_of_a_present_element(parser, element, text, value):
    from service.engine.detect import detect

    det = detect(text, parser).detections[element]
    assert (det.state.value, det.value) == ("present", value)


def test_detectors_a_role_cue_stays_on_its_line(parser):
    """「…と課長」 ends one item; 「■決裁 本部長(同席…)」 is the next: no evidence reads across the line break."""
    from service.engine.detect import detect

    det = detect("■課題 紙の台帳、「もう無理」と課長\n■決裁 本部長(次回同席予定)", parser).detections["decision_maker"]
    assert det.evidence and all("\n" not in e.text for e in det.evidence), [e.text for e in det.evidence]


def test_detectors_value_is_none_unless_present(parser):
    from service.engine.detect import detect

    assert detect("予算は未定。", parser).detections["budget"].value is None
