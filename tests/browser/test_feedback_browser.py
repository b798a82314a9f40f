"""A citizen's report from the phone to the answer, in real Chromium (Debian's, through
Playwright): the citizen picks a category, writes, attaches a photo and taps the place on the
map; an official accepts and assigns it; the department's staff starts and answers; the citizen,
in the same browser, sees the answer and gives five stars.

Screenshots of the phone pages go to /tmp/feedback-shots/ (to look at, not compared). The test
fails on any JavaScript error, failed request or Content-Security-Policy violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.support import TIMEOUT_MS, PageProblems, launch, skip_without_chromium
from xaso.core.choices import Role
from xaso.core.models import AdministrativeUnit
from xaso.core.seed import group_boundary
from xaso.core.services import (
    create_department,
    create_residential_group,
    create_user,
    sync_administrative_units,
)
from xaso.feedback import geo
from xaso.feedback.models import Report
from xaso.feedback.services import install_default_categories

PASSWORD = "mat-khau-trinh-duyet"
SHOTS = Path("/tmp/feedback-shots")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CENTRE = (21.0735, 105.7895)

pytestmark = [pytest.mark.browser]

skip_without_chromium()

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        # The map draws with WebGL; without a GPU Chromium falls back to its software renderer.
        chromium = launch(playwright, "--enable-unsafe-swiftshader")
        yield chromium
        chromium.close()


@pytest.fixture
def ward(transactional_db, settings, tmp_path):
    """Phường Xuân Đỉnh with four mapped groups, the default categories, an official and the
    infrastructure department's staff."""
    settings.MEDIA_ROOT = tmp_path / "media"
    sync_administrative_units()
    unit = AdministrativeUnit.objects.get(code="00611")
    for index in range(4):
        create_residential_group(
            None,
            unit=unit,
            code=f"TDP{index + 1:02d}",
            name=f"Tổ dân phố số {index + 1}",
            boundary=group_boundary(CENTRE, index, 4),
        )
    geo.forget()
    infrastructure = create_department(
        None, unit=unit, code="KT", name="Phòng Kinh tế, Hạ tầng và Đô thị"
    )
    create_department(None, unit=unit, code="VP", name="Văn phòng HĐND và UBND")
    install_default_categories(None, unit=unit)
    official = create_user(
        None,
        username="canbo-pa",
        password=PASSWORD,
        role=Role.COMMUNE_OFFICIAL,
        unit=unit,
        full_name="Lê Thu Hà",
    )
    staff = create_user(
        None,
        username="phongkt-pa",
        password=PASSWORD,
        role=Role.DEPARTMENT_STAFF,
        unit=unit,
        department=infrastructure,
        full_name="Phạm Quốc Việt",
    )
    yield {"unit": unit, "official": official, "staff": staff}
    geo.forget()


