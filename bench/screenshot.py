"""docs/screenshot.png: the live page with the sample note scored (analysed twice), a highlight hovered.

Starts the service in a thread on a free loopback port and drives Debian's Chromium (make browser-deps).
Usage: python bench/screenshot.py [--out docs/screenshot.png] [--width 1280] [--height 1260]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait(page, predicate: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise SystemExit(f"the page did not show a result within {timeout:.0f} s")
        time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs/screenshot.png")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=1260)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from service.api.app import create_app
    from service.api.settings import Settings
    from tests.browser import ThreadServer, launch_chromium

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HANDOFF_DB_URL"] = f"sqlite:///{tmp}/screenshot.sqlite3"  # keep var/ untouched
        server = ThreadServer(create_app(Settings())).start()
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale="ja-JP")
                page.goto(server.url + "/")
                for clicks in (1, 2):  # the second analysis is what typing looks like: sentences cached
                    page.get_by_role("button", name="サンプルを入力").click()
                    wait(page, f"() => window.handoffPage.stats.requests === {clicks} && "
                               "window.handoffPage.resultText === document.getElementById('note').value && "
                               "!document.getElementById('results').hasAttribute('aria-busy')")
                mark = page.locator("#backdrop mark[data-el=decision_maker]").first
                box = mark.bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(300)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            server.stop()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
