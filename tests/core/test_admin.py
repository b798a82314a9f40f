"""The Django admin: Vietnamese, scoped by commune, rights from the xaso role, audited."""

from xaso.core.choices import Role
from xaso.core.models import AuditLog
from xaso.population.models import Resident


def test_official_manages_own_commune_in_vietnamese(client, ward, other_ward):
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    ward.user(Role.COMMUNE_OFFICIAL).__class__.objects.filter(
        pk=ward.user(Role.COMMUNE_OFFICIAL).pk
    ).update(is_staff=True)
    page = client.get("/quan-tri/population/resident/")
    html = page.content.decode()
    assert page.status_code == 200 and "Nhân khẩu" in html
    assert "Nguyễn Văn An" in html
    assert ward.residents[0].national_id[:4] + "••••••" in html
    assert ward.residents[0].national_id not in html  # never in clear in the admin
    other = other_ward.residents[0]
    assert client.get(f"/quan-tri/population/resident/{other.pk}/change/").status_code in (
        302,
        404,
    )


def test_admin_changes_are_audited(client, ward):
    official = ward.user(Role.COMMUNE_OFFICIAL)
    official.__class__.objects.filter(pk=official.pk).update(is_staff=True)
    client.force_login(official)
    group = ward.groups[1]
    response = client.post(
        f"/quan-tri/core/residentialgroup/{group.pk}/change/",
        {
            "unit": group.unit_id,
            "code": "TDP02",
            "name": "Tổ dân phố số 2 (mới)",
            "kind": "to_dan_pho",
            "leader": "",
            "boundary": "null",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    log = AuditLog.objects.get(
        action="update", object_id=str(group.pk), object_type="core.residentialgroup"
    )
    assert log.actor == official and "name" in log.changes["fields"]


def test_roles_without_management_rights_cannot_open_the_admin(client, ward):
    for role in (Role.GROUP_LEADER, Role.DEPARTMENT_STAFF):
        user = ward.user(role)
        user.__class__.objects.filter(pk=user.pk).update(is_staff=True)
        client.force_login(user)
        assert client.get("/quan-tri/population/resident/").status_code == 403
    assert Resident.objects.exists()
