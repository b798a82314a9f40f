from xaso.core.choices import Role, UnitLevel
from xaso.core.models import AdministrativeUnit, ResidentialGroup
from xaso.core.services import sync_administrative_units
from xaso.core.tenancy import scope_for
from xaso.population.models import Household, Resident


def test_units_follow_the_2025_two_level_reform(units):
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).count() == 34
    assert AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).count() == 3321
    xuan_dinh = AdministrativeUnit.objects.get(code="00611")
    assert xuan_dinh.name == "Phường Xuân Đỉnh"
    assert xuan_dinh.parent.name == "Thành phố Hà Nội"
    assert AdministrativeUnit.objects.filter(division_type="đặc khu").count() == 13


def test_unit_sync_is_idempotent(units):
    assert sync_administrative_units() == (0, 0)


def test_commune_official_sees_only_own_commune(ward, other_ward):
    official = ward.user(Role.COMMUNE_OFFICIAL)
    assert set(Resident.objects.for_actor(official)) == set(ward.residents)
    assert set(Household.objects.for_actor(official)) == set(ward.households)
    assert list(AdministrativeUnit.objects.for_actor(official)) == [ward.unit]


def test_group_leader_sees_only_their_group(ward):
    leader = ward.user(Role.GROUP_LEADER)
    own = ward.groups[0]
    assert list(ResidentialGroup.objects.for_actor(leader)) == [own]
    assert {h.group_id for h in Household.objects.for_actor(leader)} == {own.id}
    visible = set(Resident.objects.for_actor(leader))
    assert visible == {r for r in ward.residents if r.household.group_id == own.id}
    assert visible  # and not empty


def test_province_official_sees_all_communes_of_the_province_only(ward, other_ward, far_ward):
    province_official = ward.user(Role.PROVINCE_OFFICIAL)
    visible = set(Resident.objects.for_actor(province_official))
    assert visible == set(ward.residents) | set(other_ward.residents)
    assert not visible & set(far_ward.residents)


def test_citizen_and_anonymous_see_nothing(ward, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    citizen = django_user_model.objects.create_user("dan", role=Role.CITIZEN, unit=ward.unit)
    assert not Resident.objects.for_actor(citizen).exists()
    assert not Resident.objects.for_actor(AnonymousUser()).exists()
    assert scope_for(None).unit_ids == frozenset()


def test_inactive_user_sees_nothing(ward):
    official = ward.user(Role.COMMUNE_OFFICIAL)
    official.is_active = False
    official.save()
    official.refresh_from_db()
    assert not Resident.objects.for_actor(official).exists()
