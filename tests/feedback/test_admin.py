"""The feedback admin: categories with their Open311 questions, Open311 keys shown once and
revoked, reports read-only with contact data masked; scoped by commune and audited."""

from __future__ import annotations

import re

import pytest

from xaso.core.choices import Role
from xaso.core.models import AuditLog
from xaso.feedback import services
from xaso.feedback.models import CategoryAttribute, Open311Client

ADMIN = "/quan-tri/feedback"


def staff(user):
    user.__class__.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


@pytest.fixture
def official(fw):
    return staff(fw.user(Role.COMMUNE_OFFICIAL))


def test_official_issues_a_key_shown_once(client, fw, official):
    client.force_login(official)
    response = client.post(f"{ADMIN}/open311client/add/", {"name": "Phố Xanh", "unit": fw.unit.pk})
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    assert "no-store" in response["Cache-Control"]
    client_row = Open311Client.objects.get()
    key = re.search(r'<code id="open311-key">([^<]+)</code>', html).group(1)
    assert key.startswith(client_row.prefix) and len(key) > 20
    assert services.authenticate_open311_key(key) == client_row
    assert client_row.unit == fw.unit and key not in client_row.digest
    assert AuditLog.objects.filter(object_type="feedback.open311client", action="token").exists()
    # never again: the change page shows the prefix only
    page = client.get(f"{ADMIN}/open311client/{client_row.pk}/change/").content.decode()
    assert client_row.prefix in page and key not in page


def test_official_cannot_issue_keys_for_another_commune_or_all(client, fw, other_fw, official):
    client.force_login(official)
    for unit in (other_fw.unit.pk, ""):
        response = client.post(f"{ADMIN}/open311client/add/", {"name": "X", "unit": unit})
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Open311Client.objects.exists()


def test_keys_are_listed_by_commune_and_revoked(client, fw, other_fw, official):
    ours, _key = services.create_open311_client(None, name="Của phường", unit=fw.unit)
    services.create_open311_client(None, name="Của Giảng Võ", unit=other_fw.unit)
    services.create_open311_client(None, name="Toàn hệ thống")
    client.force_login(official)
    listing = client.get(f"{ADMIN}/open311client/").content.decode()
    assert "Của phường" in listing
    assert "Của Giảng Võ" not in listing and "Toàn hệ thống" not in listing
    response = client.post(
        f"{ADMIN}/open311client/", {"action": "revoke", "_selected_action": [ours.pk]}
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.revoked_at is not None


def test_categories_and_questions_are_scoped_and_audited(client, fw, other_fw, official):
    client.force_login(official)
    listing = client.get(f"{ADMIN}/category/").content.decode()
    assert "Ngập úng, tắc cống thoát nước" in listing
    theirs = other_fw.categories["thoat-nuoc"]
    assert client.get(f"{ADMIN}/category/{theirs.pk}/change/").status_code in (302, 404)

    category = fw.categories["rac-thai"]
    before = client.get("/open311/v2/discovery.json").json()["changeset"]
    form = {
        "unit": fw.unit.pk,
        "code": category.code,
        "name": category.name,
        "description": category.description,
        "group": category.group,
        "keywords": category.keywords,
        "department": category.department_id or "",
        "sla_hours": category.sla_hours,
        "active": "on",
        "order": category.order,
        "attributes-TOTAL_FORMS": "1",
        "attributes-INITIAL_FORMS": "0",
        "attributes-MIN_NUM_FORMS": "0",
        "attributes-MAX_NUM_FORMS": "1000",
        "attributes-0-order": "1",
        "attributes-0-code": "loai-rac",
        "attributes-0-description": "Loại rác",
        "attributes-0-datatype": "singlevaluelist",
        "attributes-0-variable": "on",
        "attributes-0-values": "[]",
    }
    url = f"{ADMIN}/category/{category.pk}/change/"
    response = client.post(url, form)
    assert response.status_code == 200 and "ít nhất một lựa chọn" in response.content.decode()
    form["attributes-0-values"] = '[{"key": "sinh-hoat", "name": "Rác sinh hoạt"}]'
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    attribute = CategoryAttribute.objects.get(category=category)
    assert AuditLog.objects.filter(
        object_type="feedback.categoryattribute", object_id=str(attribute.pk), actor=official
    ).exists()
    services_ = client.get("/open311/v2/services.json", {"jurisdiction_id": "00611"}).json()
    assert next(s for s in services_ if s["service_code"] == "rac-thai")["metadata"] is True
    assert client.get("/open311/v2/discovery.json").json()["changeset"] >= before


def test_reports_are_read_only_and_contact_masked(client, fw, official):
    lat, lon = fw.point_in_group(0)
    report = services.submit_report(
        None,
        category=fw.categories["den-chieu-sang"],
        description="Đèn đường trước số 12 không sáng",
        latitude=lat,
        longitude=lon,
        reporter_name="Nguyễn Văn An",
        reporter_phone="0912345678",
        reporter_email="an.nguyen@example.vn",
    )
    client.force_login(official)
    listing = client.get(f"{ADMIN}/report/").content.decode()
    assert report.code in listing
    page = client.get(f"{ADMIN}/report/{report.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and report.code in html
    for secret in ("0912345678", "an.nguyen@example.vn", "Nguyễn Văn An", report.access_key):
        assert secret not in html
    assert "091•••••78" in html and "N••••" in html  # masked
    assert client.get(f"{ADMIN}/report/add/").status_code == 403
    response = client.post(f"{ADMIN}/report/{report.pk}/change/", {"description": "sửa"})
    assert response.status_code == 403


def test_roles_without_management_rights_see_no_feedback_admin(client, fw):
    for role in (Role.GROUP_LEADER, Role.DEPARTMENT_STAFF):
        client.force_login(staff(fw.user(role)))
        for model in ("category", "open311client", "report"):
            assert client.get(f"{ADMIN}/{model}/").status_code == 403
