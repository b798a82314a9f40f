"""Open311 GeoReport v2 under /open311/: the HTML guide and Service Discovery at the root, the
endpoints under v2/ (``{base}/{resource}.{format}``). The format is captured loosely so that an
unknown one gets the standard's 404 body instead of a page."""

from django.urls import path, re_path

from xaso.feedback import open311

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    path("", open311.index, name="index"),
    re_path(r"^discovery" + FORMAT, open311.discovery, name="discovery"),
    path("v2/", open311.index, name="v2_index"),
    re_path(r"^v2/discovery" + FORMAT, open311.discovery, name="v2_discovery"),
    re_path(r"^v2/services" + FORMAT, open311.service_list, name="services"),
    re_path(
        r"^v2/services/(?P<service_code>[^/]+?)" + FORMAT,
        open311.service_definition,
        name="service",
    ),
    re_path(r"^v2/requests" + FORMAT, open311.request_list, name="requests"),
    re_path(
        r"^v2/requests/(?P<service_request_id>[^/]+?)" + FORMAT,
        open311.request_detail,
        name="request",
    ),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + FORMAT, open311.token, name="token"),
    re_path(r"^(?P<path>v2/.*)$", open311.not_found, name="not_found"),
]
