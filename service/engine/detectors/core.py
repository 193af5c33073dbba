"""The four context elements a handoff must carry: interest, urgency, emotion, decision_maker."""

from __future__ import annotations

import re
from functools import lru_cache

from .base import CLAUSE_LINKS, Note, Reading
from .patterns import PROCESS, ROLE, rx
from .rules import UNKNOWN_VALUE, Cue, ElementRules

# ---- interest ------------------------------------------------------------------------------------
# A specific feature, use case or material: the phrase governed by 関心/興味 must say something beyond
# the product category or 「サービス」.
VAGUE_OBJECT = rx(
    r"^(?:御社|弊社|貴社|当社|先方|相手|お客様|客先|ご?担当者?|うち|サービス|製品|商品|ツール|システム|話|お話|内容|提案|件|こちら|それ|あり|有り|全般|"
    r"色々|いろいろ|ソリューション|プロダクト|導入|検討|前向き|少し|多少|ある|あり|とても|すごく|かなり|非常に)?(?:自体)?$"
)
INTEREST_TOPIC = rx(
    r"興味|関心|気にな(?:って|る)|一番気にして|惹かれ|魅力を感じ|"
    # why they took the meeting, which the schema counts as interest: 「アポを受けてくれた理由は聞けず」
    r"(?:アポ|面談|商談|打ち合わせ|話を聞く)(?:を|に)?(?:受けて(?:くれた|もらえた|いただけた)|承諾(?:して(?:くれた|いただけた))?|応じて(?:くれた|いただけた)|OKした)?の?理由|"
    r"(?:なぜ|何が刺さって|どうして)(?:会って|アポを受けて|時間を(?:取って|とって))(?:くれる|くれた|もらえる|もらえた|いただける|いただけた)の?か"
)
# the topic particle after 関心/興味 and what follows it: 「関心の中心は、X」「興味があるのはX」
TOPIC_PARTICLE = rx(r"(?=(?:のは|は|:|が)[、,\s]*(?P<obj>[^。、,\n]{2,}))")  # every position, overlapping
# 「興味は持ってくれている」「関心は高い」: what follows は is a predicate, not the object of interest
PREDICATE_START = rx(r"^(?:持|あり|ある|有(?:り|る|$)|示|な|高|強|薄|深|大|無|そこそこ|津々|出|湧|わ)")
SOLUTION = (
    r"自動|電子|システム|クラウド|アプリ|タブレット|スマホ|オンライン|Web|WEB|ウェブ|チャット|AI|音声|センサー|IoT|デジタル|"
    r"動画|LINE|ボット|RPA|API|連携|ダッシュボード|遠隔|リモート|モバイル|QR|バーコード|ハンディ"
)


def _interest_object(note: Note, s: int, e: int, r: Reading) -> bool:
    """A cue's object (「Xについて知りたい」「Xが目当て」), before the match in its clause or read from the parse,
    must be specific."""
    if r.unknown:  # 「何を見たいかは聞けていない」: a gap, whatever the object
        return True
    if r.negated:  # 「価格は知りたくない」
        return False
    before = note.norm_of(r.clause_start, s)
    obj = re.sub(r"(?:に|へ|を|が|には|にも|について|の)(?:強い|強く|とても|すごく|非常に|かなり|大変|特に|少し|一番)?$", "", before)
    return _names_interest(note, _last_content_segment(obj)) or _topic_object(note, s, e, r)


# wanted, but not a thing we sell: more people, money or time is need or budget (「人手が欲しい」)
NOT_A_PRODUCT_WISH = rx(r"(?:人手|人材|人員|スタッフ|予算|お金|資金|時間|余裕|休み)$")


def _wanted_thing(note: Note, s: int, e: int, r: Reading) -> bool:
    """The thing is the phrase the match follows (「Xを探している」「Xが欲しい」), nothing else in the clause."""
    if r.unknown:  # 「何を探しているかは聞けず」: a gap, whatever the object
        return True
    if r.negated:  # 「事例は欲しくない」
        return False
    obj = _last_content_segment(note.norm_of(r.clause_start, s).lstrip("「『"))
    return not NOT_A_PRODUCT_WISH.search(obj) and _names_interest(note, obj)


MAX_SHOWN_OBJECT = 40  # characters before the cue's match


