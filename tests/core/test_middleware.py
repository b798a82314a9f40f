from django.http import HttpResponse
from django.test import RequestFactory

from xaso.core.choices import Role
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.middleware import BusinessErrorMiddleware


def test_expired_session_on_htmx_request_redirects_the_whole_page(client, ward):
    response = client.get("/dan-cu/nhan-khau/", {"q": "an"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/dang-nhap/?next=")


def test_refused_actions_in_pages_are_vietnamese_403_and_400(rf: RequestFactory, ward):
    middleware = BusinessErrorMiddleware(lambda request: HttpResponse())
    request = rf.get("/dan-cu/")
    request.user = ward.user(Role.COMMUNE_OFFICIAL)
    denied = middleware.process_exception(request, NotAllowed("Bạn không có quyền."))
    assert denied.status_code == 403 and "Bạn không có quyền." in denied.content.decode()
    refused = middleware.process_exception(request, BusinessError("Mã hộ đã có."))
    assert refused.status_code == 400 and "Mã hộ đã có." in refused.content.decode()
    api_request = rf.get("/api/v1/residents")
    assert middleware.process_exception(api_request, NotAllowed("x")) is None


def test_household_page_lists_the_head_first(client, ward):
    from tests.factories import PASSWORD

    client.login(username=ward.user(Role.COMMUNE_OFFICIAL).username, password=PASSWORD)
    import datetime as dt

    from xaso.population.services import register_resident

    household = ward.households[0]
    register_resident(
        None,
        household=household,
        full_name="Nguyễn Văn Cả",
        birth_date=dt.date(1940, 1, 1),
        sex="male",
        relation_to_head="parent",
    )
    members = list(client.get(f"/dan-cu/ho/{household.id}/").context["members"])
    assert members[0].full_name == "Nguyễn Văn An"  # the head, though not the oldest
