"""The Open311 GeoReport v2 server, checked against the standard (digest §2, conformance list
§2.10): every endpoint in XML and JSON carrying the same data, the error bodies and statuses,
jurisdictions and tenancy, the POST rules, the filters, no personal data, query counts."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.feedback.conftest import jpeg_bytes
from xaso.core.choices import Role
from xaso.core.models import AuditLog
from xaso.feedback import services
from xaso.feedback.models import CategoryAttribute, Open311Client, Report, ReportPhoto

BASE = "/open311/v2"
JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
# The XML wrappers whose children are list items (the Spark mapping turns them into arrays).
LISTS = {"services", "service_requests", "attributes", "values", "endpoints", "formats", "errors"}
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
PHONE, EMAIL = "0912345678", "an.nguyen@example.vn"


# --- helpers -----------------------------------------------------------------------------


def spark(element: ET.Element):
    """An XML answer in the Spark mapping, with every leaf as text (None when empty)."""
    if element.tag in LISTS:
        return [spark(child) for child in element]
    if len(element):
        return {child.tag: spark(child) for child in element}
    return element.text


def as_text(value):
    """A JSON answer with every leaf as the text XML would carry."""
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def get_both(client, path: str, params=None, *, status: int = 200):
    """GET ``path`` as .json and .xml; check content types and the declaration; check that
    both carry the same data; return the JSON."""
    as_json = client.get(f"{path}.json", params or {})
    as_xml = client.get(f"{path}.xml", params or {})
    assert as_json.status_code == status, as_json.content.decode()[:500]
    assert as_xml.status_code == status, as_xml.content.decode()[:500]
    assert as_json["Content-Type"] == JSON
    assert as_xml["Content-Type"] == XML
    text = as_xml.content.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(as_xml.content)
    assert "}" not in root.tag  # no namespace
    data = json.loads(as_json.content)
    assert spark(root) == as_text(data)
    return data


def assert_error(client, path: str, params, status: int, *, method="get", contains=""):
    for fmt in ("json", "xml"):
        response = getattr(client, method)(f"{path}.{fmt}", params)
        assert response.status_code == status, response.content.decode()[:500]
        if fmt == "json":
            errors = response.json()
            assert isinstance(errors, list) and errors
            assert errors[0]["code"] == status and errors[0]["description"]
            assert contains in errors[0]["description"]
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "errors"
            error = root.find("error")
            assert error.findtext("code") == str(status) and error.findtext("description")


def new_key(fw, unit=None):
    _client, key = services.create_open311_client(None, name="Ứng dụng thử", unit=unit)
    return key


def post(client, fw, key, fmt="json", **fields):
    lat, lon = fw.point_in_group(0)
    data = {
        "api_key": key,
        "service_code": "den-chieu-sang",
        "lat": str(lat),
        "long": str(lon),
        "description": "Đèn đường trước số 12 không sáng",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


def submit(fw, **extra):
    lat, lon = fw.point_in_group(1)
    values = {
        "category": fw.categories["den-chieu-sang"],
        "description": "Đèn đường trước số 12 không sáng ba đêm nay",
        "latitude": lat,
        "longitude": lon,
        "reporter_name": "Nguyễn Văn An",
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
    }
    values.update(extra)
    return services.submit_report(None, **values)


def aged(report, days: float):
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    return report


@pytest.fixture
def key(fw):
    return new_key(fw)


@pytest.fixture(autouse=True)
def _generous_phone_limit(settings):
    settings.XASO_FEEDBACK_LIMIT_PER_PHONE = 1000  # the helpers file many reports with one phone


# --- discovery, services, service definitions ---------------------------------------------


@pytest.mark.parametrize("path", ["/open311/discovery", f"{BASE}/discovery"])
def test_discovery_in_both_formats(client, fw, path):
    data = get_both(client, path)
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    assert "open311-key create" in data["key_service"]
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert W3C.match(data["changeset"]) and endpoint["changeset"] == data["changeset"]


def test_changeset_moves_when_a_category_changes(client, fw):
    before = client.get(f"{BASE}/discovery.json").json()["changeset"]
    later = timezone.now() + dt.timedelta(minutes=5)
    log = AuditLog.objects.create(action="update", object_type="feedback.category")
    AuditLog.objects.filter(pk=log.pk).update(at=later)
    after = client.get(f"{BASE}/discovery.json").json()["changeset"]
    assert after > before  # sortable


def test_services_list_the_active_categories(client, fw):
    category = fw.categories["khac"]
    category.active = False
    category.save()
    data = get_both(client, f"{BASE}/services", {"jurisdiction_id": "00611"})
    codes = [s["service_code"] for s in data]
    assert "khac" not in codes and "den-chieu-sang" in codes
    assert len(codes) == len(fw.categories) - 1
    for service in data:
        assert set(service) == {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        }
        assert isinstance(service["service_code"], str) and service["service_name"]
        assert isinstance(service["metadata"], bool) and service["type"] == "realtime"
        assert service["keywords"] is None or isinstance(service["keywords"], str)
    by_code = {s["service_code"]: s for s in data}
    assert by_code["thoat-nuoc"]["metadata"] is True
    assert by_code["rac-thai"]["metadata"] is False
    assert by_code["thoat-nuoc"]["group"] == "Hạ tầng đô thị"
    assert by_code["lan-chiem"]["description"] is None  # absent: null / empty element


def test_service_definition_of_each_metadata_service(client, fw):
    services_ = client.get(f"{BASE}/services.json").json()
    for service in [s for s in services_ if s["metadata"]]:
        code = service["service_code"]
        data = get_both(client, f"{BASE}/services/{code}", {"jurisdiction_id": "00611"})
        assert data["service_code"] == code and data["attributes"]
        orders = [a["order"] for a in data["attributes"]]
        assert len(set(orders)) == len(orders) and all(o >= 1 for o in orders)
        for attribute in data["attributes"]:
            assert attribute["datatype"] in {
                "string",
                "number",
                "datetime",
                "text",
                "singlevaluelist",
                "multivaluelist",
            }
            assert isinstance(attribute["required"], bool)
            assert isinstance(attribute["variable"], bool)
            if attribute["datatype"].endswith("valuelist"):
                assert attribute["values"]
                assert all(set(v) == {"key", "name"} for v in attribute["values"])
            else:
                assert "values" not in attribute
    flood = client.get(f"{BASE}/services/thoat-nuoc.json").json()["attributes"][0]
    assert flood["code"] == "muc-ngap" and flood["required"] is True
    assert flood["datatype_description"] is None
    assert {"key": "duoi-20cm", "name": "Dưới 20 cm"} in flood["values"]


def test_unknown_service_code_is_404(client, fw):
    assert_error(client, f"{BASE}/services/khong-co", {}, 404, contains="service_code")


# --- jurisdictions, formats, errors --------------------------------------------------------


def test_one_commune_is_the_default_jurisdiction(client, fw):
    alone = client.get(f"{BASE}/services.json").json()
    assert alone == client.get(f"{BASE}/services.json", {"jurisdiction_id": ""}).json()
    assert alone == client.get(f"{BASE}/services.json", {"jurisdiction_id": "00611"}).json()


def test_several_communes_need_a_jurisdiction(client, fw, other_fw):
    for path in ("services", "services/thoat-nuoc", "requests", "requests/PA-1", "tokens/1"):
        assert_error(client, f"{BASE}/{path}", {}, 400, contains="jurisdiction_id")
        assert_error(client, f"{BASE}/{path}", {"jurisdiction_id": ""}, 400)
        assert_error(client, f"{BASE}/{path}", {"jurisdiction_id": "99999"}, 404)
    # a unit that exists but takes no reports is unknown here too
    assert_error(client, f"{BASE}/services", {"jurisdiction_id": "01"}, 404)
    theirs = client.get(f"{BASE}/services.json", {"jurisdiction_id": "00025"})
    assert theirs.status_code == 200 and len(theirs.json()) == len(other_fw.categories)


def test_unknown_format_or_resource_is_404(client, fw):
    response = client.get(f"{BASE}/services.html")
    assert response.status_code == 404 and response["Content-Type"] == XML
    assert ET.fromstring(response.content).find("error/code").text == "404"
    assert client.get(f"{BASE}/services").status_code == 404
    response = client.get(f"{BASE}/nothing.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_method_not_allowed(client, fw):
    response = client.put(f"{BASE}/services.json")
    assert response.status_code == 405 and response.json()[0]["code"] == 405


def test_tokens_are_never_issued(client, fw):
    assert_error(client, f"{BASE}/tokens/12345", {}, 404, contains="realtime")


def test_html_guide_at_the_root(client, fw):
    for path in ("/open311/", f"{BASE}/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Open311 GeoReport v2" in html and "jurisdiction_id" in html
        assert "00611" in html and "Phường Xuân Đỉnh" in html
        assert "open311-key create" in html


def test_html_guide_in_english(client, fw):
    from tests.core.test_i18n import VIETNAMESE_WORD, page_text

    client.cookies["django_language"] = "en"
    html = client.get("/open311/").content.decode()
    data = "xã số Tiếng Việt Phường Xuân Đỉnh"  # the platform, the switcher, the commune
    allowed = set(VIETNAMESE_WORD.findall(data))
    assert "Getting an API key" in html
    prose = re.sub(r"<pre.*?</pre>", "", html, flags=re.S)  # the examples' data stays
    assert set(VIETNAMESE_WORD.findall(page_text(prose))) - allowed == set()


# --- POST requests ------------------------------------------------------------------------


def test_post_creates_a_report(client, fw, key):
    response = post(
        client,
        fw,
        key,
        first_name="Văn An",
        last_name="Nguyễn",
        phone=PHONE,
        email=EMAIL,
        device_id="tt222111",
        account_id="123",
        media_url="http://example.org/anh.jpg",
    )
    assert response.status_code == 200 and response["Content-Type"] == JSON
    (answer,) = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None
    assert "16 giờ làm việc" in answer["service_notice"]
    report = Report.objects.get(code=answer["service_request_id"])
    assert report.channel == "open311" and report.status == "new"
    assert report.open311_client.prefix == key[:10]
    assert report.group == fw.ward.groups[0]
    # Vietnamese order: family name first; contact data encrypted at rest
    assert report.reporter_name == "Nguyễn Văn An" and report.reporter_email == EMAIL
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone, reporter_email FROM feedback_report "
            "WHERE id = %s",
            [report.pk],
        )
        raw = " ".join(cursor.fetchone())
    assert PHONE not in raw and EMAIL not in raw and "Nguyễn" not in raw
    log = AuditLog.objects.get(object_type="feedback.report", action="create")
    assert log.via == "open311" and log.ip == "127.0.0.1"


def test_post_answers_in_xml(client, fw, key):
    response = post(client, fw, key, fmt="xml")
    assert response.status_code == 200 and response["Content-Type"] == XML
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert request.findtext("service_request_id").startswith("PA-")
    assert request.find("token") is None
    assert request.find("account_id").text is None


def test_api_key_in_the_query_string_and_no_csrf(fw, key):
    client = Client(enforce_csrf_checks=True)
    lat, lon = fw.point_in_group(0)
    response = client.post(
        f"{BASE}/requests.json?api_key={key}&jurisdiction_id=00611",
        {"service_code": "rac-thai", "lat": lat, "long": lon, "description": "Rác ùn ứ"},
    )
    assert response.status_code == 200, response.content


def test_post_needs_a_valid_key(client, fw, key):
    count = Report.objects.count()
    assert_error(client, f"{BASE}/requests", {"service_code": "rac-thai"}, 403, method="post")
    assert_error(
        client,
        f"{BASE}/requests",
        {"api_key": "o311_wrong", "service_code": "rac-thai"},
        403,
        method="post",
    )
    services.revoke_open311_client(None, client=Open311Client.objects.get(prefix=key[:10]))
    assert post(client, fw, key).status_code == 403
    assert Report.objects.count() == count


def test_a_key_bound_to_a_commune_posts_only_there(client, fw, other_fw):
    key = new_key(fw, unit=other_fw.unit)
    response = post(client, fw, key, jurisdiction_id="00611")
    assert response.status_code == 403 and "00611" in response.json()[0]["description"]
    lat, lon = other_fw.point_in_group(0)
    response = post(client, other_fw, key, jurisdiction_id="00025", lat=str(lat), long=str(lon))
    assert response.status_code == 200
    assert Report.objects.get().unit == other_fw.unit
    # a key for every commune still needs the jurisdiction when there are several
    assert post(client, fw, new_key(fw)).status_code == 400


@pytest.mark.parametrize(
    ("fields", "status", "contains"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "khong-co"}, 404, "service_code"),
        ({"lat": None, "long": None}, 400, "location"),
        ({"long": None}, 400, "lat and long"),
        ({"lat": None}, 400, "lat and long"),
        ({"lat": "abc"}, 400, "decimal degrees"),
        ({"lat": "nan"}, 400, "decimal degrees"),
        ({"lat": "10.762", "long": "106.660"}, 400, "ngoài địa bàn"),
        ({"description": "x" * 4001}, 400, "4.000"),
        ({"phone": "12345"}, 400, ""),
        ({"jurisdiction_id": "99999"}, 404, "jurisdiction_id"),
    ],
)
def test_post_refusals_write_nothing(client, fw, key, fields, status, contains):
    count = Report.objects.count()
    for fmt in ("json", "xml"):
        response = post(client, fw, key, fmt=fmt, **fields)
        assert response.status_code == status, response.content.decode()
        if fmt == "json":
            (error,) = response.json()
            assert error["code"] == status and contains in error["description"]
        else:
            assert ET.fromstring(response.content).findtext("error/code") == str(status)
    assert Report.objects.count() == count


def test_unreadable_bodies_get_the_standard_400(client, fw, key, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"attribute[x{i}]": "1" for i in range(10)}
    response = post(client, fw, key, **fields)
    assert response.status_code == 400 and response.json()[0]["code"] == 400
    response = client.post(
        f"{BASE}/requests.json",
        b"--broken\r\nno headers",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_address_instead_of_coordinates(client, fw, key):
    response = post(client, fw, key, lat=None, long=None, address_string="Số 5 ngõ 12 Xuân La")
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert report.address == "Số 5 ngõ 12 Xuân La" and report.latitude is None
    response = post(client, fw, key, lat=None, long=None, address_id="545483")
    assert response.status_code == 200
    assert Report.objects.get(code=response.json()[0]["service_request_id"]).address


def test_required_and_list_attributes(client, fw, key):
    base = {"service_code": "thoat-nuoc"}
    response = post(client, fw, key, **base)
    assert response.status_code == 400 and "Mức nước ngập" in response.json()[0]["description"]
    response = post(client, fw, key, **base, **{"attribute[muc-ngap]": "sau-qua"})
    assert response.status_code == 400 and "không hợp lệ" in response.json()[0]["description"]
    assert not Report.objects.exists()
    response = post(client, fw, key, **base, **{"attribute[muc-ngap]": "20-50cm"})
    assert response.status_code == 200
    assert Report.objects.get().attributes == {"muc-ngap": "20-50cm"}

    CategoryAttribute.objects.create(
        category=fw.categories["rac-thai"],
        code="loai-rac",
        description="Loại rác",
        datatype="multivaluelist",
        order=1,
        values=[{"key": "sinh-hoat", "name": "Sinh hoạt"}, {"key": "xay-dung", "name": "Xây dựng"}],
    )
    lat, lon = fw.point_in_group(0)
    response = client.post(
        f"{BASE}/requests.json",
        f"api_key={key}&service_code=rac-thai&lat={lat}&long={lon}"
        "&attribute[loai-rac][]=sinh-hoat&attribute[loai-rac][]=xay-dung",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert response.status_code == 200, response.content
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert report.attributes == {"loai-rac": ["sinh-hoat", "xay-dung"]}


def test_multipart_media_is_a_photo(client, fw, key, settings):
    lat, lon = fw.point_in_group(0)
    photo = jpeg_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": key,
            "service_code": "cay-xanh",
            "lat": lat,
            "long": lon,
            "description": "Cây đổ chắn đường",
            "media": SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200, response.content
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert ReportPhoto.objects.filter(report=report, kind="report").count() == 1
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "cay-xanh", "lat": lat, "long": lon, "media": bad},
    )
    assert response.status_code == 400 and "ảnh" in response.json()[0]["description"]


def test_rate_limited_sender_gets_429(client, fw, key, settings):
    settings.XASO_FEEDBACK_LIMIT_PER_PHONE = 1
    assert post(client, fw, key, phone=PHONE).status_code == 200
    for fmt in ("json", "xml"):
        response = post(client, fw, key, fmt=fmt, phone=PHONE)
        assert response.status_code == 429
    assert response.content.decode().count("<code>429</code>") == 1


# --- GET requests -------------------------------------------------------------------------


def test_a_posted_request_can_be_read_back(client, fw, key):
    code = post(client, fw, key, phone=PHONE, email=EMAIL, last_name="Nguyễn").json()[0][
        "service_request_id"
    ]
    (request,) = get_both(client, f"{BASE}/requests/{code}", {"jurisdiction_id": "00611"})
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == code and request["status"] == "open"
    assert request["service_code"] == "den-chieu-sang"
    assert request["service_name"] == fw.categories["den-chieu-sang"].name
    assert W3C.match(request["requested_datetime"])
    assert W3C.match(request["updated_datetime"]) and W3C.match(request["expected_datetime"])
    assert request["agency_responsible"] == fw.departments["KT"].name
    assert request["status_notes"] == "Mới gửi"
    assert request["address_id"] is None and request["zipcode"] is None
    assert isinstance(request["lat"], float) and isinstance(request["long"], float)
    assert request["media_url"] is None
    assert "giờ làm việc" in request["service_notice"]
    assert get_both(client, f"{BASE}/requests", {"service_request_id": code}) == [request]
    # lower case works too; an unknown id is 404
    assert client.get(f"{BASE}/requests/{code.lower()}.json").status_code == 200
    assert_error(client, f"{BASE}/requests/PA-2020-999999", {}, 404)


def test_lists_never_show_contact_data(client, fw):
    submit(fw)
    submit(fw, reporter_name="Lê Thị Hoa", reporter_phone="0987654321")
    for fmt in ("json", "xml"):
        body = client.get(f"{BASE}/requests.{fmt}").content.decode()
        assert "PA-" in body
        for secret in (PHONE, "0987654321", EMAIL, "Nguyễn Văn An", "Lê Thị Hoa", "Hoa"):
            assert secret not in body


def test_closed_requests_explain_themselves(client, fw):
    official = fw.user(Role.COMMUNE_OFFICIAL)
    staff = fw.user(Role.DEPARTMENT_STAFF)
    rejected = services.reject_report(official, report=submit(fw), reason="Không thuộc địa bàn")
    original = submit(fw)
    duplicate = services.merge_report(official, report=submit(fw), into=original)
    resolved = services.accept_report(official, report=submit(fw))
    resolved = services.assign_report(official, report=resolved, department=fw.departments["KT"])
    resolved = services.resolve_report(staff, report=resolved, answer="Đã thay bóng đèn mới.")
    Report.objects.filter(pk=resolved.pk).update(updated_at=timezone.now() + dt.timedelta(hours=1))
    data = {r["service_request_id"]: r for r in get_both(client, f"{BASE}/requests")}
    assert data[rejected.code]["status"] == "closed"
    assert "Không thuộc địa bàn" in data[rejected.code]["status_notes"]
    assert data[duplicate.code]["status"] == "closed"
    assert original.code in data[duplicate.code]["status_notes"]
    assert data[resolved.code]["status"] == "closed"
    assert data[resolved.code]["status_notes"] == "Đã thay bóng đèn mới."
    resolved.refresh_from_db()
    assert data[resolved.code]["updated_datetime"] == timezone.localtime(
        resolved.closed_at
    ).isoformat(timespec="seconds")
    assert data[original.code]["status"] == "open"


def test_filters(client, fw):
    official = fw.user(Role.COMMUNE_OFFICIAL)
    light = submit(fw)
    waste = submit(fw, category=fw.categories["rac-thai"])
    closed = services.reject_report(official, report=submit(fw), reason="Sai địa bàn")

    def codes(**params):
        return {r["service_request_id"] for r in get_both(client, f"{BASE}/requests", params)}

    everything = {light.code, waste.code, closed.code}
    assert codes() == everything
    assert codes(status="open") == {light.code, waste.code}
    assert codes(status="closed") == {closed.code}
    assert codes(status="open,closed") == everything
    assert codes(service_code="rac-thai") == {waste.code}
    assert codes(service_code="rac-thai,den-chieu-sang") == everything
    assert codes(service_code="khong-co") == set()
    # service_request_id overrides every other argument
    assert codes(service_request_id=f"{light.code},{closed.code}", status="open") == {
        light.code,
        closed.code,
    }
    # empty arguments are absent arguments
    assert codes(status="", service_code="", start_date="", end_date="", page="") == everything
    assert_error(client, f"{BASE}/requests", {"status": "pending"}, 400)


def test_date_range_and_the_90_day_rule(client, fw):
    old = aged(submit(fw), 100)
    month = aged(submit(fw), 30)
    today = submit(fw)

    def codes(**params):
        return {r["service_request_id"] for r in get_both(client, f"{BASE}/requests", params)}

    assert codes() == {month.code, today.code}  # default: the last 90 days
    assert codes(service_request_id=old.code) == {old.code}  # ids ignore the window
    now = timezone.now()
    start = (now - dt.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - dt.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert codes(start_date=start, end_date=end) == {old.code}
    assert codes(start_date=start) == {old.code}  # start + 90 days
    assert codes(end_date=end) == {old.code}  # end - 90 days
    local = timezone.localtime(now - dt.timedelta(days=31)).isoformat(timespec="seconds")
    assert codes(start_date=local) == {month.code, today.code}
    # a "+" the client forgot to encode arrives as a space, and still works
    assert codes(start_date=local.replace("+", " ")) == {month.code, today.code}
    assert codes(start_date=timezone.localdate().isoformat()) == {today.code}
    too_long = (now - dt.timedelta(days=91)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert_error(
        client,
        f"{BASE}/requests",
        {"start_date": too_long, "end_date": now.strftime("%Y-%m-%dT%H:%M:%SZ")},
        400,
        contains="90 days",
    )
    assert_error(client, f"{BASE}/requests", {"start_date": "hôm qua"}, 400, contains="W3C")
    assert_error(client, f"{BASE}/requests", {"start_date": end, "end_date": start}, 400)


def test_default_volume_and_pagination(client, fw, monkeypatch):
    from xaso.feedback import open311

    reports = [submit(fw) for _ in range(5)]
    newest_first = [r.code for r in reversed(reports)]
    data = get_both(client, f"{BASE}/requests")
    assert [r["service_request_id"] for r in data] == newest_first

    def page(**params):
        return [r["service_request_id"] for r in get_both(client, f"{BASE}/requests", params)]

    assert page(page_size=2) == newest_first[:2]
    assert page(page_size=2, page=2) == newest_first[2:4]
    assert page(page_size=2, page=3) == newest_first[4:]
    assert page(page_size=2, page=4) == []
    for bad in ({"page": "0"}, {"page_size": "1001"}, {"page_size": "x"}, {"page": "-1"}):
        assert_error(client, f"{BASE}/requests", bad, 400)
    monkeypatch.setattr(open311, "MAX_PAGE_SIZE", 3)  # the default volume is one full page
    assert len(client.get(f"{BASE}/requests.json").json()) == 3


def test_another_communes_requests_never_appear(client, fw, other_fw):
    ours = submit(fw)
    lat, lon = other_fw.point_in_group(0)
    theirs = services.submit_report(
        None,
        category=other_fw.categories["den-chieu-sang"],
        description="Đèn hỏng ở Giảng Võ",
        latitude=lat,
        longitude=lon,
    )
    mine = get_both(client, f"{BASE}/requests", {"jurisdiction_id": "00611"})
    assert [r["service_request_id"] for r in mine] == [ours.code]
    assert_error(client, f"{BASE}/requests/{theirs.code}", {"jurisdiction_id": "00611"}, 404)
    assert (
        get_both(
            client,
            f"{BASE}/requests",
            {"jurisdiction_id": "00611", "service_request_id": theirs.code},
        )
        == []
    )
    other = get_both(client, f"{BASE}/requests", {"jurisdiction_id": "00025"})
    assert [r["service_request_id"] for r in other] == [theirs.code]


def test_media_url_is_the_first_citizen_photo(client, fw):
    report = submit(fw, photos=[jpeg_bytes(), jpeg_bytes(color=(0, 0, 200))])
    (request,) = client.get(f"{BASE}/requests/{report.code}.json").json()
    first = ReportPhoto.objects.filter(report=report).order_by("id").first()
    try:
        path = reverse("feedback:photo", kwargs={"pk": first.pk})
    except NoReverseMatch:  # the feedback pages do not serve photos (yet)
        assert request["media_url"] is None
    else:
        assert request["media_url"] == f"http://testserver{path}"
        assert client.get(request["media_url"]).status_code == 200
    # a rejected report's photos are not public: none is linked
    services.reject_report(fw.user(Role.COMMUNE_OFFICIAL), report=report, reason="Ảnh riêng tư")
    assert client.get(f"{BASE}/requests/{report.code}.json").json()[0]["media_url"] is None


def test_lists_cost_a_fixed_number_of_queries(client, fw, django_assert_max_num_queries):
    submit(fw, photos=[jpeg_bytes()])
    with django_assert_max_num_queries(3) as small:
        assert len(client.get(f"{BASE}/requests.json").json()) == 1
    official = fw.user(Role.COMMUNE_OFFICIAL)
    for index in range(12):
        report = submit(fw, photos=[jpeg_bytes()] if index % 2 else [])
        if index % 3 == 0:
            services.reject_report(official, report=report, reason="Trùng lặp")
    services.merge_report(official, report=submit(fw), into=report)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(f"{BASE}/requests.xml").content) > 1000
    with django_assert_max_num_queries(2):
        client.get(f"{BASE}/services.json")
    with django_assert_max_num_queries(3):
        client.get(f"{BASE}/services/thoat-nuoc.json")


# --- the key command ------------------------------------------------------------------------


def test_key_command_creates_lists_and_revokes(client, fw, capsys):
    call_command("open311-key", "create", "Ứng dụng Phố Xanh", "--unit", "00611")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("o311_") and len(key) > 20
    assert post(client, fw, key).status_code == 200
    assert Open311Client.objects.get().unit == fw.unit

    call_command("open311-key", "list")
    listing = capsys.readouterr().out
    assert key[:10] in listing and "Ứng dụng Phố Xanh" in listing and "00611" in listing
    assert key not in listing  # the key itself is never shown again

    call_command("open311-key", "revoke", key[:10])
    assert "Đã thu hồi" in capsys.readouterr().out
    assert post(client, fw, key).status_code == 403
    with pytest.raises(CommandError):
        call_command("open311-key", "revoke", key[:10])  # nothing active left with that prefix

    call_command("open311-key", "create", "Cổng thành phố")
    second = capsys.readouterr().out.strip().splitlines()[-1]
    client_id = Open311Client.objects.get(prefix=second[:10]).pk
    call_command("open311-key", "revoke", str(client_id))
    assert post(client, fw, second).status_code == 403
    with pytest.raises(CommandError):
        call_command("open311-key", "create", "Sai mã", "--unit", "99999")