def _object_shown(note: Note, s: int, r: Reading) -> int | None:
    """Where the rep is shown the evidence from: the object the check read (「脆弱性診断を探している」,
    「シフト作成の自動化がどこまでできるか知りたい」), not the particle the cue matched at."""
    before = note.norm_of(r.clause_start, s)
    obj = _last_content_segment(before)
    at = before.rfind(obj) if obj else -1
    if at < 0:
        return None
    start, _ = note.span_in(r.clause_start, at, at + 1)
    return start if 0 < s - start <= MAX_SHOWN_OBJECT else None


def _topic_object(note: Note, s: int, e: int, r: Reading) -> bool:
    """「Xに関心」「Xへの興味が強い」「関心の中心はX」: X, read from the parse, must be specific. The words before
    関心 are not its object unless the parse says so (「一応関心はある」「冒頭でサービスに興味あり」)."""
    if r.negated:  # 「価格には興味がない」「料金表は興味を引かなかった」: not what they want
        return False
    if any(_names_interest(note, obj) for obj in _governed_objects(note, s, e)):
        return True
    obj = _tail_object(note, s)
    return obj is not None and _names_interest(note, obj)


def _tail_object(note: Note, s: int) -> str | None:
    """「関心の中心はX」「興味があるのは、X」: the phrase after the topic particle. Not after a conjunctive
    particle (「興味ありですが、8/20に訪問」: が joins two clauses) nor a predicate (「関心は高い」)."""
    text = note.norm_of(s, s + 60)
    if not text.startswith(("興味", "関心")):
        return None
    for m in TOPIC_PARTICLE.finditer(text, 2):
        if m.start() > 14 or re.search(r"[。、,\n\s/|｜]", text[2:m.start()]):
            break
        lo, hi = note.span_in(s, m.start(), m.start("obj"))
        if PREDICATE_START.match(m.group("obj")) or any(t.tag_ == "助詞-接続助詞" for t in note.tokens(lo, hi)):
            continue
        return m.group("obj").strip()
    return None


# case particles that mark what the interest is in: 「Xに/へ/について興味」; with a verb (気になる, 知りたい,
# 見たい) the thing is also its subject, topic or object: 「Xが気になっている」「Xの画面を見たい」
OBJECT_CASES = frozenset({"に", "へ"})
VERB_CASES = frozenset({"が", "は", "も", "を", "の"})
WHEN_IN_CALL = frozenset({"冒頭", "序盤", "終盤", "途中", "終わり際", "締め", "最後"})  # 「冒頭に興味あり」: when, not what
STIMULUS = frozenset({"たら", "と", "ば", "ところ"})  # 「Xを見せたら興味津々」: what set the interest off
ITEM_SEP = re.compile(r"[\s/|｜]")  # between the items of a terse note
ITEM_BREAK = re.compile(r"\s+/?\s*|\s*[/|｜、,]\s*")  # the same, or a comma, inside an object phrase


