"""List pages and endpoints cost a fixed number of queries, whatever the number of rows."""

import datetime as dt

import pytest

from tests.factories import national_id
from xaso.core.choices import Role
from xaso.population.services import create_household, register_resident


def grow(ward, households: int) -> None:
    for index in range(households):
        household = create_household(
            None,
            group=ward.groups[index % 2],
            code=f"G{index:04d}",
            address=f"Số {index}",
            street="Xuân La",
        )
        born = dt.date(1980 + index % 20, 1 + index % 12, 1 + index % 28)
        register_resident(
            None,
            household=household,
            full_name=f"Nguyễn Văn Số {index}",
            birth_date=born,
            sex="male",
            national_id=national_id(born, "male"),
            relation_to_head="head",
        )


@pytest.mark.parametrize(
    "url",
    ["/dan-cu/", "/dan-cu/nhan-khau/?q=nguyen", "/dan-cu/to/{group}/", "/dan-cu/ho/{household}/"],
)
def test_pages_do_not_grow_with_rows(client, ward, django_assert_max_num_queries, url):
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    url = url.format(group=ward.groups[0].id, household=ward.households[0].id)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    grow(ward, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/groups", "/api/v1/households", "/api/v1/residents"])
def test_api_lists_do_not_grow_with_rows(client, ward, django_assert_max_num_queries, url):
    client.force_login(ward.user(Role.COMMUNE_OFFICIAL))
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    grow(ward, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, {"limit": 100})
    assert len(response.json()["items"]) >= (2 if url.endswith("groups") else 30)
