"""Synthetic platform data for ``xaso seed``: units, residential groups, departments and the
demo logins. Deterministic for a given ``--seed``. Apps add their own data through
``registry.seeders``, receiving the ``World`` built here."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from xaso.core.choices import GroupKind, Role, UnitLevel
from xaso.core.models import AdministrativeUnit, Department, ResidentialGroup, User
from xaso.core.services import sync_administrative_units, sync_holidays
from xaso.core.text import fold

DEMO_PASSWORD = "xaso-demo-2026"
MAIN_COMMUNE = "00611"  # Phường Xuân Đỉnh, Thành phố Hà Nội
NEIGHBOUR_COMMUNE = "00025"  # Phường Giảng Võ: a second commune, to show tenancy
PROVINCE = "01"


@dataclass(frozen=True)
class Scale:
    communes: int
    residents_per_commune: int
    groups_per_commune: int


SCALES = {
    "ward": Scale(communes=1, residents_per_commune=30_000, groups_per_commune=40),
    "city": Scale(communes=30, residents_per_commune=30_000, groups_per_commune=40),
    "province": Scale(communes=100, residents_per_commune=30_000, groups_per_commune=40),
}

# Departments of a commune-level People's Committee after the 2025 reform.
DEPARTMENTS = [
    ("VP", "Văn phòng HĐND và UBND"),
    ("KT", "Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("VHXH", "Phòng Văn hoá – Xã hội"),
    ("HCC", "Trung tâm Phục vụ hành chính công"),
]

# Approximate centres (WGS 84) of the demo communes; others are placed around the province.
CENTRES = {MAIN_COMMUNE: (21.0735, 105.7895), NEIGHBOUR_COMMUNE: (21.0265, 105.8175)}


@dataclass
class CommuneSeed:
    unit: AdministrativeUnit
    groups: list[ResidentialGroup]
    departments: list[Department]
    target_residents: int
    centre: tuple[float, float]


@dataclass
class World:
    scale: str
    province: AdministrativeUnit
    communes: list[CommuneSeed] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


# Streets of Phường Xuân Đỉnh and its neighbours (Bắc Từ Liêm, Tây Hồ). Every synthetic
# commune uses them: the data is synthetic, the street names only make it read naturally.
STREETS = [
    "Xuân Đỉnh",
    "Tân Xuân",
    "Xuân La",
    "Phạm Văn Đồng",
    "Võ Chí Công",
    "Kẻ Vẽ",
    "Đông Ngạc",
    "Nguyễn Xuân Khoát",
    "Văn Tiến Dũng",
    "Trần Cung",
    "Hoàng Quốc Việt",
    "Lạc Long Quân",
    "Nguyễn Hoàng Tôn",
    "Đỗ Nhuận",
    "Xuân Tảo",
    "Hoàng Minh Thảo",
]


# Groups of a synthetic commune tile a grid of cells around its centre (degrees).
CELL_LAT, CELL_LON = 0.0022, 0.0024


def group_cell_centre(centre: tuple[float, float], index: int, count: int) -> tuple[float, float]:
    columns = max(1, round(count**0.5))
    lat = centre[0] + ((index // columns) - columns / 2) * CELL_LAT
    lon = centre[1] + ((index % columns) - columns / 2) * CELL_LON
    return lat, lon


def group_boundary(centre: tuple[float, float], index: int, count: int) -> dict:
    """The GeoJSON polygon of a synthetic group's cell (lon/lat order, closed ring)."""
    lat, lon = group_cell_centre(centre, index, count)
    south, north = round(lat - CELL_LAT / 2, 6), round(lat + CELL_LAT / 2, 6)
    west, east = round(lon - CELL_LON / 2, 6), round(lon + CELL_LON / 2, 6)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _group_kind(unit: AdministrativeUnit) -> str:
    return GroupKind.TO_DAN_PHO if unit.division_type == "phường" else GroupKind.THON


def _group_name(kind: str, number: int) -> str:
    return f"Tổ dân phố số {number}" if kind == GroupKind.TO_DAN_PHO else f"Thôn {number}"


