"""Building blocks of the dossier tests: procedures written straight into the catalogue table
(so that the tests do not depend on the shipped catalogue, which evolves), dossiers in the
shape the province's system exports them, and moments in Vietnam time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from xaso.publicservices.models import Dossier, Procedure
from xaso.publicservices.services.rollups import refresh_rollups

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year, month, day, hour=0, minute=0, second=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN)


def make_procedure(
    code: str,
    *,
    name: str | None = None,
    field_code: str = "chung-thuc",
    field_name: str = "Chứng thực",
    online_level: str = "khong",
    value: float = 1,
    unit: str = "ngay-lam-viec",
    same_day: bool = False,
    fee: int | None = 0,
    has_fee: bool | None = None,
    national_code: str = "",
    active: bool = True,
    complete: bool = True,
) -> Procedure:
    time_limit = {"value": value, "unit": unit, **({"same_day": True} if same_day else {})}
    data = {
        "code": code,
        "name": name or code.replace("-", " ").capitalize(),
        "documents": [{"name": "Tờ khai", "original_or_copy": "ban-chinh", "quantity": 1}],
        "time_limit": time_limit,
        "fee": {"amount_vnd": fee, "text": f"{fee} đồng" if fee else "Miễn lệ phí"},
        "legal_basis": [{"code": "Luật Hộ tịch 2014"}],
        "steps": ["Nộp hồ sơ", "Nhận kết quả"],
        "result": "Giấy xác nhận",
    }
    if not complete:
        data.pop("steps")
    return Procedure.objects.create(
        code=code,
        national_code=national_code,
        name=data["name"],
        field_code=field_code,
        field_name=field_name,
        online_level=online_level,
        time_limit_value=Decimal(str(value)),
        time_limit_unit=unit,
        fee_vnd=fee,
        has_fee=bool(fee) if has_fee is None else has_fee,
        fee_text=data["fee"]["text"],
        effective_date=dt.date(2025, 7, 1),
        active=active,
        data=data,
    )


def standard_procedures() -> dict[str, Procedure]:
    """Four procedures of a commune: certified copies and signatures (same day, with a fee),
    birth registration (fully online, free), permanent residence (fully online, a fee,
    seven working days) — and an incomplete, in-person one (mediation, 30 days)."""
    return {
        "copy": make_procedure(
            "chung-thuc-ban-sao-tu-ban-chinh",
            name="Chứng thực bản sao từ bản chính",
            online_level="mot-phan",
            same_day=True,
            fee=2000,
            national_code="2.000815",
        ),
        "sign": make_procedure(
            "chung-thuc-chu-ky", name="Chứng thực chữ ký", same_day=True, fee=10000
        ),
        "birth": make_procedure(
            "dang-ky-khai-sinh",
            name="Đăng ký khai sinh",
            field_code="ho-tich",
            field_name="Hộ tịch",
            online_level="toan-trinh",
            same_day=True,
        ),
        "residence": make_procedure(
            "dang-ky-thuong-tru",
            name="Đăng ký thường trú",
            field_code="cu-tru",
            field_name="Cư trú",
            online_level="toan-trinh",
            value=7,
            fee=20000,
        ),
        "mediation": make_procedure(
            "hoa-giai-tranh-chap-dat-dai",
            name="Hòa giải tranh chấp đất đai",
            field_code="dat-dai",
            field_name="Đất đai",
            value=30,
            unit="ngay",
            complete=False,
        ),
    }


def make_dossier(
    unit,
    procedure: Procedure,
    code: str,
    received: dt.datetime,
    *,
    due: dt.datetime | None = None,
    finished: dt.datetime | None = None,
    result: str | None = None,
    channel: str = "truc-tiep",
    **fields,
) -> Dossier:
    """A dossier written straight to the table (as an import would); call ``rollup`` after."""
    if result is None:
        result = "approved" if finished else ""
    online_level = fields.pop(
        "online_level", procedure.online_level if channel == "truc-tuyen" else "khong"
    )
    return Dossier.objects.create(
        unit=unit,
        procedure=procedure,
        code=code,
        received_at=received,
        due_at=due or received + dt.timedelta(days=1),
        finished_at=finished,
        result=result,
        channel=channel,
        online_level=online_level,
        fee_vnd=fields.pop("fee_vnd", procedure.fee_vnd or 0),
        source=fields.pop("source", "import"),
        created_at=timezone.now(),
        updated_at=timezone.now(),
        **fields,
    )


def rollup(*units) -> None:
    refresh_rollups([u.id for u in units])


def october_dossiers(unit):
    """Eight dossiers around October 2025 (see each one's comment); test_index.py works out
    every indicator from this list by hand."""
    p = standard_procedures()
    dossiers = {
        # Received at the first instant of October: October's.
        "D1": make_dossier(
            unit,
            p["copy"],
            "D1",
            vn(2025, 10, 1, 0, 0),
            due=vn(2025, 10, 1, 17),
            finished=vn(2025, 10, 1, 10),
            e_result=True,
            digitized=True,
            satisfaction="satisfied",
        ),
        # One minute earlier: September's, but finished (on time) in October; unhappy.
        "D2": make_dossier(
            unit,
            p["copy"],
            "D2",
            vn(2025, 9, 30, 23, 59),
            due=vn(2025, 10, 1, 17),
            finished=vn(2025, 10, 1, 9),
            satisfaction="dissatisfied",
        ),
        "D3": make_dossier(
            unit,
            p["birth"],
            "D3",
            vn(2025, 10, 2, 20),
            due=vn(2025, 10, 3, 17),
            finished=vn(2025, 10, 3, 9),
            channel="truc-tuyen",
            e_result=True,
            digitized=True,
            reused_data=True,
            used_population_data=True,
        ),
        # Fully online, paid online, finished late.
        "D4": make_dossier(
            unit,
            p["residence"],
            "D4",
            vn(2025, 10, 6, 9),
            due=vn(2025, 10, 15, 9),
            finished=vn(2025, 10, 16, 10),
            channel="truc-tuyen",
            paid_online=True,
            digitized=True,
            satisfaction="neutral",
            apology_due=True,
        ),
        # At the desk, by hand, still being processed.
        "D5": make_dossier(
            unit,
            p["residence"],
            "D5",
            vn(2025, 10, 8, 9),
            due=vn(2025, 10, 17, 9),
            source="desk",
        ),
        # Received on the last afternoon of October, finished in November; paid by QR code.
        "D6": make_dossier(
            unit,
            p["sign"],
            "D6",
            vn(2025, 10, 31, 16),
            due=vn(2025, 11, 3, 17),
            finished=vn(2025, 11, 3, 8),
            paid_online=True,
        ),
        # Withdrawn by the citizen: not a result.
        "D7": make_dossier(
            unit,
            p["copy"],
            "D7",
            vn(2025, 10, 10, 9),
            due=vn(2025, 10, 10, 17),
            finished=vn(2025, 10, 10, 10),
            result="withdrawn",
        ),
        # Refused, on time, entered at the desk.
        "D8": make_dossier(
            unit,
            p["birth"],
            "D8",
            vn(2025, 10, 13, 9),
            due=vn(2025, 10, 13, 17),
            finished=vn(2025, 10, 13, 11),
            result="refused",
            satisfaction="satisfied",
            source="desk",
        ),
    }
    rollup(unit)
    return p, dossiers
