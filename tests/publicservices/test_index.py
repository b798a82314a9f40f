"""The service-quality index (QĐ 766) on hand-computed fixtures: every indicator of October 2025
for a ward with eight dossiers, checked against numbers worked out by hand; the month boundary
in Vietnam time; no dossiers; all late; the rollup path giving exactly the dossiers' numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.publicservices.dossier_helpers import (
    make_dossier,
    october_dossiers,
    rollup,
    standard_procedures,
    vn,
)
from xaso.core.kpi import Kpi, KpiValue
from xaso.core.registry import Registry
from xaso.publicservices import index as service_index
from xaso.publicservices.index import (
    compute_index,
    dossier_records,
    month_period,
    whole_months,
)
from xaso.publicservices.models import DossierMonth, ProcedureVersion

OCTOBER = month_period(dt.date(2025, 10, 1))
SEPTEMBER = month_period(dt.date(2025, 9, 1))


@pytest.fixture
def feedback_kpis(monkeypatch):
    """Citizen feedback about procedures as the feedback app's KPIs would report it: 75 % of 8
    resolved on time, 90 % of 10 ratings satisfied (percent, like the real KPIs)."""
    registry = Registry("KPI")

    def fake(value, count):
        def compute(unit_ids, start, end, by=None, *, now=None):
            return [KpiValue("rac-thai", "Rác", 10.0, 3), KpiValue("thu-tuc", "TTHC", value, count)]

        return compute

    for code, value, count in (
        ("feedback.on_time_rate", 75.0, 8),
        ("feedback.satisfied_share", 90.0, 10),
    ):
        registry.register(code, Kpi(code, code, "percent", "", fake(value, count)), app="test")
    monkeypatch.setattr(service_index, "kpis", registry)
    return registry


@pytest.fixture
def no_feedback(monkeypatch):
    monkeypatch.setattr(service_index, "kpis", Registry("KPI"))


@pytest.fixture
def october(ward):
    p, dossiers = october_dossiers(ward.unit)
    return ward, p, dossiers


# Points by hand (see the fixture): received in October D1 D3 D4 D5 D6 D7 D8 = 7, finished in
# October (withdrawn left out) D1 D2 D3 D4 D8 = 5.
EXPECTED = {
    "1.1-1.2": (0, 0, 10),  # no procedure changed in the month: full points
    "1.3": (4, 5, 2 * 4 / 5),  # mediation lacks its steps
    "1.4": (5, 7, 6 * 5 / 7),  # D5, D8 recorded at the desk
    "2.1": (4, 5, 20 * 4 / 5),  # D4 late
    "3.3": (2, 4, 12 * 2 / 4),  # fully online procedures: D3 D4 online of D3 D4 D5 D8
    "3.5": (2, 3, 2 * (2 / 3) / 0.8),  # fee procedures copy, sign, residence; sign offline
    "3.5b": (2, 3, 2 * (2 / 3) / 0.8),  # residence (D4) and signatures (D6) paid online
    "3.6": (2, 5, 6 * 2 / 5),  # fees: D1 D4 D5 D6 D7; paid online D4 D6
    "4.1": (2, 5, 6 * 2 / 5),  # electronic results D1 D3
    "4.2": (3, 7, 4 * (3 / 7) / 0.8),  # digitised D1 D3 D4
    "4.2b": (1, 2, 2 * 1 / 2),  # certified copies finished D1 D2, D1 electronic
    "4.3": (1, 7, 2 * (1 / 7) / 0.8),  # D3 reused data
    "4.4": (0, 0, 4),  # not observable: full points
    "4.5": (1, 7, 4 * 1 / 7),  # D3 used the population database
    "5.2": (6, 8, 6 * 6 / 8),  # feedback: 75 % of 8
    "5.3": (9, 10, 6 * 9 / 10),  # feedback: 90 % of 10
    "5.4": (3, 5, 6 * (3 / 5) / 0.9),  # D4 late, D2 unhappy
}


@pytest.mark.parametrize("source", ["raw", "rollup"])
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_indicator_of_october(october, feedback_kpis, code, source):
    ward, _p, _d = october
    index = compute_index([ward.unit.id], *OCTOBER, source=source)
    assert index.source == source
    numerator, denominator, points = EXPECTED[code]
    indicator = index.indicator(code)
    assert (indicator.numerator, indicator.denominator) == (numerator, denominator)
    assert indicator.points == pytest.approx(points)


def test_groups_and_total_of_october(october, feedback_kpis):
    ward, _p, _d = october
    index = compute_index([ward.unit.id], *OCTOBER)
    assert [g.max_points for g in index.groups] == [18, 20, 22, 22, 18]
    assert sum(i.max_points for g in index.groups for i in g.indicators) == 100
    for group in index.groups:
        assert sum(i.max_points for i in group.indicators) == group.max_points
    by_group = {
        1: 10 + 1.6 + 6 * 5 / 7,
        2: 16,
        3: 6 + 2 * (2 / 3) / 0.8 * 2 + 2.4,
        4: 2.4 + 4 * (3 / 7) / 0.8 + 1 + 2 * (1 / 7) / 0.8 + 4 + 4 / 7,
        5: 4.5 + 5.4 + 4,
    }
    for group in index.groups:
        assert group.points == pytest.approx(by_group[group.number])
    assert index.points == round(sum(by_group.values()), 2) == 67.99


def test_month_boundary_in_vietnam_time(october, no_feedback):
    """D2, received at 23:59 on 30 September (16:59 UTC), is September's; D1, received at
    00:00 on 1 October (17:00 UTC on 30 September), is October's."""
    ward, _p, d = october
    september = compute_index([ward.unit.id], *SEPTEMBER)
    assert september.indicator("1.4").denominator == 1
    assert set(dossier_records("synced", [ward.unit.id], *SEPTEMBER, numerator=False)) == {d["D2"]}
    assert september.indicator("2.1").denominator == 0  # D2 finished in October
    october_rows = dossier_records("synced", [ward.unit.id], *OCTOBER, numerator=False)
    assert d["D1"] in october_rows and d["D2"] not in october_rows
    months = dict(
        DossierMonth.objects.filter(unit=ward.unit, procedure=d["D1"].procedure).values_list(
            "month", "received"
        )
    )
    assert months == {dt.date(2025, 9, 1): 1, dt.date(2025, 10, 1): 2}  # D2 | D1, D7


