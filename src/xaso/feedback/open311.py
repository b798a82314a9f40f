"""Open311 GeoReport v2 server: what other applications use to read a commune's feedback
categories and reports and to file reports (http://wiki.open311.org/GeoReport_v2).

Followed to the letter, so that a client written from the standard alone works unchanged:

- every resource is ``{base}/{resource}.{format}`` with ``format`` ``xml`` (required by the
  standard) or ``json`` (the Spark mapping of the XML: lists become arrays, the discovery and
  service-definition documents objects); content types ``text/xml; charset=utf-8`` and
  ``application/json; charset=utf-8``; the XML declaration first, no namespace;
- ``jurisdiction_id`` is the commune's unit code (``00611``). One server hosts many communes,
  so it is required (400) unless exactly one commune takes reports; an unknown one is 404;
- an empty argument is treated exactly like an absent one (§ "Optional Arguments");
- absent values are ``null`` in JSON and empty elements in XML; identifiers are strings; times
  are W3C date-times with the +07:00 offset;
- errors are lists of ``{code, description}`` whose ``code`` is the HTTP status: 404 for what
  does not exist, 403 for API-key problems, 400 for everything else (429 when the sender is
  rate-limited). Protocol errors are in English, business rules answer in Vietnamese.

Choices where the standard is silent (documented in the README and on the /open311/ page):
services are ``realtime`` (POST returns the report code), so ``tokens/{token}`` is always 404;
``start_date``–``end_date`` may span at most 90 days (400 beyond); ``page``/``page_size`` are
the pagination extension (at most 1,000 a page); a multipart ``media`` part is a photo;
``media_url``, ``device_id`` and ``account_id`` are accepted and not stored.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import dateparse, timezone
from django.views.decorators.csrf import csrf_exempt

from xaso import __version__
from xaso.core import audit
from xaso.core.exceptions import BusinessError, RateLimited
from xaso.feedback import selectors, services
from xaso.feedback.choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    AttributeType,
    Channel,
    ReportStatus,
)
from xaso.feedback.models import Category, Report

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# The XML element of one item of each list (the Spark mapping drops it in JSON).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
LIST_TYPES = (AttributeType.SINGLE, AttributeType.MULTI)
MAX_WINDOW = dt.timedelta(days=90)  # § GET Service Requests: "may not span more than 90 days"
MAX_PAGE_SIZE = 1000  # § Response Volume: "first 1000 requests"
MAX_IDS = 1000
# Characters XML 1.0 cannot carry at all (a control character pasted into a description).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_SPACE_FOR_PLUS = re.compile(r" (\d\d:?\d\d)$")
_CHANGESET_BEFORE_ANY_EDIT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Open311Error(Exception):
    """Answered as the standard's error list with this HTTP status."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# ---------------------------------------------------------------------------------------------
# Rendering


def _xml_element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_xml_element(key, child))
    elif isinstance(value, list | tuple):
        for child in value:
            element.append(_xml_element(ITEM_TAGS[tag], child))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
    return element


def to_xml(root: str, data) -> str:
    body = ET.tostring(_xml_element(root, data), encoding="unicode", short_empty_elements=False)
    return XML_DECLARATION + body


