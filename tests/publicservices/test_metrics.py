"""KPIs of public services: registered for the OMC, each one on the October 2025 fixture of
test_index.py (numbers worked out by hand), broken down by day, procedure, field and commune,
and scoped to the communes asked for."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.publicservices.dossier_helpers import make_dossier, october_dossiers, rollup, vn
from xaso.core.kpi import Kpi
from xaso.core.registry import kpis
from xaso.publicservices import metrics
from xaso.publicservices.index import compute_index, month_period

OCTOBER = month_period(dt.date(2025, 10, 1))
NOW = vn(2025, 11, 20, 9)


@pytest.fixture
def october(ward):
    p, dossiers = october_dossiers(ward.unit)
    return ward, p, dossiers


def total(code, unit_ids, period=OCTOBER, by=None, **kwargs):
    values = kpis.get(code).payload.compute(unit_ids, *period, by, **kwargs)
    return values[0] if by is None else values


def test_every_kpi_is_registered_with_its_shape():
    codes = {r.code for r in kpis.all() if r.app == "publicservices"}
    assert codes == {k.code for k in metrics.KPIS}
    assert {
        "publicservices.received",
        "publicservices.resolved",
        "publicservices.on_time_rate",
        "publicservices.online_share",
        "publicservices.paid_online_share",
        "publicservices.digitized_share",
        "publicservices.satisfied_share",
        "publicservices.awaiting_apology",
        "publicservices.index_points",
    } <= codes
    for registration in kpis.all():
        if registration.app == "publicservices":
            kpi = registration.payload
            assert isinstance(kpi, Kpi) and kpi.label and kpi.description
            assert kpi.unit in ("count", "percent", "score")


# Received in October: D1 D3 D4 D5 D6 D7 D8 (7); finished: D1 D2 D3 D4 D8 (5).
@pytest.mark.parametrize(
    "code, value, count",
    [
        ("publicservices.received", 7, 7),
        ("publicservices.resolved", 5, 5),
        ("publicservices.on_time_rate", 80.0, 5),
        ("publicservices.online_share", 100 * 2 / 7, 7),  # D3 D4
        ("publicservices.full_online_share", 100 * 2 / 7, 7),
        ("publicservices.paid_online_share", 40.0, 5),  # D4 D6 of D1 D4 D5 D6 D7
        ("publicservices.digitized_share", 100 * 3 / 7, 7),
        ("publicservices.e_result_share", 40.0, 5),
        ("publicservices.satisfied_share", 50.0, 4),  # D1 D8 of D1 D2 D4 D8 rated
        ("publicservices.awaiting_apology", 1, 1),  # D4
    ],
)
def test_totals_of_october(october, code, value, count):
    ward, _p, _d = october
    result = total(code, [ward.unit.id])
    assert result.key == "" and result.value == pytest.approx(value) and result.count == count


def test_overdue_counts_unfinished_dossiers_past_due_now(october):
    ward, _p, _d = october
    assert total("publicservices.overdue", [ward.unit.id], now=NOW).value == 1  # D5
    assert total("publicservices.overdue", [ward.unit.id], now=vn(2025, 10, 16)).value == 0


def test_index_points_is_the_index(october):
    ward, _p, _d = october
    index = compute_index([ward.unit.id], *OCTOBER)
    value = total("publicservices.index_points", [ward.unit.id])
    assert value.value == index.points and value.count == 7
    by_unit = total("publicservices.index_points", [ward.unit.id], by="unit")
    assert [(v.key, v.value) for v in by_unit] == [(ward.unit.code, index.points)]
    with pytest.raises(ValueError):
        total("publicservices.index_points", [ward.unit.id], by="day")


def test_by_day_in_vietnam_time(october):
    ward, _p, _d = october
    days = total("publicservices.received", [ward.unit.id], by="day")
    assert [(v.key, v.value) for v in days] == [
        ("2025-10-01", 1),  # D1 at 00:00 local (17:00 UTC the day before)
        ("2025-10-02", 1),
        ("2025-10-06", 1),
        ("2025-10-08", 1),
        ("2025-10-10", 1),
        ("2025-10-13", 1),
        ("2025-10-31", 1),
    ]
    assert days[0].label == "01/10/2025"
    finished = total("publicservices.on_time_rate", [ward.unit.id], by="day")
    assert [(v.key, v.value, v.count) for v in finished] == [
        ("2025-10-01", 100.0, 2),
        ("2025-10-03", 100.0, 1),
        ("2025-10-13", 100.0, 1),
        ("2025-10-16", 0.0, 1),
    ]


def test_by_procedure_and_field(october):
    ward, _p, _d = october
    procedures = total("publicservices.received", [ward.unit.id], by="procedure")
    assert {v.key: v.value for v in procedures} == {
        "chung-thuc-ban-sao-tu-ban-chinh": 2,
        "chung-thuc-chu-ky": 1,
        "dang-ky-khai-sinh": 2,
        "dang-ky-thuong-tru": 2,
    }
    assert {v.label for v in procedures} >= {"Đăng ký khai sinh", "Chứng thực chữ ký"}
    fields = total("publicservices.on_time_rate", [ward.unit.id], by="field")
    assert {(v.key, v.value, v.count) for v in fields} == {
        ("chung-thuc", 100.0, 2),
        ("ho-tich", 100.0, 2),
        ("cu-tru", 0.0, 1),
    }
    with pytest.raises(ValueError):
        total("publicservices.received", [ward.unit.id], by="group")


def test_by_commune_and_scoped_to_the_communes_asked(october, other_ward):
    ward, p, _d = october
    make_dossier(other_ward.unit, p["sign"], "GV1", vn(2025, 10, 6, 9), due=vn(2025, 10, 6, 17))
    rollup(other_ward.unit)
    assert total("publicservices.received", [ward.unit.id]).value == 7
    assert total("publicservices.received", [other_ward.unit.id]).value == 1
    both = total("publicservices.received", [ward.unit.id, other_ward.unit.id], by="unit")
    assert {(v.key, v.value) for v in both} == {("00611", 7), ("00025", 1)}


def test_nothing_to_count(ward):
    assert total("publicservices.received", [ward.unit.id]).value == 0
    assert total("publicservices.on_time_rate", [ward.unit.id]).value is None
    assert total("publicservices.received", [ward.unit.id], by="day") == []


def test_period_helper():
    start, end = metrics.period(dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert (start, end) == OCTOBER
