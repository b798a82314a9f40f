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


def open311_probe(args) -> None:
    """What the Open311 load benchmark needs, as JSON on stdout: report codes and points of the
    commune (for the wrk scripts) and, per endpoint, the status, response size, SQL queries and
    median in-process time of one request through Django's test client (the whole middleware
    stack, no network, no server). ``--profile`` adds a cProfile of each endpoint to stderr."""
    import cProfile
    import json
    import pstats
    import statistics
    import sys
    import time

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xaso.feedback.models import Report

    unit = args.unit
    reports = Report.objects.filter(unit__code=unit)
    codes = list(reports.order_by("-created_at").values_list("code", flat=True)[: args.codes])
    points = list(
        reports.filter(latitude__isnull=False)
        .order_by("id")
        .values_list("latitude", "longitude")[:50]
    )
    base = "/open311/v2"
    post = {
        "api_key": args.key,
        "jurisdiction_id": unit,
        "service_code": "rac-thai",
        "lat": str(points[0][0]),
        "long": str(points[0][1]),
        "description": "Rác thải tồn đọng ở đầu ngõ, đề nghị thu gom (thử tải).",
    }
    probes = {
        "healthz": ("get", "/healthz", None),
        "services": ("get", f"{base}/services.json?jurisdiction_id={unit}", None),
        "request": ("get", f"{base}/requests/{codes[0]}.json?jurisdiction_id={unit}", None),
        "requests": ("get", f"{base}/requests.json?jurisdiction_id={unit}", None),
        "post": ("post", f"{base}/requests.json", post),
    }
    client = Client()
    result = {"codes": codes, "points": points, "probes": {}}
    for name, (method, path, data) in probes.items():

        def call(method=method, path=path, data=data):
            return getattr(client, method)(path, data) if data else getattr(client, method)(path)

        call()  # warm: imports, URL resolver, geometry caches
        # Django empties the query log when a request starts: begin from an empty log too.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = call()
        sql = [q["sql"] for q in queries.captured_queries]  # now: the next request resets it
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        result["probes"][name] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(sql),
            "sql": [statement[:160] for statement in sql],
            "ms": round(statistics.median(timings), 2),
        }
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                call()
            profile.disable()
            print(f"== cProfile: {args.repeat} × {name} ({path})", file=sys.stderr)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    print(json.dumps(result))


def count_reports(args) -> None:
    from xaso.feedback.models import Report

    rows = Report.objects.filter(unit__code=args.unit)
    print(f"reports={rows.count()} open311={rows.filter(channel='open311').count()}")


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
    probe = commands.add_parser("open311-probe", help="codes, points and per-request costs")
    probe.add_argument("--unit", default="00611")
    probe.add_argument("--key", required=True, help="an Open311 API key for the POST probe")
    probe.add_argument("--codes", type=int, default=200)
    probe.add_argument("--repeat", type=int, default=30)
    probe.add_argument("--profile", action="store_true")
    probe.set_defaults(handler=open311_probe)
    reports = commands.add_parser("count-reports", help="reports of a commune, and via Open311")
    reports.add_argument("--unit", default="00611")
    reports.set_defaults(handler=count_reports)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
    import django

    django.setup()
    args.handler(args)


if __name__ == "__main__":
    main()
