"""Officials' pages of dossiers and the index: who may open them (login, commune roles, the
province read-only), tenancy on every page and action, the list's filters and the records
behind every indicator, the desk form, the import page, statistics, the index and its trend."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from tests.publicservices.dossier_helpers import (
    make_dossier,
    october_dossiers,
    rollup,
    standard_procedures,
    vn,
)
from tests.publicservices.test_import import ROWS, xlsx
from xaso.core.choices import Role
from xaso.publicservices.index import compute_index, month_period
from xaso.publicservices.models import Dossier

LIST = "/dich-vu-cong/ho-so/"
OCTOBER = month_period(dt.date(2025, 10, 1))


@pytest.fixture
def october(ward):
    p, dossiers = october_dossiers(ward.unit)
    return ward, p, dossiers


@pytest.fixture
def two_wards(october, other_ward):
    ward, p, dossiers = october
    other = make_dossier(
        other_ward.unit, p["sign"], "GV-1", vn(2025, 10, 6, 9), due=vn(2025, 10, 6, 17)
    )
    rollup(other_ward.unit)
    return ward, other_ward, p, dossiers, other


def login(client: Client, user) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def pages(dossier) -> list[str]:
    return [
        LIST,
        f"{LIST}?thang=2025-10",
        f"{LIST}?chi_so=on_time&thang=2025-10",
        f"{LIST}{dossier.pk}/",
        f"{LIST}tiep-nhan/",
        f"{LIST}nhap/",
        f"{LIST}nhap/mau.xlsx",
        f"{LIST}thong-ke/?thang=2025-10",
        "/dich-vu-cong/chi-so/?thang=2025-10",
        "/dich-vu-cong/chi-so/xu-huong.json?thang=2025-10",
    ]


def codes(html: str) -> set[str]:
    return set(re.findall(r'href="/dich-vu-cong/ho-so/\d+/">([^<]+)</a>', html))


def test_anonymous_visitors_are_sent_to_the_login(client, october):
    _ward, _p, d = october
    for url in pages(d["D1"]):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url


@pytest.mark.parametrize("role", [Role.GROUP_LEADER, Role.COMMUNITY_TECH])
def test_roles_without_dossiers_get_403_everywhere(client, october, role):
    ward, _p, d = october
    login(client, ward.user(role))
    for url in pages(d["D1"]):
        assert client.get(url).status_code == 403, url
    for action in ("tra-ket-qua", "danh-gia", "thu-xin-loi"):
        assert client.post(f"{LIST}{d['D5'].pk}/{action}/").status_code == 403


def test_a_commune_official_sees_only_their_commune(client, two_wards):
    ward, other_ward, _p, d, other = two_wards
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    for url in pages(d["D1"]):
        assert client.get(url).status_code == 200, url
    html = client.get(f"{LIST}?thang=2025-10").content.decode()
    assert codes(html) == {"D1", "D3", "D4", "D5", "D6", "D7", "D8"}
    assert client.get(f"{LIST}?q=GV").content.decode().count("GV-1") == 0
    assert client.get(f"{LIST}{other.pk}/").status_code == 404
    for action in ("tra-ket-qua", "danh-gia", "thu-xin-loi"):
        assert client.post(f"{LIST}{other.pk}/{action}/").status_code == 404
    # Another commune's code in the filters is refused, not silently widened.
    assert client.get(f"{LIST}?don_vi={other_ward.unit.code}").status_code == 404
    assert client.get(f"/dich-vu-cong/chi-so/?don_vi={other_ward.unit.code}").status_code == 404
    stats = client.get(f"{LIST}thong-ke/?thang=2025-10").content.decode()
    assert "Chứng thực chữ ký" in stats
    # The other commune's official sees its one dossier and none of Xuân Đỉnh's.
    login(client, other_ward.user(Role.COMMUNE_OFFICIAL))
    assert codes(client.get(f"{LIST}?thang=2025-10").content.decode()) == {"GV-1"}
    for dossier in d.values():
        assert client.get(f"{LIST}{dossier.pk}/").status_code == 404
    trend = client.get("/dich-vu-cong/chi-so/xu-huong.json?thang=2025-10").json()
    assert trend["received"][-1] == 1


def test_a_commune_of_another_province_sees_nothing_of_hanoi(client, two_wards, far_ward):
    _ward, _other, _p, d, _o = two_wards
    login(client, far_ward.user(Role.COMMUNE_OFFICIAL))
    assert codes(client.get(f"{LIST}?thang=2025-10").content.decode()) == set()
    assert client.get(f"{LIST}{d['D1'].pk}/").status_code == 404
    login(client, far_ward.user(Role.PROVINCE_OFFICIAL))
    assert codes(client.get(f"{LIST}?thang=2025-10").content.decode()) == set()
    assert client.get(f"{LIST}{d['D1'].pk}/").status_code == 404


def test_the_province_reads_every_commune_and_writes_nothing(client, two_wards):
    ward, other_ward, _p, d, other = two_wards
    login(client, ward.user(Role.PROVINCE_OFFICIAL))
    html = client.get(f"{LIST}?thang=2025-10").content.decode()
    assert codes(html) == {"D1", "D3", "D4", "D5", "D6", "D7", "D8", "GV-1"}
    assert 'name="don_vi"' in html  # the commune picker
    one = client.get(f"{LIST}?thang=2025-10&don_vi={other_ward.unit.code}").content.decode()
    assert codes(one) == {"GV-1"}
    assert client.get(f"{LIST}{other.pk}/").status_code == 200
    assert client.get(f"{LIST}tiep-nhan/").status_code == 403
    assert client.get(f"{LIST}nhap/").status_code == 403
    response = client.post(
        f"{LIST}{d['D5'].pk}/tra-ket-qua/",
        {"result": "approved", "finished_at": "2025-10-20T09:00"},
    )
    assert response.status_code == 403
    assert Dossier.objects.get(pk=d["D5"].pk).finished_at is None
    # The index of the whole province and of one commune.
    whole = client.get("/dich-vu-cong/chi-so/?thang=2025-10").content.decode()
    assert "2 xã/phường" in whole
    index = compute_index([ward.unit.id], *OCTOBER)
    single = client.get(f"/dich-vu-cong/chi-so/?thang=2025-10&don_vi={ward.unit.code}")
    assert f"{index.points:.2f}".replace(".", ",") in single.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("thang=2025-09", {"D2"}),
        ("thang=2025-10&thu_tuc=dang-ky-khai-sinh", {"D3", "D8"}),
        ("thang=2025-10&linh_vuc=cu-tru", {"D4", "D5"}),
        ("thang=2025-10&kenh=truc-tuyen", {"D3", "D4"}),
        ("trang_thai=dang-giai-quyet", {"D5"}),
        ("trang_thai=dung-han", {"D1", "D2", "D3", "D6", "D7", "D8"}),
        ("trang_thai=tre-han", {"D4", "D5"}),
        ("trang_thai=cho-thu-xin-loi", {"D4"}),
        ("q=d4", {"D4"}),
        ("thang=khong-hop-le&q=D1", {"D1"}),
        ("kenh=fax&q=D1", {"D1"}),  # an unknown value is ignored
    ],
)
def test_list_filters(client, october, query, expected):
    ward, _p, _d = october
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert codes(response.content.decode()) == expected


def test_the_index_page_links_to_the_records_behind_each_indicator(client, october):
    ward, _p, _d = october
    login(client, ward.user(Role.COMMUNE_LEADER))
    html = client.get("/dich-vu-cong/chi-so/?thang=2025-10").content.decode()
    index = compute_index([ward.unit.id], *OCTOBER)
    assert f"{index.points:.2f}".replace(".", ",") in html
    for group in index.groups:
        assert group.name in html
        for indicator in group.indicators:
            assert indicator.formula in html.replace("&quot;", '"')
    links = re.findall(r'href="(/dich-vu-cong/ho-so/\?[^"]+)"', html)
    assert len(links) == 2 * sum(1 for g in index.groups for i in g.indicators if i.records)
    for link in links:
        link = link.replace("&amp;", "&")
        listed = codes(client.get(link).content.decode())
        name = re.search(r"chi_so=(\w+)", link)[1]
        # 3.5b counts procedures, not dossiers: its links are 3.6's.
        indicator = next(
            i for g in index.groups for i in g.indicators if i.records == name and i.code != "3.5b"
        )
        if "phan=mau" in link:
            assert len(listed) == indicator.denominator, link
        elif indicator.code != "5.4":  # 5.4 lists the rows it subtracts
            assert len(listed) == indicator.numerator, link
    assert codes(client.get(f"{LIST}?chi_so=late_or_unhappy&thang=2025-10").content.decode()) == {
        "D2",
        "D4",
    }


def test_the_trend(client, october):
    ward, _p, _d = october
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    data = client.get("/dich-vu-cong/chi-so/xu-huong.json?thang=2025-10").json()
    assert len(data["months"]) == 12 and data["months"][-1] == "10/2025"
    assert data["months"][0] == "11/2024"
    assert data["total"][-1] == compute_index([ward.unit.id], *OCTOBER).points
    assert [g["max"] for g in data["groups"]] == [18, 20, 22, 22, 18]
    assert data["received"][-2:] == [1, 7]


def test_the_statistics_page(client, october):
    ward, _p, _d = october
    login(client, ward.user(Role.DEPARTMENT_STAFF))
    html = client.get(f"{LIST}thong-ke/?thang=2025-10").content.decode()
    assert "Theo lĩnh vực" in html and "Theo thủ tục" in html
    assert "Đăng ký thường trú" in html and "Cư trú" in html
    total = re.search(r'<tr class="ps-total">(.*?)</tr>', html, re.S)[1]
    numbers = re.findall(r'<td class="num">([^<]*)</td>', total)
    # received, resolved, on time, late, on time %, full online %, partial online %, paid online
    # %, electronic results %, satisfied %
    assert numbers == ["7", "5", "4", "1", "80,0", "28,6", "0,0", "40,0", "40,0", "50,0"]
    empty = client.get(f"{LIST}thong-ke/?thang=2024-01").content.decode()
    assert "Không có hồ sơ nào trong tháng." in empty


def test_the_desk_records_finishes_rates_and_marks_the_apology(client, ward):
    p = standard_procedures()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    login(client, official)
    form = client.get(f"{LIST}tiep-nhan/").content.decode()
    assert "Đăng ký thường trú" in form and 'type="datetime-local"' in form
    received = timezone.localtime() - dt.timedelta(days=20)
    response = client.post(
        f"{LIST}tiep-nhan/",
        {
            "code": "00611-TEST-1",
            "procedure": p["residence"].pk,
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "channel": "truc-tiep",
            "digitized": "on",
        },
    )
    dossier = Dossier.objects.get(code="00611-TEST-1")
    assert response.status_code == 302 and response["Location"] == f"{LIST}{dossier.pk}/"
    assert dossier.official == official and dossier.digitized and dossier.source == "desk"
    # The same code again: the form says so.
    again = client.post(
        f"{LIST}tiep-nhan/",
        {
            "code": "00611-TEST-1",
            "procedure": p["residence"].pk,
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "channel": "truc-tiep",
        },
    )
    assert again.status_code == 400 and "đã có trong" in again.content.decode()
    # Finished late (20 days for a 7-working-day procedure): an apology letter is due.
    response = client.post(
        f"{LIST}{dossier.pk}/tra-ket-qua/",
        {"result": "approved", "finished_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    page = client.get(f"{LIST}{dossier.pk}/").content.decode()
    assert "Đã gửi thư xin lỗi" in page and "Trễ hạn" in page
    assert (
        client.post(f"{LIST}{dossier.pk}/danh-gia/", {"satisfaction": "neutral"}).status_code == 302
    )
    assert client.post(f"{LIST}{dossier.pk}/thu-xin-loi/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.satisfaction == "neutral" and dossier.apology_sent_at is not None
    # A second letter: refused with the reason, nothing changes.
    response = client.post(f"{LIST}{dossier.pk}/thu-xin-loi/")
    assert response.status_code == 400 and "đã được ghi nhận" in response.content.decode()
    # A bad result form: shown again with the error.
    response = client.post(f"{LIST}{dossier.pk}/danh-gia/", {"satisfaction": "tuyệt"})
    assert response.status_code == 400


def test_the_desk_form_reports_bad_input(client, ward):
    p = standard_procedures()
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    response = client.post(
        f"{LIST}tiep-nhan/",
        {"code": "", "procedure": p["sign"].pk, "received_at": "hôm qua", "channel": "truc-tiep"},
    )
    assert response.status_code == 400 and not Dossier.objects.exists()
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"{LIST}tiep-nhan/",
        {"code": "A", "procedure": p["sign"].pk, "received_at": future, "channel": "truc-tiep"},
    )
    assert response.status_code == 400 and "không được ở tương lai" in response.content.decode()


def test_the_import_page(client, ward, other_ward):
    standard_procedures()
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    template = client.get(f"{LIST}nhap/mau.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    file = xlsx(ROWS)
    response = client.post(f"{LIST}nhap/", {"file": file})
    assert response.status_code == 302
    assert Dossier.objects.filter(unit=ward.unit).count() == 5
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập 5 hồ sơ: 5 mới" in page
    # A file with an error: the errors on the page and a report to download, nothing new.
    bad = xlsx([*ROWS, ["HS-9", "khong-co", "01/10/2025 08:00", "Trực tiếp", "", "", "", ""]])
    response = client.post(f"{LIST}nhap/", {"file": bad})
    html = response.content.decode()
    assert response.status_code == 400 and "Không nhập hồ sơ nào" in html
    assert "Không có thủ tục “khong-co”" in html
    report = re.search(r'href="(/dich-vu-cong/ho-so/nhap/loi/[^"]+\.xlsx)"', html)[1]
    download = client.get(report)
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert Dossier.objects.count() == 5
    # The report is the uploader's: another official cannot fetch it.
    other = login(Client(), other_ward.user(Role.COMMUNE_OFFICIAL))
    assert other.get(report).status_code == 404
    assert client.post(f"{LIST}nhap/", {}).status_code == 400


def test_department_staff_work_at_the_desk_but_do_not_import(client, october):
    ward, _p, _d = october
    login(client, ward.user(Role.DEPARTMENT_STAFF))
    assert client.get(f"{LIST}tiep-nhan/").status_code == 200
    assert client.get(f"{LIST}nhap/").status_code == 403


def test_htmx_gets_the_results_only_and_the_list_has_few_queries(
    client, october, django_assert_max_num_queries
):
    ward, _p, _d = october
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    response = client.get(f"{LIST}?thang=2025-10", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="result-count"' in html
    with django_assert_max_num_queries(12):
        client.get(f"{LIST}?thang=2025-10")


def test_pages_with_the_real_file_upload_size_limit(client, ward, settings):
    standard_procedures()
    settings.XASO_MAX_UPLOAD_BYTES = 10
    login(client, ward.user(Role.COMMUNE_OFFICIAL))
    response = client.post(f"{LIST}nhap/", {"file": xlsx(ROWS)})
    assert response.status_code == 400 and "Tệp quá lớn" in response.content.decode()


def test_urls_are_named():
    assert reverse("publicservices:dossiers") == LIST
    assert reverse("publicservices:service_index") == "/dich-vu-cong/chi-so/"
    assert reverse("publicservices:dossier_import_errors", args=["abc"]).endswith("abc.xlsx")