def test_drill_down_lists_the_records_behind_each_number(october, no_feedback):
    ward, _p, _d = october
    unit_ids = [ward.unit.id]

    def codes(name, numerator):
        return sorted(
            x.code for x in dossier_records(name, unit_ids, *OCTOBER, numerator=numerator)
        )

    assert codes("on_time", True) == ["D1", "D2", "D3", "D8"]
    assert codes("on_time", False) == ["D1", "D2", "D3", "D4", "D8"]
    assert codes("full_online", False) == ["D3", "D4", "D5", "D8"]
    assert codes("paid_online", False) == ["D1", "D4", "D5", "D6", "D7"]
    assert codes("paid_online", True) == ["D4", "D6"]
    assert codes("e_copy", False) == ["D1", "D2"]
    assert codes("late_or_unhappy", True) == ["D2", "D4"]
    index = compute_index(unit_ids, *OCTOBER)
    for group in index.groups:
        for indicator in group.indicators:
            if indicator.records and indicator.code != "3.5b":
                spec = service_index.DOSSIER_FILTERS[indicator.records]
                part = len(codes(indicator.records, True))
                whole = len(codes(indicator.records, False))
                assert whole == indicator.denominator
                assert (whole - part if spec.subtracts else part) == indicator.numerator


def test_no_dossiers_scores_full_points_where_nothing_happened(ward, no_feedback):
    standard_procedures()
    index = compute_index([ward.unit.id], *OCTOBER)
    for group in index.groups:
        for indicator in group.indicators:
            if indicator.code not in ("1.3", "3.5"):  # the catalogue is there regardless
                assert indicator.denominator == 0 and indicator.not_applicable
                assert indicator.points == indicator.max_points
    assert index.points == round(100 - 2 * (1 - 4 / 5) - 2 * (1 - (2 / 3) / 0.8), 2)


def test_an_empty_catalogue_and_no_dossiers_is_100(ward, no_feedback):
    assert compute_index([ward.unit.id], *OCTOBER).points == 100


def test_all_late(ward, no_feedback):
    p = standard_procedures()
    for n in range(3):
        make_dossier(
            ward.unit,
            p["sign"],
            f"L{n}",
            vn(2025, 10, 6 + n, 9),
            due=vn(2025, 10, 6 + n, 17),
            finished=vn(2025, 10, 7 + n, 9),
        )
    rollup(ward.unit)
    for source in ("raw", "rollup"):
        index = compute_index([ward.unit.id], *OCTOBER, source=source)
        assert index.indicator("2.1").points == 0
        assert (index.indicator("5.4").numerator, index.indicator("5.4").denominator) == (0, 3)
        assert index.indicator("5.4").points == 0
        assert index.groups[1].points == 0