def respond(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    content = json.dumps(data, ensure_ascii=False) if fmt == "json" else to_xml(root, data)
    response = HttpResponse(content.encode(), status=status, content_type=CONTENT_TYPES[fmt])
    # Every GET of the standard is public: browser applications of other sites may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)


def w3c(moment: dt.datetime | None) -> str | None:
    """A W3C date-time in Vietnam's time (+07:00), to the second."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _or_none(value: str | None) -> str | None:
    return value if value else None


def open311_endpoint(*methods: str) -> Callable:
    """Check the format suffix and the method, and turn ``Open311Error`` into the standard's
    error body. An unknown format is 404 (answered in XML, the format every client reads)."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs):
            if fmt not in CONTENT_TYPES:
                return error_response("xml", 404, f"Unknown format '.{fmt}': use .xml or .json.")
            if request.method not in allowed:
                response = error_response(fmt, 405, f"Method {request.method} is not allowed here.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.description)
            except (SuspiciousOperation, MultiPartParserError):
                # A body too large, too many fields, a broken multipart: still the standard's 400.
                return error_response(fmt, 400, "The request body could not be read.")

        return wrapper

    return decorate


# ---------------------------------------------------------------------------------------------
# Arguments


def _param(query: QueryDict, name: str) -> str | None:
    """An argument, ``None`` when absent or empty (§ Optional Arguments)."""
    value = (query.get(name) or "").strip()
    return value or None


def _comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _jurisdiction(request: HttpRequest, *, body: bool = False):
    """The commune named by ``jurisdiction_id`` (query string, or body for a POST)."""
    code = (_param(request.POST, "jurisdiction_id") if body else None) or _param(
        request.GET, "jurisdiction_id"
    )
    if code is None:
        served = list(selectors.open311_jurisdictions()[:2])
        if len(served) == 1:
            return served[0]
        raise Open311Error(
            400,
            "jurisdiction_id is required: this server hosts several communes; "
            "use the commune's unit code (e.g. 00611), listed on /open311/.",
        )
    unit = selectors.open311_jurisdiction(code)
    if unit is None:
        raise Open311Error(404, f"jurisdiction_id '{code}' was not found on this server.")
    return unit


def _moment(value: str, name: str, *, end: bool = False) -> dt.datetime:
    # A "+" that was not URL-encoded arrives as a space: "2026-05-01T00:00:00 07:00".
    value = _SPACE_FOR_PLUS.sub(r"+\1", value)
    try:
        moment = dateparse.parse_datetime(value)
        day = None if moment else dateparse.parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None and day is not None:
        # A bare date covers its whole day in Vietnam's time.
        moment = dt.datetime.combine(day, dt.time.min)
        if end:
            moment += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    if moment is None:
        raise Open311Error(
            400, f"{name} must be a W3C date-time such as 2026-05-01T00:00:00+07:00."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _positive_int(value: str | None, name: str, default: int, maximum: int | None = None) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise Open311Error(400, f"{name} must be a whole number of at least 1.")
    number = int(value)
    if maximum is not None and number > maximum:
        raise Open311Error(400, f"{name} may be at most {maximum}.")
    return number


# ---------------------------------------------------------------------------------------------
# Documents


def _service_notice(category: Category, due_at: dt.datetime | None, unit_name: str) -> str:
    notice = f"{unit_name} sẽ xử lý trong {category.sla_hours} giờ làm việc"
    if due_at is not None:
        notice += f", hạn {timezone.localtime(due_at):%H:%M %d/%m/%Y}"
    return notice + "."


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _or_none(category.description),
        "metadata": bool(category.has_attributes),
        "type": "realtime",
        "keywords": _or_none(category.keywords),
        "group": _or_none(category.group),
    }


def _attribute(attribute) -> dict:
    data = {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": _or_none(attribute.datatype_description),
        "order": attribute.order,
        "description": _or_none(attribute.description),
    }
    if attribute.datatype in LIST_TYPES:
        data["values"] = [
            {"key": str(value.get("key", "")), "name": str(value.get("name", ""))}
            for value in attribute.values or []
        ]
    return data


def _status_notes(report: Report) -> str | None:
    if report.status == ReportStatus.REJECTED:
        return f"Không tiếp nhận: {report.rejection_reason}" if report.rejection_reason else None
    if report.status == ReportStatus.DUPLICATE:
        if report.duplicate_code:
            return f"Trùng với phản ánh {report.duplicate_code}."
        return "Trùng với một phản ánh khác."
    if report.status == ReportStatus.RESOLVED:
        return _or_none(report.answer)
    return str(ReportStatus(report.status).label)


class _PhotoUrls:
    """Absolute URLs of report photos, once the feedback pages serve them (``feedback:photo``)."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.available = True

    def __call__(self, photo_id: int | None) -> str | None:
        if photo_id is None or not self.available:
            return None
        try:
            path = reverse("feedback:photo", kwargs={"pk": photo_id})
        except NoReverseMatch:
            self.available = False
            return None
        return self.request.build_absolute_uri(path)


def _request_document(report: Report, unit_name: str, photo_url: _PhotoUrls) -> dict:
    closed = report.status in CLOSED_STATUSES
    return {
        "service_request_id": report.code,
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": _or_none(report.description),
        "agency_responsible": report.department.name if report.department else None,
        "service_notice": _service_notice(report.category, report.due_at, unit_name),
        "requested_datetime": w3c(report.created_at),
        # § GET Service Requests: for a closed request, the time it was closed.
        "updated_datetime": w3c(
            report.closed_at if closed and report.closed_at else report.updated_at
        ),
        "expected_datetime": w3c(report.due_at),
        "address": _or_none(report.address),
        "address_id": None,
        "zipcode": None,
        "lat": _degrees(report.latitude),
        "long": _degrees(report.longitude),
        # Photos of a rejected report are not public (the photo page answers 404 to anyone
        # outside the commune's officials), so none is linked.
        "media_url": None
        if report.status == ReportStatus.REJECTED
        else photo_url(report.first_photo_id),
    }


def _degrees(value: float | None) -> float | None:
    return None if value is None else round(value, 7)  # 1 cm is precise enough


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:v2_index")).rstrip("/")


def changeset() -> str:
    """Sortable: the last change of any category or category question, W3C in +07:00."""
    return w3c(selectors.open311_changeset() or _CHANGESET_BEFORE_ANY_EDIT)


def discovery_document(request: HttpRequest) -> dict:
    stamp = changeset()
    contact = getattr(
        settings,
        "XASO_OPEN311_CONTACT",
        "Văn phòng UBND xã/phường (bộ phận Một cửa) nơi bạn gửi phản ánh. "
        "Contact the office of the commune's People's Committee.",
    )
    return {
        "changeset": stamp,
        "contact": contact,
        "key_service": (
            "Mã API (api_key) do quản trị viên của xã/phường cấp: "
            "`xaso open311-key create TÊN --unit MÃ_XÃ` hoặc trang quản trị. "
            "API keys are issued by the commune's administrator: "
            "`xaso open311-key create NAME --unit CODE`."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _base_url(request),
                "changeset": stamp,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


# ---------------------------------------------------------------------------------------------
# Views


def index(request: HttpRequest) -> HttpResponse:
    """The HTML page at the root of the endpoints (recommended by Service Discovery)."""
    jurisdictions = list(selectors.open311_jurisdictions())
    example_unit = jurisdictions[0] if jurisdictions else None
    example_service = selectors.open311_services(example_unit.id).first() if example_unit else None
    return render(
        request,
        "feedback/open311_index.html",
        {
            "base_url": _base_url(request),
            "discovery_url": request.build_absolute_uri(
                reverse("open311:discovery", kwargs={"fmt": "json"})
            ),
            "jurisdictions": jurisdictions,
            "example_unit": example_unit,
            "example_service": example_service,
            "max_days": MAX_WINDOW.days,
            "max_page_size": MAX_PAGE_SIZE,
            "version": __version__,
        },
    )


@open311_endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    return respond(fmt, "discovery", discovery_document(request))


@open311_endpoint("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    unit = _jurisdiction(request)
    services_ = [_service(category) for category in selectors.open311_services(unit.id)]
    return respond(fmt, "services", services_)


@open311_endpoint("GET")
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    unit = _jurisdiction(request)
    category = selectors.open311_service(unit.id, service_code)
    if category is None:
        raise Open311Error(404, f"service_code '{service_code}' was not found.")
    attributes = sorted(category.attributes.all(), key=lambda a: (a.order, a.code))
    document = {
        "service_code": category.code,
        "attributes": [_attribute(attribute) for attribute in attributes],
    }
    return respond(fmt, "service_definition", document)


@csrf_exempt  # external clients authenticate with their api_key, not a session
@open311_endpoint("GET", "POST")
def request_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    unit = _jurisdiction(request)
    query = request.GET
    rows = selectors.open311_requests(unit.id)
    ids = _comma_list(_param(query, "service_request_id"))
    if ids:
        # § GET Service Requests: service_request_id "overrides all other arguments".
        if len(ids) > MAX_IDS:
            raise Open311Error(400, f"At most {MAX_IDS} service_request_id at once.")
        rows = rows.filter(code__in=[code.upper() for code in ids])
    else:
        rows = _filtered(rows, query)
    page = _positive_int(_param(query, "page"), "page", 1)
    size = _positive_int(_param(query, "page_size"), "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = (page - 1) * size
    photo_url = _PhotoUrls(request)
    documents = [
        _request_document(report, unit.name, photo_url) for report in rows[offset : offset + size]
    ]
    return respond(fmt, "service_requests", documents)


def _filtered(rows, query: QueryDict):
    codes = _comma_list(_param(query, "service_code"))
    if codes:
        rows = rows.filter(category__code__in=codes)
    statuses = {s.lower() for s in _comma_list(_param(query, "status"))}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both, comma separated.")
    if statuses == {"open"}:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        rows = rows.filter(status__in=CLOSED_STATUSES)
    start = _param(query, "start_date")
    end = _param(query, "end_date")
    start_at = _moment(start, "start_date") if start else None
    end_at = _moment(end, "end_date", end=True) if end else None
    if start_at and end_at:
        if end_at < start_at:
            raise Open311Error(400, "end_date is before start_date.")
        if end_at - start_at > MAX_WINDOW:
            raise Open311Error(
                400,
                f"The range from start_date to end_date may not span more than "
                f"{MAX_WINDOW.days} days; ask for several ranges.",
            )
    elif start_at:
        end_at = start_at + MAX_WINDOW
    elif end_at:
        start_at = end_at - MAX_WINDOW
    else:
        start_at = timezone.now() - MAX_WINDOW
    rows = rows.filter(created_at__gte=start_at)
    if end_at is not None:
        rows = rows.filter(created_at__lte=end_at)
    return rows


@open311_endpoint("GET")
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    unit = _jurisdiction(request)
    report = (
        selectors.open311_requests(unit.id).filter(code=service_request_id.strip().upper()).first()
    )
    if report is None:
        raise Open311Error(404, f"service_request_id '{service_request_id}' was not found.")
    document = _request_document(report, unit.name, _PhotoUrls(request))
    return respond(fmt, "service_requests", [document])


@open311_endpoint("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    raise Open311Error(
        404,
        f"token '{token}' was not found: every service of this server is realtime, so POST "
        "requests answers with a service_request_id and never issues a token.",
    )


def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under the endpoint: the standard's 404, in the format asked for."""
    fmt = "json" if path.endswith(".json") else "xml"
    return error_response(fmt, 404, f"No such resource: /{path}")


# ---------------------------------------------------------------------------------------------
# POST requests


def _api_key(request: HttpRequest):
    key = _param(request.POST, "api_key") or _param(request.GET, "api_key")
    if key is None:
        raise Open311Error(403, "api_key is required to post a service request.")
    client = services.authenticate_open311_key(key)
    if client is None:
        raise Open311Error(403, "api_key is invalid or has been revoked.")
    return client


def _location(form: QueryDict) -> tuple[float | None, float | None, str]:
    lat, long = _param(form, "lat"), _param(form, "long")
    if (lat is None) != (long is None):
        raise Open311Error(400, "lat and long must be sent together.")
    latitude = longitude = None
    if lat is not None:
        try:
            latitude, longitude = float(lat), float(long)
        except ValueError as exc:
            raise Open311Error(400, "lat and long must be decimal degrees (WGS84).") from exc
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            raise Open311Error(400, "lat and long must be decimal degrees (WGS84).")
    address = _param(form, "address_string") or ""
    address_id = _param(form, "address_id")
    if not address and address_id:
        # No master address register here: the identifier is kept as the place's text.
        address = f"Mã địa chỉ {address_id}"
    if latitude is None and not address:
        raise Open311Error(
            400, "A location is required: lat and long, address_string or address_id."
        )
    return latitude, longitude, address


def _attributes(form: QueryDict) -> dict:
    """``attribute[code]=v`` and, for a multivaluelist, ``attribute[code][]=v1&…``."""
    answers: dict = {}
    for key in form:
        match = _ATTRIBUTE_KEY.match(key)
        if not match:
            continue
        values = [v for v in form.getlist(key) if v.strip()]
        if not values:
            continue
        code = match.group(1)
        if match.group(2) or len(values) > 1:
            answers[code] = [*answers.get(code, []), *values]
        else:
            answers.setdefault(code, values[0])
    return answers


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    form = request.POST
    client = _api_key(request)
    unit = _jurisdiction(request, body=True)
    if client.unit_id is not None and client.unit_id != unit.id:
        raise Open311Error(403, f"This api_key may not post to jurisdiction_id '{unit.code}'.")
    service_code = _param(form, "service_code") or _param(request.GET, "service_code")
    if service_code is None:
        raise Open311Error(400, "service_code is required.")
    category = selectors.open311_service(unit.id, service_code)
    if category is None:
        raise Open311Error(404, f"service_code '{service_code}' was not found.")
    latitude, longitude, address = _location(form)
    name = " ".join(
        # A Vietnamese full name is family name first: "Nguyễn" (last_name) "Văn An".
        part
        for part in (_param(form, "last_name"), _param(form, "first_name"))
        if part
    )
    context = audit.set_context(
        audit.RequestContext(ip=request.META.get("REMOTE_ADDR"), via="open311")
    )
    try:
        report = services.submit_report(
            None,
            category=category,
            description=form.get("description") or "",
            channel=Channel.OPEN311,
            latitude=latitude,
            longitude=longitude,
            address=address,
            photos=request.FILES.getlist("media"),
            reporter_name=name,
            reporter_phone=_param(form, "phone") or "",
            reporter_email=_param(form, "email") or "",
            attributes=_attributes(form),
            client_ip=request.META.get("REMOTE_ADDR"),
            open311_client=client,
        )
    except RateLimited as exc:
        raise Open311Error(429, exc.message) from exc
    except BusinessError as exc:
        raise Open311Error(400, exc.message) from exc
    finally:
        audit.reset_context(context)
    document = {
        "service_request_id": report.code,
        "service_notice": _service_notice(category, report.due_at, unit.name),
        "account_id": None,
    }
    return respond(fmt, "service_requests", [document])
