"""The shape of a KPI as apps register it in ``registry.kpis`` (read by ``omc`` and
``assessment``, which import no domain app).

A KPI computes its value for a set of communes and a period, optionally broken down by a
dimension (``day``, ``category``, ``department``, ``group`` …). Every number is reproducible
from the documented query of its ``compute`` function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KpiValue:
    key: str  # stable code of the breakdown item ("" for the total)
    label: str
    value: float | None
    count: int = 0  # how many items the value is computed from


@dataclass(frozen=True)
class Kpi:
    code: str
    label: str
    unit: str  # "count" | "percent" | "hours" | "score"
    description: str
    # compute(unit_ids, start, end, by) -> list[KpiValue]; by=None gives one total row.
    compute: Callable[[Iterable[int], dt.datetime, dt.datetime, str | None], list[KpiValue]]
    dimensions: tuple[str, ...] = ()
    higher_is_better: bool = True
    target: float | None = None
    meta: dict = field(default_factory=dict)
