"""Headless Debian Chromium through Playwright for Python (the browser download of `playwright install`
cannot work here). Tests call ``chromium_page()``; without a Chromium they skip visibly (fail under CI)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from conftest import need_service

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@contextmanager
def chromium_page(width: int = 1366, height: int = 900):
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        need_service("chromium", f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
                                    args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
            yield page
        finally:
            browser.close()