def new_page(browser, problems: PageProblems, **options) -> Page:
    context = browser.new_context(locale="vi-VN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return problems.watch(context.new_page())


def log_in(page: Page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}/dang-nhap/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def without_aborted_blobs(problems: list[str]) -> list[str]:
    """Leaving the form cancels what its page was still loading (the map's worker, a photo
    preview, the group boundaries when the form is sent quickly): Chromium reports those as
    aborted requests, which is no fault. Failed responses (4xx/5xx) and other network errors
    still count."""
    return [p for p in problems if "net::ERR_ABORTED" not in p]


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_report_from_the_phone_to_five_stars(browser, live_server, ward, tmp_path):
    problems = PageProblems()
    photo = tmp_path / "den-hong.jpg"
    Image.new("RGB", (800, 600), (40, 40, 60)).save(photo, "JPEG")

    # --- The citizen, on a phone, no account.
    citizen = new_page(browser, problems, **PHONE)
    citizen.goto(f"{live_server.url}/phan-anh/gui/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Gửi phản ánh")
    expect(citizen.locator("main")).to_contain_text("Phường Xuân Đỉnh")
    citizen.get_by_label("Đèn chiếu sáng công cộng hỏng").check()
    # The chosen category's question appears; the flood level of another category does not.
    expect(citizen.get_by_label("Số hiệu ghi trên cột đèn (nếu thấy)")).to_be_visible()
    expect(citizen.get_by_label("Mức nước ngập")).to_be_hidden()
    citizen.get_by_label("Số hiệu ghi trên cột đèn (nếu thấy)").fill("XD-118")
    citizen.get_by_label("Điều gì đang xảy ra, từ khi nào?").fill(
        "Đèn đường trước ngõ 40 Xuân La không sáng ba đêm nay, đoạn đường rất tối."
    )
    citizen.set_input_files("#id_photos", str(photo))
    expect(citizen.locator("#photo-previews img")).to_have_count(1)

    # The map shows the groups' boundaries; a tap inside the ward sets the place.
    map_box = citizen.locator("#fb-map")
    expect(map_box).to_have_attribute("data-ready", "1")
    box = map_box.bounding_box()
    assert box is not None
    map_box.click(position={"x": box["width"] / 2 + 25, "y": box["height"] / 2 + 25})
    status = citizen.locator("#location-status")
    expect(status).to_contain_text("Đã chọn vị trí")
    expect(status).to_contain_text("Tổ dân phố số")
    assert citizen.input_value("#id_latitude") and citizen.input_value("#id_longitude")
    fits_the_phone(citizen)
    shoot(citizen, "citizen-form.png")

    citizen.get_by_role("button", name="Gửi phản ánh").click()
    citizen.wait_for_url(re.compile(r"/phan-anh/da-gui/PA-\d{4}-\d{6}/\?k="))
    code = citizen.locator("#report-code").inner_text().strip()
    report = Report.objects.get(code=code)
    assert report.channel == "web" and report.photos.count() == 1
    assert report.group is not None and report.attributes == {"so-cot-den": "XD-118"}
    expect(citizen.locator("main")).to_contain_text(code)
    shoot(citizen, "citizen-sent.png")

    # --- The official, on a phone too: accepts and assigns to the infrastructure department.
    official = new_page(browser, problems, **PHONE)
    log_in(official, live_server.url, "canbo-pa", "/phan-anh/quan-ly/")
    expect(official.locator("#results")).to_contain_text(code)
    fits_the_phone(official)
    shoot(official, "official-queue.png")
    # The filters update the list in place (HTMX) and the address follows.
    category = official.get_by_label("Lĩnh vực", exact=True)
    category.select_option(label="Rác thải, vệ sinh môi trường")
    expect(official.locator("#result-count")).to_have_text("0 phản ánh")
    expect(official).to_have_url(re.compile(r"linh_vuc=\d+"))
    category.select_option(label="Đèn chiếu sáng công cộng hỏng")
    expect(official.locator("#results")).to_contain_text(code)
    official.locator("#results").get_by_role("link", name=code).click()
    official.wait_for_url(re.compile(rf"/phan-anh/quan-ly/{code}/$"))
    official.get_by_role("button", name="Tiếp nhận").click()
    expect(official.locator(".messages")).to_contain_text("Đã tiếp nhận phản ánh.")
    official.get_by_label("Phòng/ban xử lý").select_option(label="Phòng Kinh tế, Hạ tầng và Đô thị")
    official.get_by_role("button", name="Chuyển xử lý").click()
    expect(official.locator(".messages")).to_contain_text("Phòng Kinh tế, Hạ tầng và Đô thị")
    fits_the_phone(official)
    shoot(official, "official-report.png")

    # --- The department's staff starts and answers.
    staff = new_page(browser, problems, viewport={"width": 1280, "height": 900})
    log_in(staff, live_server.url, "phongkt-pa", f"/phan-anh/quan-ly/{code}/")
    staff.get_by_role("button", name="Bắt đầu xử lý").click()
    expect(staff.locator(".messages")).to_contain_text("Đã bắt đầu xử lý.")
    shoot(staff, "staff-report-desktop.png")
    staff.get_by_role("link", name=re.compile("Thông báo")).click()
    expect(staff.locator("main")).to_contain_text(f"Phản ánh {code} được chuyển cho")
    expect(staff.locator(".bell-count")).to_have_count(0)  # read now
    shoot(staff, "staff-notifications.png")
    staff.goto(f"{live_server.url}/phan-anh/quan-ly/{code}/")
    staff.get_by_label("Nội dung trả lời công khai cho người dân").fill(
        "Đã thay bóng đèn LED mới cho cột đèn XD-118; đèn sáng bình thường từ tối nay."
    )
    staff.get_by_role("button", name="Trả lời và hoàn thành").click()
    expect(staff.locator(".messages")).to_contain_text("Đã trả lời và hoàn thành")
    staff.goto(f"{live_server.url}/phan-anh/quan-ly/?xem=closed")
    expect(staff.locator("#results")).to_contain_text(code)
    shoot(staff, "staff-queue-desktop.png")

    # --- The citizen, same browser: the answer, then five stars.
    citizen.goto(f"{live_server.url}/phan-anh/tra-cuu/{code}/")
    expect(citizen.locator("#result")).to_contain_text("Đã thay bóng đèn LED mới")
    expect(citizen.locator("main")).to_contain_text("Phòng Kinh tế, Hạ tầng và Đô thị")
    expect(citizen.locator("main")).not_to_contain_text("Phạm Quốc Việt")  # no officials' names
    expect(citizen.locator("main")).not_to_contain_text("Lê Thu Hà")
    fits_the_phone(citizen)
    shoot(citizen, "citizen-tracking.png")
    citizen.locator("#rate-form label").filter(has_text="5 sao").click()
    citizen.get_by_label("Nhận xét").fill("Xử lý nhanh, cảm ơn phường.")
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.locator(".messages")).to_contain_text("Đã ghi nhận đánh giá của bạn")
    expect(citizen.locator("#rating")).to_contain_text("5/5 sao")
    expect(citizen.locator("#rate-form")).to_have_count(0)
    shoot(citizen, "citizen-rated.png")
    report.refresh_from_db()
    assert report.rating == 5 and report.rating_comment == "Xử lý nhanh, cảm ơn phường."
    assert without_aborted_blobs(problems) == []


