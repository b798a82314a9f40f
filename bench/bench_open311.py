"""Benchmark: the Open311 GeoReport v2 API under concurrent load, with ``wrk``.

``open311``  ``seed --scale ward`` (≈ 20,000 synthetic reports; the seed is timed, and the
             feedback part of it reported), ``xaso open311-key create bench``, then
             ``xaso serve --workers 2 --no-tasks`` on a free port and, for each series, ``wrk``
             at several numbers of open connections (``LEVELS``), ``SECONDS`` each after an
             untimed warm-up:

             - ``GET /healthz`` — the ceiling: Django's whole middleware stack and one
               ``SELECT 1``, nothing else;
             - ``GET /open311/v2/services.json?jurisdiction_id=00611``;
             - ``GET /open311/v2/requests/{id}.json?jurisdiction_id=00611``, cycling through the
               200 newest report codes;
             - ``GET /open311/v2/requests.json?jurisdiction_id=00611`` — the standard's default
               list: every report of the last 90 days, up to 1,000 (~0.9 MB of JSON);
             - ``POST /open311/v2/requests.json`` (form-urlencoded ``api_key``,
               ``jurisdiction_id``, ``service_code``, ``lat``, ``long``, ``description``, no
               phone: Open311 posts are rate-limited by phone only), cycling through four
               categories and 50 points inside the ward.

Goals (on this 2-core machine, SQLite): GET ≥ 1,000 req/s and POST ≥ 300 req/s with p99 under
100 ms. A series meets its goal if some level reaches the throughput with p99 < 100 ms.
Before the load, ``bench/dbtool.py open311-probe`` measures each endpoint once in-process
(Django's test client: status, bytes, SQL queries, median time) — the per-request cost that
bounds the throughput; ``--profile`` adds a cProfile of each endpoint to the log.

wrk is the load generator (Debian: ``apt-get install wrk``); it runs on the same two cores as
the server, with one thread, so the numbers are a floor of what the server does alone. Each
series also reports the server's CPU time per request (from /proc, the granian processes):
on a shared machine requests per second fall with the neighbours' load, CPU per request
much less, and 2,000 ms divided by it bounds what two idle cores could serve.

``open311-variants``  the same seeded ward served by one granian worker in four ways —
             ASGI (``asginl``, what ``xaso serve`` runs) or WSGI, with a database connection
             per request (the platform's SQLite setting, ``CONN_MAX_AGE = 0``) or kept
             (``bench/settings_kept_connections.py``) — and 300 sequential requests per
             endpoint from one keep-alive client: server CPU and wall time per request.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus, urlencode

from harness import BENCH_DIR, CHECKOUT, Env, Report, free_port, fresh_env, log, serving

LEVELS = (1, 8, 32, 64)  # open connections
SECONDS = int(os.environ.get("XASO_BENCH_WRK_SECONDS", "10"))  # per level and series
WARMUP_SECONDS = 3
UNIT = "00611"
GOAL_P99_MS = 100.0
GOALS = {"GET": 1000, "POST": 300}  # requests per second
POST_SERVICES = ["rac-thai", "den-chieu-sang", "mat-duong", "lan-chiem"]
POST_DESCRIPTION = "Rác thải tồn đọng ở đầu ngõ, đề nghị phường cho thu gom (thử tải Open311)."
INSTALL_HINT = (
    "wrk is not installed: on Debian/Ubuntu `apt-get install -y wrk` "
    "(or build it from https://github.com/wg/wrk), then run `bench/run.py open311` again."
)


def _lua_paths(paths: list[str]) -> str:
    listed = ",\n".join(f'  "{path}"' for path in paths)
    return f"""-- Cycle through the paths, one per request (each wrk thread has its own counter).
