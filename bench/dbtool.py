"""Django-side helpers for the benchmarks, run as a subprocess inside a benchmark's environment
(``XASO_DATA_DIR`` / ``DATABASE_URL`` already set): ``python bench/dbtool.py COMMAND ...``.

They prepare or inspect data through the project's own models and services, so the numbers the
benchmarks report are the ones the platform itself would show.
"""

from __future__ import annotations

import argparse
import os


def count(_args) -> None:
    from xaso.population.models import Household, Resident

    print(f"residents={Resident.objects.count()} households={Household.objects.count()}")


def create_groups(args) -> None:
    """Residential groups for an empty commune, created the way an official would."""
    from xaso.core.models import AdministrativeUnit
    from xaso.core.services import create_residential_group

    unit = AdministrativeUnit.objects.get(code=args.unit)
    for number in range(1, args.count + 1):
        create_residential_group(
            None, unit=unit, code=f"TDP{number:02d}", name=f"Tổ dân phố số {number}"
        )
    print(f"groups={args.count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("count", help="print resident and household counts").set_defaults(
        handler=count
    )
    groups = commands.add_parser("create-groups", help="create TDP01..TDPnn in a commune")
    groups.add_argument("--unit", required=True)
    groups.add_argument("--count", type=int, default=40)
    groups.set_defaults(handler=create_groups)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
    import django

    django.setup()
    args.handler(args)


if __name__ == "__main__":
    main()
