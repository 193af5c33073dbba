// The live note-feedback page: POST /v1/analyze while the rep types, then the score, the twelve elements,
// the evidence highlighted behind the textarea and the questions to ask. No build step, no dependencies.
import { STATE_JA, crmSummary, mapSpans, segments, sourceJa, spansAt, spansOf, valueJa } from "./spans.js";

const DEBOUNCE_MS = 400;
const TIMEOUT_MS = 10000; // a cold 20,000-character note takes seconds; live edits take tens of milliseconds
const RETRY_MS = [1000, 2000, 3000, 5000]; // reconnect attempts while the server is down (and at once when
// the browser comes back online or the tab is shown again)
const TOP_SUGGESTIONS = 3;
const SENTENCE_END = /[。！？!?\n]$/;
const KEY_STORE = "handoff.apiKey";
const MSG = {
  offline: "サーバーに接続できません。しばらくしてから再度お試しください。",
  timeout: "サーバーの応答がありません（タイムアウト）。しばらくしてから再度お試しください。",
  unauthorized: "このサーバーはAPIキーが必要です。管理者から受け取ったキーを入力するか、URLに ?key=キー を付けて開いてください。",
  tooLong: "メモが長すぎます。20,000文字以内にしてください。",
  notReady: "サーバーがモデルを読み込んでいます。しばらくしてから再度お試しください。",
  failed: "解析に失敗しました。",
};
const SAMPLE = [
  "【引き継ぎ】株式会社ミナト物流 総務部 佐藤様（課長）",
  "10/5のウェビナーに参加、勤怠管理の資料をDL済み。今回3回目の架電でつながった。",
  "現在はExcelとタイムカードで勤怠を管理しており、毎月の締め作業に40時間かかっている。",
  "「月末は本当に地獄」とぼやいていた。一番の関心はシフト連動の自動集計。",
  "物流業の導入事例PDFに反応が良かった。",
  "予算感はまだ聞けていない。4月稼働を希望。",
  "決裁者は山田部長、次回同席予定。A社とも比較中。",
  "前任ベンダーとのトラブルには触れないでほしいとのこと。",
  "次回：12/3 14時 オンライン商談、概算見積を持参。",
].join("\n");

const $ = (id) => document.getElementById(id);
const ui = {
  note: $("note"), backdrop: $("backdrop"), tooltip: $("tooltip"), caret: $("caret-info"), status: $("status"),
  error: $("error"), errorText: $("error-text"), keyForm: $("key-form"), keyInput: $("api-key"),
  score: $("score-value"), band: $("band"), meter: $("meter"), meterFill: $("meter-fill"), scoreLive: $("score-live"),
  tServer: $("t-server"), tRtt: $("t-rtt"), warnings: $("warnings"), suggestions: $("suggestions"),
  checklist: $("checklist"), results: $("results"), model: $("model-version"),
};

let catalogue = new Map(); // id -> {name_ja, description_ja, question_ja}, from GET /v1/elements
let result = null; // the last response shown
let spans = []; // its evidence, mapped onto the current text
let shownText = ""; // the text `spans` index
let seq = 0; // id of the newest request; older responses are dropped
let controller = null;
let debounceTimer = 0;
let retryTimer = 0;
let retries = 0;
let composing = false;
const stats = { requests: 0, lastInputAt: 0, trigger: "", delayMs: 0, renderedAt: 0, inputToRenderMs: null,
  roundTripMs: null, serverMs: null };
window.handoffPage = { stats, resultText: null }; // for tests and the curious: what is shown, and when

function apiKey() {
  const fromUrl = new URLSearchParams(location.search).get("key");
  if (fromUrl) {
    localStorage.setItem(KEY_STORE, fromUrl);
    history.replaceState(null, "", location.pathname); // keep the key out of the address bar and history
  }
  return localStorage.getItem(KEY_STORE) || "";
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    Object.assign(this, { status, code });
  }
}

async function api(path, options = {}, signal = undefined) {
  const headers = { "content-type": "application/json" };
  const key = apiKey();
  if (key) headers["x-api-key"] = key;
  const resp = await fetch(path, { ...options, headers, signal });
  const body = await resp.json().catch(() => null);
  if (!resp.ok) throw new ApiError(resp.status, body?.error?.code, body?.error?.message);
  return body;
}

async function loadCatalogue() {
  try {
    const items = await api("/v1/elements");
    catalogue = new Map(items.map((e) => [e.id, e]));
    renderChecklist();
  } catch (err) {
    setTimeout(loadCatalogue, 5000); // the checklist fills from the analysis meanwhile
  }
}

