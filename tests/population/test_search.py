"""Resident search: the same answers from the word index (an actor who sees many communes) as
from a scan of one commune; band order; the count capped at a limit; the index kept in step
with every write."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from tests.factories import national_id
from xaso.core.choices import Role
from xaso.population import search, selectors
from xaso.population.models import Resident, ResidentNameWord, name_words
from xaso.population.search import AllResidents, ResidentSearch
from xaso.population.services import (
    record_population_change,
    register_resident,
    update_resident,
)

NAMES = [
    "Nguyễn Văn Anh",
    "Nguyễn Văn An Khang",
    "Đặng Nguyễn Văn An",
    "Lê Văn An Nguyên",
    "Nguyễn Văn An",  # a second exact match, born later
    "Trần Văn Tư",
    "Bùi Thị Trang",
    "Trần Thị Thu",
    "Hồ Văn Trân",
    "Nguyễn Thị Anh Thư",
]
QUERIES = [
    "nguyen van an",
    "Nguyễn Văn An",
    "van an",
    "an",
    "nguyen",
    "tran",
    "tran van",
    "tran thi",
    "thi tran",
    "hoang",
    "anh",
    "ng",
    "t",
    "khong co ai",
]


@pytest.fixture
def people(ward):
    household = ward.households[1]
    born = dt.date(1970, 1, 1)
    for index, name in enumerate(NAMES):
        birth = born.replace(year=1970 + index)
        register_resident(
            None,
            household=household,
            full_name=name,
            birth_date=birth,
            sex="male",
            national_id=national_id(birth, "male"),
        )
    return ward


def names(rows) -> list[str]:
    return [r.full_name for r in rows]


def assert_index_matches_residents() -> None:
    """The word index holds exactly the words of every resident, with their current values."""
    expected = {
        (pk, word, folded, born, active, unit_id)
        for pk, folded, born, active, unit_id in Resident.objects.values_list(
            "pk", "name_folded", "birth_date", "is_active", "unit_id"
        )
        for word in name_words(folded)
    }
    stored = set(
        ResidentNameWord.objects.values_list(
            "resident_id", "word", "name_folded", "birth_date", "is_active", "unit_id"
        )
    )
    assert stored == expected


@pytest.mark.parametrize("query", QUERIES)
def test_the_word_index_answers_like_the_commune_scan(people, query):
    province = people.user(Role.PROVINCE_OFFICIAL)
    commune = people.user(Role.COMMUNE_OFFICIAL)
    wide = selectors.search_residents(province, query)
    narrow = selectors.search_residents(commune, query)
    assert isinstance(wide, ResidentSearch) and not isinstance(narrow, ResidentSearch)
    assert names(wide[0:100]) == names(narrow[:100])
    assert wide.count() == narrow.count()
    # Pages are slices of the same order.
    assert names(wide[2:5]) == names(narrow[2:5])


def test_bands_exact_then_begins_with_then_other_matches(people):
    province = people.user(Role.PROVINCE_OFFICIAL)
    found = names(selectors.search_residents(province, "nguyen van an")[0:20])
    assert found == [
        "Nguyễn Văn An",  # exact, born 1985 (the ward's own)
        "Nguyễn Văn An",  # exact, born 1974
        "Nguyễn Văn An Khang",  # begins with the query
        "Nguyễn Văn Anh",
        "Đặng Nguyễn Văn An",  # every word somewhere
        "Lê Văn An Nguyên",
    ]


def test_count_stops_at_the_limit(people, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    province = people.user(Role.PROVINCE_OFFICIAL)
    rows = selectors.search_residents(province, "nguyen")
    assert rows.count() == 4 and rows.count_capped
    every = selectors.search_residents(people.user(Role.COMMUNE_OFFICIAL), "nguyen").count()
    assert every == 8 and len(rows[0:50]) == every  # the pages themselves are not capped
    few = selectors.search_residents(province, "tran van")  # Trần Văn Tư, Hồ Văn Trân
    assert few.count() == 2 and not few.count_capped


def test_api_reports_a_capped_count(client, people, monkeypatch):
    from tests.population.test_api import bearer

    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    province = people.user(Role.PROVINCE_OFFICIAL)
    body = client.get("/api/v1/residents", {"q": "nguyen", "limit": 2}, **bearer(province)).json()
    assert (body["count"], body["count_capped"]) == (4, True)
    assert len(body["items"]) == 2
    commune = people.user(Role.COMMUNE_OFFICIAL)
    body = client.get("/api/v1/residents", {"q": "nguyen"}, **bearer(commune)).json()
    assert (body["count"], body["count_capped"]) == (8, False)


def test_search_page_says_more_than_the_limit(client, people, monkeypatch):
    monkeypatch.setattr("xaso.population.views.COUNT_LIMIT", 3)
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    client.force_login(people.user(Role.PROVINCE_OFFICIAL))
    html = client.get("/dan-cu/nhan-khau/", {"q": "nguyen"}).content.decode()
    assert "hơn 3 nhân khẩu" in html and "Nguyễn Văn An" in html


def test_province_list_without_a_query_is_in_name_order(people, other_ward):
    province = people.user(Role.PROVINCE_OFFICIAL)
    rows = selectors.search_residents(province)
    assert isinstance(rows, AllResidents)
    everyone = list(
        Resident.objects.filter(is_active=True)
        .order_by("name_folded", "birth_date", "pk")
        .values_list("full_name", flat=True)
    )
    assert names(rows[0:100]) == everyone
    assert rows.count() == len(everyone)


def test_search_is_scoped(people, other_ward, far_ward):
    province = people.user(Role.PROVINCE_OFFICIAL)
    found = selectors.search_residents(province, "dang thu trang")
    # Both communes of Hà Nội have a Đặng Thu Trang; Hồ Chí Minh City's is out of scope.
    assert {r.unit_id for r in found[0:10]} == {people.unit.id, other_ward.unit.id}
    admin_scope = ResidentSearch(["dang", "thu", "trang"])
    assert len(admin_scope[0:10]) == 3


def test_national_id_search_still_works_for_the_province(people):
    target = people.residents[3]
    found = selectors.search_residents(people.user(Role.PROVINCE_OFFICIAL), target.national_id)
    assert [r.pk for r in found] == [target.pk]


def test_the_index_follows_every_write(people):
    province = people.user(Role.PROVINCE_OFFICIAL)
    assert_index_matches_residents()
    tu = Resident.objects.get(full_name="Trần Văn Tư")
    update_resident(None, resident=tu, full_name="Trần Văn Tuấn")
    assert names(selectors.search_residents(province, "tran van tuan")[0:5]) == ["Trần Văn Tuấn"]
    assert selectors.search_residents(province, "tran van tu ").count() == 1  # "tu" → Tuấn
    update_resident(None, resident=tu, birth_date=tu.birth_date.replace(month=2, day=2))
    assert_index_matches_residents()
    record_population_change(None, resident=tu, kind="death", date=dt.date(2025, 1, 1))
    assert selectors.search_residents(province, "tran van tuan").count() == 0
    hidden = selectors.search_residents(province, "tran van tuan", include_inactive=True)
    assert names(hidden[0:5]) == ["Trần Văn Tuấn"]
    assert_index_matches_residents()
    # A resident loaded partly (``only``) and saved still moves its words.
    partial = Resident.objects.only("id", "full_name", "household_id").get(pk=tu.pk)
    partial.full_name = "Trần Văn Tú"
    partial.save()
    assert_index_matches_residents()
    Resident.objects.filter(pk=tu.pk).first().changes.all().delete()
    Resident.objects.get(pk=tu.pk).delete()
    assert_index_matches_residents()


def test_migration_indexes_residents_registered_before_it(people):
    ResidentNameWord.objects.all().delete()
    migration = importlib.import_module("xaso.population.migrations.0002_name_word_index")
    migration.index_existing_names(None, SimpleNamespace(connection=connection))
    assert_index_matches_residents()
