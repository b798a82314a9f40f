"""The feedback pages: the citizen's form and tracking page (no account), the officials' queue and
report page with its actions, filing on behalf of a resident, photos, boundaries and the
notifications inbox — each checked against the tenancy rules (another commune: 404)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import Signer

from tests.feedback.conftest import jpeg_bytes
from xaso.core.choices import AuditAction, Role
from xaso.core.models import AuditLog, Notification
from xaso.core.services import create_user, notify
from xaso.feedback import services
from xaso.feedback.choices import Channel, ReportStatus
from xaso.feedback.models import Report, ReportPhoto
from xaso.feedback.views import ACCESS_COOKIE

S = ReportStatus


def photo_upload(name="anh.jpg", content=None):
    return SimpleUploadedFile(name, content or jpeg_bytes(), content_type="image/jpeg")


def file_report(fw, *, category="den-chieu-sang", group=0, photos=(), **extra):
    lat, lon = fw.point_in_group(group)
    return services.submit_report(
        None,
        category=fw.categories[category],
        description=extra.pop("description", "Đèn đường trước ngõ 40 không sáng ba hôm nay."),
        latitude=lat,
        longitude=lon,
        photos=photos,
        reporter_name=extra.pop("reporter_name", "Nguyễn Thị Mai"),
        reporter_phone=extra.pop("reporter_phone", "0912345678"),
        client_ip=extra.pop("client_ip", None),
        **extra,
    )


def resolved_report(fw, **extra):
    report = file_report(fw, **extra)
    official = fw.user(Role.COMMUNE_OFFICIAL)
    services.accept_report(official, report=report)
    services.assign_report(official, report=report, department=fw.departments["KT"])
    services.resolve_report(
        fw.user(Role.DEPARTMENT_STAFF), report=report, answer="Đã thay bóng đèn mới, đèn sáng."
    )
    report.refresh_from_db()
    return report


def form_data(fw, *, category="den-chieu-sang", in_group=0, **extra):
    lat, lon = fw.point_in_group(in_group)
    data = {
        "category": fw.categories[category].pk,
        "description": "Đèn đường trước ngõ 40 không sáng ba hôm nay.",
        "latitude": f"{lat:.6f}",
        "longitude": f"{lon:.6f}",
        "address": "",
        "reporter_name": "Nguyễn Thị Mai",
        "reporter_phone": "0912345678",
        "reporter_email": "",
    }
    data.update(extra)
    return data


def html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# The citizen: landing, form, success


def test_home_and_landing_offer_the_two_citizen_actions(client, fw):
    for url in ("/", "/phan-anh/"):
        page = html(client.get(url))
        assert "Gửi phản ánh" in page and "Tra cứu phản ánh" in page
        assert 'href="/phan-anh/gui/' in page and 'href="/phan-anh/tra-cuu/"' in page
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    assert client.get("/")["Location"] == "/dan-cu/"  # officials go to their work


def test_form_shows_the_commune_categories_questions_photo_and_map(client, fw):
    response = client.get("/phan-anh/gui/")
    page = html(response)
    assert response.status_code == 200
    assert fw.unit.name in page
    assert "Đèn chiếu sáng công cộng hỏng" in page and "Ngập úng, tắc cống thoát nước" in page
    # the extra questions: a select for a single-value list, an input for a string
    flood = fw.categories["thoat-nuoc"]
    assert re.search(rf'<select name="a{flood.pk}-muc-ngap"', page)
    assert "Dưới 20 cm" in page
    light = fw.categories["den-chieu-sang"]
    assert f'name="a{light.pk}-so-cot-den"' in page
    assert 'accept="image/*" capture="environment" multiple' in page
    assert f'data-boundaries="/phan-anh/ranh-gioi/{fw.unit.code}.geojson"' in page
    assert "chỉ cán bộ xử lý được xem" in page
    assert "/static/xaso/feedback.js" in page and "/static/vendor/maplibre-gl.js" in page
    assert "<script>" not in page and " style=" not in page  # CSP: no inline code or style


def test_commune_is_chosen_by_its_code(client, fw, other_fw):
    assert fw.unit.name in html(client.get("/phan-anh/gui/"))  # the one set up first
    page = html(client.get("/phan-anh/gui/", {"xa": other_fw.unit.code}))
    assert other_fw.unit.name in page and "Đổi xã/phường" in page
    assert f'value="{other_fw.categories["den-chieu-sang"].pk}"' in page
    assert f'value="{fw.categories["den-chieu-sang"].pk}"' not in page
    assert client.get("/phan-anh/gui/", {"xa": "99999"}).status_code == 404


def test_boundaries_are_public_geojson_without_personal_data(client, fw):
    response = client.get(f"/phan-anh/ranh-gioi/{fw.unit.code}.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    feature = data["features"][0]
    assert feature["properties"] == {"code": "TDP01", "name": "Tổ dân phố số 1"}
    assert feature["geometry"]["type"] == "Polygon"
    assert fw.user(Role.GROUP_LEADER).full_name not in response.content.decode()
    assert client.get("/phan-anh/ranh-gioi/99999.geojson").status_code == 404


def test_citizen_files_a_report_with_a_photo_and_gets_the_tracking_link(client, fw):
    light = fw.categories["den-chieu-sang"]
    data = form_data(fw, in_group=1, **{f"a{light.pk}-so-cot-den": "XD-118"})
    response = client.post("/phan-anh/gui/", {**data, "photos": [photo_upload()]})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/phan-anh/da-gui/{report.code}/?k={report.access_key}"
    assert report.channel == Channel.WEB and report.group == fw.ward.groups[1]
    assert report.attributes == {"so-cot-den": "XD-118"}
    assert report.photos.count() == 1 and report.reporter_phone == "0912345678"
    # The browser remembers the report's key in a signed, HTTP-only cookie.
    cookie = response.cookies[ACCESS_COOKIE]
    assert cookie["httponly"] and report.access_key in cookie.value
    page = html(client.get(response["Location"]))
    assert report.code in page and f"?k={report.access_key}" in page
    assert f"{report.due_at.astimezone():%d/%m/%Y}" in page


def test_success_page_needs_the_key(client, fw):
    report = file_report(fw)
    response = client.get(f"/phan-anh/da-gui/{report.code}/")
    assert response.status_code == 302 and response["Location"] == (
        f"/phan-anh/tra-cuu/{report.code}/"
    )


def test_errors_are_shown_next_to_the_fields_and_the_input_kept(client, fw):
    response = client.post("/phan-anh/gui/", {"description": "ngắn", "address": "Ngõ 40"})
    page = html(response)
    assert response.status_code == 400
    assert "Hãy chọn lĩnh vực phản ánh." in page
    assert "Hãy mô tả sự việc (ít nhất 10 ký tự)." in page
    assert "Ngõ 40" in page and "ngắn</textarea>" in page
    assert not Report.objects.exists()


def test_a_place_outside_the_commune_is_refused_and_nothing_written(client, fw):
    data = form_data(fw, latitude="21.2000", longitude="105.9000", address="Chợ Xuân Đỉnh")
    response = client.post("/phan-anh/gui/", {**data, "photos": [photo_upload()]})
    page = html(response)
    assert response.status_code == 400
    assert f"nằm ngoài địa bàn {fw.unit.name}" in page
    assert "Ảnh đã chọn cần được chọn lại." in page  # files cannot be kept by the page
    assert "Chợ Xuân Đỉnh" in page and "Đèn đường trước ngõ 40" in page
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()


def test_a_required_question_and_a_bad_photo_get_their_messages(client, fw):
    flood = fw.categories["thoat-nuoc"]
    response = client.post("/phan-anh/gui/", form_data(fw, category="thoat-nuoc"))
    page = html(response)
    assert response.status_code == 400 and "Thiếu thông tin bắt buộc: Mức nước ngập." in page
    assert f'id="id_a{flood.pk}-muc-ngap_error"' in page  # next to its field
    data = form_data(fw, **{f"a{flood.pk}-muc-ngap": "duoi-20cm"})
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    page = html(client.post("/phan-anh/gui/", {**data, "photos": [bad]}))
    assert "không phải là ảnh hợp lệ" in page
    assert not Report.objects.exists()


def test_too_many_reports_from_one_device_get_429(client, fw, settings):
    settings.XASO_FEEDBACK_LIMIT_PER_IP = 1
    assert client.post("/phan-anh/gui/", form_data(fw)).status_code == 302
    response = client.post("/phan-anh/gui/", form_data(fw, reporter_phone=""))
    assert response.status_code == 429
    assert "xin vui lòng thử lại sau ít phút" in html(response)
    assert Report.objects.count() == 1


def test_the_kiosk_files_with_its_channel_and_keeps_no_cookie(client, fw, settings):
    settings.XASO_KIOSK_IPS = ["10.0.0.0/24"]
    response = client.post("/phan-anh/gui/", form_data(fw), REMOTE_ADDR="10.0.0.7")
    report = Report.objects.get()
    assert response.status_code == 200 and report.channel == Channel.KIOSK
    assert report.code in html(response) and "máy dùng chung" in html(response)
    assert ACCESS_COOKIE not in response.cookies
    # … while any other address is the web channel.
    client.post("/phan-anh/gui/", form_data(fw), REMOTE_ADDR="10.0.1.7")
    assert Report.objects.latest("id").channel == Channel.WEB


# ---------------------------------------------------------------------------------------------
# Tracking, rating, reopening


def test_tracking_form_finds_a_code_typed_in_lower_case(client, fw):
    report = file_report(fw)
    response = client.get("/phan-anh/tra-cuu/", {"ma": report.code.lower()})
    assert response["Location"] == f"/phan-anh/tra-cuu/{report.code}/"
    missing = client.get("/phan-anh/tra-cuu/", {"ma": "PA-2020-999999"})
    assert missing.status_code == 404 and "Không tìm thấy phản ánh mã" in html(missing)


def test_public_page_shows_progress_but_no_names_or_contact(client, fw):
    report = file_report(fw, reporter_email="mai@example.vn")
    official = fw.user(Role.COMMUNE_OFFICIAL)
    services.accept_report(official, report=report)
    services.assign_report(official, report=report, department=fw.departments["KT"])
    page = html(client.get(f"/phan-anh/tra-cuu/{report.code}/"))
    assert "Đã chuyển xử lý" in page and "Chuyển xử lý" in page and "Tiếp nhận" in page
    assert "Phòng Kinh tế, Hạ tầng và Đô thị" in page
    for private in (official.full_name, official.username, "Nguyễn Thị Mai", "0912345678"):
        assert private not in page
    assert "mai@example.vn" not in page
    assert 'name="rating"' not in page  # nothing to rate yet


def test_rejected_and_duplicate_reports_say_why(client, fw):
    official = fw.user(Role.COMMUNE_OFFICIAL)
    original = file_report(fw)
    copy = file_report(fw, photos=[jpeg_bytes()])
    services.merge_report(official, report=copy, into=original)
    page = html(client.get(f"/phan-anh/tra-cuu/{copy.code}/"))
    assert f'href="/phan-anh/tra-cuu/{original.code}/"' in page
    rejected = file_report(fw, photos=[jpeg_bytes()], description="Nội dung có số nhà riêng.")
    services.reject_report(official, report=rejected, reason="Không thuộc thẩm quyền của phường.")
    page = html(client.get(f"/phan-anh/tra-cuu/{rejected.code}/"))
    assert "Không thuộc thẩm quyền của phường." in page
    assert "Nội dung có số nhà riêng." not in page and "/phan-anh/anh/" not in page


def test_the_browser_that_filed_rates_with_its_cookie(client, fw):
    client.post("/phan-anh/gui/", form_data(fw))
    report = Report.objects.get()
    official, staff = fw.user(Role.COMMUNE_OFFICIAL), fw.user(Role.DEPARTMENT_STAFF)
    services.accept_report(official, report=report)
    services.assign_report(official, report=report, department=fw.departments["KT"])
    services.resolve_report(staff, report=report, answer="Đã thay bóng đèn mới, đèn sáng.")
    url = f"/phan-anh/tra-cuu/{report.code}/"
    page = html(client.get(url))
    assert "Đã thay bóng đèn mới" in page and 'name="rating"' in page
    assert 'name="phone"' not in page  # the cookie proves who filed
    assert "Chưa được giải quyết — mở lại" in page
    response = client.post(f"{url}danh-gia/", {"rating": "5", "comment": "Nhanh"})
    assert response.status_code == 302 and response["Location"] == url
    report.refresh_from_db()
    assert report.rating == 5 and report.rating_comment == "Nhanh"
    page = html(client.get(url))
    assert "5/5 sao" in page and 'name="rating"' not in page
    assert "Đã ghi nhận đánh giá của bạn" in page


def test_another_browser_needs_the_phone_or_the_link(client, fw):
    report = resolved_report(fw)
    url = f"/phan-anh/tra-cuu/{report.code}/"
    page = html(client.get(url))
    assert 'name="rating"' in page and 'name="phone"' in page
    refused = client.post(f"{url}danh-gia/", {"rating": "4", "phone": "0987654321"})
    assert refused.status_code == 403 and "Chỉ người đã gửi phản ánh" in html(refused)
    report.refresh_from_db()
    assert report.rating is None
    # A forged cookie is not a key.
    client.cookies[ACCESS_COOKIE] = Signer().sign(f"{report.code}:{report.access_key}")
    assert client.post(f"{url}danh-gia/", {"rating": "4"}).status_code == 403
    done = client.post(f"{url}danh-gia/", {"rating": "4", "phone": "0912 345 678"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.rating == 4


def test_reopen_with_the_private_link(client, fw):
    report = resolved_report(fw)
    url = f"/phan-anh/tra-cuu/{report.code}/"
    page = html(client.get(url, {"k": report.access_key}))
    assert f'name="k" value="{report.access_key}"' in page
    short = client.post(f"{url}mo-lai/", {"k": report.access_key, "reason": "x"})
    assert short.status_code == 400 and "vì sao" in html(short)
    response = client.post(f"{url}mo-lai/", {"k": report.access_key, "reason": "Đèn lại tắt."})
    assert response.status_code == 302 and f"k={report.access_key}" in response["Location"]
    report.refresh_from_db()
    assert report.status == S.ASSIGNED and report.reopen_count == 1


# ---------------------------------------------------------------------------------------------
# Photos


def test_photos_are_public_jpegs_except_of_rejected_reports(client, fw, other_fw):
    report = file_report(fw, photos=[jpeg_bytes()])
    photo = report.photos.get()
    response = client.get(f"/phan-anh/anh/{photo.pk}.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    services.reject_report(fw.user(Role.COMMUNE_OFFICIAL), report=report, reason="Ảnh riêng tư.")
    assert client.get(f"/phan-anh/anh/{photo.pk}.jpg").status_code == 404
    client.force_login(other_fw.user(Role.COMMUNE_OFFICIAL))
    assert client.get(f"/phan-anh/anh/{photo.pk}.jpg").status_code == 404
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    private = client.get(f"/phan-anh/anh/{photo.pk}.jpg")
    assert private.status_code == 200 and private["Cache-Control"].startswith("private")
    assert client.get("/phan-anh/anh/999999.jpg").status_code == 404


# ---------------------------------------------------------------------------------------------
# Officials: the queue


def test_queue_needs_login_and_a_role_that_handles_reports(client, fw):
    response = client.get("/phan-anh/quan-ly/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    client.force_login(fw.user(Role.COMMUNITY_TECH))
    assert client.get("/phan-anh/quan-ly/").status_code == 403


def test_queue_tabs_counts_and_overdue_hours(client, fw):
    late = file_report(fw, group=0)
    Report.objects.filter(pk=late.pk).update(
        due_at=late.created_at - __import__("datetime").timedelta(hours=5)
    )
    fresh = file_report(fw, group=1, category="rac-thai", description="Rác tồn đọng ở đầu ngõ.")
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    page = html(client.get("/phan-anh/quan-ly/"))
    assert late.code in page and fresh.code in page
    assert re.search(r'aria-current="page">Mới gửi <span class="fb-count">2</span>', page)
    assert re.search(r'Quá hạn <span class="fb-count">1</span>', page)
    assert "quá hạn 5 giờ" in page
    assert "Phòng/ban của tôi" not in page  # the official belongs to no department
    overdue = html(client.get("/phan-anh/quan-ly/", {"xem": "overdue"}))
    assert late.code in overdue and fresh.code not in overdue
    assert "Quá hạn theo đơn vị xử lý" not in page  # the leaders' box
    client.force_login(fw.user(Role.COMMUNE_LEADER))
    page = html(client.get("/phan-anh/quan-ly/"))
    assert "Quá hạn theo đơn vị xử lý" in page and "Phòng Kinh tế, Hạ tầng và Đô thị" in page
    assert f'href="?xem=overdue&amp;phong={fw.departments["KT"].pk}"' in page
    Report.objects.filter(pk=late.pk).update(due_at=None)
    assert "Không có phản ánh quá hạn." in html(client.get("/phan-anh/quan-ly/"))


def test_queue_filters_search_and_htmx_partial(client, fw):
    light = file_report(fw, group=0)
    trash = file_report(fw, group=1, category="rac-thai", description="Rác tồn đọng ở đầu ngõ.")
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    url = "/phan-anh/quan-ly/"
    by_category = html(client.get(url, {"linh_vuc": fw.categories["rac-thai"].pk}))
    assert trash.code in by_category and light.code not in by_category
    by_group = html(client.get(url, {"to": fw.ward.groups[0].pk}))
    assert light.code in by_group and trash.code not in by_group
    by_text = html(client.get(url, {"q": "tồn đọng"}))
    assert trash.code in by_text and light.code not in by_text
    by_code = client.get(url, {"q": light.code}, HTTP_HX_REQUEST="true")
    text = html(by_code)
    assert light.code in text and trash.code not in text and "<html" not in text
    by_department = html(client.get(url, {"xem": "open", "phong": fw.departments["VP"].pk}))
    assert light.code not in by_department


def test_department_staff_starts_on_their_departments_tab(client, fw):
    report = file_report(fw)
    services.accept_report(fw.user(Role.COMMUNE_OFFICIAL), report=report)
    services.assign_report(
        fw.user(Role.COMMUNE_OFFICIAL), report=report, department=fw.departments["KT"]
    )
    client.force_login(fw.user(Role.DEPARTMENT_STAFF))
    page = html(client.get("/phan-anh/quan-ly/"))
    assert re.search(r'aria-current="page">Phòng/ban của tôi <span class="fb-count">1</span>', page)
    assert report.code in page


def test_queue_of_another_commune_and_of_a_group_leader(client, fw, other_fw):
    ours = file_report(fw, group=0)
    other_group = file_report(fw, group=1)
    client.force_login(other_fw.user(Role.COMMUNE_OFFICIAL))
    page = html(client.get("/phan-anh/quan-ly/", {"xem": "open"}))
    assert ours.code not in page and other_group.code not in page
    client.force_login(fw.user(Role.GROUP_LEADER))  # leads group 0 only
    page = html(client.get("/phan-anh/quan-ly/", {"xem": "open"}))
    assert ours.code in page and other_group.code not in page


def test_queue_query_count_does_not_grow_with_rows(client, fw, django_assert_max_num_queries):
    for index in range(3):
        file_report(fw, group=index % 2)
    leader = fw.user(Role.COMMUNE_LEADER)
    client.force_login(leader)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/phan-anh/quan-ly/", {"xem": "open"}).status_code == 200
    for index in range(30):
        file_report(fw, group=index % 2, reporter_phone="", client_ip=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get("/phan-anh/quan-ly/", {"xem": "open"}))
    assert page.count('class="fb-q-code"') == 33


# ---------------------------------------------------------------------------------------------
# Officials: a report's page and its actions


def test_report_page_shows_everything_with_contact_masked_until_revealed(client, fw):
    report = file_report(fw, photos=[jpeg_bytes()], reporter_email="mai@example.vn")
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    page = html(client.get(f"/phan-anh/quan-ly/{report.code}/"))
    assert report.description in page and "Gửi phản ánh" in page and "Người dân" in page
    assert f"/phan-anh/anh/{report.photos.get().pk}.jpg" in page
    assert "0912345678" not in page and "Nguyễn Thị Mai" not in page
    assert "Hiện thông tin liên hệ" in page
    assert not AuditLog.objects.filter(action=AuditAction.READ_PII).exists()
    for action in ("tiep-nhan", "khong-tiep-nhan", "gop"):
        assert f"/phan-anh/quan-ly/{report.code}/{action}/" in page
    assert f"/phan-anh/quan-ly/{report.code}/bat-dau/" not in page  # not assigned yet

    revealed = client.post(f"/phan-anh/quan-ly/{report.code}/lien-he/", HTTP_HX_REQUEST="true")
    text = html(revealed)
    assert "0912345678" in text and "Nguyễn Thị Mai" in text and "mai@example.vn" in text
    assert "<html" not in text  # the partial only
    assert AuditLog.objects.filter(
        action=AuditAction.READ_PII, object_id=str(report.pk), via="web"
    ).exists()
    whole = client.post(f"/phan-anh/quan-ly/{report.code}/lien-he/")  # without JavaScript
    assert "0912345678" in html(whole) and "<html" in html(whole)


def test_group_leader_reads_their_groups_reports_only(client, fw):
    ours, theirs = file_report(fw, group=0), file_report(fw, group=1)
    client.force_login(fw.user(Role.GROUP_LEADER))
    page = html(client.get(f"/phan-anh/quan-ly/{ours.code}/"))
    assert ours.description in page and "Tiếp nhận</button>" not in page
    assert "Hiện thông tin liên hệ" not in page and "0912345678" not in page
    assert client.get(f"/phan-anh/quan-ly/{theirs.code}/").status_code == 404
    response = client.post(f"/phan-anh/quan-ly/{ours.code}/tiep-nhan/")
    assert response.status_code == 403
    masked = html(client.post(f"/phan-anh/quan-ly/{ours.code}/lien-he/"))
    assert "0912345678" not in masked
    ours.refresh_from_db()
    assert ours.status == S.NEW


def test_the_whole_workflow_through_the_pages(client, fw):
    report = file_report(fw)
    base = f"/phan-anh/quan-ly/{report.code}/"
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    response = client.post(f"{base}tiep-nhan/")
    assert response.status_code == 302 and response["Location"] == base
    assert "Đã tiếp nhận phản ánh." in html(client.get(base))
    department = fw.departments["KT"]
    response = client.post(f"{base}chuyen/", {"department": department.pk, "note": "Gấp"})
    assert response.status_code == 302
    client.force_login(fw.user(Role.DEPARTMENT_STAFF))
    page = html(client.get(base))
    assert f"{base}bat-dau/" in page and f"{base}tiep-nhan/" not in page
    assert client.post(f"{base}bat-dau/").status_code == 302
    response = client.post(
        f"{base}tra-loi/", {"answer": "Đã sửa xong đèn.", "photos": [photo_upload()]}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.RESOLVED and report.photos.filter(kind="resolution").count() == 1
    page = html(client.get(base))
    assert "Đã sửa xong đèn." in page and "Phản ánh đã đóng." in page
    assert fw.user(Role.COMMUNE_OFFICIAL).full_name in page  # officials see who did what


def test_refused_actions_keep_the_text_and_change_nothing(client, fw, other_fw):
    report = file_report(fw)
    base = f"/phan-anh/quan-ly/{report.code}/"
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    response = client.post(f"{base}khong-tiep-nhan/", {"reason": "Ko"})
    assert response.status_code == 400 and "Hãy ghi lý do" in html(response)
    assert ">Ko</textarea>" in html(response)
    response = client.post(f"{base}gop/", {"into": "PA-2020-000001"})
    assert response.status_code == 400 and "Không tìm thấy phản ánh mã" in html(response)
    theirs = file_report(other_fw)
    response = client.post(f"{base}gop/", {"into": theirs.code})  # not visible: unknown
    assert response.status_code == 400
    response = client.post(f"{base}chuyen/", {"department": fw.departments["KT"].pk})
    assert response.status_code == 400 and "Không thể chuyển xử lý" in html(response)
    response = client.post(f"{base}tra-loi/", {"answer": "Xong rồi nhé."})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == S.NEW and report.events.count() == 1
    response = client.post(f"{base}khong-tiep-nhan/", {"reason": "Không thuộc địa bàn."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.REJECTED


def test_merge_and_assign_from_the_page(client, fw, other_fw):
    original, copy = file_report(fw), file_report(fw)
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    base = f"/phan-anh/quan-ly/{copy.code}/"
    assert client.post(f"{base}gop/", {"into": original.code.lower()}).status_code == 302
    copy.refresh_from_db()
    assert copy.status == S.DUPLICATE and copy.duplicate_of == original
    base = f"/phan-anh/quan-ly/{original.code}/"
    client.post(f"{base}tiep-nhan/")
    foreign = other_fw.departments["KT"]
    response = client.post(f"{base}chuyen/", {"department": foreign.pk})
    assert response.status_code == 400 and "Hãy chọn phòng/ban xử lý." in html(response)
    client.post(f"{base}chuyen/", {"department": fw.departments["VP"].pk})
    original.refresh_from_db()
    assert original.status == S.ASSIGNED and original.department == fw.departments["VP"]


def test_staff_of_another_department_get_403(client, fw):
    report = file_report(fw)
    official = fw.user(Role.COMMUNE_OFFICIAL)
    services.accept_report(official, report=report)
    services.assign_report(official, report=report, department=fw.departments["VP"])
    client.force_login(fw.user(Role.DEPARTMENT_STAFF))  # of KT
    page = html(client.get(f"/phan-anh/quan-ly/{report.code}/"))
    assert "Bắt đầu xử lý</button>" not in page
    base = f"/phan-anh/quan-ly/{report.code}/"
    for action, data in (("bat-dau", {}), ("tra-loi", {"answer": "Đã xử lý xong."})):
        response = client.post(f"{base}{action}/", data)
        assert response.status_code == 403
        assert "không được giao cho phòng/ban của bạn" in html(response)
    report.refresh_from_db()
    assert report.status == S.ASSIGNED


PAGES = [
    "",
    "lien-he/",
    "tiep-nhan/",
    "khong-tiep-nhan/",
    "gop/",
    "chuyen/",
    "bat-dau/",
    "tra-loi/",
]


@pytest.mark.parametrize("action", PAGES)
def test_another_communes_official_gets_404_everywhere(client, fw, other_fw, action):
    report = file_report(fw)
    url = f"/phan-anh/quan-ly/{report.code}/{action}"
    data = {
        "reason": "Không thuộc địa bàn.",
        "department": other_fw.departments["KT"].pk,
        "answer": "Đã xử lý xong.",
        "into": report.code,
    }
    for role in (Role.COMMUNE_OFFICIAL, Role.COMMUNE_LEADER, Role.DEPARTMENT_STAFF):
        client.force_login(other_fw.user(role))
        response = client.post(url, data) if action else client.get(url)
        assert response.status_code == 404, role
    report.refresh_from_db()
    assert report.status == S.NEW and report.events.count() == 1
    assert not AuditLog.objects.filter(action=AuditAction.READ_PII).exists()


def test_actions_only_accept_post(client, fw):
    report = file_report(fw)
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    assert client.get(f"/phan-anh/quan-ly/{report.code}/tiep-nhan/").status_code == 405
    assert client.get(f"/phan-anh/tra-cuu/{report.code}/danh-gia/").status_code == 405


# ---------------------------------------------------------------------------------------------
# Filing on behalf of a resident


def test_group_leader_files_for_a_resident_of_their_group(client, fw):
    leader = fw.user(Role.GROUP_LEADER)
    client.force_login(leader)
    page = html(client.get("/phan-anh/quan-ly/tao-moi/"))
    own = fw.ward.groups[0]
    assert f'<option value="{own.pk}" selected>{own.name}</option>' in page
    assert fw.ward.groups[1].name not in page
    data = form_data(fw, latitude="", longitude="", address="Đầu ngõ 12", group=own.pk)
    response = client.post("/phan-anh/quan-ly/tao-moi/", data)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == (
        f"/phan-anh/quan-ly/{report.code}/"
    )
    assert report.channel == Channel.GROUP and report.group == own and report.filed_by == leader


def test_official_takes_a_hotline_call(client, fw):
    client.force_login(fw.user(Role.COMMUNE_OFFICIAL))
    page = html(client.get("/phan-anh/quan-ly/tao-moi/"))
    assert "Người gọi đến" in page and 'name="reporter_phone"' in page
    data = form_data(fw, reporter_name="Trần Văn Bảo", reporter_phone="0988111222")
    assert client.post("/phan-anh/quan-ly/tao-moi/", data).status_code == 302
    report = Report.objects.get()
    assert report.channel == Channel.HOTLINE and report.reporter_name == "Trần Văn Bảo"


def test_staff_and_other_roles_cannot_file_on_behalf(client, fw):
    for role in (Role.DEPARTMENT_STAFF, Role.PROVINCE_OFFICIAL, Role.COMMUNITY_TECH):
        client.force_login(fw.user(role))
        assert client.get("/phan-anh/quan-ly/tao-moi/").status_code == 403
        assert client.post("/phan-anh/quan-ly/tao-moi/", form_data(fw)).status_code == 403
    assert not Report.objects.exists()


# ---------------------------------------------------------------------------------------------
# Notifications


def test_bell_counts_unread_and_the_inbox_marks_them_read(client, fw):
    official, staff = fw.user(Role.COMMUNE_OFFICIAL), fw.user(Role.DEPARTMENT_STAFF)
    notify([official], title="Phản ánh PA-2026-000001 quá hạn", url="/phan-anh/quan-ly/x/")
    notify([official], title="Thông báo thứ hai")
    notify([staff], title="Không phải của cán bộ")
    client.force_login(official)
    page = html(client.get("/phan-anh/quan-ly/"))
    assert re.search(r'class="bell-count">2<', page)
    inbox = html(client.get("/phan-anh/thong-bao/"))
    assert "quá hạn" in inbox and "Thông báo thứ hai" in inbox
    assert "Không phải của cán bộ" not in inbox
    assert inbox.count('class="card fb-unread"') == 2  # marked as new on this visit
    assert 'href="/phan-anh/quan-ly/x/"' in inbox
    assert not Notification.objects.filter(user=official, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=staff, read_at__isnull=True).count() == 1
    assert "bell-count" not in html(client.get("/phan-anh/quan-ly/"))
    assert "fb-unread" not in html(client.get("/phan-anh/thong-bao/"))


def test_mark_notifications_read_only_touches_the_actors_own(fw):
    from xaso.core.services import mark_notifications_read

    official, staff = fw.user(Role.COMMUNE_OFFICIAL), fw.user(Role.DEPARTMENT_STAFF)
    notify([official, staff], title="Một")
    notify([official], title="Hai")
    first = Notification.objects.filter(user=official).order_by("id").first()
    assert mark_notifications_read(official, ids=[first.pk]) == 1
    assert mark_notifications_read(official) == 1
    assert mark_notifications_read(None) == 0
    assert Notification.objects.filter(user=staff, read_at__isnull=True).count() == 1


def test_citizen_account_sees_the_public_home(client, fw):
    citizen = create_user(None, username="dan", password="x", role=Role.CITIZEN, unit=None)
    client.force_login(citizen)
    assert "Gửi phản ánh" in html(client.get("/"))
    assert client.get("/phan-anh/quan-ly/").status_code == 403


def test_pages_render_in_english_too(client, fw):
    """The strings are in the catalogue's hands; here only that every page renders."""
    report = resolved_report(fw)
    client.cookies["django_language"] = "en"
    for url in ("/", "/phan-anh/", "/phan-anh/gui/", "/phan-anh/tra-cuu/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/phan-anh/tra-cuu/{report.code}/").status_code == 200
    client.force_login(fw.user(Role.COMMUNE_LEADER))
    for url in ("/phan-anh/quan-ly/", f"/phan-anh/quan-ly/{report.code}/", "/phan-anh/thong-bao/"):
        response = client.get(url)
        assert response.status_code == 200 and '<html lang="en">' in html(response), url
