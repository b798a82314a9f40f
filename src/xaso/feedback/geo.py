"""Where a report is: inside the commune? in which residential group?

Group boundaries are GeoJSON polygons on ``ResidentialGroup.boundary`` (WGS 84, lon/lat). The
commune's area is the union of its groups; a commune without boundaries accepts any point in
Vietnam's bounding box. Prepared geometries are cached per process for a minute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from shapely import Point, prepare, unary_union
from shapely.geometry import shape

from xaso.core.models import ResidentialGroup

# Vietnam's extent with its islands, generously.
VIETNAM = (8.0, 102.0, 23.5, 117.5)  # south, west, north, east
# How far outside the drawn boundary a point may be (a tap on the edge of the map), degrees.
TOLERANCE = 0.0005
_TTL = 60.0


@dataclass
class _UnitShapes:
    loaded_at: float
    groups: list[tuple[int, object]]
    area: object | None


_cache: dict[int, _UnitShapes] = {}


def _shapes(unit_id: int) -> _UnitShapes:
    cached = _cache.get(unit_id)
    if cached and time.monotonic() - cached.loaded_at < _TTL:
        return cached
    groups = []
    rows = ResidentialGroup.objects.filter(unit_id=unit_id, boundary__isnull=False)
    for group_id, boundary in rows.values_list("id", "boundary"):
        try:
            geometry = shape(boundary)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue  # a malformed boundary is ignored, not fatal for a citizen's report
        if geometry.is_empty or not geometry.is_valid:
            continue
        prepare(geometry)
        groups.append((group_id, geometry))
    area = unary_union([g for _, g in groups]).buffer(TOLERANCE) if groups else None
    if area is not None:
        prepare(area)
    _cache[unit_id] = _UnitShapes(time.monotonic(), groups, area)
    return _cache[unit_id]


def forget(unit_id: int | None = None) -> None:
    """Drop cached shapes (after boundaries change, and in tests)."""
    if unit_id is None:
        _cache.clear()
    else:
        _cache.pop(unit_id, None)


def in_commune(unit_id: int, latitude: float, longitude: float) -> bool:
    south, west, north, east = VIETNAM
    if not (south <= latitude <= north and west <= longitude <= east):
        return False
    area = _shapes(unit_id).area
    return area is None or area.contains(Point(longitude, latitude))


def group_at(unit_id: int, latitude: float, longitude: float) -> int | None:
    point = Point(longitude, latitude)
    for group_id, geometry in _shapes(unit_id).groups:
        if geometry.covers(point):
            return group_id
    return None


def commune_bounds(unit_id: int) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the commune's groups, for the map; None without shapes."""
    area = _shapes(unit_id).area
    return tuple(area.bounds) if area is not None else None