// --- when to analyse ---------------------------------------------------------------------------------------

function schedule(delay, trigger) {
  clearTimeout(debounceTimer);
  cancelRetry();
  stats.trigger = trigger;
  stats.delayMs = delay;
  if (!ui.note.value.trim()) return clear();
  debounceTimer = setTimeout(analyze, delay);
}

function onInput(event) {
  followEdit();
  if (composing || event.isComposing) return; // wait for compositionend
  stats.lastInputAt = performance.now();
  const t = event.inputType || "";
  const now = t === "insertLineBreak" || t === "insertParagraph" || t === "insertFromPaste" ||
    SENTENCE_END.test(event.data || "");
  schedule(now ? 0 : DEBOUNCE_MS, now ? "sentence-end" : "debounce");
}

function onCompositionEnd(event) {
  composing = false;
  followEdit();
  stats.lastInputAt = performance.now();
  const now = SENTENCE_END.test(event.data || "");
  schedule(now ? 0 : DEBOUNCE_MS, now ? "sentence-end" : "composition");
}

// --- the request -------------------------------------------------------------------------------------------

async function analyze() {
  const text = ui.note.value;
  if (!text.trim()) return clear();
  const id = ++seq;
  controller?.abort();
  const ctl = new AbortController();
  controller = ctl;
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, TIMEOUT_MS);
  setStatus("解析中…");
  ui.results.setAttribute("aria-busy", "true");
  stats.requests++;
  const t0 = performance.now();
  try {
    const body = await api("/v1/analyze", { method: "POST", body: JSON.stringify({ text }) }, ctl.signal);
    if (id !== seq) return; // a newer request has been sent: this answer is stale
    retries = 0;
    show(text, body, performance.now() - t0);
  } catch (err) {
    if (id !== seq) return;
    if (err.name === "AbortError" && !timedOut) return;
    fail(err, timedOut);
  } finally {
    clearTimeout(timer);
    if (id === seq) {
      controller = null;
      ui.results.removeAttribute("aria-busy");
    }
  }
}

function fail(err, timedOut) {
  let msg = MSG.failed;
  let retry = true;
  if (timedOut) msg = MSG.timeout;
  else if (!(err instanceof ApiError)) msg = MSG.offline; // fetch rejects: the server is unreachable
  else if (err.status === 401) [msg, retry] = [MSG.unauthorized, false];
  else if (err.status === 413) [msg, retry] = [MSG.tooLong, false];
  else if (err.status === 503) msg = MSG.notReady;
  else if (err.status < 500) [msg, retry] = [`${MSG.failed}（${err.message}）`, false];
  showError(msg, err instanceof ApiError && err.status === 401);
  setStatus(retry ? "自動で再接続します…" : "");
  if (retry) {
    retryTimer = setTimeout(retryNow, RETRY_MS[Math.min(retries, RETRY_MS.length - 1)]);
    retries++;
  }
}

function retryNow() {
  if (!retryTimer) return;
  cancelRetry();
  analyze();
}

function cancelRetry() {
  clearTimeout(retryTimer);
  retryTimer = 0; // retryNow only fires a retry that is still pending
}

function showError(msg, askKey = false) {
  ui.errorText.textContent = msg;
  ui.keyForm.hidden = !askKey;
  ui.error.hidden = false;
}

function setStatus(text) {
  ui.status.textContent = text;
}

// --- rendering ---------------------------------------------------------------------------------------------

function show(text, body, rtt) {
  ui.error.hidden = true;
  result = body;
  spans = mapSpans(text, ui.note.value, spansOf(body, order()));
  shownText = ui.note.value;
  renderBackdrop();
  renderScore(body, rtt);
  renderSuggestions(body);
  renderChecklist();
  updateCaretInfo();
  setStatus(`解析しました（${body.elapsed_ms.toFixed(1)} ms）`);
  ui.model.textContent = `モデル ${body.model_version}`;
  stats.renderedAt = performance.now();
  stats.inputToRenderMs = stats.renderedAt - stats.lastInputAt;
  stats.roundTripMs = rtt;
  stats.serverMs = body.elapsed_ms;
  window.handoffPage.resultText = text;
}

function clear() {
  seq++; // any answer still on its way is for an older text
  controller?.abort();
  cancelRetry();
  result = null;
  spans = [];
  shownText = ui.note.value;
  ui.error.hidden = true;
  renderBackdrop();
  renderScore(null);
  renderSuggestions(null);
  renderChecklist();
  updateCaretInfo();
  setStatus("");
  window.handoffPage.resultText = null;
}