@transaction.atomic
def seed_platform(*, scale: str, seed: int, say: Callable[[str], None]) -> World:
    spec = SCALES[scale]
    rng = random.Random(seed)
    created, _updated = sync_administrative_units()
    say(f"  đơn vị hành chính: {created} mới")
    this_year = timezone.localdate().year
    sync_holidays(range(this_year - 3, this_year + 2))
    province = AdministrativeUnit.objects.get(code=PROVINCE)
    if ResidentialGroup.objects.filter(unit__code=MAIN_COMMUNE).exists():
        raise ValueError(
            "Cơ sở dữ liệu đã có dữ liệu mẫu; hãy dùng một cơ sở dữ liệu trống "
            "(xoá var/ hoặc đặt DATABASE_URL khác)."
        )
    others = list(
        AdministrativeUnit.objects.filter(parent=province, level=UnitLevel.COMMUNE)
        .exclude(code__in=[MAIN_COMMUNE, NEIGHBOUR_COMMUNE])
        .order_by("code")
    )
    rng.shuffle(others)
    units = [AdministrativeUnit.objects.get(code=MAIN_COMMUNE)]
    units += others[: spec.communes - 1]
    world = World(scale=scale, province=province)
    neighbour = AdministrativeUnit.objects.get(code=NEIGHBOUR_COMMUNE)
    plan = [(u, spec.residents_per_commune, spec.groups_per_commune) for u in units]
    if scale == "ward":
        plan.append((neighbour, 600, 3))  # a small second ward, to show tenancy
    group_rows, department_rows = [], []
    for unit, residents, group_count in plan:
        kind = _group_kind(unit)
        groups = [
            ResidentialGroup(
                unit=unit,
                code=f"{'TDP' if kind == GroupKind.TO_DAN_PHO else 'TH'}{n:02d}",
                name=_group_name(kind, n),
                kind=kind,
            )
            for n in range(1, group_count + 1)
        ]
        departments = [Department(unit=unit, code=code, name=name) for code, name in DEPARTMENTS]
        group_rows += groups
        department_rows += departments
        centre = CENTRES.get(unit.code) or (20.85 + rng.random() * 0.4, 105.55 + rng.random() * 0.5)
        for index, group in enumerate(groups):
            group.boundary = group_boundary(centre, index, len(groups))
        world.communes.append(CommuneSeed(unit, groups, departments, residents, centre))
    for group in group_rows:
        group.name_folded = fold(group.name)  # bulk_create skips save()
    ResidentialGroup.objects.bulk_create(group_rows, batch_size=1000)
    Department.objects.bulk_create(department_rows, batch_size=1000)
    say(f"  {len(group_rows)} tổ dân phố/thôn, {len(department_rows)} phòng/ban")
    world.users = _demo_users(world, neighbour)
    return world


def _demo_users(world: World, neighbour: AdministrativeUnit) -> dict[str, User]:
    main = world.communes[0]
    users = {}
    hashed = User(username="x")
    hashed.set_password(DEMO_PASSWORD)  # hash once: argon2 is slow on purpose

    def make(username, full_name, role, unit, **extra):
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            password=hashed.password,
            **extra,
        )
        user.save()
        users[username] = user
        return user

    make("admin", "Quản trị hệ thống", Role.PLATFORM_ADMIN, None, is_staff=True, is_superuser=True)
    make("tinh", "Trần Minh Tuấn", Role.PROVINCE_OFFICIAL, world.province)
    leader = make("chutich", "Lê Thị Hồng Nhung", Role.COMMUNE_LEADER, main.unit, is_staff=True)
    make(
        "canbo",
        "Phạm Văn Hùng",
        Role.COMMUNE_OFFICIAL,
        main.unit,
        is_staff=True,
        department=main.departments[2],
    )
    economy = make(
        "phongkt", "Đỗ Quang Minh", Role.DEPARTMENT_STAFF, main.unit, department=main.departments[1]
    )
    group_leader = make("totruong", "Nguyễn Thị Lan", Role.GROUP_LEADER, main.unit)
    neighbour_seed = next((c for c in world.communes if c.unit == neighbour), None)
    if neighbour_seed is not None:
        make("canbo.giangvo", "Vũ Thu Hà", Role.COMMUNE_OFFICIAL, neighbour, is_staff=True)
    main.groups[0].leader = group_leader
    main.groups[0].save(update_fields=["leader"])
    # Every other group of the demo ward has its own leader too: totruong02, totruong03 …
    for number, group in enumerate(main.groups[1:], start=2):
        name = f"{LEADER_FAMILY[number % len(LEADER_FAMILY)]} {LEADER_GIVEN[number % 11]}"
        group.leader = make(f"totruong{number:02d}", name, Role.GROUP_LEADER, main.unit)
        group.save(update_fields=["leader"])
    main.departments[0].head = leader
    main.departments[0].save(update_fields=["head"])
    main.departments[1].head = economy  # gets the overdue alerts of street lights, drains …
    main.departments[1].save(update_fields=["head"])
    return users


LEADER_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
LEADER_GIVEN = [
    "Văn Hải",
    "Thị Hương",
    "Đức Thắng",
    "Thị Mai",
    "Quang Vinh",
    "Thị Thu",
    "Minh Tuấn",
    "Thị Hồng",
    "Văn Long",
    "Thị Yến",
    "Hữu Nghĩa",
]

DEMO_LOGINS = [
    ("chutich", "Chủ tịch UBND phường Xuân Đỉnh (lãnh đạo)"),
    ("canbo", "Cán bộ phường Xuân Đỉnh (quản lý sổ dân cư, nhập Excel)"),
    ("totruong", "Tổ trưởng Tổ dân phố số 1 (chỉ thấy tổ của mình; totruong02… cho các tổ khác)"),
    ("phongkt", "Trưởng Phòng Kinh tế, Hạ tầng và Đô thị (xử lý phản ánh được giao)"),
    ("canbo.giangvo", "Cán bộ phường Giảng Võ (không thấy dữ liệu Xuân Đỉnh)"),
    ("tinh", "Cán bộ Thành phố Hà Nội (xem mọi xã/phường trong tỉnh)"),
    ("admin", "Quản trị nền tảng"),
]
