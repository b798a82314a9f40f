"""Write a realistic, valid household/resident import file in the project's own template:
``python bench/residents_xlsx.py OUT.xlsx --rows 100000 --groups 40``.

The header is taken from ``xaso.population.importing.COLUMNS`` (labels in that order), so the
file follows the template even when it changes. Every row passes validation: existing group
codes TDP01..TDPnn, at most one head per household, national IDs whose province code, century/
sex digit and birth year agree with the row, unique serials, dates as dd/mm/yyyy text.
Deterministic for a given ``--seed``. Needs Django settings only to read the column labels.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random

# Family names roughly in their national shares (Nguyễn about 38 %).
FAMILY = (
    ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 10 + ["Phạm"] * 7 + ["Hoàng"] * 4 + ["Phan"] * 4
    + ["Vũ"] * 4 + ["Đặng"] * 2 + ["Bùi"] * 2
    + ["Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Đào", "Mai"]
)  # fmt: skip
MIDDLE = {
    "Nam": ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Tiến"],
    "Nữ": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng"],
}
GIVEN = {
    "Nam": ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh",
            "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Tùng", "Việt", "Vinh"],
    "Nữ": ["An", "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai",
           "Nga", "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Vân", "Yến"],
}  # fmt: skip
STREETS = [
    "Xuân Đỉnh", "Tân Xuân", "Xuân La", "Phạm Văn Đồng", "Võ Chí Công", "Kẻ Vẽ", "Đông Ngạc",
    "Văn Tiến Dũng", "Hoàng Quốc Việt", "Lạc Long Quân",
]  # fmt: skip
OCCUPATIONS = [
    "Công nhân", "Nhân viên văn phòng", "Kinh doanh tự do", "Buôn bán nhỏ", "Giáo viên", "Kỹ sư",
    "Tài xế", "Nội trợ", "Kế toán", "Lao động tự do",
]  # fmt: skip
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "032", "035", "038", "086"]
# Mostly born in Hà Nội (001), some elsewhere: all codes of the pre-2025 province list.
BIRTH_PROVINCES = ["001"] * 6 + ["022", "031", "033", "034", "036", "038", "040"]
HOUSEHOLD_SIZES = [1] * 10 + [2] * 19 + [3] * 22 + [4] * 26 + [5] * 13 + [6] * 7 + [7] * 3


class Generator:
    def __init__(self, seed: int, groups: int):
        self.rng = random.Random(seed)
        self.groups = groups
        self.today = dt.date.today()
        self.people = 0

    def birth_date(self, age: int) -> dt.date:
        born = dt.date(self.today.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return born if born <= self.today else born.replace(year=born.year - 1)

    def national_id(self, born: dt.date, sex: str) -> str:
        century_sex = (born.year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
        # Multiplying by a number coprime with 10**6 walks every serial exactly once, so the
        # numbers are unique without a look-up set yet do not look sequential.
        serial = (self.people * 7919 + 104_729) % 1_000_000
        return f"{self.rng.choice(BIRTH_PROVINCES)}{century_sex}{born.year % 100:02d}{serial:06d}"

    def person(self, *, age: int, sex: str, relation: str, family: str) -> dict:
        rng = self.rng
        self.people += 1
        born = self.birth_date(age)
        adult = age >= 18
        smartphone = age >= 12 and rng.random() < (0.9 if age < 65 else 0.5)
        if age < 6:
            occupation, skills = "", ""
        elif age < 22:
            occupation, skills = "Học sinh", "Học sinh, sinh viên"
        elif age >= 60:
            occupation, skills = "Nghỉ hưu", "Người cao tuổi"
        else:
            occupation, skills = rng.choice(OCCUPATIONS), "Người lao động"
        return {
            "full_name": f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
            "birth_date": born.strftime("%d/%m/%Y"),
            "sex": sex,
            "national_id": self.national_id(born, sex),
            "phone": (
                rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
                if smartphone and adult
                else ""
            ),
            "relation_to_head": relation,
            "residence_status": "Thường trú" if rng.random() < 0.9 else "Tạm trú",
            "occupation": occupation,
            "has_smartphone": "Có" if smartphone else "Không",
            "has_epayment": "Có" if smartphone and adult and rng.random() < 0.7 else "Không",
            "vneid_level2": "Có" if age >= 14 and rng.random() < 0.8 else "Không",
            "digital_skills_group": skills,
        }

    def household(self, number: int) -> list[dict]:
        rng = self.rng
        size = rng.choice(HOUSEHOLD_SIZES)
        head_sex = "Nam" if rng.random() < 0.7 else "Nữ"
        head_age = rng.randint(25 if size > 1 else 20, 80)
        family = rng.choice(FAMILY)
        street = rng.choice(STREETS)
        shared = {
            "household_code": f"HK{number:06d}",
            "group_code": f"TDP{(number % self.groups) + 1:02d}",
            "address": f"Số {rng.randint(1, 250)}, ngõ {rng.randint(1, 120)}",
            "street": street,
        }
        members = [self.person(age=head_age, sex=head_sex, relation="Chủ hộ", family=family)]
        if size >= 2:
            spouse_sex = "Nữ" if head_sex == "Nam" else "Nam"
            members.append(
                self.person(
                    age=max(20, head_age + rng.randint(-5, 3)),
                    sex=spouse_sex,
                    relation="Vợ/chồng",
                    family=rng.choice(FAMILY),
                )
            )
        while len(members) < size:
            if head_age >= 60 and rng.random() < 0.4:
                age, relation = max(0, head_age - rng.randint(50, 60)), "Cháu"
            elif head_age < 45 and rng.random() < 0.15:
                age, relation = head_age + rng.randint(22, 32), "Bố/mẹ"
            else:
                age, relation = max(0, head_age - rng.randint(20, 38)), "Con"
            members.append(
                self.person(
                    age=age, sex=rng.choice(["Nam", "Nữ"]), relation=relation, family=family
                )
            )
        return [shared | member for member in members]

    def rows(self, count: int):
        """Exactly ``count`` rows; the last household may be cut short (its head comes first,
        so it still has one)."""
        written, number = 0, 0
        while written < count:
            number += 1
            for row in self.household(number)[: count - written]:
                written += 1
                yield row


def write(path: str, *, rows: int, groups: int, seed: int) -> None:
    from openpyxl import Workbook

    from xaso.population.importing import COLUMNS

    workbook = Workbook(write_only=True)  # streams rows: 100k rows stay small in memory
    sheet = workbook.create_sheet("Nhân khẩu")
    sheet.append([column.label for column in COLUMNS])
    for row in Generator(seed, groups).rows(rows):
        sheet.append([row[column.key] for column in COLUMNS])
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
    import django

    django.setup()
    write(args.out, rows=args.rows, groups=args.groups, seed=args.seed)


if __name__ == "__main__":
    main()