def _governed_objects(note: Note, s: int, e: int) -> list[str]:
    """The noun phrases the matched interest words govern, through the dependency tree.

    An object hangs from the interest word itself or from the predicate it is an argument of (興味が「ある」,
    興味を「持つ」), marked に/へ (「Xに興味」「Xへの関心」); from a clause it governs (「強い」関心, 「Xがどこ
    まで できるか」知りたい, 「Xを 話したら」興味津々) with any case; as the subject when the interest word is
    the predicate (「Xが一番の関心」); and with a verbal cue (気になる, 知りたい) as its subject or object."""
    toks = note.tokens(s, e)
    sent = note.sentence_at(s)
    if not toks or sent is None:
        return []
    doc = sent.doc
    core = {t.i for t in toks}
    core |= {t.head.i for t in toks if t.dep_ in ("compound", "obj", "nsubj", "obl", "nmod")}
    # a line's trailing newline can become the root the phrase hangs from (「…に興味アリ\n」)
    core |= {doc[a].head.i for a in core if doc[a].head.tag_.startswith("空白")}
    first = toks[0].i

    def gap(a: int, b: int) -> str:  # the text between token a and token b
        return doc[a].whitespace_ + doc[a + 1:b].text

    def modifies(c) -> bool:
        """A clause that modifies the interest word, not a sibling clause the parse happens to hang on it:
        one ended by a conjunctive particle (「料金表は響かなかったですが、」) or across an item break (「…を
        送付/興味ありそう」) is a clause of its own."""
        end = max(t.i for t in c.subtree)
        ends_link = any(t.tag_ == "助詞-接続助詞" and t.text in CLAUSE_LINKS for t in doc[c.i:end + 1] if t.head.i == c.i)
        return not ends_link and not (end < first and ITEM_SEP.search(gap(end, first)))

    clausal = {c.i for t in toks for c in t.children if c.dep_ in ("acl", "amod", "ccomp", "advcl", "csubj") and modifies(c)}
    # the interest word as the predicate: itself, or the noun it forms with 「中心」「一番の」, or a newline root
    nominal = {t.i for t in toks} | {t.head.i for t in toks if t.dep_ in ("compound", "nmod") and t.head.tag_.startswith(("名詞", "空白", "形状詞"))}
    clausal |= {c.i for a in nominal for c in doc[a].children if c.dep_ in ("acl", "amod") and modifies(c)}
    # what set it off: 「Xを見せたら興味津々」「Xの話をすると関心が高まった」
    clausal |= {c.i for a in nominal for c in doc[a].children
                if c.dep_ == "advcl" and any(x.text in STIMULUS for x in c.children if x.dep_ in ("aux", "mark")) and modifies(c)}
    verbal = any(t.tag_.startswith("動詞") for t in toks)
    predicative = any(doc[a].dep_ in ("ROOT", "advcl") or any(c.dep_ == "cop" or c.text in ("で", "だ", "です") for c in doc[a].children)
                      for a in nominal)

    def bare_ok(tok) -> bool:
        return verbal and not any(c.dep_ == "case" for c in tok.children) and all(t.is_space for t in doc[tok.i + 1:first])

    out = []
    for tok in doc:
        if tok.i in core or not tok.tag_.startswith(("名詞", "接尾辞", "動詞")):
            continue
        cases = {c.text for c in tok.children if c.dep_ == "case"}
        if tok.head.i in clausal:
            ok = bool(cases & (OBJECT_CASES | VERB_CASES))
        elif tok.head.i in core:
            # 「ﾓﾊﾞｲﾙｵｰﾀﾞｰ 気になってる」: a casual note drops the particle right before the verb
            ok = bool(cases & OBJECT_CASES or (verbal and cases & VERB_CASES) or (tok.i < first and bare_ok(tok))
                      or (predicative and tok.dep_ in ("nsubj", "obl") and cases & {"が", "は"}))
        else:
            ok = False
        if ok and tok.i < first and not bare_ok(tok) and ITEM_SEP.search(gap(tok.i, first)):
            continue  # 「…12月4日までに送付/興味ありそう」: an item of its own, run into this one by the parse
        if ok:
            # the phrase: the noun and what modifies it to its left (「勤怠の自動集計」), without adverbs or marks
            left = [t for t in tok.subtree if t.i < tok.i and t.dep_ not in ("advmod", "punct", "dep", "mark")] + [tok]
            if len(left) == 1 and (tok.tag_ == "名詞-普通名詞-副詞可能" or tok.text in WHEN_IN_CALL):
                continue  # 「はじめに興味あり」「最初に関心を示した」: when, not what
            lo = sent.start + min(t.idx for t in left)
            # a terse note's items run together in one parse (「エバー建設 ニーズあり サービス自体には興味」):
            # the phrase is the last item
            phrase = ITEM_BREAK.split(note.norm_of(lo, sent.start + tok.idx + len(tok.text)).strip())[-1]
            # a clause (「宿日直の区分管理ができる」) is as specific as its arguments: 「何ができる」 is not
            out.append(_last_content_segment(phrase) if tok.tag_.startswith("動詞") else phrase)
    return out


# 「在庫管理システム」「クラウド会計」「SFA」: the kind of product, which field sales already knows;
# a feature or use case says which part of it (「勤怠の自動集計」「API連携」)
PRODUCT_CATEGORY = rx(
    r"^[^のをがでと、\s]{0,14}(?:システム|ツール|ソフト|ソフトウェア|クラウド|アプリ|サービス|パッケージ|ソリューション|"
    r"プラットフォーム|製品|SaaS)$|^(?:SFA|CRM|ERP|MA|ATS|RPA|BI|HRIS|LMS|EC|DX|IT|AI|IoT)$|^クラウド[^のをがでと、\s]{1,8}$"
)
PRODUCT_MENTION = rx(r"([^\s、。,:・/|()「」【】\[\]]{2,16})の(?:件|案件)|(?:商材|製品|サービス|プロダクト|商品)\s*:\s*([^\s、。/|]{2,16})")


