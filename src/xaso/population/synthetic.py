"""Synthetic households and residents for ``xaso seed``: Vietnamese names, an age pyramid,
household sizes and digital attributes with plausible distributions. Deterministic per seed.
No real person is described; national ID numbers follow the structure but are random."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from itertools import repeat

from django.db import transaction
from django.utils import timezone

from xaso.core import bulk
from xaso.core.seed import STREETS, group_cell_centre
from xaso.population.choices import ChangeKind, DigitalSkillsGroup, Relation, ResidenceStatus
from xaso.population.models import (
    NAME_WORD_COLUMNS,
    Household,
    PopulationChange,
    Resident,
    ResidentNameWord,
    name_word_rows,
)
from xaso.population.validation import PROVINCE_BIRTH_CODES, century_sex_digit

# Family names with approximate national shares.
FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Huỳnh", 1),
    ("Phan", 4.5),
    ("Vũ", 3.5),
    ("Võ", 1),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 0.8),
    ("Trịnh", 0.7),
    ("Đào", 0.6),
    ("Lương", 0.5),
    ("Mai", 0.5),
    ("Tạ", 0.3),
    ("Chu", 0.3),
    ("Cao", 0.4),
    ("Lưu", 0.3),
    ("Kiều", 0.2),
    ("Khuất", 0.2),
    ("Nghiêm", 0.1),
]
MIDDLE_MALE = [
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Xuân",
    "Thanh",
    "Công",
    "Ngọc",
    "Tiến",
    "Mạnh",
    "Trung",
    "Hoàng",
    "Gia",
    "Anh",
    "Duy",
    "Bảo",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Minh",
    "Phương",
    "Thuỳ",
    "Hồng",
    "Kim",
    "Diệu",
    "Khánh",
    "Bảo",
    "Mai",
    "Hải",
]
GIVEN_MALE = [
    "An",
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Huy",
    "Khang",
    "Khánh",
    "Kiên",
    "Long",
    "Lâm",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Thắng",
    "Thành",
    "Thịnh",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Hưng",
    "Toàn",
    "Tiến",
    "Bảo",
    "Đăng",
    "Khoa",
    "Lộc",
    "Tâm",
    "Hoàng",
]
GIVEN_FEMALE = [
    "An",
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hương",
    "Huyền",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Uyên",
    "Vân",
    "Yến",
    "Hồng",
    "Hoa",
    "Nhi",
    "Vy",
    "Trâm",
    "Hạnh",
]
OCCUPATIONS = [
    ("Công nhân", 14),
    ("Nhân viên văn phòng", 16),
    ("Kinh doanh tự do", 12),
    ("Buôn bán nhỏ", 10),
    ("Lao động tự do", 10),
    ("Giáo viên", 4),
    ("Kỹ sư", 5),
    ("Cán bộ, công chức", 4),
    ("Tài xế", 4),
    ("Thợ may", 2),
    ("Nội trợ", 6),
    ("Bác sĩ", 1),
    ("Điều dưỡng", 1.5),
    ("Kế toán", 3),
    ("Bộ đội", 1),
    ("Công an", 1),
    ("Thợ điện", 2),
    ("Nông dân", 3),
]
# Vietnam's age pyramid (share of population per 5-year band, 2024), 80+ as one band.
AGE_BANDS = [
    (0, 7.3),
    (5, 8.0),
    (10, 7.9),
    (15, 7.0),
    (20, 6.6),
    (25, 7.3),
    (30, 8.1),
    (35, 8.0),
    (40, 7.4),
    (45, 6.7),
    (50, 6.0),
    (55, 5.2),
    (60, 4.6),
    (65, 3.7),
    (70, 2.6),
    (75, 1.6),
    (80, 2.0),
]
HOUSEHOLD_SIZES = [(1, 10), (2, 19), (3, 22), (4, 26), (5, 13), (6, 7), (7, 3)]
PHONE_PREFIXES = [
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "070",
    "077",
    "079",
    "081",
    "083",
    "085",
    "086",
    "088",
    "056",
    "058",
]


class _Picker:
    def __init__(self, rng: random.Random, weighted: list[tuple]):
        self.rng = rng
        self.values = [v for v, _w in weighted]
        self.weights = [w for _v, w in weighted]

    def __call__(self):
        return self.rng.choices(self.values, self.weights)[0]


class PopulationGenerator:
    def __init__(self, seed: int, today: dt.date):
        self.rng = random.Random(seed * 7919 + 17)
        self.today = today
        self.family = _Picker(self.rng, FAMILY)
        self.occupation = _Picker(self.rng, OCCUPATIONS)
        self.size = _Picker(self.rng, HOUSEHOLD_SIZES)
        self.used_ids: set[str] = set()
        self.birth_codes = sorted(PROVINCE_BIRTH_CODES - {"001"})

    # --- people
    def birth_date(self, age: int) -> dt.date:
        year = self.today.year - age
        day = self.rng.randrange(365)
        born = dt.date(year, 1, 1) + dt.timedelta(days=day)
        if born > self.today:
            born = born.replace(year=year - 1)
        return born

    def name(self, sex: str, family: str | None = None) -> str:
        family = family or self.family()
        middle = self.rng.choice(MIDDLE_MALE if sex == "male" else MIDDLE_FEMALE)
        given = self.rng.choice(GIVEN_MALE if sex == "male" else GIVEN_FEMALE)
        return f"{family} {middle} {given}"

    def national_id(self, born: dt.date, sex: str) -> str:
        code = "001" if self.rng.random() < 0.75 else self.rng.choice(self.birth_codes)
        head = f"{code}{century_sex_digit(born, sex)}{born.year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randrange(1_000_000):06d}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self, age: int) -> str:
        if age < 15 or self.rng.random() > 0.9:
            return ""
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10_000_000):07d}"

    def person(self, *, age: int, sex: str, relation: str, family: str | None = None) -> dict:
        rng = self.rng
        age = max(age, 0)
        born = self.birth_date(age)
        if age < 6:
            occupation = ""
        elif age < 18:
            occupation = "Học sinh"
        elif age < 23 and rng.random() < 0.5:
            occupation = "Sinh viên"
        elif age >= 60 and rng.random() < 0.7:
            occupation = "Nghỉ hưu"
        else:
            occupation = self.occupation()
        smartphone_rate = (
            0.0
            if age < 10
            else 0.4
            if age < 15
            else 0.94
            if age < 60
            else 0.65
            if age < 75
            else 0.3
        )
        smartphone = rng.random() < smartphone_rate
        epay = smartphone and age >= 18 and rng.random() < (0.78 if age < 60 else 0.35)
        vneid = age >= 14 and rng.random() < (0.82 if age < 75 else 0.5)
        if occupation == "Cán bộ, công chức":
            skills = DigitalSkillsGroup.OFFICIAL
        elif occupation in ("Học sinh", "Sinh viên"):
            skills = DigitalSkillsGroup.PUPIL
        elif age >= 60:
            skills = DigitalSkillsGroup.ELDERLY
        elif age >= 18 and occupation not in ("Nội trợ", ""):
            skills = DigitalSkillsGroup.WORKER
        elif age >= 15:
            skills = DigitalSkillsGroup.OTHER_ADULT
        else:
            skills = DigitalSkillsGroup.NONE
        status_roll = rng.random()
        status = (
            ResidenceStatus.PERMANENT
            if status_roll < 0.85
            else ResidenceStatus.TEMPORARY
            if status_roll < 0.97
            else ResidenceStatus.ABSENT
        )
        return {
            "full_name": self.name(sex, family),
            "birth_date": born,
            "sex": sex,
            "national_id": self.national_id(born, sex),
            "phone": self.phone(age),
            "relation_to_head": relation,
            "residence_status": status,
            "occupation": occupation,
            "has_smartphone": smartphone,
            "has_epayment": epay,
            "vneid_level2": vneid,
            "digital_skills_group": skills,
        }

    def adult_age(self, low: int = 22) -> int:
        bands = [(start, w) for start, w in AGE_BANDS if start + 4 >= low]
        start = _Picker(self.rng, bands)()
        return max(low, start + self.rng.randrange(5 if start < 80 else 15))

    def household(self) -> list[dict]:
        rng = self.rng
        size = self.size()
        head_sex = "male" if rng.random() < 0.68 else "female"
        head_age = self.adult_age(24 if size > 1 else 20)
        family = self.family()
        members = [
            self.person(
                age=head_age,
                sex=head_sex,
                relation=Relation.HEAD,
                family=family if head_sex == "male" else None,
            )
        ]
        if size >= 2 and head_age < 85 and rng.random() < 0.88:
            spouse_sex = "female" if head_sex == "male" else "male"
            spouse_age = max(18, head_age + rng.randint(-6, 3))
            members.append(self.person(age=spouse_age, sex=spouse_sex, relation=Relation.SPOUSE))
        if len(members) < size and head_age < 52 and rng.random() < 0.18:
            members.append(
                self.person(
                    age=head_age + rng.randint(24, 32),
                    sex=rng.choice(["male", "female"]),
                    relation=Relation.PARENT,
                )
            )
        while len(members) < size:
            child_sex = rng.choice(["male", "female"])
            if head_age >= 58 and len(members) >= 3 and rng.random() < 0.6:
                age = max(0, head_age - rng.randint(48, 62))
                members.append(
                    self.person(age=age, sex=child_sex, relation=Relation.GRANDCHILD, family=family)
                )
                continue
            married_children = sum(m["relation_to_head"] == Relation.CHILD_IN_LAW for m in members)
            adult_children = sum(
                m["relation_to_head"] == Relation.CHILD
                and m["birth_date"].year <= self.today.year - 20
                for m in members
            )
            # A son- or daughter-in-law only beside an adult child of the head.
            if head_age >= 55 and adult_children > married_children and rng.random() < 0.5:
                age = max(18, head_age - rng.randint(24, 34))
                members.append(self.person(age=age, sex=child_sex, relation=Relation.CHILD_IN_LAW))
                continue
            age = max(0, head_age - rng.randint(21, 40))
            members.append(
                self.person(age=age, sex=child_sex, relation=Relation.CHILD, family=family)
            )
        return members


def seed_population(*, world, seed: int, say: Callable[[str], None]) -> None:
    today = timezone.localdate()
    generator = PopulationGenerator(seed, today)
    rng = generator.rng
    total = 0
    for commune in world.communes:
        with transaction.atomic():
            total += _seed_commune(commune, generator, rng, today)
    bulk.refresh_statistics(Resident, ResidentNameWord, Household)
    say(f"  {total:,} nhân khẩu".replace(",", "."))


def _seed_commune(
    commune, generator: PopulationGenerator, rng: random.Random, today: dt.date
) -> int:
    unit = commune.unit
    weights = [rng.uniform(0.75, 1.25) for _ in commune.groups]
    share = sum(weights)
    households, members_of = [], []
    sequence = 0
    for index, (group, weight) in enumerate(zip(commune.groups, weights, strict=True)):
        target = int(commune.target_residents * weight / share)
        g_lat, g_lon = group_cell_centre(commune.centre, index, len(commune.groups))
        count = 0
        while count < target:
            sequence += 1
            members = generator.household()
            street = rng.choice(STREETS)
            number = rng.randint(1, 250)
            address = (
                f"Số {number}, ngõ {rng.randint(1, 200)} {street}"
                if rng.random() < 0.7
                else f"Số {number} {street}"
            )
            households.append(
                Household(
                    unit=unit,
                    group=group,
                    code=f"HK{sequence:06d}",
                    address=address,
                    street=street,
                    latitude=round(g_lat + rng.uniform(-0.0009, 0.0009), 6),
                    longitude=round(g_lon + rng.uniform(-0.0010, 0.0010), 6),
                )
            )
            members_of.append(members)
            count += len(members)
    Household.objects.bulk_create(households, batch_size=2000)
    residents = []
    for household, members in zip(households, members_of, strict=True):
        for values in members:
            resident = Resident(unit=unit, household=household, **values)
            resident.refresh_derived_fields()
            residents.append(resident)
    # A year of history: births of infants, people who moved in, died or moved away.
    leaving = []
    for resident in residents:
        roll = rng.random()
        age_days = (today - resident.birth_date).days
        if age_days > 60 * 365 and roll < 0.012:
            resident.is_active = False
            leaving.append((resident, ChangeKind.DEATH))
        elif age_days > 18 * 365 and roll < 0.02 and resident.relation_to_head != Relation.HEAD:
            resident.is_active = False
            leaving.append((resident, ChangeKind.MOVE_OUT))
    Resident.objects.bulk_create(residents, batch_size=2000)
    # bulk_create skips Resident.save(), which keeps the name index: write it here.
    bulk.write_rows(
        ResidentNameWord,
        NAME_WORD_COLUMNS,
        name_word_rows(
            [r.pk for r in residents],
            repeat(unit.id),
            [r.name_folded for r in residents],
            [r.birth_date for r in residents],
            [r.is_active for r in residents],
        ),
    )
    changes = []
    for resident in residents:
        age_days = (today - resident.birth_date).days
        if age_days < 365:
            changes.append(
                PopulationChange(
                    unit=unit,
                    resident=resident,
                    household=resident.household,
                    kind=ChangeKind.BIRTH,
                    date=resident.birth_date,
                )
            )
        elif resident.residence_status == ResidenceStatus.TEMPORARY and rng.random() < 0.3:
            changes.append(
                PopulationChange(
                    unit=unit,
                    resident=resident,
                    household=resident.household,
                    kind=ChangeKind.MOVE_IN,
                    date=today - dt.timedelta(days=rng.randrange(720)),
                )
            )
    for resident, kind in leaving:
        changes.append(
            PopulationChange(
                unit=unit,
                resident=resident,
                household=resident.household,
                kind=kind,
                date=today - dt.timedelta(days=rng.randrange(365)),
            )
        )
    PopulationChange.objects.bulk_create(changes, batch_size=2000)
    return len(residents)