local paths = {{
{listed}
}}
local n = 0
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
"""


def _lua_post(key: str, points: list[list[float]]) -> str:
    listed = ",\n".join(f'  "{lat:.6f}", "{lon:.6f}"' for lat, lon in points)
    services = ", ".join(f'"{code}"' for code in POST_SERVICES)
    head = f"api_key={quote_plus(key)}&jurisdiction_id={UNIT}"
    description = quote_plus(POST_DESCRIPTION)
    return f"""-- POST a new service request per call: four categories, points inside the ward.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local points = {{
{listed}
}}
local services = {{ {services} }}
local n = 0
request = function()
  n = n + 1
  local p = (n % (#points / 2)) * 2 + 1
  local body = "{head}&service_code=" .. services[n % #services + 1]
    .. "&lat=" .. points[p] .. "&long=" .. points[p + 1]
    .. "&description={description}"
  return wrk.format(nil, nil, nil, body)
end
"""


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/sec, latency percentiles, requests, errors and non-2xx from ``wrk --latency``."""
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non2xx": 0,
        "errors": 0,
    }
    for percent, value in re.findall(r"^\s+(50|75|90|99)(?:\.000)?%\s+(\S+)\s*$", output, re.M):
        result[f"p{percent}"] = _milliseconds(value)
    if "p99" not in result:  # no request finished: wrk prints no distribution
        raise KeyError("p99")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        result["non2xx"] = int(non2xx.group(1))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        result["errors"] = sum(int(n) for n in errors.groups())
    return result


def _wrk(port: int, path: str, connections: int, seconds: int, script: Path | None) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    try:
        return parse_wrk(done.stdout)
    except (AttributeError, KeyError) as error:
        raise RuntimeError(f"unexpected wrk output:\n{done.stdout}\n{done.stderr}") from error


def server_cpu_seconds(port: int) -> float:
    """CPU time (user + system) used so far by the server listening on ``port``: the granian
    processes whose command line names the port. Unlike requests per second, CPU per request
    hardly depends on what else the machine runs, so it says what two idle cores could do."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            arguments = (proc / "cmdline").read_bytes().split(b"\0")
            if b"granian" not in b" ".join(arguments) or str(port).encode() not in arguments:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def _probe(env: Env, key: str, profile: bool) -> dict:
    args = [str(BENCH_DIR / "dbtool.py"), "open311-probe", "--unit", UNIT, "--key", key]
    done = env.python(*args, *(["--profile"] if profile else []))
    if profile:
        log(done.stderr)
    return json.loads(done.stdout)


def run(report: Report, *, database_url: str | None, profile: bool = False, **_options) -> None:
    if shutil.which("wrk") is None:
        report.add("open311", "error", INSTALL_HINT)
        report.note(INSTALL_HINT)
        return
    with fresh_env("open311", database_url) as env:
        name = f"open311 ({env.engine})"
        env.xaso("migrate", "--verbosity", "0")
        log(f"{name}: xaso seed --scale ward --seed 1")
        seeded = env.xaso("seed", "--scale", "ward", "--seed", "1")
        report.add(name, "seed ward (all apps)", round(seeded.seconds, 1), "s")
        part = re.search(r"20-feedback: ([\d.]+) s", seeded.stderr)
        count = re.search(r"([\d.]+) phản ánh", seeded.stderr)
        if part and count:
            report.add(
                name, f"seed: feedback part ({count.group(1)} reports)", float(part.group(1)), "s"
            )
        key = env.xaso("open311-key", "create", "bench").stdout.strip().splitlines()[-1]
        probe = _probe(env, key, profile)
        for endpoint, cost in probe["probes"].items():
            report.add(
                name,
                f"in-process {endpoint}: HTTP {cost['status']}, {cost['queries']} queries, "
                f"{cost['bytes']:,} bytes",
                cost["ms"],
                "ms",
            )
        base = "/open311/v2"
        codes = probe["codes"]
        scripts = Path(tempfile.mkdtemp(prefix="open311-wrk-", dir=env.data_dir))
        (scripts / "detail.lua").write_text(
            _lua_paths([f"{base}/requests/{code}.json?jurisdiction_id={UNIT}" for code in codes])
        )
        (scripts / "post.lua").write_text(_lua_post(key, probe["points"]))
        series = [
            ("GET /healthz (ceiling)", "GET", "/healthz", None),
            ("GET services.json", "GET", f"{base}/services.json?jurisdiction_id={UNIT}", None),
            ("GET requests/{id}.json", "GET", "/", scripts / "detail.lua"),
            (
                "GET requests.json (≤ 1000)",
                "GET",
                f"{base}/requests.json?jurisdiction_id={UNIT}",
                None,
            ),
            ("POST requests.json", "POST", f"{base}/requests.json", scripts / "post.lua"),
        ]
        before = env.dbtool("count-reports", "--unit", UNIT)
        with serving(env, workers=2) as port:
            for label, method, path, script in series:
                log(f"{name}: {label}: warm-up {WARMUP_SECONDS} s")
                _wrk(port, path, 8, WARMUP_SECONDS, script)
                best, cpu, served = None, 0.0, 0
                for connections in LEVELS:
                    log(f"{name}: {label}: {connections} connections, {SECONDS} s")
                    started = server_cpu_seconds(port)
                    result = _wrk(port, path, connections, SECONDS, script)
                    cpu += server_cpu_seconds(port) - started
                    served += result["requests"]
                    failed = result["non2xx"] + result["errors"]
                    report.add(
                        name,
                        f"{label}, {connections} conn",
                        f"{result['rps']:,.0f} req/s, p50 {result['p50']:.1f} ms, "
                        f"p99 {result['p99']:.1f} ms" + (f", {failed:,} failed" if failed else ""),
                    )
                    usable = result["p99"] < GOAL_P99_MS and not failed
                    if usable and (best is None or result["rps"] > best["rps"]):
                        best = {**result, "connections": connections}
                per_request = 1000 * cpu / max(served, 1)
                report.add(
                    name,
                    f"{label}: server CPU per request",
                    f"{per_request:.2f} ms (two idle cores: ≤ {2000 / per_request:,.0f} req/s)",
                )
                if label.startswith("GET /healthz"):
                    continue
                goal = GOALS[method]
                report.add(
                    name,
                    f"{label}: best with p99 < {GOAL_P99_MS:.0f} ms",
                    f"{best['rps']:,.0f} req/s at {best['connections']} conn" if best else "none",
                    "",
                    f"≥ {goal:,} req/s",
                    bool(best and best["rps"] >= goal),
                )
        after = env.dbtool("count-reports", "--unit", UNIT)
        report.add(name, "reports before → after the POST series", f"{before} → {after}")


# --- Variants of the server: which interface, whether connections are kept --------------------

VARIANTS = [
    ("ASGI (asginl), a connection per request — as `xaso serve`", "asginl", "xaso.settings"),
    ("ASGI (asginl), connections kept", "asginl", "settings_kept_connections"),
    ("WSGI, a connection per request", "wsgi", "xaso.settings"),
    ("WSGI, connections kept", "wsgi", "settings_kept_connections"),
]
SEQUENTIAL = 300  # requests per endpoint and variant


@contextlib.contextmanager
def _granian(env: Env, interface: str, settings: str) -> Iterator[int]:
    """One granian worker serving xaso through ``interface`` with ``settings``."""
    port = free_port()
    application = (
        "xaso.asgi:application" if interface.startswith("asgi") else "xaso.wsgi:application"
    )
    variables = {
        **env.variables,
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": str(BENCH_DIR),  # for the benchmark's settings module
    }
    command = [sys.executable, "-m", "granian", "--interface", interface, "--workers", "1"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-ws", "--log-level", "warning"]
    with (env.data_dir / f"granian-{interface}.log").open("a") as server_log:
        server = subprocess.Popen(
            [*command, application],
            env=variables,
            cwd=CHECKOUT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    probe.request("GET", "/healthz")
                    if probe.getresponse().status == 200:
                        break
                except (OSError, http.client.HTTPException):
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"granian ({interface}) did not start") from None
                    time.sleep(0.2)
            yield port
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _sequential(port: int, requests) -> tuple[float, float, int]:
    """Server CPU and wall time per request (ms) over ``requests`` from one keep-alive client,
    after 20 untimed ones; and how many did not answer 200."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def send(method, path, body):
        client.request(method, path, body=body, headers=form if body else {})
        response = client.getresponse()
        response.read()
        return response.status

    for method, path, body in requests[:20]:
        send(method, path, body)
    cpu, started = server_cpu_seconds(port), time.perf_counter()
    failed = sum(send(method, path, body) != 200 for method, path, body in requests)
    wall = time.perf_counter() - started
    cpu = server_cpu_seconds(port) - cpu
    client.close()
    return 1000 * cpu / len(requests), 1000 * wall / len(requests), failed


def run_variants(report: Report, *, database_url: str | None, **_options) -> None:
    """CPU per request of one server worker, sequential requests, for each of ``VARIANTS``:
    what the interface and connection reuse cost, independent of the machine's other load."""
    with fresh_env("open311-variants", database_url) as env:
        name = f"open311 variants ({env.engine})"
        env.xaso("migrate", "--verbosity", "0")
        env.xaso("seed", "--scale", "ward", "--seed", "1")
        key = env.xaso("open311-key", "create", "bench").stdout.strip().splitlines()[-1]
        probe = _probe(env, key, profile=False)
        codes, points = probe["codes"], probe["points"]
        base = "/open311/v2"

        def post(n):
            latitude, longitude = points[n % len(points)]
            fields = {
                "api_key": key,
                "jurisdiction_id": UNIT,
                "service_code": POST_SERVICES[n % len(POST_SERVICES)],
                "lat": f"{latitude:.6f}",
                "long": f"{longitude:.6f}",
                "description": POST_DESCRIPTION,
            }
            return "POST", f"{base}/requests.json", urlencode(fields)

        endpoints = {
            "GET /healthz": [("GET", "/healthz", None)] * SEQUENTIAL,
            "GET services.json": [("GET", f"{base}/services.json?jurisdiction_id={UNIT}", None)]
            * SEQUENTIAL,
            "GET requests/{id}.json": [
                (
                    "GET",
                    f"{base}/requests/{codes[n % len(codes)]}.json?jurisdiction_id={UNIT}",
                    None,
                )
                for n in range(SEQUENTIAL)
            ],
            "POST requests.json": [post(n) for n in range(SEQUENTIAL)],
        }
        for label, interface, settings in VARIANTS:
            log(f"{name}: {label}")
            with _granian(env, interface, settings) as port:
                for endpoint, requests in endpoints.items():
                    cpu, wall, failed = _sequential(port, requests)
                    report.add(
                        name,
                        f"{label}: {endpoint}",
                        f"{cpu:.2f} ms CPU, {wall:.2f} ms wall"
                        + (f", {failed} failed" if failed else ""),
                    )