function order() {
  return catalogue.size ? [...catalogue.keys()] : Object.keys(result?.elements || {});
}

function nameOf(id) {
  return catalogue.get(id)?.name_ja || result?.elements[id]?.name_ja || id;
}

// keep the highlights on their characters while the text changes, and the textarea as tall as its text
function followEdit() {
  spans = mapSpans(shownText, ui.note.value, spans);
  shownText = ui.note.value;
  renderBackdrop();
  if (!ui.note.value.trim()) clear();
}

function autosize() {
  ui.note.style.height = "auto";
  const borders = ui.note.offsetHeight - ui.note.clientHeight; // scrollHeight excludes them; the box includes them
  ui.note.style.height = `${ui.note.scrollHeight + borders}px`;
}

function renderBackdrop() {
  autosize();
  const frag = document.createDocumentFragment();
  for (const seg of segments(ui.note.value, spans)) {
    if (!seg.els.length) {
      frag.append(seg.text);
      continue;
    }
    const mark = document.createElement("mark");
    Object.assign(mark.dataset, { el: seg.els[0], els: seg.els.join(" "), start: seg.start, end: seg.end });
    mark.textContent = seg.text;
    frag.append(mark);
  }
  ui.backdrop.replaceChildren(frag);
}

function renderScore(body, rtt) {
  const score = body ? body.score : 0;
  ui.score.textContent = body ? String(score) : "—";
  ui.band.textContent = `ランク ${body ? body.band : "—"}`;
  ui.band.dataset.band = body ? body.band : "";
  ui.meterFill.style.width = `${score}%`;
  ui.meter.dataset.band = body ? body.band : "";
  ui.meter.setAttribute("aria-valuenow", String(score));
  ui.meter.setAttribute("aria-valuetext", body ? `${score}点、ランク${body.band}` : "未解析");
  ui.scoreLive.textContent = body ? `文脈スコア ${score}点、ランク${body.band}` : "";
  ui.tServer.textContent = body ? body.elapsed_ms.toFixed(1) : "—";
  ui.tRtt.textContent = body ? rtt.toFixed(0) : "—";
  ui.warnings.replaceChildren(...(body?.warnings || []).map((w) => li(w)));
}

function renderSuggestions(body) {
  const items = (body?.suggestions || []).slice(0, TOP_SUGGESTIONS).map((s) => {
    const item = li("", "suggestion");
    item.dataset.el = s.element;
    item.append(span(s.name_ja, "sg-name"), span(s.question_ja, "sg-question"),
      span(`+${(s.gain * 100).toFixed(1)}pt`, "sg-gain"));
    return item;
  });
  if (!items.length) {
    items.push(li(body ? "大きく不足している文脈はありません。" : "メモを入力すると、お客様に聞くべき質問を表示します。", "empty"));
  }
  ui.suggestions.replaceChildren(...items);
}

function renderChecklist() {
  const focused = document.activeElement?.closest?.(".el-item")?.dataset.el;
  const items = order().map((id) => {
    const el = result?.elements[id];
    const state = el ? el.state : "none";
    const item = li("", "el-item");
    Object.assign(item.dataset, { el: id, state });
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "el-btn";
    btn.setAttribute("aria-describedby", `detail-${id}`);
    btn.append(span("", "swatch"), span(nameOf(id), "el-name"), span(el ? STATE_JA[state] : "未解析", "state-badge"));
    btn.querySelector(".swatch").setAttribute("aria-hidden", "true");
    btn.querySelector(".state-badge").dataset.state = state;
    btn.addEventListener("click", () => selectEvidence(id));
    const detail = document.createElement("div");
    detail.className = "el-detail";
    detail.id = `detail-${id}`;
    detail.append(...describe(id).map((line) => para(line)));
    item.append(btn, detail);
    for (const [on, off] of [["mouseenter", "mouseleave"], ["focusin", "focusout"]]) {
      item.addEventListener(on, () => emphasize(id, true));
      item.addEventListener(off, () => emphasize(id, false));
    }
    return item;
  });
  ui.checklist.replaceChildren(...items);
  if (focused) ui.checklist.querySelector(`[data-el="${focused}"] .el-btn`)?.focus();
}

// which element and why: state, the rule's meaning, the evidence, and the question when it is missing
function describe(id) {
  const el = result?.elements[id];
  const info = catalogue.get(id);
  if (!el) return [info?.description_ja || nameOf(id)];
  const lines = [`${el.name_ja}: ${STATE_JA[el.state]}`];
  if (el.state !== "absent" || el.source === "learned") lines.push(`判定: ${sourceJa(el)}`);
  if (el.value) lines.push(`読み取った内容: ${valueJa(id, el.value)}`);
  for (const ev of el.evidence) lines.push(`根拠: 「${ev.text}」`);
  if (el.state !== "present" && info) lines.push(`確認する質問: ${info.question_ja}`);
  if (el.state === "absent" && info) lines.push(info.description_ja);
  return lines;
}

