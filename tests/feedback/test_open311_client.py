"""Open311 over real HTTP: the third-party `georeport` client (PyPI, written from the standard
by someone else) reads our server unchanged in both formats; the write path, which that client
lacks, is checked against the standard's own rules (digest §2.10) the way the `three` client
posts (multipart with a `media` part, api_key and jurisdiction_id in the body)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests

from tests.feedback.conftest import jpeg_bytes
from xaso.feedback import services
from xaso.feedback.models import Report, ReportPhoto

georeport = pytest.importorskip("georeport")

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
STRING, NUMBER, BOOL, NULL = (str,), (int, float), (bool,), (type(None),)
# The field types of open311/schema-validation's georeport-v2 JSON Schemas (§2.10 item 10).
SERVICE = {
    "service_code": (STRING, True),
    "service_name": (STRING, True),
    "metadata": (BOOL, True),
    "type": (STRING, True),
    "description": (STRING + NULL, False),
    "keywords": (STRING + NULL, False),
    "group": (STRING + NULL, False),
}
ATTRIBUTE = {
    "variable": (BOOL, True),
    "code": (STRING, True),
    "datatype": (STRING, True),
    "required": (BOOL, True),
    "datatype_description": (STRING + NULL, False),
    "order": ((int, type(None)), False),
    "description": (STRING + NULL, False),
    "values": ((list,), False),
}
REQUEST = {
    "service_request_id": (STRING, True),
    "status": (STRING, True),
    "service_code": (STRING, True),
    "requested_datetime": (STRING, True),
    **{
        name: (STRING + NULL, False)
        for name in (
            "status_notes",
            "service_name",
            "description",
            "agency_responsible",
            "service_notice",
            "updated_datetime",
            "expected_datetime",
            "address",
            "address_id",
            "zipcode",
            "media_url",
        )
    },
    "lat": (NUMBER + NULL, False),
    "long": (NUMBER + NULL, False),
}


def conforms(document: dict, schema: dict) -> None:
    for name, (types, required) in schema.items():
        if required:
            assert name in document, name
        if name in document:
            value = document[name]
            assert isinstance(value, types) and not (
                bool not in types and isinstance(value, bool)
            ), (name, value)


def submit(fw, group=0, **extra):
    lat, lon = fw.point_in_group(group)
    return services.submit_report(
        None,
        category=fw.categories["den-chieu-sang"],
        description="Đèn đường trước số 12 không sáng ba đêm nay",
        latitude=lat,
        longitude=lon,
        reporter_phone="0912345678",
        **extra,
    )


@pytest.fixture
def base(live_server) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_everything(base, fw, fmt):
    first = submit(fw, photos=[jpeg_bytes()])
    second = submit(fw, group=1)
    client = georeport.GeoReport(base, jurisdiction="00611", output_format=fmt)

    services_ = client.get_service_list()
    assert {s["service_code"] for s in services_} == set(fw.categories)
    flood = next(s for s in services_ if s["service_code"] == "thoat-nuoc")
    assert flood["service_name"] == "Ngập úng, tắc cống thoát nước"
    assert str(flood["metadata"]).lower() == "true" and flood["type"] == "realtime"

    definition = client.get_service_definition("thoat-nuoc")
    assert definition["service_code"] == "thoat-nuoc"
    attributes = definition["attributes"]
    # xmltodict keeps the wrapper elements; JSON is the Spark mapping (arrays)
    attribute = attributes["attribute"] if fmt == "xml" else attributes[0]
    assert attribute["code"] == "muc-ngap"
    values = attribute["values"]["value"] if fmt == "xml" else attribute["values"]
    assert {"key": "tren-50cm", "name": "Trên 50 cm"} in [dict(v) for v in values]

    listed = client.get_service_requests(status="open", service_code="den-chieu-sang")
    assert [r["service_request_id"] for r in listed] == [second.code, first.code]
    by_id = client.get_service_requests(service_request_id=first.code)
    only = by_id if fmt == "xml" else by_id[0]  # xmltodict turns a single element into a dict
    assert only["service_request_id"] == first.code

    one = client.get_service_request(first.code)
    assert one["service_request_id"] == first.code and one["status"] == "open"
    assert one["service_code"] == "den-chieu-sang"
    assert W3C.match(one["requested_datetime"])
    assert one["media_url"].startswith(live_server_url(base))
    photo = requests.get(one["media_url"], timeout=10)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert "0912345678" not in str(listed) + str(one)

    start = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(client.get_service_requests(start_date=start, end_date=end)) == 2


def live_server_url(base: str) -> str:
    return base.removesuffix("/open311/v2")


def test_georeport_client_sees_http_errors(base, fw, other_fw):
    client = georeport.GeoReport(base, jurisdiction="99999")
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_list()
    assert caught.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as caught:
        georeport.GeoReport(base).get_service_list()  # two communes: jurisdiction required
    assert caught.value.response.status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_write_path_conformance(base, fw, fmt):
    """§2.10 items 1–9 over HTTP, posting like the `three` client does."""
    _client, key = services.create_open311_client(None, name="three", unit=fw.unit)
    lat, lon = fw.point_in_group(0)
    form = {
        "api_key": key,
        "jurisdiction_id": "00611",
        "service_code": "thoat-nuoc",
        "lat": str(lat),
        "long": str(lon),
        "attribute[muc-ngap]": "duoi-20cm",
        "address_string": "Ngõ 12 Xuân La",
        "first_name": "Văn An",
        "last_name": "Nguyễn",
        "phone": "0912345678",
        "description": "Cống tắc, nước tràn lên vỉa hè",
    }

    def send(files=None, **changes):
        data = {k: v for k, v in {**form, **changes}.items() if v is not None}
        return requests.post(f"{base}/requests.{fmt}", data=data, files=files, timeout=10)

    def error_code(response):
        if fmt == "json":
            (error,) = response.json()
            assert set(error) == {"code", "description"}
            return error["code"]
        assert response.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
        return int(re.search(r"<code>(\d+)</code>", response.text).group(1))

    for changes, status in [
        ({"api_key": None}, 403),
        ({"api_key": "o311_khong-dung"}, 403),
        ({"service_code": None}, 400),
        ({"service_code": "khong-co"}, 404),
        ({"lat": None, "long": None, "address_string": None}, 400),
        ({"long": None}, 400),
        ({"attribute[muc-ngap]": None}, 400),
        ({"jurisdiction_id": "99999"}, 404),
    ]:
        response = send(**changes)
        assert response.status_code == status, (changes, response.text)
        assert error_code(response) == status
    assert not Report.objects.exists()

    response = send(files={"media": ("anh.jpg", jpeg_bytes(), "image/jpeg")})
    assert response.status_code == 200, response.text
    expected_type = "application/json" if fmt == "json" else "text/xml"
    assert response.headers["Content-Type"] == f"{expected_type}; charset=utf-8"
    if fmt == "json":
        (created,) = response.json()
        assert "token" not in created
        code = created["service_request_id"]
    else:
        assert response.text.count("<request>") == 1 and "<token>" not in response.text
        code = re.search(r"<service_request_id>([^<]+)<", response.text).group(1)
    report = Report.objects.get(code=code)
    assert ReportPhoto.objects.filter(report=report).count() == 1
    assert report.attributes == {"muc-ngap": "duoi-20cm"}

    back = requests.get(
        f"{base}/requests/{code}.json", params={"jurisdiction_id": "00611"}, timeout=10
    ).json()
    (request,) = back
    conforms(request, REQUEST)
    assert request["status"] == "open" and request["service_code"] == "thoat-nuoc"
    assert W3C.match(request["requested_datetime"])
    assert "0912345678" not in str(back) and "Nguyễn" not in str(back)
    missing = requests.get(f"{base}/requests/PA-2000-000001.{fmt}", timeout=10)
    assert missing.status_code == 404 and error_code(missing) == 404


def test_documents_follow_the_json_schemas(base, fw):
    submit(fw)
    services_ = requests.get(f"{base}/services.json", timeout=10).json()
    assert services_
    for service in services_:
        conforms(service, SERVICE)
        assert service["type"] in {"realtime", "batch", "blackbox"}
        if service["metadata"]:
            definition = requests.get(
                f"{base}/services/{service['service_code']}.json", timeout=10
            ).json()
            assert definition["service_code"] == service["service_code"]
            for attribute in definition["attributes"]:
                conforms(attribute, ATTRIBUTE)
    for request in requests.get(f"{base}/requests.json", timeout=10).json():
        conforms(request, REQUEST)
        assert request["status"] in {"open", "closed"}
    # `three` finds discovery next to the resources: {endpoint}/discovery.json
    discovery = requests.get(f"{base}/discovery.json", timeout=10).json()
    assert discovery["endpoints"][0]["url"] == base
