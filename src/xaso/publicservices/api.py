"""Public JSON API of the procedure catalogue: /api/v1/procedures (no login needed).

The catalogue is public information (Nghị định 63/2010/NĐ-CP on publicising administrative
procedures): anyone may list and read it, page by page, and reuse it.
"""

import datetime as dt

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from xaso.publicservices import selectors
from xaso.publicservices.choices import Channel, OnlineLevel, TimeUnit
from xaso.publicservices.labels import time_limit_text

router = Router(tags=["procedures"])

DocumentKind = str  # ban-chinh | ban-sao | ban-chinh-hoac-ban-sao | xuat-trinh


class TimeLimitSummary(Schema):
    value: int | float = Field(description="Thời hạn tối đa theo luật, tính theo `unit`.")
    unit: TimeUnit
    text: str = Field(
        description="Thời hạn đọc được, ví dụ «3 ngày làm việc»; trong chi tiết kèm thời hạn "
        "kéo dài, nếu có."
    )


class FeeSummary(Schema):
    amount_vnd: int | None = Field(
        description="0: miễn; null: mức thu do nơi khác quy định (xem `text`)."
    )
    text: str


class ProcedureListItem(Schema):
    code: str
    national_code: str | None = Field(description="Mã trên Cơ sở dữ liệu quốc gia về TTHC, nếu có.")
    name: str
    field: str = Field(description="Lĩnh vực.")
    field_code: str
    online_level: OnlineLevel
    time_limit: TimeLimitSummary
    fee: FeeSummary
    effective_date: dt.date
    version: int
    url: str = Field(description="Trang của thủ tục cho người dân (in được trên một tờ A4).")


class DocumentOut(Schema):
    name: str
    original_or_copy: DocumentKind = Field(
        description="ban-chinh, ban-sao, ban-chinh-hoac-ban-sao hoặc xuat-trinh (chỉ xuất "
        "trình để đối chiếu)."
    )
    quantity: int
    form: str | None = Field(None, description="Tên mẫu tờ khai, nếu có.")
    required: bool = Field(True, description="False: chỉ cần trong trường hợp `condition`.")
    condition: str | None = None
    note: str | None = None


class ExtendedTimeLimitOut(Schema):
    value: int | float
    unit: TimeUnit
    condition: str


class TimeLimitOut(TimeLimitSummary):
    same_day: bool = False
    note: str | None = None
    extended: ExtendedTimeLimitOut | None = None


class FeeOut(FeeSummary):
    online_amount_vnd: int | None = Field(None, description="Mức thu khi nộp trực tuyến.")
    note: str | None = None


class LegalBasisOut(Schema):
    code: str = Field(description="Văn bản, ví dụ «Luật Hộ tịch 2014».")
    article: str | None = None


class VersionOut(Schema):
    version: int
    effective_date: dt.date
    changed_at: dt.datetime
    changed_fields: list[str]
    note: str


class ProcedureOut(Schema):
    code: str
    national_code: str | None = None
    name: str
    field: str
    field_code: str
    level: str = Field(description="Cấp thực hiện: `xa` (cấp xã).")
    authority: str = Field(description="Cơ quan giải quyết.")
    purpose: str
    applicants: list[str]
    documents: list[DocumentOut]
    channels: list[Channel]
    online_level: OnlineLevel
    time_limit: TimeLimitOut
    fee: FeeOut
    legal_basis: list[LegalBasisOut]
    steps: list[str]
    result: str
    effective_date: dt.date
    keywords: list[str]
    notes: list[str] = []
    version: int
    active: bool
    updated_at: dt.datetime
    url: str
    versions: list[VersionOut] = Field(description="Lịch sử thay đổi, mới nhất trước.")


class ProcedureFilters(Schema):
    q: str = Field("", max_length=200, description="Từ cần tìm, ví dụ «dang ky khai sinh».")
    field: str = Field("", max_length=60, description="Mã lĩnh vực, ví dụ `ho-tich`.")
    online_level: OnlineLevel | None = Field(None, description="Mức độ trực tuyến.")


def _url(request, code: str) -> str:
    return request.build_absolute_uri(reverse("publicservices:procedure", args=[code]))


@router.get(
    "/procedures",
    response=list[ProcedureListItem],
    auth=None,
    summary="Danh mục thủ tục hành chính cấp xã; q tìm có dấu hoặc không dấu",
)
@paginate(LimitOffsetPagination)
def list_procedures(request, filters: Query[ProcedureFilters]):
    found = selectors.search_procedures(
        filters.q,
        field_code=filters.field,
        online_level=filters.online_level or "",
        with_description=True,
    )
    return [
        {
            "code": p.code,
            "national_code": p.national_code or None,
            "name": p.name,
            "field": p.field_name,
            "field_code": p.field_code,
            "online_level": p.online_level,
            "time_limit": {
                "value": p.data["time_limit"]["value"],
                "unit": p.data["time_limit"]["unit"],
                "text": time_limit_text(p.data["time_limit"], short=True),
            },
            "fee": {
                "amount_vnd": p.data["fee"]["amount_vnd"],
                "text": p.data["fee"]["text"],
            },
            "effective_date": p.effective_date,
            "version": p.version,
            "url": _url(request, p.code),
        }
        for p in found.procedures
    ]


@router.get(
    "/procedures/{code}",
    response=ProcedureOut,
    auth=None,
    summary="Một thủ tục: mọi thông tin, phiên bản và lịch sử thay đổi",
)
def get_procedure(request, code: str):
    procedure = selectors.get_procedure(code)
    data = procedure.data
    time_limit = {**data["time_limit"], "text": time_limit_text(data["time_limit"])}
    return {
        **data,
        "time_limit": time_limit,
        "version": procedure.version,
        "active": procedure.active,
        "updated_at": procedure.updated_at,
        "url": _url(request, procedure.code),
        "versions": [
            {
                "version": version.version,
                "effective_date": version.effective_date,
                "changed_at": version.changed_at,
                "changed_fields": version.changed_fields,
                "note": version.note,
            }
            for version in selectors.procedure_versions(procedure)
        ],
    }
