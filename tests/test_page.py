"""The live note-feedback page at `/`, in real headless Chromium against a real uvicorn server.

Keystrokes go through Playwright's keyboard; the page's own clock (window.handoffPage.stats) gives the time
from the last keystroke to the updated highlights, which is printed, never asserted.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import httpx
import pytest

from tests.browser import CHROMIUM, ThreadServer, launch_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: run `make browser-deps`"),
]

WEAK = "興味あり、とりあえず会ってくれるそうです"
MORE = "。決裁は部長で次回同席。予算は年300万円で確保済み。勤怠の締め作業に毎月40時間かかっている。"
OFFLINE = "サーバーに接続できません"


@pytest.fixture(scope="session")
def server():
    from service.api.app import create_app
    from service.api.settings import Settings

    srv = ThreadServer(create_app(Settings())).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.analyze_requests = []
    pg.on("request", lambda r: "/v1/analyze" in r.url and pg.analyze_requests.append(r))
    pg.goto(server.url + "/")
    wait_until(pg, "() => document.querySelectorAll('#checklist .el-item').length === 12")
    yield pg
    assert not pg.errors, pg.errors
    context.close()


def wait_until(page, js: str, timeout: float = 15.0):
    """Poll a JS predicate with page.evaluate (the page's CSP forbids the eval inside wait_for_function)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(js)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {js}")
        time.sleep(0.02)


def analysed(page, after: int) -> dict:
    """Wait for a render newer than `after` (stats.renderedAt) and return the stats."""
    wait_until(page, f"() => window.handoffPage.stats.renderedAt > {after}")
    return page.evaluate("() => ({...window.handoffPage.stats})")


def settled(page, server) -> dict:
    """Wait until the result shown is the one for the text in the textarea; return the API's own answer for it."""
    wait_until(page, "() => window.handoffPage.resultText === document.getElementById('note').value")
    return httpx.post(f"{server.url}/v1/analyze", json={"text": page.locator("#note").input_value()}, timeout=30).json()


def states(page) -> dict[str, str]:
    return page.evaluate("() => Object.fromEntries([...document.querySelectorAll('#checklist .el-item')]"
                         ".map(li => [li.dataset.el, li.dataset.state]))")


def highlighted(page, element: str, start: int, end: int) -> str:
    """The characters the page highlights for `element` between UTF-16 offsets start and end."""
    return page.evaluate("""([el, s, e]) => [...document.querySelectorAll('#backdrop mark')]
        .filter(m => m.dataset.els.split(' ').includes(el) && +m.dataset.start >= s && +m.dataset.end <= e)
        .map(m => m.textContent).join('')""", [element, start, end])


def report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\n[page] {line}")


def test_page_weak_note_shows_missing_elements_and_questions(page):
    page.locator("#note").press_sequentially(WEAK, delay=15)
    analysed(page, 0)
    got = states(page)
    assert sum(s == "absent" for s in got.values()) >= 10 and got["budget"] == "absent"
    questions = page.locator("#suggestions .sg-question").all_inner_texts()
    assert questions and all(q.startswith("「") for q in questions)
    assert page.locator("#warnings li").count() == 1
    assert page.locator("#band").inner_text().startswith("ランク")
    assert len(page.analyze_requests) <= 2, "typing without a sentence end is debounced"
    assert page.locator("#checklist [data-el=budget] .state-badge").inner_text() == "未記載"


def test_page_more_context_changes_states_highlights_and_score(page, server, capsys):
    note = page.locator("#note")
    note.press_sequentially(WEAK, delay=15)
    first = analysed(page, 0)
    weak_score = int(page.locator("#score-value").inner_text())
    note.press_sequentially(MORE, delay=15)  # each 「。」 is analysed at once, without waiting for the debounce
    analysed(page, first["renderedAt"])
    body = settled(page, server)
    last = page.evaluate("() => ({...window.handoffPage.stats})")
    got = states(page)
    assert got["decision_maker"] == got["budget"] == got["need"] == "present"
    assert int(page.locator("#score-value").inner_text()) > weak_score
    for el in ("decision_maker", "budget", "need"):
        for ev in body["elements"][el]["evidence"]:
            assert highlighted(page, el, ev["start_utf16"], ev["end_utf16"]) == ev["text"]
    assert page.evaluate("() => document.getElementById('backdrop').textContent === document.getElementById('note').value")
    # keyboard focus on a checklist item says which element, its state and its evidence
    page.locator("#checklist [data-el=budget] .el-btn").focus()
    detail = page.locator("#detail-budget")
    assert detail.is_visible() and "記載あり" in detail.inner_text() and "根拠" in detail.inner_text()
    assert page.locator("#backdrop mark.emph").count() >= 1
    # a caret inside a highlight names the element too
    page.evaluate(f"() => {{ const n = document.getElementById('note'); n.focus(); n.setSelectionRange({len(WEAK) + 3}, {len(WEAK) + 3}); }}")
    page.keyboard.press("ArrowRight")
    assert "決裁者" in page.locator("#caret-info").inner_text()

    note.press_sequentially("競合はA社", delay=15)  # no sentence end: the 400 ms debounce applies
    debounced = analysed(page, last["renderedAt"])
    report(capsys, f"keystroke → highlights: {last['inputToRenderMs']:.0f} ms after 「。」 (no debounce; server "
                   f"{last['serverMs']:.1f} ms, round trip {last['roundTripMs']:.0f} ms); "
                   f"{debounced['inputToRenderMs'] - debounced['delayMs']:.0f} ms after a plain keystroke, "
                   f"not counting the {debounced['delayMs']} ms debounce")


def test_page_highlights_the_right_characters_after_emoji_and_rare_kanji(page, server):
    text = ("🙏𠮷田様の件🙏、展示会で名刺交換した方からの紹介です。決裁は社長で次回同席。予算は年300万円で確保済み。"
            "勤怠の締め作業に毎月40時間かかっていて、🙏「もう限界」とのこと。次回は12/3 14時にオンラインで打ち合わせ、"
            "概算見積を持参します。")
    page.locator("#note").press_sequentially(text, delay=10)
    body = settled(page, server)
    assert page.locator("#note").input_value() == text
    checked = 0
    for el, res in body["elements"].items():
        for ev in res["evidence"]:
            assert ev["start_utf16"] > ev["start"] or ev["start"] == 0
            assert highlighted(page, el, ev["start_utf16"], ev["end_utf16"]) == ev["text"], el
            checked += 1
    assert checked >= 2 and body["elements"]["decision_maker"]["state"] == "present"
    # the mirror wraps like the textarea: without the minimum height both are exactly as tall as the text
    page.evaluate("() => { const n = document.getElementById('note'); n.style.minHeight = '0';"
                  " n.dispatchEvent(new InputEvent('input', {data: null, inputType: 'insertText'})); }")
    heights = page.evaluate("() => [document.getElementById('note').scrollHeight, document.getElementById('backdrop').scrollHeight]")
    assert heights[0] == heights[1] and heights[0] > 24 + 2.5 * 16 * 1.8  # three lines or more (padding 24 px)


def test_page_server_down_shows_a_clear_message_and_recovers(page, server):
    note = page.locator("#note")
    note.press_sequentially("決裁は部長。", delay=10)
    analysed(page, 0)
    server.stop()
    try:
        note.press_sequentially("予算は未定。", delay=10)
        page.locator("#error").wait_for(state="visible", timeout=15_000)
        assert OFFLINE in page.locator("#error-text").inner_text()
        note.press_sequentially("時期は4月", delay=10)  # the page is still usable
        assert note.input_value() == "決裁は部長。予算は未定。時期は4月"
        assert "再接続" in page.locator("#status").inner_text()
    finally:
        server.start()
    page.locator("#error").wait_for(state="hidden", timeout=20_000)  # the automatic retry comes back
    assert states(page)["timing"] == "present"


def test_page_reconnects_at_once_when_the_browser_is_back_online(page, server):
    """With the page's clock stopped no retry timer can fire: only the browser's `online` event brings it back."""
    note = page.locator("#note")
    page.clock.install()
    page.clock.pause_at(time.time() * 1000 + 1000)
    server.stop()
    try:
        note.press_sequentially("決裁は部長。", delay=10)
        page.clock.run_for(2000)  # the typing debounce fires; the request fails
        page.locator("#error").wait_for(state="visible", timeout=15_000)
        assert OFFLINE in page.locator("#error-text").inner_text()
    finally:
        server.start()
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator("#error").wait_for(state="hidden", timeout=15_000)
    assert states(page)["decision_maker"] == "present"


def test_page_ime_composition_does_not_send_requests(page):
    note = page.locator("#note")
    note.focus()
    page.evaluate("""() => {
        const n = document.getElementById('note');
        n.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
        for (const t of ['よ', 'よさ', 'よさん', '予算']) {
            n.value = t;
            n.dispatchEvent(new InputEvent('input', {data: t, inputType: 'insertCompositionText', isComposing: true}));
        }
    }""")
    page.wait_for_timeout(800)  # twice the debounce (and Playwright delivers the request events meanwhile)
    assert page.analyze_requests == [] and page.evaluate("() => window.handoffPage.stats.requests") == 0
    page.evaluate("""() => {
        const n = document.getElementById('note');
        n.value = '予算は未定。';
        n.dispatchEvent(new CompositionEvent('compositionend', {data: '予算は未定。'}));
    }""")
    analysed(page, 0)
    assert len(page.analyze_requests) == 1 and states(page)["budget"] == "unknown"


def test_page_ime_composition_through_chromiums_input_method_api(page):
    """The same through Chromium's own IME events (CDP Input.imeSetComposition), as a Japanese IME sends them."""
    page.locator("#note").focus()
    cdp = page.context.new_cdp_session(page)
    for text in ("よ", "よさ", "よさん", "予算"):
        cdp.send("Input.imeSetComposition", {"text": text, "selectionStart": len(text), "selectionEnd": len(text)})
        page.wait_for_timeout(150)
    page.wait_for_timeout(600)
    assert page.analyze_requests == [] and page.locator("#note").input_value() == "予算"
    cdp.send("Input.insertText", {"text": "予算は未定。"})  # commits the composition: compositionend
    analysed(page, 0)
    assert len(page.analyze_requests) == 1 and states(page)["budget"] == "unknown"


def test_page_a_stale_answer_never_replaces_a_newer_one(page):
    held = []
    page.route("**/v1/analyze", lambda route: held.append(route) if not held else route.continue_())
    note = page.locator("#note")
    note.press_sequentially("決裁は部長。", delay=10)  # its answer is held back
    wait_until(page, "() => window.handoffPage.stats.requests === 1")
    note.press_sequentially("予算は未定。", delay=10)
    analysed(page, 0)
    shown = page.locator("#score-value").inner_text()
    stale = {"score": 1, "probability": 0.01, "band": "D", "elements": {}, "suggestions": [], "model_version": "stale",
             "warnings": [], "elapsed_ms": 0.0}
    with contextlib.suppress(Exception):  # the page may have aborted it already, which is the point
        held[0].fulfill(status=200, content_type="application/json", body=json.dumps(stale))
    page.wait_for_timeout(300)
    assert page.locator("#score-value").inner_text() == shown and "stale" not in page.locator("#model-version").inner_text()


def test_page_empty_note_clears_the_results_without_a_request(page):
    note = page.locator("#note")
    note.press_sequentially("決裁は部長。", delay=10)
    analysed(page, 0)
    sent = len(page.analyze_requests)
    note.press("Control+a")
    note.press("Delete")
    assert page.locator("#score-value").inner_text() == "—"
    assert page.locator("#backdrop mark").count() == 0
    page.wait_for_timeout(600)
    assert len(page.analyze_requests) == sent


def test_page_explains_a_missing_api_key(page):
    page.route("**/v1/analyze", lambda route: route.fulfill(
        status=401, content_type="application/json",
        body=json.dumps({"error": {"code": "unauthorized", "message": "a valid X-API-Key header is required"}})))
    page.locator("#note").press_sequentially("決裁は部長。", delay=10)
    page.locator("#error").wait_for(state="visible")
    assert "APIキー" in page.locator("#error-text").inner_text() and page.locator("#api-key").is_visible()


def test_page_sample_and_copy_to_crm(page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.get_by_role("button", name="サンプルを入力").click()
    analysed(page, 0)
    assert page.locator("#note").input_value().startswith("【引き継ぎ】")
    page.get_by_role("button", name="CRMにコピー").click()
    page.wait_for_timeout(200)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("【引き継ぎメモ】") and "【文脈スコア】" in copied and "【不足している文脈】" in copied
    assert page.locator("#score-value").inner_text() in copied


def test_page_is_one_column_on_a_narrow_screen(page):
    page.set_viewport_size({"width": 600, "height": 900})
    editor = page.locator("#editor").bounding_box()
    results = page.locator("#results").bounding_box()
    assert results["y"] > editor["y"] + editor["height"] - 1  # results below the editor
    page.set_viewport_size({"width": 1024, "height": 768})
    editor = page.locator("#editor").bounding_box()
    results = page.locator("#results").bounding_box()
    assert results["x"] > editor["x"] + editor["width"] - 1  # side by side


def test_page_says_when_the_learned_reader_decided(page, server):
    """An element the learned reader decided is explained in a rep's words, with its confidence; no rule id or
    internal source name reaches the rep."""
    text = "決裁は部長で次回同席。予算は年300万円で確保済み。価格の話は最後に。"
    answer = httpx.post(f"{server.url}/v1/analyze", json={"text": text}, timeout=30).json()
    start = text.index("価格")
    answer["elements"]["ng_topics"] = {
        **answer["elements"]["ng_topics"], "state": "present", "confidence": 0.83, "rule": "learned", "source": "learned",
        "value": None, "evidence": [{"start": start, "end": len(text), "text": text[start:], "start_utf16": start,
                                     "end_utf16": len(text)}]}
    page.route("**/v1/analyze", lambda route: route.fulfill(status=200, content_type="application/json",
                                                            body=json.dumps(answer)))
    page.locator("#note").fill(text)
    wait_until(page, "() => document.querySelector('#checklist [data-el=ng_topics]').dataset.state === 'present'")
    learned = page.locator("#detail-ng_topics").inner_text()
    assert "学習モデルが文脈から判断しました（確信度 83%）" in learned and "learned" not in learned
    assert highlighted(page, "ng_topics", start, len(text)) == text[start:]
    by_rule = page.locator("#detail-budget").inner_text()
    assert answer["elements"]["budget"]["source"] != "learned" and "学習モデル" not in by_rule
    assert answer["elements"]["budget"]["rule"] not in by_rule