def _names_interest(note: Note, obj: str) -> bool:
    return _specific(obj) and not _is_category(note, obj)


def _is_category(note: Note, obj: str) -> bool:
    """The object only names the product category, or the product this handoff is about (「電子契約の件」)."""
    return bool(PRODUCT_CATEGORY.match(obj)) or obj in _products_named(note.norm.text)


@lru_cache(maxsize=256)
def _products_named(text: str) -> frozenset[str]:
    """What a note says it is about (「Xの件」「商材:X」): read once per note, not once per candidate object."""
    return frozenset(m.group(1) or m.group(2) for m in PRODUCT_MENTION.finditer(text))


def _fronted_object(note: Note, s: int, e: int, r: Reading) -> bool:
    return _names_interest(note, _last_content_segment(note.norm_of(s, e).split("、")[0]))


def _last_content_segment(text: str) -> str:
    """The last stretch between は/が/、/: that holds a content word: in 「Xがどこまでできるか」 that is X, in
    「先方はサービス」 it is サービス."""
    for seg in reversed(re.split(r"(?:は|が|、|,|:)", text)):
        seg = re.sub(r"^[\s・-]+|[\s、,]+$", "", seg)
        if re.search(r"[^ぁ-ん\s何・、,ー]", seg) and not INTERROGATIVE.search(seg):  # 「どこまで当たるのか」 is the question
            return seg
    return ""


def _specific(obj: str) -> bool:
    """Names a thing: not 「サービス」, not a gap (「商談で確認」「聞き出せず」), not a question (「どの機能」)."""
    return len(obj) >= 2 and not VAGUE_OBJECT.match(obj) and not UNKNOWN_VALUE.search(obj) and not INTERROGATIVE.search(obj)


# an interrogative or a pointing word (「こういうの」 points at what was shown, it names nothing)
INTERROGATIVE = rx(r"どの|どこ|どんな|どういう|どれ|何(?!度|回|人|名|社|件|か所|店)|なに|(?:こう|そう|ああ)いう|こんな|そんな|あんな")


def _object_after(note: Note, s: int, e: int, r: Reading) -> bool:
    """「知りたいのはX」「一番気にしているのはX」: X, after the match, must be specific."""
    m = re.match(r"[、,\s]*(?P<obj>[^。、,\n]{2,30})", note.norm_of(e, e + 40))
    return bool(m and _names_interest(note, _last_content_segment(re.sub(r"(?:の(?:部分|ところ|点|話))?(?:とのこと|です|らしい|そう|みたい).*$", "", m.group("obj")))))


