"""The dashboard: built offline, opened in a real headless Chromium."""

from __future__ import annotations

import re

import pytest

from observatory.dashboard import french


def test_numbers_are_written_the_french_way():
    assert french.number(330124) == "330\u202f124"
    assert french.number(7.5729, 1) == "7,6"
    assert french.percent(0.56) == "56\u202f%"
    assert french.number(None) == french.number(float("nan")) == "–"


def test_pages_reference_only_local_files(demo_build):
    index = (demo_build.settings.site_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index
    references = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert "assets/plotly.min.js" in references
    assert not [ref for ref in references if re.match(r"^(?:https?:)?//", ref)]
    assert "SYNTHÉTIQUES" in index


@pytest.mark.browser
def test_dashboard_renders_offline_in_chromium(demo_build, chromium, artifacts, spec):
    from playwright.sync_api import sync_playwright

    index = demo_build.settings.site_dir / "index.html"
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(index.as_uri())
        page.wait_for_selector("#carte-densite path.choroplethlocation", state="attached", timeout=30_000)
        communes_drawn = page.locator("#carte-densite path.choroplethlocation").count()
        bars_drawn = page.locator("#installations .bars path").count()
        cards = page.locator(".card .value").all_inner_texts()
        page.screenshot(path=str(artifacts / "dashboard-index.png"), full_page=True)
        browser.close()
    assert communes_drawn == spec.communes
    assert bars_drawn > 0
    assert cards[:4] == ["330\u202f124", "250", "7,6", "56\u202f%"]
    assert errors == []
    outside = [url for url in requests if not url.startswith(("file://", "data:"))]
    assert outside == []
