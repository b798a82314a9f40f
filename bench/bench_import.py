"""Benchmark 2: importing 100,000 residents from an .xlsx file into an empty commune.

(a) python-calamine alone reading the file — the floor any import of this file has to pay;
(b) ``xaso import FILE --unit 00611``: read, check every row, write everything in one
    transaction;
(c) the same import again, which must change nothing (upserts compare before writing).
Goals: (b) at most 20 s and at most 3 × (a).

The commune is made empty on purpose (units loaded, 40 groups created, no seed), so (b) measures
an import of 100k new residents, not a merge with seeded ones.
"""

from __future__ import annotations

import re
import statistics
import sys
import time

from harness import BENCH_DIR, XASO, Report, fresh_env, log

UNIT = "00611"  # Phường Xuân Đỉnh
ROWS = 100_000
GROUPS = 40
GOAL_SECONDS = 20
GOAL_RATIO = 3
CALAMINE_RUNS = 3

# "Đã nhập 100000 dòng: 100000 nhân khẩu mới, 0 cập nhật; 28892 hộ mới, 0 hộ cập nhật."
_MESSAGE = re.compile(r"(\d+) nhân khẩu mới, (\d+) cập nhật; (\d+) hộ mới, (\d+) hộ cập nhật")


def _counts(message: str) -> dict[str, int]:
    found = _MESSAGE.search(message)
    if not found:
        raise RuntimeError(f"unexpected output of xaso import: {message!r}")
    keys = ("residents_created", "residents_updated", "households_created", "households_updated")
    return dict(zip(keys, map(int, found.groups()), strict=True))


def _calamine_seconds(path: str) -> float:
    """Median of a few reads: one read is ~1 s and noisy on a shared 2-core machine."""
    from python_calamine import CalamineWorkbook

    timings = []
    for _ in range(CALAMINE_RUNS):
        started = time.perf_counter()
        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        timings.append(time.perf_counter() - started)
        if len(rows) != ROWS + 1:
            raise RuntimeError(f"calamine read {len(rows)} rows, expected {ROWS + 1}")
    return statistics.median(timings)


def _prepare(env) -> str:
    """Migrated database, official unit list, 40 groups, and the import file (not timed)."""
    env.xaso("migrate", "--verbosity", "0")
    env.xaso("units", "sync")
    env.dbtool("create-groups", "--unit", UNIT, "--count", str(GROUPS))
    path = str(env.data_dir / f"nhan-khau-{ROWS}.xlsx")
    made = env.python(
        str(BENCH_DIR / "residents_xlsx.py"), path, "--rows", str(ROWS), "--groups", str(GROUPS)
    )
    log(f"import: wrote {path} in {made.seconds:.1f} s")
    return path


def run(report: Report, *, database_url: str | None, profile: bool = False, **_options) -> None:
    with fresh_env("import", database_url) as env:
        name = f"import 100k ({env.engine})"
        path = _prepare(env)
        log("import: (a) calamine read")
        read = _calamine_seconds(path)
        log("import: (b) xaso import")
        first = env.xaso("import", path, "--unit", UNIT)
        first_counts = _counts(first.stdout)
        log("import: (c) xaso import, same file again")
        again = env.xaso("import", path, "--unit", UNIT)
        again_counts = _counts(again.stdout)
        stored = env.counts()["residents"]

    ratio = first.seconds / read
    report.add(name, "(a) calamine read, median of 3", round(read, 2), "s")
    report.add(
        name,
        "(b) xaso import, 100k new",
        round(first.seconds, 1),
        "s",
        f"≤ {GOAL_SECONDS} s",
        first.seconds <= GOAL_SECONDS,
    )
    report.add(name, "(b)/(a)", round(ratio, 1), "×", f"≤ {GOAL_RATIO}×", ratio <= GOAL_RATIO)
    report.add(
        name,
        "(b) created",
        f"{first_counts['residents_created']} residents, "
        f"{first_counts['households_created']} households",
    )
    report.add(
        name,
        "residents stored after (b)+(c)",
        stored,
        "",
        f"= {ROWS}",
        stored == ROWS,
    )
    report.add(name, "(c) re-import, same file", round(again.seconds, 1), "s")
    report.add(
        name,
        "(c) counts printed",
        "{residents_created} new / {residents_updated} updated residents, "
        "{households_created} new / {households_updated} updated households".format(**again_counts),
        "",
        "all 0",
        not any(again_counts.values()),
    )
    if profile:
        _profile(database_url)


def _profile(database_url: str | None) -> None:
    """The same import (b) once more under cProfile in a fresh environment; the top functions
    go to stderr. Run with ``bench/run.py import --profile``; the timed run above is never
    profiled (profiling roughly doubles the run time)."""
    import pstats

    with fresh_env("import-profile", database_url) as env:
        path = _prepare(env)
        stats_path = env.data_dir / "import.prof"
        log("import: profiling xaso import under cProfile")
        env.python("-m", "cProfile", "-o", str(stats_path), XASO, "import", path, "--unit", UNIT)
        stats = pstats.Stats(str(stats_path), stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
