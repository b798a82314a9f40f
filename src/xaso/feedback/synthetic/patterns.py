"""The patterns the synthetic feedback follows: how many reports, of which categories, when
(seasons, storms, Tết, weekdays, hours), where they cluster, and how they end. The numbers are
the generator's assumptions, chosen to look like a Hà Nội ward; they are not measurements."""

from __future__ import annotations

import datetime as dt

from xaso.feedback.choices import Channel

YEARS = 3
REPORTS_PER_RESIDENT = 2 / 3  # over the three years
# Share of the full volume for every commune but the demo ward at larger scales, to keep
# ``xaso seed --scale province`` within minutes (measured in docs/benchmarks.md).
OTHER_COMMUNES_SHARE = {"ward": 1.0, "city": 0.5, "province": 0.25}

# Share of all reports per category (catalogue codes), percent.
MIX = {
    "rac-thai": 22,
    "den-chieu-sang": 19,
    "thoat-nuoc": 9,
    "lan-chiem": 11,
    "mat-duong": 9,
    "trat-tu": 8,
    "cay-xanh": 6,
    "xay-dung": 5,
    "thuc-pham": 3,
    "thu-tuc": 3,
    "khac": 3,
}
# Relative volume per month (January … December); categories not listed are flat.
MONTHLY = {
    "thoat-nuoc": [0.2, 0.2, 0.3, 0.5, 1.2, 1.9, 2.3, 2.5, 2.0, 1.2, 0.4, 0.25],
    "cay-xanh": [0.5, 0.6, 0.7, 0.8, 1.1, 1.4, 1.6, 1.6, 1.4, 1.0, 0.6, 0.5],
    "rac-thai": [1.1, 1.0, 0.9, 0.9, 1.0, 1.1, 1.1, 1.0, 0.9, 0.9, 0.9, 1.0],
    "den-chieu-sang": [1.15, 1.1, 1.0, 0.95, 0.95, 1.0, 1.05, 1.05, 1.0, 0.95, 1.0, 1.15],
    "mat-duong": [0.8, 0.8, 0.8, 0.8, 0.9, 1.1, 1.3, 1.4, 1.3, 1.1, 0.9, 0.8],
    "trat-tu": [1.1, 1.0, 0.9, 0.9, 1.0, 1.2, 1.3, 1.2, 1.0, 0.9, 0.9, 1.1],
    "xay-dung": [1.2, 1.0, 1.1, 1.1, 1.0, 0.9, 0.8, 0.8, 0.9, 1.1, 1.2, 1.3],
}
WEEKDAY = [1.12, 1.08, 1.05, 1.02, 0.98, 0.9, 0.85]  # Monday … Sunday
WEEKDAY_OFFICE = [1.3, 1.2, 1.15, 1.1, 1.05, 0.25, 0.1]
# Relative volume per hour of the day (0 … 23).
HOURS_DAY = [0.3, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 2.6, 3.2, 3.0, 2.6, 2.0]
HOURS_DAY += [1.4, 1.8, 2.2, 2.2, 2.0, 1.8, 2.0, 2.4, 2.2, 1.6, 1.0, 0.6]
HOURS_EVENING = [0.4, 0.2, 0.1, 0.1, 0.3, 1.0, 1.6, 1.8, 1.6, 1.2, 1.0, 0.8]
HOURS_EVENING += [0.6, 0.7, 0.8, 0.8, 0.9, 1.3, 2.6, 3.4, 3.2, 2.6, 1.6, 0.8]
HOURS_NIGHT = [1.2, 0.6, 0.2, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 0.8, 0.8, 0.9]
HOURS_NIGHT += [1.0, 0.8, 0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 2.2, 2.8, 3.0, 2.2]
HOURS_OFFICE = [0.05, 0, 0, 0, 0, 0.05, 0.3, 1.5, 3.0, 3.0, 2.5, 1.2]
HOURS_OFFICE += [0.8, 2.0, 2.5, 2.0, 1.5, 0.6, 0.4, 0.5, 0.5, 0.4, 0.2, 0.1]
HOURS_RAIN = [0.8, 0.6, 0.5, 0.5, 0.6, 0.9, 1.3, 1.7, 1.8, 1.6, 1.4, 1.2]
HOURS_RAIN += [1.1, 1.3, 1.5, 1.6, 1.7, 1.8, 1.9, 1.9, 1.7, 1.4, 1.1, 0.9]
HOURS = {
    "den-chieu-sang": HOURS_EVENING,
    "trat-tu": HOURS_NIGHT,
    "thu-tuc": HOURS_OFFICE,
    "thoat-nuoc": HOURS_RAIN,
    "cay-xanh": HOURS_RAIN,
}
# How much a storm multiplies a category's volume on the day (decaying over three days).
STORM_EFFECT = {
    "thoat-nuoc": 3.0,
    "cay-xanh": 5.0,
    "den-chieu-sang": 0.6,
    "mat-duong": 0.3,
    "rac-thai": 0.2,
}
STORM_DECAY = 0.45
YAGI = (dt.date(2024, 9, 7), 6.0)
# First day of the lunar year (Tết Nguyên đán).
TET = {
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}
# (first, last day relative to Tết, factor) per category; "*" applies to every other category.
TET_EFFECT = {
    "rac-thai": [(-14, -1, 1.8), (0, 3, 1.2), (4, 10, 1.6)],
    "lan-chiem": [(-20, -1, 1.6)],
    "thuc-pham": [(-14, -1, 1.7)],
    "trat-tu": [(-1, 1, 1.5)],
    "*": [(0, 4, 0.45)],
}
# Where reports cluster: the share of a category's reports at a recurring hot spot, and how
# many groups are hot for it (× their weight).
HOT_SPOTS = {"thoat-nuoc": 0.6, "rac-thai": 0.4, "lan-chiem": 0.3, "den-chieu-sang": 0.15}
HOT_GROUPS = {"thoat-nuoc": 5.0, "rac-thai": 3.0, "lan-chiem": 2.5, "cay-xanh": 2.0}

