"""The catalogue pages: the citizen's list with search as you type and filters, a procedure's
page and its history, the lĩnh vực files — without an account — and the officials' edit and
import pages, each checked against who may use it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.publicservices.catalogue_helpers import field_yaml, load_shipped, procedure, shipped
from xaso.core.choices import Role
from xaso.publicservices.catalogue import load_catalogue
from xaso.publicservices.choices import Channel
from xaso.publicservices.forms_catalogue import ProcedureForm
from xaso.publicservices.models import Dossier, ProcedureVersion
from xaso.publicservices.services.catalogue import edit_procedure

SHIPPED = load_catalogue()
LIST = "/dich-vu-cong/"
BIRTH = "/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/"


@pytest.fixture
def catalogue(db):
    load_shipped()


def html(response) -> str:
    return response.content.decode()


def names(response) -> list[str]:
    return re.findall(r'class="ps-name"[^>]*>([^<]+)</a>', html(response))


def edit_post(data: dict, **changes) -> dict:
    """The edit form as the browser posts it, from a procedure dict, with changes."""
    post = {"change_note": "Sửa theo văn bản mới"}
    for key, value in ProcedureForm.initial_for(data).items():
        if value is None or value is False:
            continue
        post[key] = "on" if value is True else (value if isinstance(value, list) else str(value))
    post.update(changes)
    return post


# --- the list ---------------------------------------------------------------------------------


def test_the_list_needs_no_account_and_shows_every_procedure(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    page = html(response)
    assert "<h1>Thủ tục hành chính</h1>" in page
    assert len(names(response)) == len(SHIPPED)
    assert f"{len(SHIPPED)} thủ tục" in page
    # Browsing starts with the largest lĩnh vực (hộ tịch: what citizens come for most).
    assert names(response)[0].startswith(("Cấp", "Đăng ký", "Liên thông", "Bổ sung", "Thay đổi"))
    civil = sum(p["field_code"] == "ho-tich" for p in SHIPPED)
    assert f'?linh_vuc=ho-tich">Hộ tịch <span class="ps-count">{civil}</span>' in page
    assert 'href="/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/"' in page
    assert "Sửa thủ tục" not in page and "Nhập danh mục" not in page


@pytest.mark.parametrize(
    "q", ["khai sinh", "dang ky khai sinh", "Đăng ký khai sinh", "DANG KY KHAI SINH"]
)
def test_search_finds_birth_registration_first(client, catalogue, q):
    response = client.get(LIST, {"q": q})
    assert names(response)[0] == "Đăng ký khai sinh"
    assert f"khớp «{q}»" in html(response)


def test_name_matches_come_before_keyword_and_purpose_matches(client, catalogue):
    found = names(client.get(LIST, {"q": "khai sinh"}))
    in_name = [name for name in found if "khai sinh" in name.lower()]
    assert found[: len(in_name)] == in_name  # every name match before the others
    assert len(found) > len(in_name)  # … which are there too, found by keywords or purpose
    assert found[:2] == ["Đăng ký khai sinh", "Đăng ký lại khai sinh"]


def test_words_are_matched_at_their_start(client, catalogue):
    assert "Đăng ký tạm trú" in names(client.get(LIST, {"q": "tam tr"}))
    assert names(client.get(LIST, {"q": "am tru"})) == []  # "am" starts no word of "tạm trú"
    response = client.get(LIST, {"q": "xyzxyz"})
    assert "Không tìm thấy thủ tục nào" in html(response)


def test_typing_updates_only_the_results(client, catalogue):
    response = client.get(LIST, {"q": "dang ky khai sinh"}, HTTP_HX_REQUEST="true")
    page = html(response)
    assert "<html" not in page and 'id="result-count"' in page
    assert names(response)[0] == "Đăng ký khai sinh"


def test_filters_by_field_and_online_level_with_counts(client, catalogue):
    response = client.get(LIST, {"linh_vuc": "cu-tru"})
    residence = [p["name"] for p in SHIPPED if p["field_code"] == "cu-tru"]
    assert sorted(names(response)) == sorted(residence)
    assert 'aria-current="true">Đăng ký, quản lý cư trú' in html(response)

    response = client.get(LIST, {"muc_do": "khong"})
    assert len(names(response)) == sum(p["online_level"] == "khong" for p in SHIPPED)
    assert client.get(LIST, {"muc_do": "bay"}).status_code == 200  # ignored

    # Counts per lĩnh vực follow the search, before the lĩnh vực filter.
    response = client.get(LIST, {"q": "khai sinh", "linh_vuc": "cu-tru"})
    page = html(response)
    assert all("thường trú" in name or "tạm trú" in name.lower() for name in names(response))
    total = len(names(client.get(LIST, {"q": "khai sinh"})))
    assert f'>Tất cả <span class="ps-count">{total}</span>' in page


def test_the_list_costs_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(LIST)
    with django_assert_max_num_queries(3):
        client.get(LIST, {"q": "khai sinh"}, HTTP_HX_REQUEST="true")


# --- a procedure's page -----------------------------------------------------------------------


def test_the_procedure_page_says_everything_a_citizen_needs(client, catalogue):
    response = client.get(BIRTH)
    assert response.status_code == 200
    page = html(response)
    data = shipped("dang-ky-khai-sinh")
    assert '<h1 id="ps-title">Đăng ký khai sinh</h1>' in page
    assert data["purpose"] in page
    for applicant in data["applicants"]:
        assert applicant in page
    for document in data["documents"]:
        assert document["name"] in page
    assert "Bản chính · 1 bản" in page and "Xuất trình" in page
    assert "<b>Chỉ khi:</b> Trẻ bị bỏ rơi" in page
    # The form is named and said to be at the desk: no file is invented.
    assert "Tờ khai đăng ký khai sinh (mẫu của Bộ Tư pháp)" in page
    assert "nhận mẫu tại Bộ phận một cửa" in page
    assert not re.search(r'href="[^"]+\.(docx?|pdf|xlsx?)"', page)
    for label in ("Trực tiếp tại bộ phận một cửa", "Trực tuyến", "Bưu chính công ích"):
        assert label in page
    assert 'class="ps-level ps-level-toan-trinh">Trực tuyến toàn trình' in page
    assert "Trong ngày làm việc" in page and data["time_limit"]["note"] in page
    assert "Miễn lệ phí khi đăng ký đúng hạn" in page
    for step in data["steps"]:
        assert step in page
    assert "Luật Hộ tịch 2014 (Điều 11, 13, 14, 15, 16)" in page
    assert data["result"] in page
    assert "Phiên bản 1, áp dụng từ 01/07/2025" in page
    assert "Lịch sử thay đổi" in page and "Đưa vào danh mục." in page
    assert "Xem bản mới nhất: http://testserver/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/" in page
    assert "xaso/publicservices.css" in page and "Sửa thủ tục" not in page


def test_every_procedure_page_renders(client, catalogue):
    for entry in SHIPPED:
        response = client.get(f"/dich-vu-cong/thu-tuc/{entry['code']}/")
        assert response.status_code == 200, entry["code"]
        assert entry["name"] in html(response)


def test_an_unknown_procedure_is_404(client, catalogue):
    assert client.get("/dich-vu-cong/thu-tuc/khong-co/").status_code == 404
    assert client.get("/dich-vu-cong/thu-tuc/khong-co/lich-su/").status_code == 404


def test_an_inactive_procedure(client, ward):
    load_shipped()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    edit_procedure(
        official,
        procedure=procedure("dang-ky-khai-tu"),
        data=shipped("dang-ky-khai-tu"),
        note="Bãi bỏ",
        active=False,
    )
    assert "Đăng ký khai tử" not in names(client.get(LIST))
    page = html(client.get("/dich-vu-cong/thu-tuc/dang-ky-khai-tu/"))
    assert "Thủ tục này đã ngưng áp dụng" in page
    client.force_login(official)
    response = client.get(LIST, {"q": "khai tu"})
    assert "Đăng ký khai tử" in names(response) and "Ngưng áp dụng" in html(response)


# --- history ----------------------------------------------------------------------------------


def test_history_compares_two_versions_side_by_side(client, ward):
    load_shipped()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    data = shipped("dang-ky-khai-sinh")
    data["documents"][1]["quantity"] = 2
    data["steps"].append("Lưu hồ sơ.")
    data["effective_date"] = "2026-01-01"
    edit_procedure(official, procedure=procedure("dang-ky-khai-sinh"), data=data, note="Sửa")

    page = html(client.get(BIRTH))
    assert "Phiên bản 2, áp dụng từ 01/01/2026" in page
    assert "Thay đổi: Thành phần hồ sơ, Trình tự thực hiện, Ngày áp dụng." in page

    response = client.get(f"{BIRTH}lich-su/")
    page = html(response)
    assert response.status_code == 200
    assert "Phiên bản 1 và 2" in page
    assert (
        '<div class="ps-line ps-removed"><span class="sr-only">bỏ: </span>Giấy chứng sinh' in page
    )
    assert "bản chính | 2" in page
    assert '<span class="sr-only">thêm: </span>Lưu hồ sơ.</div>' in page
    assert '<div class="ps-line ps-same">Trả Giấy khai sinh' in page
    assert "Người sửa" not in page and official.display_name not in page  # the public

    client.force_login(official)
    page = html(client.get(f"{BIRTH}lich-su/", {"tu": 2, "den": 2}))
    assert "Hai phiên bản có cùng nội dung." in page
    assert "Người sửa" in page and official.display_name in page
    assert client.get(f"{BIRTH}lich-su/", {"tu": 1, "den": 9}).status_code == 404


def test_history_of_a_procedure_with_one_version(client, catalogue):
    page = html(client.get(f"{BIRTH}lich-su/"))
    assert "Thủ tục mới có một phiên bản." in page


# --- a lĩnh vực as a file ---------------------------------------------------------------------


def test_a_field_file_reads_back_as_the_same_catalogue(client, catalogue, tmp_path):
    response = client.get("/dich-vu-cong/danh-muc/ho-tich.yaml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ho-tich.yaml"'
    (tmp_path / "ho-tich.yaml").write_bytes(response.content)
    expected = [p for p in SHIPPED if p["field_code"] == "ho-tich"]
    assert load_catalogue(tmp_path) == expected
    assert client.get("/dich-vu-cong/danh-muc/khong-co.yaml").status_code == 404


# --- editing ----------------------------------------------------------------------------------


def test_editing_needs_a_commune_leader_or_official(client, ward):
    load_shipped()
    url = f"{BIRTH}sua/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    for role in (Role.GROUP_LEADER, Role.DEPARTMENT_STAFF, Role.PROVINCE_OFFICIAL):
        client.force_login(ward.user(role))
        assert client.get(url).status_code == 403, role
        assert client.post(url, edit_post(shipped("dang-ky-khai-sinh"))).status_code == 403
    assert procedure("dang-ky-khai-sinh").version == 1
    client.force_login(ward.user(Role.COMMUNE_LEADER))
    assert client.get(url).status_code == 200


def test_an_official_edits_and_a_version_is_kept(client, ward):
    load_shipped()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    client.force_login(official)
    page = html(client.get(BIRTH))
    assert f'href="{BIRTH}sua/"' in page
    form = html(client.get(f"{BIRTH}sua/"))
    assert "Tờ khai đăng ký khai sinh | bản chính | 1 | mẫu: Tờ khai đăng ký khai sinh" in form
    assert 'value="2025-07-01"' in form

    data = shipped("dang-ky-khai-sinh")
    documents = ProcedureForm.initial_for(data)["documents"] + (
        "\nSổ hộ khẩu cũ | xuất trình | 1 | khi: Chưa có dữ liệu cư trú"
    )
    post = edit_post(data, documents=documents, effective_date="2026-02-01")
    response = client.post(f"{BIRTH}sua/", post)
    assert response.status_code == 302 and response["Location"] == BIRTH
    birth = procedure("dang-ky-khai-sinh")
    assert birth.version == 2 and birth.effective_date == dt.date(2026, 2, 1)
    assert birth.data["documents"][-1] == {
        "name": "Sổ hộ khẩu cũ",
        "original_or_copy": "xuat-trinh",
        "quantity": 1,
        "required": False,
        "condition": "Chưa có dữ liệu cư trú",
    }
    version = birth.versions.get(version=2)
    assert version.note == "Sửa theo văn bản mới" and version.changed_by == official
    assert "Đã lưu phiên bản 2 của thủ tục." in html(client.get(BIRTH))

    # Saving the same again keeps no version.
    response = client.post(f"{BIRTH}sua/", edit_post(birth.data))
    assert response.status_code == 302
    assert procedure("dang-ky-khai-sinh").version == 2
    assert "Không có gì thay đổi" in html(client.get(BIRTH))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"documents": "Tờ khai | bản photo | 1"},
            "documents",
            "Dòng 1: không hiểu «bản photo»",
        ),
        ({"documents": ""}, "documents", "Trường này là bắt buộc."),
        (
            {"channels": ["truc-tiep"]},
            "online_level",
            "trực tuyến toàn trình thì phải nhận hồ sơ trực tuyến",
        ),
        ({"steps": "Chỉ một bước"}, "steps", "Trình tự thực hiện: cần ít nhất 2 mục"),
        ({"time_limit_value": "0"}, "time_limit_value", ""),
        (
            {"extended_value": "5"},
            "extended_value",
            "Thời hạn kéo dài cần đủ số, đơn vị và trường hợp được kéo dài.",
        ),
        ({"change_note": ""}, "change_note", "Hãy ghi nội dung thay đổi."),
        ({"effective_date": "30/02/2026"}, "effective_date", ""),
    ],
)
def test_a_bad_edit_shows_vietnamese_errors_and_saves_nothing(
    client, ward, changes, field, message
):
    load_shipped()
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    response = client.post(f"{BIRTH}sua/", edit_post(shipped("dang-ky-khai-sinh"), **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert "Chưa lưu: hãy sửa các mục dưới đây." in html(response)
    assert ProcedureVersion.objects.filter(procedure__code="dang-ky-khai-sinh").count() == 1


# --- importing --------------------------------------------------------------------------------


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/yaml")


def test_importing_needs_a_commune_leader_or_official(client, ward):
    url = "/dich-vu-cong/danh-muc/nhap/"
    assert client.get(url).status_code == 302
    client.force_login(ward.user(Role.GROUP_LEADER))
    assert client.get(url).status_code == 403
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    assert client.get(url).status_code == 200


def test_an_official_imports_a_file_and_sees_the_counts(client, ward):
    load_shipped()
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    page = html(client.get("/dich-vu-cong/danh-muc/nhap/"))
    assert 'href="/dich-vu-cong/danh-muc/ho-tich.yaml"' in page
    birth = shipped("dang-ky-khai-sinh")
    birth["result"] = "Giấy khai sinh bản chính."
    new = {**shipped("dang-ky-khai-tu"), "code": "thu-tuc-thu", "name": "Thủ tục thử"}
    response = client.post(
        "/dich-vu-cong/danh-muc/nhap/",
        {"files": [upload("ho-tich.yaml", field_yaml([birth, new]))], "note": "Quyết định 1"},
    )
    assert response.status_code == 200
    assert "Thêm mới 1, cập nhật 1, giữ nguyên 0 thủ tục." in html(response)
    assert procedure("thu-tuc-thu").versions.get().note == "Quyết định 1"


def test_a_bad_import_lists_its_problems_and_saves_nothing(client, ward):
    load_shipped()
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    bad = shipped("dang-ky-khai-sinh")
    bad["documents"] = []
    response = client.post(
        "/dich-vu-cong/danh-muc/nhap/", {"files": [upload("ho-tich.yaml", field_yaml([bad]))]}
    )
    assert response.status_code == 400
    page = html(response)
    assert "Chưa nhập gì: tệp có 1 lỗi." in page
    assert "ho-tich.yaml: thủ tục &#x27;dang-ky-khai-sinh&#x27;: Thành phần hồ sơ" in page
    assert procedure("dang-ky-khai-sinh").version == 1
    response = client.post("/dich-vu-cong/danh-muc/nhap/", {})
    assert response.status_code == 400 and "Hãy chọn tệp danh mục" in html(response)


# --- tenancy, navigation ----------------------------------------------------------------------


def test_no_dossier_of_any_commune_appears_on_catalogue_pages(client, ward, other_ward):
    load_shipped()
    now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    for unit, code in ((ward.unit, "HS-XD-0001"), (other_ward.unit, "HS-GV-0001")):
        Dossier.objects.create(
            unit=unit,
            code=code,
            procedure=procedure("dang-ky-khai-sinh"),
            received_at=now,
            due_at=now + dt.timedelta(days=1),
            channel=Channel.ONLINE,
        )
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    for url in (
        LIST,
        f"{LIST}?q=khai+sinh",
        BIRTH,
        f"{BIRTH}lich-su/",
        f"{BIRTH}sua/",
        "/dich-vu-cong/danh-muc/nhap/",
        "/dich-vu-cong/danh-muc/ho-tich.yaml",
    ):
        text = client.get(url).content.decode()
        assert "HS-XD" not in text and "HS-GV" not in text, url


def test_the_navigation_and_the_home_page_lead_to_the_catalogue(client, ward):
    page = html(client.get("/"))
    assert 'href="/dich-vu-cong/"' in page and "Thủ tục hành chính" in page
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    page = html(client.get(LIST))
    assert re.search(r'<a href="/dich-vu-cong/" aria-current="page">Thủ tục hành chính</a>', page)


# --- the Django admin -------------------------------------------------------------------------


def test_the_admin_edits_through_the_service_and_keeps_a_version(client, ward):
    import json

    load_shipped()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    official.__class__.objects.filter(pk=official.pk).update(is_staff=True)
    client.force_login(official)
    birth = procedure("dang-ky-khai-sinh")
    page = html(client.get("/quan-tri/publicservices/procedure/"))
    assert "Đăng ký khai sinh" in page and "/quan-tri/publicservices/procedure/add/" not in page
    url = f"/quan-tri/publicservices/procedure/{birth.pk}/change/"
    page = html(client.get(url))
    assert "Sửa bằng biểu mẫu" in page and "Cập nhật từ tệp danh mục" in page  # the versions

    data = shipped("dang-ky-khai-sinh")
    data["result"] = "Giấy khai sinh bản chính."
    post = {
        "data": json.dumps(data, ensure_ascii=False),
        "active": "on",
        "change_note": "Sửa trong trang quản trị",
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": str(birth.versions.get().pk),
        "versions-0-procedure": str(birth.pk),
    }
    response = client.post(url, post)
    assert response.status_code == 302, html(response)[:3000]
    birth.refresh_from_db()
    assert birth.version == 2 and birth.data["result"] == "Giấy khai sinh bản chính."
    assert birth.versions.get(version=2).note == "Sửa trong trang quản trị"

    data["steps"] = []
    post["data"] = json.dumps(data, ensure_ascii=False)
    post["versions-TOTAL_FORMS"] = post["versions-INITIAL_FORMS"] = "2"
    post["versions-1-id"] = str(birth.versions.get(version=2).pk)
    post["versions-1-procedure"] = str(birth.pk)
    response = client.post(url, post)
    assert response.status_code == 200
    assert "Trình tự thực hiện: không được để trống" in html(response)
    assert procedure("dang-ky-khai-sinh").version == 2
    assert client.post(f"/quan-tri/publicservices/procedure/{birth.pk}/delete/").status_code == 403


def test_the_admin_is_closed_to_roles_that_do_not_keep_the_catalogue(client, ward):
    load_shipped()
    for role in (Role.GROUP_LEADER, Role.DEPARTMENT_STAFF):
        user = ward.user(role)
        user.__class__.objects.filter(pk=user.pk).update(is_staff=True)
        client.force_login(user)
        assert client.get("/quan-tri/publicservices/procedure/").status_code == 403