INTEREST = ElementRules(
    element="interest",
    keys=frozenset({"興味", "関心", "興味関心", "関心事", "関心事項", "興味ポイント", "関心ポイント", "want", "interest",
                    "アポ理由", "面談理由", "商談理由", "興味・関心", "why", "決め手", "目当て", "興味のきっかけ", "関心のきっかけ",
                    "きっかけ", "興味の中心", "関心の中心", "興味の対象", "関心の対象", "興味の核心", "関心の核心"}),
    topic=INTEREST_TOPIC,
    content=None,
    content_check=_topic_object,
    cues=(
        Cue("most-wanted", rx(r"(?:一番|いちばん|特に|最も|まず)(?:見たい|知りたい|聞きたい|確かめたい|確認したい|試したい)(?:の|こと|ところ|点)|知りたがって|見たがって|(?:という|が)(?:の)?(?:が)?理由(?:です|。|$)|話を聞く気になった|(?:が|は)(?:必須条件|絶対条件|導入条件)"), confidence=0.7),
        Cue("want-to-know", rx(r"(?:を|について|に関して|に関する|が|か|の(?:話|こと|件|画面|機能|詳細|仕組み))(?:も|は)?(?:もう少し|もっと|詳しく|具体的に|実際に|まず|一度|ぜひ|改めて|(?:実際の|本物の)?(?:画面|デモ|実機|現物|動き)で)*(?:(?:知り|聞き|見|聞いてみ|見てみ|確かめ|試し|試してみ|比較し|相談し|伺い|確認し)た(?:い|く)|見せて(?:ほしい|欲しい|もらいたい)|教えて(?:ほしい|欲しい)|説明して(?:ほしい|欲しい)|紹介して(?:ほしい|欲しい))"), check=_interest_object, shown=_object_shown, confidence=0.7),
        # the customer asked about a specific thing: 「Xについて細かく聞かれた」「Xの話になると質問が増えた」
        Cue("asked-about", rx(r"(?:について|に関して|の(?:こと|件|話|部分|機能|画面|仕様|料金|価格|連携))(?:は|も|を|に)?[^。\n]{0,8}?(?:質問(?:が|を)?(?:多|集中|相次|され|受け|いただ|増|攻め)|(?:細かく|詳しく|具体的に|しきりに|何度も|根掘り葉掘り)(?:聞かれ|質問|確認され|尋ね)|突っ込んだ質問|食いつ)|(?:話|説明)になると(?:質問|食いつ|身を乗り出)"), check=_interest_object, shown=_object_shown, confidence=0.7),
        Cue("after", rx(r"(?:が|の)?目当て(?!では|じゃ)"), check=_interest_object, shown=_object_shown, confidence=0.65),
        # 「Xについて詳しく伺えればと存じます」 (the customer's own mail): what they want to hear about
        Cue("hope-to-hear", rx(r"(?:について|に関して|の(?:件|話|こと))(?:も|は)?(?:詳しく|具体的に|一度|ぜひ)*(?:伺え|お聞きでき|聞け|知れ|拝見でき|見られ)れば"), check=_interest_object, shown=_object_shown, confidence=0.7),
        # 「X、ここを一番見たいと言っていた」: the object is the fronted phrase
        Cue("fronted-wish", rx(r"[^。、\n]{2,30}、(?:ここ|そこ|これ|この(?:部分|点|機能))(?:を|が|は)(?:一番|特に|いちばん|まず)?(?:見たい|知りたい|聞きたい|確かめたい|気になる)"), check=_fronted_object, confidence=0.7),
        Cue("demo-wish", rx(r"デモ(?:を|が)(?:見たい|希望)|を(?:一度|ぜひ|実際に)?(?:見せてほしい|見てみたい|試してみたい)"), confidence=0.7),
        Cue("what-matters", rx(r"(?:か|かどうか|点|ところ|機能|こと)(?:を|が|は)?(?:一番|特に|とても|かなり|しきりに)?(?:気にして|気にされて|気になって|気になった|焦点|論点|決め手|ポイント|重要|関心事)"), confidence=0.7),
        Cue("heard-and-came", rx(r"(?:と|を)(?:聞いて|知って|見て|読んで)[^。\n/|｜]{0,12}(?:問い合わせ|連絡|話を聞|興味|アポ|資料請求)|話を聞いて(?:みたく|みる|みよう|おけ|こい)|話を聞く(?:一番の)?理由|(?:理由|きっかけ|決め手|(?:アポ|面談|商談|打ち合わせ|話を聞く|会う)の目的)(?:は|:)[、\s]*(?!聞け|聞き|不明|未|分から|わから|確認|ヒアリング|特に)[^。]{4,}"), confidence=0.65),
        # 「知りたいのはX」「一番気にしているのはX」
        Cue("wanted-is", rx(r"(?:知りたい|見たい|聞きたい|確かめたい|試したい|気にしている|気にされている|気になっている|気にしていた)(?:の|こと|点)は"), check=_object_after, confidence=0.7),
        # 「Xって実際どうなの、という質問あり」: the customer's own question names the interest
        Cue("question-about", rx(r"(?:って|は)[^。\n]{0,15}(?:という|との|と)(?:質問|ご質問|問い合わせ)"), check=_interest_object, shown=_object_shown, confidence=0.65),
        # the customer was told to look into X: 「上司にXについて調べておけと言われた」
        Cue("told-to-look", rx(r"(?:について|を|の(?:こと|件|話))(?:調べ|情報収集し|聞いてき|見てき|確認し)(?:ておけ|てこい|ておいて|てくるよう|るよう)"), check=_interest_object, shown=_object_shown, confidence=0.65),
        # a feature named as what would make it fit: 「Xがあれば今の運用にはまる」「Xさえあれば即決」
        Cue("fit-if", rx(r"(?:が|さえ)あれば[^。\n]{0,15}(?:はまる|ハマる|合う|使える|助かる|導入し|入れ|決め|十分|いける|乗り換え|即決)"), check=_interest_object, shown=_object_shown, confidence=0.65),
        # 「脆弱性診断を探している」「他法人の事例が欲しい」: what they are looking for, when it is specific
        Cue("looking-for", rx(r"(?:を|が)(?:探して(?:いる|る|います|おり|いた)|探し中|(?:欲し|ほし)(?:い|かった|がって))"),
            check=_wanted_thing, shown=_object_shown, confidence=0.65),
        Cue("solution-wish", rx(rf"(?:{SOLUTION})(?![^、。\n]{{0,10}}の件)[^。\n/|｜]{{0,20}}(?:したい|やりたい|できるか|切り替えたい|化したい|入れたい|導入したい|使いたい)"), confidence=0.6),
    ),
    vague_value=rx(r"(?:あり|有り|有|○|◯|◎|ある|大|高|高い|前向き|(?:興味|関心)(?:あり|有り|有)|サービス全般|全般|少し)!*"),
    about_others_ok=True,
)