# Outcomes.
P_REJECT = {"khac": 0.12, "thu-tuc": 0.06, "xay-dung": 0.05}
P_REJECT_DEFAULT = 0.03
P_DUPLICATE = 0.18  # when a report of the same category and group is < 3 days old
P_STUCK = {"xay-dung": 0.2, "lan-chiem": 0.1}  # long cases (× 4–15 the usual time)
P_STUCK_DEFAULT = 0.08
# Cases that wait for months (enforcement against a building, another agency's decision):
# they make the backlog of old, overdue reports every ward has.
P_PARKED = {"xay-dung": 0.05, "lan-chiem": 0.015}
P_PARKED_DEFAULT = 0.002
PARKED_HOURS = (300, 2500)  # working hours
# Field crews on duty answer these at any hour; everything else waits for office hours.
ROUND_THE_CLOCK = {"thoat-nuoc", "cay-xanh", "trat-tu"}
P_REOPEN = 0.02
P_RATED = 0.6
# Working hours from arrival to resolution: median falls geometrically over the period.
RESOLVE_MEDIAN_START, RESOLVE_MEDIAN_END, RESOLVE_SIGMA = 11.0, 2.6, 1.0
TRIAGE_MEDIAN_START, TRIAGE_MEDIAN_END = 0.8, 0.2

CONTACT = {  # channel: (share leaving a name, a phone, an e-mail)
    Channel.WEB: (0.7, 0.65, 0.12),
    Channel.KIOSK: (0.6, 0.5, 0.0),
    Channel.GROUP: (0.8, 0.6, 0.0),
    Channel.HOTLINE: (0.85, 0.95, 0.0),
    Channel.OPEN311: (0.3, 0.25, 0.05),
}


def days_from_tet(day: dt.date) -> int:
    """Days since the nearest Tết (negative before it)."""
    tet = TET.get(day.year, dt.date(day.year, 2, 5))
    if (day - tet).days > 180:
        tet = TET.get(day.year + 1, dt.date(day.year + 1, 2, 5))
    return (day - tet).days
