"""The residents pages driven in real Chromium (Debian's, through Playwright): a commune official
logs in, finds a resident by typing the name without diacritics, and walks to the household; a
group leader on a phone sees the resident page with the national ID masked.

These tests also fail on any JavaScript error or Content-Security-Policy violation, so a page
that only works with inline scripts or styles, or with files from a CDN, is caught here.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.support import TIMEOUT_MS, PageProblems, launch, skip_without_chromium
from xaso.core.choices import Role
from xaso.core.models import AdministrativeUnit
from xaso.core.services import create_residential_group, create_user, sync_administrative_units
from xaso.population.services import create_household, register_resident

PASSWORD = "mat-khau-trinh-duyet"

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


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    # The home page sends a signed-in user on to the groups list.
    page.wait_for_url(re.compile(r"/dan-cu/$"))


@pytest.fixture
def people(transactional_db):
    """Phường Xuân Đỉnh with one group, one household of two and a household in another group.

    The unit list is loaded here because transactional tests empty the database after each run.
    """
    sync_administrative_units()
    unit = AdministrativeUnit.objects.get(code="00611")
    official = create_user(
        None,
        username="canbo-browser",
        password=PASSWORD,
        role=Role.COMMUNE_OFFICIAL,
        unit=unit,
        full_name="Lê Thu Hà",
    )
    leader = create_user(
        None,
        username="totruong-browser",
        password=PASSWORD,
        role=Role.GROUP_LEADER,
        unit=unit,
        full_name="Đỗ Văn Tâm",
    )
    own_group = create_residential_group(
        None, unit=unit, code="TDP07", name="Tổ dân phố số 7", leader=leader
    )
    other_group = create_residential_group(
        official, unit=unit, code="TDP08", name="Tổ dân phố số 8"
    )
    household = create_household(
        official, group=own_group, code="HK-7001", address="Số 9, ngõ 12", street="Xuân La"
    )
    head = register_resident(
        official,
        household=household,
        full_name="Nguyễn Văn An",
        birth_date=dt.date(1985, 9, 5),
        sex="male",
        national_id="001085012345",
        phone="0912345678",
        relation_to_head="head",
    )
    spouse = register_resident(
        None,
        household=household,
        full_name="Trần Thị Bình",
        birth_date=dt.date(1987, 2, 14),
        sex="female",
        national_id="001187054321",
        relation_to_head="spouse",
    )
    elsewhere = create_household(None, group=other_group, code="HK-8001", street="Tân Xuân")
    stranger = register_resident(
        None,
        household=elsewhere,
        full_name="Phạm Thị Hoa",
        birth_date=dt.date(1962, 11, 3),
        sex="female",
        national_id="001162000777",
        relation_to_head="head",
    )
    return {
        "official": official,
        "leader": leader,
        "household": household,
        "head": head,
        "spouse": spouse,
        "stranger": stranger,
    }


def test_official_finds_resident_without_diacritics_and_opens_household(
    browser, live_server, people
):
    problems = PageProblems()
    page = open_page(browser, problems, viewport={"width": 1280, "height": 800})
    log_in(page, live_server.url, "canbo-browser")

    page.get_by_role("link", name="Nhân khẩu").click()
    page.wait_for_url(re.compile(r"/dan-cu/nhan-khau/$"))
    results = page.locator("#results")
    expect(results).to_contain_text("Trần Thị Bình")  # everyone is listed before a search

    # Typing alone must update the results in place (HTMX), without reloading the page.
    page.evaluate("window.__notReloaded = true")
    page.locator("#q").press_sequentially("nguyen van an")
    expect(page.locator("#result-count")).to_contain_text("khớp «nguyen van an»")
    expect(results).to_contain_text("Nguyễn Văn An")
    expect(results).not_to_contain_text("Trần Thị Bình")
    expect(results).not_to_contain_text("Phạm Thị Hoa")
    assert page.evaluate("window.__notReloaded") is True
    # The address bar follows the search, so it can be bookmarked or sent to a colleague.
    expect(page).to_have_url(re.compile(r"[?&]q=nguyen(\+|%20)van(\+|%20)an(&|$)"))

    results.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(re.compile(rf"/dan-cu/nhan-khau/{people['head'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn An")
    # A commune official keeps the register: the number is shown in full (and the read audited).
    expect(page.locator("main")).to_contain_text("001085012345")

    page.locator("main").get_by_role("link", name="HK-7001").first.click()
    page.wait_for_url(re.compile(rf"/dan-cu/ho/{people['household'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("HK-7001")
    members = page.locator("main table tbody")
    expect(members.locator("tr")).to_have_count(2)
    expect(members).to_contain_text("Nguyễn Văn An")
    expect(members).to_contain_text("Trần Thị Bình")
    expect(members).not_to_contain_text("Phạm Thị Hoa")

    assert problems == []


def test_search_by_address_and_button_and_after_the_session_ends(browser, live_server, people):
    """A search address opened directly, the search button, and a search typed after the
    session has ended all lead to the right residents."""
    problems = PageProblems()
    page = open_page(browser, problems, viewport={"width": 1280, "height": 800})
    log_in(page, live_server.url, "canbo-browser")
    page.goto(f"{live_server.url}/dan-cu/nhan-khau/?q=tran+thi+binh")
    results = page.locator("#results")
    expect(results).to_contain_text("Trần Thị Bình")
    expect(results).not_to_contain_text("Nguyễn Văn An")

    page.locator("#q").fill("NGUYEN  van AN")
    page.get_by_role("button", name="Tìm").click()
    expect(results).to_contain_text("Nguyễn Văn An")
    expect(results).not_to_contain_text("Trần Thị Bình")
    assert problems == []

    # Once the session has ended, the next search goes to the login page as a whole page
    # (not a login form drawn inside the results) and comes back to the search afterwards.
    page.context.clear_cookies()
    page.locator("#q").fill("tran thi")
    page.wait_for_url(re.compile(r"/dang-nhap/\?next="))
    page.fill("input[name=username]", "canbo-browser")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/dan-cu/nhan-khau/\?q=tran"))
    expect(results).to_contain_text("Trần Thị Bình")


def test_group_leader_on_a_phone_sees_national_id_masked(browser, live_server, people):
    problems = PageProblems()
    page = open_page(
        browser,
        problems,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    log_in(page, live_server.url, "totruong-browser")

    # A group leader sees only the groups they lead.
    groups = page.locator("main table tbody")
    expect(groups).to_contain_text("Tổ dân phố số 7")
    expect(groups).not_to_contain_text("Tổ dân phố số 8")

    page.goto(f"{live_server.url}/dan-cu/nhan-khau/{people['head'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn An")
    main = page.locator("main")
    expect(main).to_contain_text("0010••••••45")
    expect(main).not_to_contain_text("001085012345")
    # … but may see the phone and the house address, to reach the household.
    expect(main).to_contain_text("0912345678")
    expect(main).to_contain_text("Số 9, ngõ 12")

    # The page fits the phone: nothing wider than the screen, the navigation is visible.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    nav = page.get_by_role("navigation", name="Chính")
    expect(nav.get_by_role("link", name="Nhân khẩu")).to_be_in_viewport()
    assert problems == []

    # A resident of a group the leader does not lead does not exist for them.
    response = page.goto(f"{live_server.url}/dan-cu/nhan-khau/{people['stranger'].pk}/")
    assert response is not None and response.status == 404