# ---- urgency -------------------------------------------------------------------------------------
URGENCY_LEVEL = r"五分五分|まあまあ|トップクラス|最上位|上位|高|低|中|◎|○|◯|△|×|MAX|max|強|弱|大|小|high|low|mid|そこそこ|まずまず|普通|ホット|hot|熱|冷|A|B|C|[1-5]"
URGENCY = ElementRules(
    element="urgency",
    keys=frozenset({"温度感", "温度", "本気度", "緊急度", "優先度", "urgency", "temperature", "熱量", "確度", "温度感・本気度", "temp", "本気度・温度感", "優先順位"}),
    # 「温度は中」「温度はかなり高い」 grade the customer; 「庫内の温度が高い」「温度を記録」 are what they measure
    topic=rx(r"温度感|(?<![一-龥ァ-ヶーの])温度(?=\s*(?:は|が|も|:)\s*(?:かなり|やや|少し|まあ|結構|割と)?(?:高|低|中(?!旬)|そこそこ|普通|まずまず|五分五分|まあまあ|ほどほど|[◎○◯△×]))|"
             r"本気度|熱量|緊急度|優先度|優先順位|本気(?:で|か)"),
    content=rx(rf"(?:は|が|:)?\s*(?:{URGENCY_LEVEL})|高め|低め|高い|低い|高そう|高かった|最優先|最上位"),
    cues=(
        Cue("hurry", rx(r"急ぎ|急いで|急がない|至急|早急|大至急|すぐにでも|一刻も早く|ASAP|asap|前のめり|待ったなし|喫緊|切迫|最優先|優先度(?:が|は)?(?:高|低|上)|後回し"), confidence=0.8),
        Cue("deadline-must", rx(r"(?:まで|までに|迄に|中に|内に)[^。]{0,20}(?:必ず|必須|必達|マスト|絶対|何とか|なんとか|間に合わせ|間に合わな|決めたい|決めきりたい|入れないと|入れたい)|必達|間に合わなければ|間に合わないと|逃すと"), confidence=0.75),
        Cue("tone", rx(r"(?:強い|強め|強く|真剣な|切実な)(?:の)?(?:口調|トーン|語気|調子)|語気(?:が)?強|何度も(?:念押し|強調|言って|言われ|繰り返)|本気度(?:が)?(?:高|低)|かなり本気|本気で(?:検討|考え|進め|取り組)|本腰(?:を)?(?:入れ|で)"), confidence=0.8),
        Cue("must", rx(r"なるはや|早期に|いますぐ|今すぐ(?:にでも)?(?:導入|使い|始め|入れ|欲し|ほし)|かなり急|何が(?:なんでも|何でも)|絶対(?:に)?(?:間に合|入れ|やり|決め)|間に合わせたい|譲れない|待てない|早く(?:入れ|導入|何とか|なんとか|始め|進め|決め|切り替え|動き)たい|最短で|すぐに(?:でも)?(?:導入|始め|使い|入れ)"), confidence=0.75),
        Cue("low-signal", rx(r"(?:聞く|見る|見たい|話を聞く|聞きたい|知りたい)だけ|乗り気(?:では|じゃ)(?:ない|なく)|淡々|見送り|温度(?:感)?(?:が|は)?低|関心(?:は|が)?薄|今すぐではない|急いでいない|検討の(?:テーブル|土俵)に(?:も)?(?:乗って|上がって)(?:い)?ない|まだ(?:具体的に)?検討(?:して)?(?:い)?ない"), confidence=0.7, unknown_means_unknown=False),
        Cue("low", rx(r"いずれ(?:は)?(?:検討|導入|考え|見直)|情報収集|情報を集め(?:ている|てる|る)(?:だけ|段階)|今すぐ(?:どうこう|動く気|動く予定)|とりあえず(?:話|情報|資料)|(?:まだ|当面)?(?:先の話|急ぐ話ではない|様子見)|検討(?:の)?初期|じっくり(?:検討|考え)|具体的な検討はまだ|今すぐ(?:では|という)(?:ない|わけでは)"), confidence=0.75),
        # 「良いものがあれば進めたいくらいの温度感」: the temperature described rather than graded
        Cue("temperature-described", rx(r"(?:くらい|ぐらい|程度)の(?:温度感?|熱量|スタンス|温度)"), confidence=0.75),
        Cue("temperature-word", rx(rf"温度感\s*(?:は|が|:)?\s*(?:{URGENCY_LEVEL}|高め|低め|高い|低い|高そう|やや)"), confidence=0.85),
    ),
    vague_value=rx(r"前向き|良|よい|良い|良さそう|感触良|○?前向き|あり"),
    customer_only=True,
)