def test_geolocation_fills_the_place(browser, live_server, ward):
    """The other way to give the place: the phone's position (permission granted)."""
    problems = PageProblems()
    lat, lon = CENTRE[0] + 0.0005, CENTRE[1] + 0.0005
    page = new_page(
        browser,
        problems,
        **PHONE,
        geolocation={"latitude": lat, "longitude": lon},
        permissions=["geolocation"],
    )
    page.goto(f"{live_server.url}/phan-anh/gui/")
    page.get_by_role("button", name="Dùng vị trí hiện tại").click()
    expect(page.locator("#location-status")).to_contain_text("Đã chọn vị trí")
    assert abs(float(page.input_value("#id_latitude")) - lat) < 1e-5
    assert abs(float(page.input_value("#id_longitude")) - lon) < 1e-5
    page.get_by_role("button", name="Bỏ vị trí đã chọn").click()
    assert page.input_value("#id_latitude") == ""
    # Sending without a category shows the messages next to the fields, the text kept.
    page.get_by_label("Điều gì đang xảy ra, từ khi nào?").fill("Cống bốc mùi")
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("main")).to_contain_text("Hãy chọn lĩnh vực phản ánh.")
    expect(page.get_by_label("Điều gì đang xảy ra, từ khi nào?")).to_have_value("Cống bốc mùi")
    fits_the_phone(page)
    shoot(page, "citizen-form-errors.png")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name=re.compile("^Gửi phản ánh"))).to_be_visible()
    shoot(page, "citizen-home.png")
    assert not Report.objects.exists()
    # The refused form itself is answered with 400 (which Chromium also logs).
    problems[:] = [p for p in problems if "HTTP 400" not in p and "status of 400" not in p]
    assert problems == []
