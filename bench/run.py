"""Benchmarks of xaso's data hub — measurements, never pass/fail tests.

    .venv/bin/python bench/run.py                    # everything (make bench)
    .venv/bin/python bench/run.py seed import search # a selection
    .venv/bin/python bench/run.py --database-url postgresql://postgres@127.0.0.1:5432/xaso_bench

Each benchmark works in its own temporary XASO_DATA_DIR on SQLite — or, with --database-url, in
a scratch PostgreSQL database created next to the one named — and removes it afterwards.
Progress goes to stderr, the results table to stdout; goals are reported as met or missed and
never change the exit status. The numbers are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import time

import bench_import
import bench_open311
import bench_publicservices
import bench_search
import bench_seed
from harness import CHECKOUT, Report, log

BENCHMARKS = {
    "seed": bench_seed.run,
    "import": bench_import.run,
    "search": bench_search.run_ward,
    "search-province": bench_search.run_province,
    "open311": bench_open311.run,
    "open311-variants": bench_open311.run_variants,
    "publicservices-index": bench_publicservices.run_index,
    "publicservices-import": bench_publicservices.run_import,
}


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "MISSED")


def print_table(report: Report, markdown: bool) -> None:
    header = ("benchmark", "metric", "value", "goal", "")
    rows = [
        (r.benchmark, r.metric, f"{r.value} {r.unit}".strip(), r.goal, _verdict(r.met))
        for r in report.results
    ]
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    else:
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print(
                "  ".join(
                    str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
    for note in report.notes:
        print(f"\nNote: {note}")


def _code_version() -> str:
    """The commit measured, and whether src/ differed from it: numbers belong to a version."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=CHECKOUT, capture_output=True, text=True)
        if done.returncode:
            raise OSError(done.stderr)
        return done.stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "src")
    except OSError:
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes in src/" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "benchmarks",
        nargs="*",
        metavar="BENCHMARK",
        help=f"any of {', '.join(BENCHMARKS)} (default: all)",
    )
    parser.add_argument(
        "--database-url",
        help="PostgreSQL server to create scratch databases on"
        " (default: SQLite in the temporary data directory)",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="timed requests per search series (default 200)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="import, open311: also profile with cProfile (to stderr)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()

    unknown = set(args.benchmarks) - set(BENCHMARKS)
    if unknown:
        parser.error(
            f"unknown benchmark {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}"
        )
    selected = args.benchmarks or list(BENCHMARKS)
    log(
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"running: {', '.join(selected)}"
    )
    report = Report()
    report.note(
        f"code: {_code_version()}; python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
    )
    for name in selected:
        started = time.perf_counter()
        # Latencies on a small machine depend on what else runs; say how busy it was.
        load = os.getloadavg()[0]
        if load > 0.5:
            report.note(f"{name}: load average {load:.2f} when it started (other processes)")
        try:
            BENCHMARKS[name](
                report, database_url=args.database_url, requests=args.requests, profile=args.profile
            )
        except Exception as error:  # report and go on: one broken benchmark hides no others
            report.add(name, "error", f"{type(error).__name__}: {error}".splitlines()[0][:200])
            log(f"{name} failed: {error}")
        log(f"{name}: done in {time.perf_counter() - started:.0f} s")
    print_table(report, args.markdown)


if __name__ == "__main__":
    sys.exit(main())
