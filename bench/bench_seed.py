"""Benchmark 1: ``xaso seed --scale ward --seed 1`` on a freshly migrated database.

``make demo`` seeds once before it serves, so this is the wait on a first install.
Goal: at most 60 s.
"""

from __future__ import annotations

from harness import Report, fresh_env, log

GOAL_SECONDS = 60


def run(report: Report, *, database_url: str | None, **_options) -> None:
    with fresh_env("seed", database_url) as env:
        log("seed: migrate (not timed)")
        env.xaso("migrate", "--verbosity", "0")
        log("seed: xaso seed --scale ward --seed 1")
        seeded = env.xaso("seed", "--scale", "ward", "--seed", "1")
        counts = env.counts()
        name = f"seed ward ({env.engine})"
        report.add(
            name,
            "wall time",
            round(seeded.seconds, 1),
            "s",
            f"≤ {GOAL_SECONDS} s",
            seeded.seconds <= GOAL_SECONDS,
        )
        report.add(name, "residents created", counts["residents"])
        report.add(name, "households created", counts["households"])
