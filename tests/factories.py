"""Test data built through the project's own services, as a user would create it."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from xaso.core.choices import Role
from xaso.core.models import AdministrativeUnit, ResidentialGroup, User
from xaso.core.services import create_department, create_residential_group, create_user
from xaso.population.models import Household, Resident
from xaso.population.services import (
    create_household,
    record_population_change,
    register_resident,
)
from xaso.population.validation import century_sex_digit

PASSWORD = "mat-khau-thu-nghiem"
_serial = itertools.count(100001)


def national_id(birth_date: dt.date, sex: str, province: str = "001") -> str:
    """A structurally valid, unique 12-digit number for this test session."""
    century_sex = century_sex_digit(birth_date, sex)
    return f"{province}{century_sex}{birth_date.year % 100:02d}{next(_serial):06d}"


@dataclass
class Ward:
    unit: AdministrativeUnit
    groups: list[ResidentialGroup]
    households: list[Household]
    residents: list[Resident]
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]


PEOPLE = [
    # (household index, name, birth date, sex, relation)
    (0, "Nguyễn Văn An", dt.date(1985, 9, 5), "male", "head"),
    (0, "Trần Thị Bình", dt.date(1987, 2, 14), "female", "spouse"),
    (0, "Nguyễn Minh Khôi", dt.date(2015, 6, 1), "male", "child"),
    (1, "Lê Văn Anh", dt.date(1960, 1, 20), "male", "head"),
    (1, "Phạm Thị Hoa", dt.date(1962, 11, 3), "female", "spouse"),
    (2, "Đặng Thu Trang", dt.date(1999, 4, 30), "female", "head"),
]


def make_ward(code: str, *, prefix: str) -> Ward:
    unit = AdministrativeUnit.objects.get(code=code)
    users = {}
    for role in Role.values:
        if role in (Role.PLATFORM_ADMIN, Role.CITIZEN):
            continue
        role_unit = unit.parent if role == Role.PROVINCE_OFFICIAL else unit
        users[role] = create_user(
            None,
            username=f"{prefix}-{role}",
            password=PASSWORD,
            role=role,
            unit=role_unit,
            full_name=f"{prefix} {role}",
        )
    groups = [
        create_residential_group(
            None, unit=unit, code="TDP01", name="Tổ dân phố số 1", leader=users[Role.GROUP_LEADER]
        ),
        create_residential_group(None, unit=unit, code="TDP02", name="Tổ dân phố số 2"),
    ]
    households = [
        create_household(
            None, group=groups[0], code="HK0001", address="Số 12, ngõ 34", street="Phạm Văn Đồng"
        ),
        create_household(None, group=groups[0], code="HK0002", address="Số 5", street="Xuân La"),
        create_household(None, group=groups[1], code="HK0003", address="Số 88", street="Tân Xuân"),
    ]
    residents = [
        register_resident(
            None,
            household=households[h],
            full_name=name,
            birth_date=born,
            sex=sex,
            national_id=national_id(born, sex),
            phone=f"09{next(_serial):08d}",
            relation_to_head=relation,
        )
        for h, name, born, sex, relation in PEOPLE
    ]
    create_department(None, unit=unit, code="VHXH", name="Phòng Văn hoá – Xã hội")
    record_population_change(None, resident=residents[2], kind="move_in", date=dt.date(2024, 8, 1))
    return Ward(unit, groups, households, residents, users)
