"""Synthetic dossiers for ``xaso seed``: registered after the catalogue, deterministic for a seed
and a moment, and true to life in their mix, channels, timeliness, satisfaction and fees; the
rollup written with them gives the dossiers' own numbers."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import F

from tests.publicservices.dossier_helpers import vn
from xaso.core.choices import Role
from xaso.core.registry import seeders
from xaso.core.seed import CommuneSeed, World
from xaso.publicservices.index import compute_index, month_period
from xaso.publicservices.models import Dossier, DossierMonth, Procedure
from xaso.publicservices.synthetic import MIX, seed_publicservices

NOW = vn(2026, 11, 20, 10)
RESIDENTS = 1_800  # ≈ 3,000 dossiers over three years


def world_of(ward, residents=RESIDENTS) -> World:
    world = World(scale="ward", province=ward.unit.parent)
    world.communes.append(CommuneSeed(ward.unit, ward.groups, [], residents, (21.07, 105.79)))
    world.users = {u.username: u for u in ward.users.values()}
    return world


def seed(ward, *, seed_value=1, residents=RESIDENTS) -> int:
    return seed_publicservices(
        world=world_of(ward, residents), seed=seed_value, say=lambda _m: None, now=NOW
    )


def test_registered_after_the_catalogue():
    assert "30-publicservices" in seeders and "05-procedures" in seeders
    assert sorted(seeders).index("05-procedures") < sorted(seeders).index("30-publicservices")


def test_without_a_catalogue_the_seeder_loads_it(ward):
    assert not Procedure.objects.exists()
    total = seed(ward, residents=120)
    assert Procedure.objects.count() >= 40 and total == Dossier.objects.count() > 100


@pytest.fixture
def seeded(ward):
    total = seed(ward)
    return ward, total


def test_volume_scales_with_the_commune(seeded):
    _ward, total = seeded
    expected = RESIDENTS * 5 / 3
    assert 0.9 * expected < total < 1.1 * expected


def test_deterministic_for_a_seed(ward, other_ward):
    columns = ("code", "procedure_id", "received_at", "due_at", "finished_at", "channel", "fee_vnd")
    seed(ward, residents=300)
    first = list(Dossier.objects.order_by("code").values_list(*columns))
    Dossier.objects.all().delete()
    seed(ward, residents=300)
    assert list(Dossier.objects.order_by("code").values_list(*columns)) == first
    Dossier.objects.all().delete()
    seed(ward, seed_value=2, residents=300)
    assert list(Dossier.objects.order_by("code").values_list(*columns)) != first


def test_the_dossiers_make_sense(seeded):
    ward, total = seeded
    rows = Dossier.objects.filter(unit=ward.unit)
    assert rows.count() == total
    assert not rows.filter(received_at__gt=NOW).exists()
    assert not rows.filter(finished_at__lt=F("received_at")).exists()
    assert not rows.filter(due_at__lt=F("received_at")).exists()
    assert not rows.filter(finished_at__gt=NOW).exists()
    assert not rows.filter(finished_at__isnull=True).exclude(result="").exists()
    assert not rows.filter(finished_at__isnull=False, result="").exists()
    assert not rows.filter(satisfaction__gt="", finished_at__isnull=True).exists()
    assert rows.values("code").distinct().count() == total
    # Late ones have their apology letter due (most of them sent), on-time ones do not.
    late = rows.filter(finished_at__gt=F("due_at")).exclude(result="withdrawn")
    assert late.exists() and not late.filter(apology_due=False).exists()
    assert not rows.filter(finished_at__lte=F("due_at"), apology_due=True).exists()
    assert late.filter(apology_sent_at__isnull=False).count() > 0.7 * late.count()
    # In-person dossiers arrive in office hours on working days.
    desk = rows.filter(channel="truc-tiep").values_list("received_at", flat=True)
    for received in list(desk)[:500]:
        local = received.astimezone(NOW.tzinfo)
        assert local.weekday() < 5 and dt.time(7, 30) <= local.time() <= dt.time(17, 0)


def test_the_mix_is_a_communes(seeded):
    ward, total = seeded
    by_code = Counter(
        Dossier.objects.filter(unit=ward.unit).values_list("procedure__code", flat=True)
    )
    top = [code for code, _n in by_code.most_common(2)]
    assert top == ["chung-thuc-ban-sao-tu-ban-chinh", "chung-thuc-chu-ky"]
    share = by_code["chung-thuc-ban-sao-tu-ban-chinh"] / total
    assert 0.35 < share < 0.5
    for code in ("dang-ky-khai-sinh", "dang-ky-ket-hon", "dang-ky-tam-tru", "dang-ky-thuong-tru"):
        assert by_code[code] > 0, code
    assert set(by_code) <= set(Procedure.objects.values_list("code", flat=True))
    assert set(MIX) <= set(Procedure.objects.values_list("code", flat=True))


def year_shares(ward, year_start: dt.datetime, year_end: dt.datetime) -> dict:
    rows = Dossier.objects.filter(
        unit=ward.unit, received_at__gte=year_start, received_at__lt=year_end
    )
    finished = rows.filter(finished_at__isnull=False).exclude(result="withdrawn")
    rated = finished.exclude(satisfaction="")
    fee = rows.filter(fee_vnd__gt=0)
    return {
        "online": rows.filter(channel="truc-tuyen").count() / rows.count(),
        "on_time": finished.filter(finished_at__lte=F("due_at")).count() / finished.count(),
        "satisfied": rated.filter(satisfaction="satisfied").count() / rated.count(),
        "digitized": rows.filter(digitized=True).count() / rows.count(),
        "e_result": finished.filter(e_result=True).count() / finished.count(),
        "paid_online": fee.filter(paid_online=True).count() / fee.count(),
    }


def test_online_digitised_and_on_time_rise_over_the_three_years(seeded):
    ward, _total = seeded
    first = year_shares(ward, vn(2023, 11, 20), vn(2024, 11, 20))
    last = year_shares(ward, vn(2025, 11, 20), vn(2026, 11, 20, 10))
    for key in ("online", "digitized", "e_result", "paid_online"):
        assert last[key] > first[key] + 0.1, key
    assert 0.12 < first["online"] < 0.3 and 0.3 < last["online"] < 0.55
    assert first["on_time"] > 0.92 and last["on_time"] > 0.97
    assert first["satisfied"] > 0.85 and last["satisfied"] > 0.85


def test_fees_come_from_the_catalogue(seeded):
    ward, _total = seeded
    rows = Dossier.objects.filter(unit=ward.unit)
    signature = Procedure.objects.get(code="chung-thuc-chu-ky")
    assert set(rows.filter(procedure=signature).values_list("fee_vnd", flat=True)) == {
        signature.fee_vnd
    }
    birth = Procedure.objects.get(code="dang-ky-khai-sinh")
    assert set(rows.filter(procedure=birth).values_list("fee_vnd", flat=True)) == {0}
    copies = set(
        rows.filter(procedure__code="chung-thuc-ban-sao-tu-ban-chinh").values_list(
            "fee_vnd", flat=True
        )
    )
    assert min(copies) == 2000 and len(copies) > 3  # by page and copy
    assert not rows.filter(paid_online=True, fee_vnd=0).exists()


def test_officials_of_the_commune_appear_on_dossiers(seeded):
    ward, _total = seeded
    official = ward.user(Role.COMMUNE_OFFICIAL)
    assert Dossier.objects.filter(official=official).exists()
    assert Dossier.objects.exclude(official_name="").count() == Dossier.objects.count()


def test_the_rollup_is_written_and_matches(seeded):
    ward, _total = seeded
    assert DossierMonth.objects.filter(unit=ward.unit).count() > 36
    for month in (dt.date(2024, 2, 1), dt.date(2025, 10, 1), dt.date(2026, 10, 1)):
        raw = compute_index([ward.unit.id], *month_period(month), source="raw")
        rolled = compute_index([ward.unit.id], *month_period(month), source="rollup")
        assert raw.points == rolled.points
        assert 70 < rolled.points <= 100