# ---- emotion -------------------------------------------------------------------------------------
EMOTION_WORDS = (
    r"限界|悲鳴|地獄|疲弊|不満|苛立|イライラ|いらいら|焦っ|焦り|焦る|焦燥|不安|心配|怖い|怖がっ|恐れ|困り果て|うんざり|"
    r"嫌だ|嫌が|嫌に|嫌気|もう嫌|つらい|辛い|つらそう|辛そう|しんどい|きつい|恥ずかし|ストレス|喜ん|喜び|嬉し|うれし|"
    r"楽になる|楽になり|楽しみ|期待して|期待が|期待大|ワクワク|わくわく|警戒|ナーバス|神経質|悔し|怒っ|怒り|頭を抱え|眠れない|"
    r"苦笑|ぼや|嘆い|嘆き|愚痴|切実|申し訳な|ため息|溜息|(?<!お)疲れ(?!様|さま)|参って|お手上げ|困惑|憤|不信|トラウマ|"
    r"懲り|がっかり|失望|もどかし|歯がゆ|危機感|プレッシャー|詰められ|責められ|板挟み|肩身|悩んで|悩まし|恐怖|ひやひや|冷や汗|"
    r"安心し|ほっと|感動|興奮|熱弁|熱く語|感情的|(?<!お)泣|涙|絶望|気が重|勘弁|たまらない|苦しん|手を焼|呆れ|自嘲|苛々|憂鬱|"
    r"うんざり|不快|嘆|悲し|さみし|寂し|怯え|びくびく|ピリピリ|カリカリ|参った|まいった|頭が痛|胃が痛|ヘトヘト|へとへと|"
    r"パンク寸前|もう無理|無理です|助けて|救われ|ありがたい|助かる|大喜び|乗り気|興味津々|目を輝かせ|前のめり|"
    r"満足して(?:いない|おらず)|不信感|抵抗感|拒否感|アレルギー|モヤモヤ|もやもや|歯痒|愚痴っ|嫌そう|怒られ|"
    r"嘆き|ため息交じり|投げやり|諦め|あきらめ|憤慨|激怒|落胆|苦痛|苦労して|泣きそう|切羽詰ま|必死|"
    r"腹立|腹が立|むかつ|頭にくる|頭に来|硬い対応|声が硬|懐疑|堪え|こぼして|こぼしていた|嫌気|心苦し|恐ろし|震え|弱音|ショック|"
    r"期待感|(?:気持ち|気分|心|不安)(?:が|も)?落ち着い|落ち着きを取り戻|懸念が(?:解け|晴れ|消え|払拭)|口が重|本音を(?:言わ|話さ|見せ)|テンション(?:が)?(?:高|低|上が|下が)|気が楽|戸惑|身構え|"
    r"イラ|神経をすり減ら|参った|気が気でな|頭痛の種|悩みの種|冷や汗|不安げ|心細|焦燥|気の毒|えらい目|懲りた|げんなり"
)
EMOTION = ElementRules(
    element="emotion",
    keys=frozenset({"感情", "顧客の声", "お客様の声", "本音", "温度感・感情", "先方の声", "emotion", "feeling", "気持ち", "mood", "感情面"}),
    topic=rx(r"不満|本音|感じて(?:いる|いるか)|どう感じ|気持ち|感情(?!的)"),
    content=rx(r"(?:強い|大きな|かなり|相当|強く)"),
    cues=(
        Cue("feeling", rx(EMOTION_WORDS), confidence=0.8, negation_kills=True),
        Cue("quoted-exclaim", rx(r"「[^」]{2,40}[!！…]+」|「[^」]*(?:もう|本当に|ほんとに|正直|さすがに|とにかく|絶対)[^」]{2,30}」"), confidence=0.6, unknown_means_unknown=False),
        Cue("quoted-tone", rx(r"」と(?:強い|強め|強く|苦笑|笑|ため息|こぼ|嘆|ぼや|声を|語気|力説|訴え|愚痴|吐露|本音)"), confidence=0.65, unknown_means_unknown=False),
    ),
    customer_only=True,
)

