"""The public catalogue API: /api/v1/procedures (search, filters, pages) and
/api/v1/procedures/{code} (everything, with the history) — no login, documented in OpenAPI."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.publicservices.catalogue_helpers import load_shipped, procedure, shipped
from xaso.core.choices import Role
from xaso.publicservices.catalogue import load_catalogue
from xaso.publicservices.choices import Channel
from xaso.publicservices.models import Dossier
from xaso.publicservices.services.catalogue import edit_procedure

SHIPPED = load_catalogue()


@pytest.fixture
def catalogue(db):
    load_shipped()


def test_the_list_needs_no_login(client, catalogue):
    response = client.get("/api/v1/procedures")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(SHIPPED)
    assert len(body["items"]) == min(50, len(SHIPPED))


def test_a_list_item(client, catalogue):
    [item] = client.get("/api/v1/procedures?q=dang+ky+khai+sinh&limit=1").json()["items"]
    assert item == {
        "code": "dang-ky-khai-sinh",
        "national_code": None,
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "field_code": "ho-tich",
        "online_level": "toan-trinh",
        "time_limit": {"value": 1, "unit": "ngay-lam-viec", "text": "Trong ngày làm việc"},
        "fee": {
            "amount_vnd": 0,
            "text": "Miễn lệ phí khi đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh)",
        },
        "effective_date": "2025-07-01",
        "version": 1,
        "url": "http://testserver/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/",
    }


def test_a_fee_set_elsewhere_is_null_not_zero(client, catalogue):
    items = client.get("/api/v1/procedures?field=ho-kinh-doanh").json()["items"]
    founding = next(i for i in items if i["code"] == "dang-ky-thanh-lap-ho-kinh-doanh")
    assert founding["fee"]["amount_vnd"] is None and "HĐND" in founding["fee"]["text"]


@pytest.mark.parametrize(
    "q", ["khai sinh", "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "đăng ký khai s"]
)
def test_search_with_or_without_diacritics_puts_the_name_first(client, catalogue, q):
    items = client.get("/api/v1/procedures", {"q": q}).json()["items"]
    assert items[0]["code"] == "dang-ky-khai-sinh"
    assert {"dang-ky-lai-khai-sinh", "lien-thong-khai-sinh-thuong-tru-bhyt"} <= {
        i["code"] for i in items
    }


def test_filters_and_pages(client, catalogue):
    civil = client.get("/api/v1/procedures?field=ho-tich&limit=5").json()
    expected = [p for p in SHIPPED if p["field_code"] == "ho-tich"]
    assert civil["count"] == len(expected) and len(civil["items"]) == 5
    rest = client.get("/api/v1/procedures?field=ho-tich&limit=5&offset=5").json()["items"]
    assert not {i["code"] for i in civil["items"]} & {i["code"] for i in rest}

    full = client.get("/api/v1/procedures?online_level=toan-trinh&limit=500").json()
    assert full["count"] == sum(p["online_level"] == "toan-trinh" for p in SHIPPED)
    assert {i["online_level"] for i in full["items"]} == {"toan-trinh"}

    both = client.get("/api/v1/procedures?q=khai+sinh&online_level=mot-phan").json()["items"]
    assert "dang-ky-khai-sinh" not in {i["code"] for i in both}  # fully online
    assert client.get("/api/v1/procedures?q=khong+co+thu+tuc+nay").json()["count"] == 0


def test_bad_filters_are_422_in_vietnamese(client, catalogue):
    response = client.get("/api/v1/procedures?online_level=sieu-toc")
    assert response.status_code == 422
    assert response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."
    assert client.get("/api/v1/procedures?limit=-1").status_code == 422


def test_an_inactive_procedure_is_not_listed_but_can_be_read(client, ward):
    load_shipped()
    edit_procedure(
        ward.user(Role.COMMUNE_OFFICIAL),
        procedure=procedure("dang-ky-khai-tu"),
        data=shipped("dang-ky-khai-tu"),
        note="Bãi bỏ",
        active=False,
    )
    codes = {i["code"] for i in client.get("/api/v1/procedures?limit=500").json()["items"]}
    assert "dang-ky-khai-tu" not in codes
    detail = client.get("/api/v1/procedures/dang-ky-khai-tu").json()
    assert detail["active"] is False and detail["version"] == 2


def test_the_detail_has_every_field_of_the_catalogue(client, catalogue):
    for entry in SHIPPED:
        response = client.get(f"/api/v1/procedures/{entry['code']}")
        assert response.status_code == 200, entry["code"]
        body = response.json()
        for key, value in entry.items():
            if key in ("time_limit", "fee"):
                assert {k: body[key][k] for k in value} == value, entry["code"]
            elif key in ("documents", "legal_basis"):
                for got, want in zip(body[key], value, strict=True):
                    assert {k: got[k] for k in want} == want, entry["code"]
            else:
                assert body[key] == value, (entry["code"], key)


def test_the_detail_of_birth_registration(client, ward):
    load_shipped()
    data = shipped("dang-ky-khai-sinh")
    data["result"] = "Giấy khai sinh bản chính."
    data["effective_date"] = "2026-03-01"
    edit_procedure(
        ward.user(Role.COMMUNE_OFFICIAL),
        procedure=procedure("dang-ky-khai-sinh"),
        data=data,
        note="Theo nghị định mới",
    )
    body = client.get("/api/v1/procedures/dang-ky-khai-sinh").json()
    assert body["version"] == 2 and body["effective_date"] == "2026-03-01"
    assert body["active"] is True
    assert body["url"] == "http://testserver/dich-vu-cong/thu-tuc/dang-ky-khai-sinh/"
    assert body["time_limit"]["same_day"] is True
    assert body["time_limit"]["text"] == "Trong ngày làm việc"
    assert body["channels"] == [Channel.IN_PERSON, Channel.ONLINE, Channel.POST]
    abandoned = next(d for d in body["documents"] if d["name"].startswith("Biên bản"))
    assert abandoned["required"] is False and abandoned["condition"] == "Trẻ bị bỏ rơi"
    assert body["documents"][0]["form"].startswith("Tờ khai đăng ký khai sinh")
    assert body["documents"][0]["required"] is True
    [new, first] = body["versions"]
    assert new["version"] == 2 and new["note"] == "Theo nghị định mới"
    assert new["changed_fields"] == ["effective_date", "result"]
    assert first["version"] == 1 and first["effective_date"] == "2025-07-01"
    dt.datetime.fromisoformat(new["changed_at"])


def test_an_unknown_procedure_is_404_in_vietnamese(client, catalogue):
    response = client.get("/api/v1/procedures/khong-co-thu-tuc-nay")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy thủ tục hành chính."}


def test_no_dossier_of_any_commune_appears(client, ward, other_ward):
    """The catalogue is public: it says nothing about the dossiers communes received."""
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
    for url in ("/api/v1/procedures?q=khai+sinh", "/api/v1/procedures/dang-ky-khai-sinh"):
        text = client.get(url).content.decode()
        assert "HS-XD" not in text and "HS-GV" not in text


def test_the_list_costs_one_query(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/procedures?limit=500").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/procedures/dang-ky-khai-sinh").status_code == 200


def test_documented_in_openapi_without_login(client):
    schema = client.get("/api/v1/openapi.json").json()
    listing = schema["paths"]["/api/v1/procedures"]["get"]
    detail = schema["paths"]["/api/v1/procedures/{code}"]["get"]
    for operation in (listing, detail):
        assert operation["tags"] == ["procedures"]
        assert not operation.get("security")
    parameters = {p["name"] for p in listing["parameters"]}
    assert {"q", "field", "online_level", "limit", "offset"} <= parameters
    components = schema["components"]["schemas"]
    assert {"ProcedureOut", "ProcedureListItem", "DocumentOut", "VersionOut"} <= set(components)
    assert "versions" in components["ProcedureOut"]["properties"]