function emphasize(id, on) {
  for (const m of ui.backdrop.querySelectorAll("mark")) {
    if (m.dataset.els.split(" ").includes(id)) m.classList.toggle("emph", on);
  }
}

function selectEvidence(id) {
  const first = spans.find((sp) => sp.el === id);
  if (!first) return;
  ui.note.focus();
  ui.note.setSelectionRange(first.start, first.end);
}

// --- hover over the text and the caret inside a highlight --------------------------------------------------

function marksAtPoint(x, y) {
  return document.elementsFromPoint(x, y).filter((n) => n.tagName === "MARK" && ui.backdrop.contains(n));
}

function onPointer(event) {
  const mark = marksAtPoint(event.clientX, event.clientY)[0];
  ui.backdrop.querySelectorAll("mark.hot").forEach((m) => m.classList.remove("hot"));
  if (!mark) {
    ui.tooltip.hidden = true;
    return;
  }
  mark.classList.add("hot");
  ui.tooltip.replaceChildren(...mark.dataset.els.split(" ").flatMap((id) => describe(id).slice(0, 4).map((l) => para(l))));
  ui.tooltip.hidden = false;
  const pad = 14;
  const x = Math.min(event.clientX + pad, window.innerWidth - ui.tooltip.offsetWidth - pad);
  ui.tooltip.style.left = `${Math.max(pad, x) + window.scrollX}px`;
  ui.tooltip.style.top = `${event.clientY + pad + window.scrollY}px`;
}

function updateCaretInfo() {
  if (document.activeElement !== ui.note) return;
  const pos = ui.note.selectionStart;
  const here = spansAt(spans, pos).concat(pos > 0 ? spansAt(spans, pos - 1) : []);
  const ids = [...new Set(here.map((sp) => sp.el))];
  ui.caret.textContent = ids.length ? `カーソル位置の根拠 — ${ids.map((id) => describe(id).slice(0, 2).join(" ／ ")).join("　")}` : "";
}

// --- the buttons -------------------------------------------------------------------------------------------

async function copySummary() {
  const text = crmSummary(ui.note.value, result, catalogue);
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement("textarea"); // no clipboard API (http on another host): the old way
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    if (!ok) return setStatus("コピーできませんでした。メモを選択してコピーしてください。");
  }
  setStatus("CRM用のまとめをクリップボードにコピーしました。");
}

function fillSample() {
  ui.note.value = SAMPLE;
  followEdit();
  stats.lastInputAt = performance.now();
  schedule(0, "sample");
  ui.note.focus();
}

// --- small DOM helpers -------------------------------------------------------------------------------------

function li(text, cls) {
  const n = document.createElement("li");
  n.textContent = text;
  if (cls) n.className = cls;
  return n;
}

function span(text, cls) {
  const n = document.createElement("span");
  n.textContent = text;
  n.className = cls;
  return n;
}

function para(text) {
  const n = document.createElement("p");
  n.textContent = text;
  return n;
}

// --- wiring ------------------------------------------------------------------------------------------------

ui.note.addEventListener("compositionstart", () => { composing = true; clearTimeout(debounceTimer); });
ui.note.addEventListener("compositionend", onCompositionEnd);
ui.note.addEventListener("input", onInput);
ui.note.addEventListener("mousemove", onPointer);
ui.note.addEventListener("mouseleave", () => { ui.tooltip.hidden = true; });
for (const ev of ["keyup", "click", "focus", "select"]) ui.note.addEventListener(ev, updateCaretInfo);
ui.note.addEventListener("blur", () => { ui.caret.textContent = ""; });
window.addEventListener("resize", autosize);
window.addEventListener("online", retryNow); // the network is back: no need to wait for the next attempt
document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") retryNow(); });
$("sample").addEventListener("click", fillSample);
$("copy").addEventListener("click", copySummary);
$("clear").addEventListener("click", () => { ui.note.value = ""; followEdit(); ui.note.focus(); });
ui.keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  localStorage.setItem(KEY_STORE, ui.keyInput.value.trim());
  ui.keyInput.value = "";
  loadCatalogue();
  analyze();
});
renderChecklist();
renderBackdrop();
loadCatalogue();
if (ui.note.value.trim()) schedule(0, "restore"); // the browser restored a draft
