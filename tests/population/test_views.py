"""The HTML pages officials and group leaders use."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import PASSWORD
from xaso.core.choices import Role
from xaso.core.models import AuditLog


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_login_page_is_vietnamese_and_login_is_audited(client, ward):
    page = client.get("/dang-nhap/")
    assert "Đăng nhập" in page.content.decode() and '<html lang="vi"' in page.content.decode()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    response = client.post("/dang-nhap/", {"username": official.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="login", actor=official).exists()
    client.logout()
    wrong = client.post("/dang-nhap/", {"username": official.username, "password": "sai"})
    assert "không đúng" in wrong.content.decode()


def test_pages_need_login(client, ward):
    response = client.get("/dan-cu/nhan-khau/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_groups_page_shows_counts(client, ward):
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    html = client.get("/dan-cu/").content.decode()
    assert "Tổ dân phố số 1" in html and "Tổ dân phố số 2" in html
    assert "<b>3</b> hộ" in html and "<b>6</b> nhân khẩu" in html


def test_group_household_and_resident_pages(client, ward):
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    group, household, resident = ward.groups[0], ward.households[0], ward.residents[0]
    assert "HK0001" in client.get(f"/dan-cu/to/{group.id}/").content.decode()
    html = client.get(f"/dan-cu/ho/{household.id}/").content.decode()
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html and "Số 12, ngõ 34" in html
    html = client.get(f"/dan-cu/nhan-khau/{resident.id}/").content.decode()
    assert resident.national_id in html  # the register keeper sees it …
    assert AuditLog.objects.filter(
        action="read_pii", object_id=str(resident.id), via="web"
    ).exists()  # … and the read is on record


def test_search_page_finds_names_typed_without_diacritics(client, ward):
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    html = client.get("/dan-cu/nhan-khau/", {"q": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" not in html
    partial = client.get("/dan-cu/nhan-khau/", {"q": "dang thu"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "Đặng Thu Trang" in text and "<html" not in text  # only the results partial
    assert ward.residents[0].national_id not in html  # lists are masked


def test_group_leader_sees_only_their_group_and_masked_ids(client, ward):
    login(client, ward.user(Role.GROUP_LEADER))
    html = client.get("/dan-cu/").content.decode()
    assert "Tổ dân phố số 1" in html and "Tổ dân phố số 2" not in html
    assert client.get(f"/dan-cu/to/{ward.groups[1].id}/").status_code == 404
    assert client.get(f"/dan-cu/ho/{ward.households[2].id}/").status_code == 404
    resident = ward.residents[0]
    html = client.get(f"/dan-cu/nhan-khau/{resident.id}/").content.decode()
    assert resident.national_id not in html and resident.phone in html
    assert "Đặng Thu Trang" not in client.get("/dan-cu/nhan-khau/").content.decode()
    assert client.get("/dan-cu/nhap/").status_code == 404  # no import for group leaders


PAGES = [
    "/dan-cu/to/{group}/",
    "/dan-cu/to/{group}/xuat.xlsx",
    "/dan-cu/ho/{household}/",
    "/dan-cu/nhan-khau/{resident}/",
]


@pytest.mark.parametrize("page", PAGES)
def test_another_communes_pages_are_404(client, ward, other_ward, page):
    url = page.format(
        group=ward.groups[0].id, household=ward.households[0].id, resident=ward.residents[0].id
    )
    login(client, other_ward.user(Role.COMMUNE_OFFICIAL))
    assert client.get(url).status_code == 404
    client.logout()
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    assert client.get(url).status_code == 200


def test_lists_of_another_commune_show_nothing_of_this_one(client, ward, other_ward):
    login(client, other_ward.user(Role.COMMUNE_OFFICIAL))
    for url in ("/dan-cu/", "/dan-cu/nhan-khau/"):
        html = client.get(url).content.decode()
        assert f"/dan-cu/to/{ward.groups[0].id}/" not in html
        assert f"/dan-cu/nhan-khau/{ward.residents[0].id}/" not in html


def test_import_job_of_another_commune_is_404(client, ward, other_ward):
    from xaso.population.services import start_import

    job = start_import(
        ward.user(Role.COMMUNE_OFFICIAL), unit=ward.unit, file_name="a.csv", chunks=[b"x"]
    )
    login(client, other_ward.user(Role.COMMUNE_OFFICIAL))
    assert client.get(f"/dan-cu/nhap/{job.id}/").status_code == 404
    assert client.get(f"/dan-cu/nhap/{job.id}/loi.xlsx").status_code == 404


def test_roster_export_is_audited_and_masked_by_role(client, ward):
    group = ward.groups[0]
    login(client, ward.user(Role.DEPARTMENT_STAFF))
    response = client.get(f"/dan-cu/to/{group.id}/xuat.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    names = {r[4] for r in rows[1:]}
    assert names == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Nguyễn Minh Khôi",
        "Lê Văn Anh",
        "Phạm Thị Hoa",
    }
    assert all("••" in r[7] for r in rows[1:])
    log = AuditLog.objects.get(action="export", object_id=str(group.id))
    assert log.changes["national_id_clear"] is False


@pytest.mark.django_db(transaction=True)
def test_web_import_shows_progress_and_result(client, ward):
    from tests.population.test_import import family_rows, xlsx

    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    upload = io.BytesIO(xlsx(family_rows()))
    upload.name = "ho-moi.xlsx"
    response = client.post("/dan-cu/nhap/", {"file": upload})
    assert response.status_code == 302
    status = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Đã nhập 4 dòng" in status and 'value="100"' in status


@pytest.mark.django_db(transaction=True)
def test_web_import_failure_offers_the_error_report(client, ward):
    from tests.population.test_import import row, xlsx

    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    upload = io.BytesIO(xlsx([row(group="TDP99")]))
    upload.name = "sai.xlsx"
    location = client.post("/dan-cu/nhap/", {"file": upload})["Location"]
    html = client.get(location).content.decode()
    assert "không dòng nào được nhập" in html and "loi.xlsx" in html
    report = client.get(location + "loi.xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("Dòng", "Cột", "Lỗi") and rows[1][:2] == (2, "Mã tổ dân phố")


def test_healthz(client, db):
    assert client.get("/healthz").json()["status"] == "ok"
