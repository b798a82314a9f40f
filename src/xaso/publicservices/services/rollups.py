"""The monthly rollup of dossiers (``DossierMonth``: unit × month × procedure) that the
service-quality index and the monthly statistics read, rebuilt from the dossiers — by every
service that changes what it counts (inside its transaction), by a periodic task as a safety
net and by ``xaso dossier-rollups``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from xaso.publicservices import index as service_index
from xaso.publicservices.choices import DossierResult
from xaso.publicservices.models import Dossier, DossierMonth


def refresh_rollups(unit_ids: Iterable[int], months: Iterable[dt.date | None] | None = None) -> int:
    """Rebuild the ``DossierMonth`` rows of ``unit_ids`` for ``months`` (first days; None:
    every month with dossiers) from the dossiers. Called inside every write that changes what
    they count, so the index read from them always equals the index read from the dossiers.
    Returns the number of rows written.

    One pair of ``GROUP BY unit, procedure`` queries per month, each over an index range of
    ``(unit, received_at)`` / ``(unit, finished_at)``: the months' boundaries are computed here
    in Vietnam time, so the database converts no timestamps (SQLite would call Python once
    per row to do it)."""
    unit_ids = sorted(set(unit_ids))
    if months is None:
        span = Dossier.objects.filter(unit_id__in=unit_ids).aggregate(
            first=Min("received_at"), last=Max("finished_at"), last_received=Max("received_at")
        )
        if span["first"] is None:
            months = []
        else:
            last = max(m for m in (span["last"], span["last_received"]) if m is not None)
            months = service_index.months_between(
                timezone.localtime(span["first"]).date(), timezone.localtime(last).date()
            )
        stale = DossierMonth.objects.filter(unit_id__in=unit_ids)
    else:
        months = sorted({m.replace(day=1) for m in months if m is not None})
        if not months:
            return 0
        stale = DossierMonth.objects.filter(unit_id__in=unit_ids, month__in=months)
    received = {
        name: Count("id", filter=condition) if condition else Count("id")
        for name, condition in service_index.RECEIVED_COUNTS.items()
    }
    finished = {
        name: Count("id", filter=condition) if condition else Count("id")
        for name, condition in service_index.FINISHED_COUNTS.items()
    }
    rows: dict[tuple[int, dt.date, int], dict[str, int]] = {}
    for month in months:
        start, end = service_index.month_period(month)
        for dossiers, aggregates in (
            (
                Dossier.objects.filter(
                    unit_id__in=unit_ids, received_at__gte=start, received_at__lt=end
                ),
                received,
            ),
            (
                Dossier.objects.filter(
                    unit_id__in=unit_ids, finished_at__gte=start, finished_at__lt=end
                ).exclude(result=DossierResult.WITHDRAWN),
                finished,
            ),
        ):
            grouped = dossiers.order_by().values("unit_id", "procedure_id").annotate(**aggregates)
            for row in grouped:
                key = (row.pop("unit_id"), month, row.pop("procedure_id"))
                rows.setdefault(key, {}).update(row)
    stale.delete()
    now = timezone.now()
    DossierMonth.objects.bulk_create(
        [
            DossierMonth(
                unit_id=unit_id, month=month, procedure_id=procedure_id, refreshed_at=now, **counts
            )
            for (unit_id, month, procedure_id), counts in rows.items()
        ],
        batch_size=2000,
    )
    return len(rows)


def refresh_all_rollups(*, months: Iterable[dt.date] | None = None) -> int:
    """The periodic safety net (and ``xaso dossier-rollups``): rebuild the rollup of every
    commune with dossiers, one commune per transaction."""
    written = 0
    units = Dossier.objects.order_by().values_list("unit_id", flat=True).distinct()
    months = list(months) if months is not None else None
    for unit_id in list(units):
        with transaction.atomic():
            written += refresh_rollups([unit_id], months)
    return written