# ---- decision_maker ------------------------------------------------------------------------------
DM_TOPIC = rx(r"決裁|決済|決定権|意思決定|最終判断|最終的な判断|最終決定|決めるのは|決める(?:の|人)|判断するのは|承認者|決裁者|決裁権者|キーマン|キーパーソン|DM(?![A-Za-z])")
# a name after the role: 「社長の原田様」「本部長(橋本様)」
NAMED = r"[(（][^)）]{1,10}[)）]|の?[一-龥ァ-ヶ]{1,5}(?:様|さん|氏)"
DM_CONTENT = rx(rf"{ROLE}|{PROCESS}|様|さん|氏|=|本人|自身|担当者?(?:が|に|で)|(?:が|で)(?:決め|判断|決裁)")


DECISION_MAKER = ElementRules(
    element="decision_maker",
    keys=frozenset({"決裁", "決裁者", "決裁ルート", "決裁権者", "決定権者", "意思決定", "意思決定者", "決済", "決済者", "承認",
                    "承認者", "dm", "authority", "a", "決裁フロー", "決裁権", "キーマン", "キーパーソン", "意思決定プロセス"}),
    topic=DM_TOPIC,
    content=DM_CONTENT,
    cues=(
        Cue("role-decides", rx(rf"(?:{ROLE})(?:{NAMED})?(?:が|の|で|は|に|判断|決裁|決済|承認|決定|OK|GO|の一存|の鶴の一声)(?:で)?(?:決め|決ま|判断|決裁|決済|承認|決定|OK|GO|一存|了承|判子|ハンコ|印鑑|権限)"), confidence=0.85, negation_kills=True),
        Cue("role-decision-noun", rx(rf"(?:{ROLE})(?:{NAMED})?(?:判断|決裁|決済|承認|決定|マター)"), confidence=0.85),
        Cue("stamp", rx(rf"(?:ハンコ|判子|印鑑|はんこ)(?:を押す(?:の|人)?)?(?:は|も|:)[^。、\n]{{0,6}}(?:{ROLE})|(?:{ROLE})(?:{NAMED})?(?:が|は)(?:そのまま)?(?:決める|決定権を持つ|決裁権を持つ|判断する)(?:立場|人|方)"), confidence=0.8),
        Cue("process", rx(PROCESS), confidence=0.75, negation_kills=True),
        Cue("attends", rx(rf"(?:{ROLE})[^。、\n]{{0,12}}(?:同席|出席|参加|顔出し|も同席|にも声)"), confidence=0.65, negation_kills=True),
        Cue("reach", rx(rf"(?:{ROLE})(?:に|へ)(?:直接)?(?:提案|上げ|報告|相談|話を通|説明)"), confidence=0.6),
    ),
    vague_value=rx(r"(?:あり|○|◯|◎|前向き)"),
    negated_topic_unknown=True,
    named_despite_unknown=rx(ROLE),
)

__all__ = ["DECISION_MAKER", "EMOTION", "INTEREST", "URGENCY"]