def test_procedure_changes_published_before_they_apply(ward, no_feedback):
    """1.1–1.2: a new version saved no later than its effective date counts; later does not;
    first versions (new procedures) are not changes."""
    p = standard_procedures()
    for version, changed, effective in (
        (1, vn(2025, 10, 2, 9), dt.date(2025, 10, 1)),  # a new procedure: not a change
        (2, vn(2025, 10, 2, 9), dt.date(2025, 10, 15)),  # published ahead: counts
        (3, vn(2025, 10, 20, 9), dt.date(2025, 10, 20)),  # same day: counts
        (4, vn(2025, 10, 22, 9), dt.date(2025, 10, 21)),  # after it applied: late
        (5, vn(2025, 11, 2, 9), dt.date(2025, 10, 1)),  # November's
    ):
        ProcedureVersion.objects.create(
            procedure=p["copy"],
            version=version,
            effective_date=effective,
            data={},
            changed_at=changed,
        )
    indicator = compute_index([ward.unit.id], *OCTOBER).indicator("1.1-1.2")
    assert (indicator.numerator, indicator.denominator) == (2, 3)
    assert indicator.points == pytest.approx(10 * 2 / 3)


def test_province_sums_its_communes_and_a_commune_sees_only_its_own(
    october, other_ward, no_feedback
):
    ward, p, _d = october
    make_dossier(
        other_ward.unit,
        p["sign"],
        "GV1",
        vn(2025, 10, 6, 9),
        due=vn(2025, 10, 6, 17),
        finished=vn(2025, 10, 9, 9),
    )
    rollup(other_ward.unit)
    one = compute_index([ward.unit.id], *OCTOBER).indicator("2.1")
    other = compute_index([other_ward.unit.id], *OCTOBER).indicator("2.1")
    both = compute_index([ward.unit.id, other_ward.unit.id], *OCTOBER).indicator("2.1")
    assert (one.numerator, one.denominator) == (4, 5)
    assert (other.numerator, other.denominator) == (0, 1)
    assert (both.numerator, both.denominator) == (4, 6)


def test_rollup_equals_raw_for_whole_months_and_raw_is_used_otherwise(october, no_feedback):
    ward, _p, _d = october
    unit_ids = [ward.unit.id]
    for period in (OCTOBER, SEPTEMBER, (SEPTEMBER[0], OCTOBER[1])):
        raw = compute_index(unit_ids, *period, source="raw")
        rolled = compute_index(unit_ids, *period, source="rollup")
        assert rolled.source == "rollup"
        assert [(i.code, i.numerator, i.denominator) for g in raw.groups for i in g.indicators] == [
            (i.code, i.numerator, i.denominator) for g in rolled.groups for i in g.indicators
        ]
    half = (vn(2025, 10, 1), vn(2025, 10, 16))
    assert whole_months(*half) is None
    assert compute_index(unit_ids, *half).source == "raw"
    with pytest.raises(ValueError):
        compute_index(unit_ids, *half, source="rollup")
    assert whole_months(*OCTOBER) == [dt.date(2025, 10, 1)]
    assert whole_months(SEPTEMBER[0], OCTOBER[1]) == [dt.date(2025, 9, 1), dt.date(2025, 10, 1)]
    # A UTC midnight is not a Vietnamese one.
    utc = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
    assert whole_months(utc, utc + dt.timedelta(days=31)) is None


def test_series_of_months(october, no_feedback):
    ward, _p, _d = october
    series = service_index.compute_index_series(
        [ward.unit.id], [dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)]
    )
    assert [i.indicator("1.4").denominator for i in series] == [1, 7, 0]
    assert series[1].points == compute_index([ward.unit.id], *OCTOBER).points


def test_index_for_a_month_reads_few_queries(october, no_feedback, django_assert_max_num_queries):
    ward, _p, _d = october
    with django_assert_max_num_queries(3):  # catalogue, rollup, procedure versions
        compute_index([ward.unit.id], *OCTOBER)


def test_percent_of_feedback_is_not_read_as_a_share(ward, monkeypatch):
    """A feedback KPI of 1 % must not read as 100 %."""
    registry = Registry("KPI")

    def compute(unit_ids, start, end, by=None, *, now=None):
        return [KpiValue("thu-tuc", "TTHC", 1.0, 100)]

    registry.register(
        "feedback.on_time_rate",
        Kpi("feedback.on_time_rate", "x", "percent", "", compute),
        app="test",
    )
    monkeypatch.setattr(service_index, "kpis", registry)
    indicator = compute_index([ward.unit.id], *OCTOBER).indicator("5.2")
    assert (indicator.numerator, indicator.denominator) == (1, 100)


def test_real_feedback_kpis_are_read_through_the_registry(ward):
    """With the feedback app installed and no reports, 5.2 and 5.3 have nothing to count."""
    index = compute_index([ward.unit.id], *OCTOBER)
    assert index.indicator("5.2").not_applicable and index.indicator("5.3").not_applicable


def test_now_is_not_part_of_the_index(october, no_feedback):
    """The index of a past month depends on recorded facts only."""
    ward, _p, _d = october
    first = compute_index([ward.unit.id], *OCTOBER).points
    assert timezone.now() > OCTOBER[1]
    assert compute_index([ward.unit.id], *OCTOBER, source="raw").points == first
