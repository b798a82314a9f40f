"""The JSON API: token auth, scoping and masking on every endpoint, 422 on bad payloads."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.factories import national_id
from xaso.core.choices import Role
from xaso.core.models import AuditLog
from xaso.core.services import create_api_token, revoke_api_token
from xaso.population.models import Resident


def bearer(user) -> dict:
    _token, clear = create_api_token(None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


@pytest.fixture
def official(ward):
    return ward.user(Role.COMMUNE_OFFICIAL)


def test_requests_without_credentials_are_refused(client, ward):
    response = client.get("/api/v1/residents")
    assert response.status_code == 401
    assert "xác thực" in response.json()["detail"]
    assert (
        client.get("/api/v1/residents", HTTP_AUTHORIZATION="Bearer xaso_wrong").status_code == 401
    )


def test_token_from_the_cli_works_until_revoked(client, ward, capsys):
    call_command("token", "create", ward.user(Role.COMMUNE_OFFICIAL).username)
    clear = capsys.readouterr().out.strip().splitlines()[-1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    response = client.get("/api/v1/me", **headers)
    assert response.status_code == 200
    assert response.json()["role"] == "commune_official"
    from xaso.core.models import ApiToken

    revoke_api_token(None, token=ApiToken.objects.get(prefix=clear[:11]))
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_session_auth_works_for_the_browser(client, official):
    client.force_login(official)
    assert client.get("/api/v1/me").json()["username"] == official.username


def test_resident_search_without_diacritics(client, ward, official):
    response = client.get("/api/v1/residents", {"q": "nguyen van an"}, **bearer(official))
    assert response.status_code == 200
    names = [r["full_name"] for r in response.json()["items"]]
    assert names == ["Nguyễn Văn An"]  # not "Lê Văn Anh": every word must match


def test_exact_name_comes_before_longer_names(client, ward, official):
    from xaso.population.services import register_resident

    register_resident(
        None,
        household=ward.households[1],
        full_name="Đặng Nguyễn Văn An",
        birth_date=ward.residents[0].birth_date.replace(year=1950),
        sex="male",
    )
    response = client.get("/api/v1/residents", {"q": "Nguyen Van An"}, **bearer(official))
    names = [r["full_name"] for r in response.json()["items"]]
    assert names == ["Nguyễn Văn An", "Đặng Nguyễn Văn An"]  # alphabetically it would be last


def test_search_by_word_prefix_and_by_national_id(client, ward, official):
    headers = bearer(official)
    names = {
        r["full_name"]
        for r in client.get("/api/v1/residents", {"q": "van an"}, **headers).json()["items"]
    }
    assert names == {"Nguyễn Văn An", "Lê Văn Anh"}
    target = ward.residents[4]
    found = client.get("/api/v1/residents", {"q": target.national_id}, **headers).json()
    assert [r["id"] for r in found["items"]] == [target.id]


def test_lists_mask_personal_data(client, ward, official):
    items = client.get("/api/v1/residents", **bearer(official)).json()["items"]
    by_id = {r.id: r for r in ward.residents}
    for item in items:
        clear = by_id[item["id"]]
        assert item["national_id"] == clear.national_id[:4] + "••••••" + clear.national_id[-2:]
        assert clear.phone not in item["phone"]
    households = client.get("/api/v1/households", **bearer(official)).json()["items"]
    assert all("ngõ" not in h["address"] and "Số" not in h["address"] for h in households)


def test_detail_reveals_to_register_keepers_and_audits_the_read(client, ward, official):
    target = ward.residents[0]
    response = client.get(f"/api/v1/residents/{target.id}", **bearer(official))
    body = response.json()
    assert body["national_id"] == target.national_id
    assert body["address"] == "Số 12, ngõ 34"
    log = AuditLog.objects.get(action="read_pii", object_id=str(target.id))
    assert log.actor == official and log.via == "api"
    assert set(log.changes["fields"]) == {"national_id", "phone", "address"}
    assert target.national_id not in str(log.changes)


def test_detail_stays_masked_for_other_roles(client, ward):
    target = ward.residents[0]
    staff = ward.user(Role.DEPARTMENT_STAFF)
    body = client.get(f"/api/v1/residents/{target.id}", **bearer(staff)).json()
    assert body["national_id"] != target.national_id and "••" in body["national_id"]
    assert body["phone"] != target.phone
    assert not AuditLog.objects.filter(action="read_pii", actor=staff).exists()
    leader = ward.user(Role.GROUP_LEADER)
    body = client.get(f"/api/v1/residents/{target.id}", **bearer(leader)).json()
    assert body["phone"] == target.phone  # the group leader calls their residents
    assert "••" in body["national_id"]


def test_create_resident_and_household(client, ward, official):
    headers = bearer(official)
    response = client.post(
        "/api/v1/households",
        {"group_id": ward.groups[1].id, "code": "hk77", "address": "Số 1", "street": "Xuân La"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    household_id = response.json()["id"]
    born = dt.date(2026, 1, 5)
    payload = {
        "household_id": household_id,
        "full_name": "Bùi Gia Huy",
        "birth_date": "2026-01-05",
        "sex": "male",
        "national_id": national_id(born, "male"),
        "relation_to_head": "child",
        "change_kind": "birth",
    }
    response = client.post("/api/v1/residents", payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    resident = Resident.objects.get(pk=response.json()["id"])
    assert resident.changes.get().kind == "birth"
    assert AuditLog.objects.filter(action="create", object_id=str(resident.id)).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"birth_date": "31/02/2020"}, "birth_date"),
        ({"sex": "unknown"}, "sex"),
        ({"national_id": "12345"}, "national_id"),
    ],
)
def test_invalid_payloads_get_422_with_field_errors(client, ward, official, payload, field):
    body = {
        "household_id": ward.households[0].id,
        "full_name": "Mai Văn Tú",
        "birth_date": "2000-01-01",
        "sex": "male",
        **payload,
    }
    before = Resident.objects.count()
    response = client.post(
        "/api/v1/residents", body, content_type="application/json", **bearer(official)
    )
    assert response.status_code == 422
    assert field in str(response.json()["errors"])
    assert Resident.objects.count() == before


def test_business_rule_errors_are_vietnamese_422(client, ward, official):
    body = {
        "household_id": ward.households[0].id,
        "full_name": "Mai Văn Tú",
        "birth_date": "2000-01-01",
        "sex": "female",
        "national_id": "001200123456",
    }
    response = client.post(
        "/api/v1/residents", body, content_type="application/json", **bearer(official)
    )
    assert response.status_code == 422
    assert response.json() == {"detail": response.json()["detail"], "field": "national_id"}
    assert "giới tính" in response.json()["detail"]


def test_patch_and_population_change(client, ward, official):
    headers = bearer(official)
    target = ward.residents[3]
    response = client.patch(
        f"/api/v1/residents/{target.id}",
        {"occupation": "Nghỉ hưu"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["occupation"] == "Nghỉ hưu"
    response = client.post(
        f"/api/v1/residents/{target.id}/changes",
        {"kind": "death", "date": "2026-11-01", "note": ""},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    target.refresh_from_db()
    assert not target.is_active
    again = client.post(
        f"/api/v1/residents/{target.id}/changes",
        {"kind": "death", "date": "2026-11-02"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 422


def test_read_only_roles_cannot_write(client, ward):
    response = client.patch(
        f"/api/v1/residents/{ward.residents[0].id}",
        {"occupation": "x"},
        content_type="application/json",
        **bearer(ward.user(Role.GROUP_LEADER)),
    )
    assert response.status_code == 403


# Every endpoint, asked by a user of another commune about this one: 404 or an empty list.
DETAIL_ENDPOINTS = [
    ("get", "/api/v1/groups/{group}"),
    ("get", "/api/v1/households/{household}"),
    ("get", "/api/v1/residents/{resident}"),
    ("patch", "/api/v1/residents/{resident}"),
    ("post", "/api/v1/residents/{resident}/changes"),
    ("get", "/api/v1/units/{unit}"),
]
LIST_ENDPOINTS = [
    "/api/v1/groups",
    "/api/v1/households",
    "/api/v1/residents",
    "/api/v1/population-changes",
    "/api/v1/departments",
    "/api/v1/units",
]


@pytest.mark.parametrize(("method", "path"), DETAIL_ENDPOINTS)
def test_other_communes_objects_are_404(client, ward, other_ward, method, path):
    url = path.format(
        group=ward.groups[0].id,
        household=ward.households[0].id,
        resident=ward.residents[0].id,
        unit=ward.unit.code,
    )
    outsider = other_ward.user(Role.COMMUNE_OFFICIAL)
    body = (
        {"kind": "death", "date": "2026-01-01"} if path.endswith("changes") else {"occupation": "x"}
    )
    kwargs = {"content_type": "application/json"} if method != "get" else {}
    response = getattr(client, method)(
        url, *([body] if method != "get" else []), **kwargs, **bearer(outsider)
    )
    assert response.status_code == 404
    own = ward.user(Role.COMMUNE_OFFICIAL)
    if method == "get":
        assert client.get(url, **bearer(own)).status_code == 200


def test_creating_into_another_communes_household_is_404(client, ward, other_ward):
    body = {
        "household_id": ward.households[0].id,
        "full_name": "X",
        "birth_date": "2000-01-01",
        "sex": "male",
    }
    response = client.post(
        "/api/v1/residents",
        body,
        content_type="application/json",
        **bearer(other_ward.user(Role.COMMUNE_OFFICIAL)),
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/households",
        {"group_id": ward.groups[0].id, "code": "Z"},
        content_type="application/json",
        **bearer(other_ward.user(Role.COMMUNE_OFFICIAL)),
    )
    assert response.status_code == 404


def _own_ids(ward, path):
    from xaso.population.models import PopulationChange

    return {
        "/api/v1/groups": {g.id for g in ward.groups},
        "/api/v1/households": {h.id for h in ward.households},
        "/api/v1/residents": {r.id for r in ward.residents},
        "/api/v1/population-changes": set(
            PopulationChange.objects.filter(unit=ward.unit).values_list("id", flat=True)
        ),
        "/api/v1/departments": set(ward.unit.departments.values_list("id", flat=True)),
        "/api/v1/units": {ward.unit.code},
    }[path]


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
def test_lists_never_contain_another_communes_rows(client, ward, other_ward, path):
    outsider = other_ward.user(Role.COMMUNE_OFFICIAL)
    key = "code" if path.endswith("units") else "id"
    items = client.get(path, {"limit": 500}, **bearer(outsider)).json()["items"]
    seen = {item[key] for item in items}
    assert seen == _own_ids(other_ward, path), "the outsider sees exactly their own rows"
    assert not seen & _own_ids(ward, path)


def test_group_leader_lists_only_their_group(client, ward):
    leader = ward.user(Role.GROUP_LEADER)
    items = client.get("/api/v1/residents", **bearer(leader)).json()["items"]
    assert {i["group_code"] for i in items} == {"TDP01"}
    assert client.get(f"/api/v1/groups/{ward.groups[1].id}", **bearer(leader)).status_code == 404


def test_list_queries_do_not_grow_with_rows(client, ward, official, django_assert_max_num_queries):
    headers = bearer(official)
    client.get("/api/v1/residents", **headers)  # warm the token's last_used_at
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/residents", **headers)
    assert len(response.json()["items"]) == len(ward.residents)


def test_openapi_documents_every_endpoint(client):
    from xaso.api import api

    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    documented = {path for path in schema["paths"]}
    routes = {
        "/api/v1" + ("/" if not p.startswith("/") else "") + p
        for router in api._routers
        for p in router[1].path_operations
    }
    assert routes <= {p.replace("{", "{").rstrip("/") or p for p in documented} | documented
    assert {"/api/v1/residents", "/api/v1/households/{household_id}"} <= documented
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.content
    assert b"cdn." not in page.content
