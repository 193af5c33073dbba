// Pure helpers of the live page: evidence spans in UTF-16 units, keeping them on their characters while the
// note is edited, and the plain-text summary for the CRM. No DOM, no network.

export const STATE_JA = { present: "記載あり", unknown: "不明と記載", absent: "未記載" };

// what a detector's rule id means, by its family (service/engine/detectors/rules.py)
const RULES_JA = [
  [/^field:value/, "テンプレート項目（「予算:」など）に具体的な記載"],
  [/^field:vague/, "テンプレート項目の記載があいまい"],
  [/^field:/, "テンプレート項目が空欄・不明"],
  [/^topic:content/, "話題の語（予算・決裁者など）に具体的な内容が続く"],
  [/^topic:unknown/, "話題の語が「未定・不明・聞けていない」と結ばれている"],
  [/^cue:.*:unknown$/, "手がかりの表現が「不明」と結ばれている"],
  [/^cue:/, "手がかりとなる表現"],
  [/^bant:/, "「BANTが取れていない」との記載"],
  [/^next:open/, "次回の日程がまだ決まっていない"],
  [/^learned$/, "学習モデルが文脈から判断"],
  [/^none$/, "該当する記載が見つかりません"],
];

// what the detectors read as a present element's value (service/engine/detectors/values.py)
const VALUES_JA = {
  urgency: { high: "高い", mid: "中くらい", low: "低い" },
  decision_maker: { attends: "決裁者が同席・接触可", not_attending: "決裁者は同席しない" },
  budget: { secured: "確保済み・規模あり", planned: "申請・予算化の予定", none: "予算なし" },
  timing: { near: "近い（半年以内など）", far: "先（来年度以降など）" },
  competition: { comparing: "他社と比較中", incumbent: "既存の仕組みあり", none: "競合なし" },
  next_action: { fixed: "日時が確定" },
  resonant_content: { positive: "反応が良い", flat: "反応が薄い" },
};

export function valueJa(element, value) {
  return VALUES_JA[element]?.[value] || (value === "stated" ? "記載あり" : value);
}

// where a decision came from, in a rep's words: the rules (with what they matched) or the learned reader
export function sourceJa(el) {
  if (el.source === "learned") {
    const pct = Math.round(el.confidence * 100);
    return el.state === "absent"
      ? `ルールの検出を学習モデルが打ち消しました（確信度 ${pct}%）`
      : `学習モデルが文脈から判断しました（確信度 ${pct}%）。根拠の文をご確認ください`;
  }
  return `${ruleJa(el.rule)}（確信度 ${Math.round(el.confidence * 100)}%）`;
}

export function ruleJa(rule) {
  const hit = RULES_JA.find(([re]) => re.test(rule || ""));
  return hit ? hit[1] : "判定ルール";
}

// One span per evidence item, in UTF-16 code units (JavaScript string indices), in element order.
export function spansOf(result, order) {
  const out = [];
  for (const id of order) {
    const el = result.elements[id];
    if (!el) continue;
    for (const ev of el.evidence) out.push({ el: id, start: ev.start_utf16, end: ev.end_utf16 });
  }
  return out;
}

// Move spans from `before` to `after` (one edit between a common prefix and suffix): spans before the edit
// stay, spans after it shift, spans the edit touches are dropped until the next analysis returns.
export function mapSpans(before, after, spans) {
  if (before === after) return spans;
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  const editEnd = before.length - s;
  const delta = after.length - before.length;
  const out = [];
  for (const sp of spans) {
    if (sp.end <= p) out.push(sp);
    else if (sp.start >= editEnd) out.push({ ...sp, start: sp.start + delta, end: sp.end + delta });
  }
  return out;
}

// Cut the text into runs; each run lists the elements whose evidence covers it (empty: plain text).
export function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const sp of spans) {
    cuts.add(Math.max(0, Math.min(text.length, sp.start)));
    cuts.add(Math.max(0, Math.min(text.length, sp.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const els = [...new Set(spans.filter((sp) => sp.start <= a && sp.end >= b).map((sp) => sp.el))];
    out.push({ start: a, end: b, text: text.slice(a, b), els });
  }
  return out;
}

export function spansAt(spans, pos) {
  return spans.filter((sp) => sp.start <= pos && pos < sp.end);
}

// The plain-text summary pasted into the CRM: the note, the score and what is still missing.
export function crmSummary(text, result, names) {
  const lines = ["【引き継ぎメモ】", text.trim(), ""];
  if (!result) {
    lines.push("【文脈スコア】未解析");
    return lines.join("\n");
  }
  lines.push(`【文脈スコア】${result.score} / 100（ランク${result.band}）`);
  const missing = Object.entries(result.elements).filter(([, el]) => el.state !== "present");
  lines.push(`【不足している文脈】${missing.length ? "" : "なし"}`);
  const questions = new Map(result.suggestions.map((s) => [s.element, s.question_ja]));
  for (const [id, el] of missing) {
    const q = questions.get(id) || names.get(id)?.question_ja || "";
    lines.push(`・${el.name_ja}（${STATE_JA[el.state]}）${q ? `: ${q}` : ""}`);
  }
  return lines.join("\n");
}
