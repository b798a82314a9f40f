"""The procedure catalogue in real Chromium (Debian's, through Playwright): a citizen without an
account types "dang ky khai sinh" without diacritics, sees "Đăng ký khai sinh" first, opens it,
and prints it — on one A4 sheet. Screenshots of the list and the procedure page on a phone and
on a desktop go to /tmp/ps-shots/ for a person to look at.

These tests also fail on any JavaScript error or Content-Security-Policy violation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.support import TIMEOUT_MS, PageProblems, launch, skip_without_chromium
from xaso.core.services import sync_administrative_units
from xaso.publicservices.services.catalogue import sync_catalogue

SHOTS = Path(os.environ.get("XASO_SHOTS_DIR", "/tmp/ps-shots"))
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

pytestmark = [pytest.mark.browser]
skip_without_chromium()

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def open_page(browser, problems: PageProblems, **context_options) -> Page:
    context = browser.new_context(locale="vi-VN", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return problems.watch(context.new_page())


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF: its page objects, ``/Type /Page`` (not the ``/Pages`` tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture
def catalogue(transactional_db):
    """The shipped catalogue (transactional tests empty the database after each run)."""
    sync_administrative_units()
    sync_catalogue(None)


def test_a_citizen_finds_birth_registration_without_diacritics_and_prints_it(
    browser, live_server, catalogue
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = PageProblems()
    page = open_page(browser, problems, **DESKTOP)
    page.goto(f"{live_server.url}/dich-vu-cong/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính")

    # Typing alone updates the results in place (HTMX), without reloading the page.
    page.evaluate("window.__notReloaded = true")
    page.locator("#q").press_sequentially("dang ky khai sinh")
    expect(page.locator("#result-count")).to_contain_text("khớp «dang ky khai sinh»")
    first = page.locator("#results .ps-name").first
    expect(first).to_have_text("Đăng ký khai sinh")
    assert page.evaluate("window.__notReloaded") is True
    expect(page).to_have_url(re.compile(r"[?&]q=dang(\+|%20)ky(\+|%20)khai(\+|%20)sinh"))

    first.click()
    page.wait_for_url(re.compile(r"/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    expect(page.locator("main")).to_contain_text("Giấy chứng sinh")
    # The print button appears once its script runs (CSP: no inline handlers).
    expect(page.get_by_role("button", name="In trang này")).to_be_visible()

    # Print preview: navigation, buttons and history go away; the sheet stays.
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#lich-su")).to_be_hidden()
    expect(page.get_by_role("button", name="In trang này")).to_be_hidden()
    expect(page.locator(".ps-sheet-foot")).to_be_visible()
    page.screenshot(path=str(SHOTS / "print-preview-dang-ky-khai-sinh.png"), full_page=True)

    pdf = page.pdf(format="A4")
    (SHOTS / "dang-ky-khai-sinh.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    assert problems == []


def test_the_longest_procedure_still_prints_on_one_sheet(browser, live_server, catalogue):
    """The procedure with the most text of the shipped catalogue."""
    from xaso.publicservices.models import Procedure

    longest = max(Procedure.objects.all(), key=lambda p: len(str(p.data)))
    page = open_page(browser, PageProblems())
    page.goto(f"{live_server.url}/dich-vu-cong/thu-tuc/{longest.code}/")
    pdf = page.pdf(format="A4")
    (SHOTS / f"{longest.code}.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1, longest.code


@pytest.mark.parametrize(("name", "options"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots_of_the_list_and_the_procedure_page(
    browser, live_server, catalogue, name, options
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = PageProblems()
    page = open_page(browser, problems, device_scale_factor=2 if name == "phone" else 1, **options)
    width = options["viewport"]["width"]

    page.goto(f"{live_server.url}/dich-vu-cong/")
    page.screenshot(path=str(SHOTS / f"list-{name}.png"))
    page.locator("#q").press_sequentially("khai sinh")
    expect(page.locator("#results .ps-name").first).to_have_text("Đăng ký khai sinh")
    page.screenshot(path=str(SHOTS / f"search-{name}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{live_server.url}/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/")
    page.screenshot(path=str(SHOTS / f"procedure-{name}.png"), full_page=True)
    # Nothing wider than the screen; the key facts are on the first screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.locator(".ps-keyfacts")).to_be_in_viewport()
    assert problems == []
