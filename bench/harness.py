"""What every benchmark shares: a throw-away data directory (and database), running the real
``xaso`` command against it, a server on a free port, and the result rows the runner prints.

Benchmarks drive the installed ``xaso`` command in subprocesses rather than importing Django
here: settings are read once per process from ``XASO_DATA_DIR`` / ``DATABASE_URL``, so a
subprocess per step is the only way to give each benchmark its own fresh environment — and it
is also what an operator actually runs.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
CHECKOUT = BENCH_DIR.parent
# The runner is started with the virtualenv's python (``make bench``); its ``xaso`` script sits
# next to it, which keeps the benchmark on the same interpreter and packages.
BIN = Path(sys.executable).parent
XASO = str(BIN / "xaso") if (BIN / "xaso").exists() else (shutil.which("xaso") or "xaso")


@dataclass
class Result:
    benchmark: str
    metric: str
    value: float | int | str
    unit: str = ""
    goal: str = ""
    met: bool | None = None  # None: informational, no goal


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *args, **kwargs) -> Result:
        result = Result(*args, **kwargs)
        self.results.append(result)
        return result

    def note(self, text: str) -> None:
        self.notes.append(text)
        log(f"note: {text}")


def log(message: str) -> None:
    """Progress goes to stderr so that stdout carries only the results table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- Environments ---------------------------------------------------------------------------


@dataclass
class Env:
    """One benchmark's world: its data directory and the environment its commands run with."""

    data_dir: Path
    database_url: str | None

    @property
    def variables(self) -> dict[str, str]:
        env = {**os.environ, "XASO_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1"}
        # A DATABASE_URL left in the caller's shell must not send a SQLite run to PostgreSQL.
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    @property
    def engine(self) -> str:
        return "PostgreSQL" if self.database_url else "SQLite"

    def xaso(self, *args: str, timeout: float | None = None) -> Timed:
        return run([XASO, *args], env=self.variables, timeout=timeout)

    def python(self, *args: str, timeout: float | None = None) -> Timed:
        return run([sys.executable, *args], env=self.variables, timeout=timeout)

    def dbtool(self, *args: str) -> str:
        """Run a Django-side helper (``bench/dbtool.py``) and return its stdout."""
        return self.python(str(BENCH_DIR / "dbtool.py"), *args).stdout.strip()

    def counts(self) -> dict[str, int]:
        """Residents and households stored, as the database counts them."""
        output = self.dbtool("count")  # "residents=30653 households=8855"
        return {key: int(value) for key, value in (pair.split("=") for pair in output.split())}


@contextlib.contextmanager
def fresh_env(name: str, database_url: str | None = None) -> Iterator[Env]:
    """A new temporary XASO_DATA_DIR — and, with ``database_url``, a new scratch PostgreSQL
    database next to the one named — removed again afterwards, whatever happens."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"xaso-bench-{name}-"))
    scratch = None
    try:
        if database_url:
            scratch = _create_scratch_database(database_url, name)
        log(f"{name}: data dir {data_dir}" + (f", database {scratch}" if scratch else ", SQLite"))
        yield Env(data_dir, scratch)
    finally:
        if scratch:
            _drop_scratch_database(scratch)
        shutil.rmtree(data_dir, ignore_errors=True)


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(maintenance, autocommit=True)


def _create_scratch_database(url: str, name: str) -> str:
    base = urlsplit(url).path.lstrip("/") or "xaso"
    database = f"{base}_{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    with _admin_connection(url) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def _drop_scratch_database(url: str) -> None:
    database = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- Running commands -----------------------------------------------------------------------


@dataclass
class Timed:
    seconds: float
    stdout: str
    stderr: str


class CommandFailed(RuntimeError):
    pass


def run(command: list[str], *, env: dict[str, str], timeout: float | None = None) -> Timed:
    """Run ``command`` to completion and time it from spawn to exit (interpreter and Django
    start-up included: that is the wall time an operator waits for)."""
    started = time.perf_counter()
    completed = subprocess.run(
        command, env=env, cwd=CHECKOUT, capture_output=True, text=True, timeout=timeout
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise CommandFailed(
            f"{' '.join(command)} exited with {completed.returncode}:\n"
            f"{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}"
        )
    return Timed(seconds, completed.stdout, completed.stderr)


# --- A server under test --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(env: Env, *, workers: int = 2) -> Iterator[int]:
    """``xaso serve`` on a free loopback port, stopped (by its own pid) on the way out."""
    port = free_port()
    log_path = env.data_dir / "serve.log"
    with log_path.open("w") as server_log:
        process = subprocess.Popen(
            [
                XASO,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--no-tasks",
            ],
            env=env.variables,
            cwd=CHECKOUT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its granian children share this group, see below
        )
        try:
            _wait_until_up(port, process, log_path)
            yield port
        finally:
            # ``xaso serve`` forwards SIGTERM to granian and waits for it.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_up(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandFailed(f"xaso serve stopped:\n{log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        time.sleep(0.2)
    raise CommandFailed(f"xaso serve did not answer on port {port} within 60 s")


# --- Statistics -----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least ``fraction`` of the samples
    at or below it (no interpolation, so it is always a latency that really happened)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def latency_summary(seconds: list[float]) -> dict[str, float]:
    milliseconds = [s * 1000 for s in seconds]
    return {
        "p50": percentile(milliseconds, 0.50),
        "p95": percentile(milliseconds, 0.95),
        "max": max(milliseconds),
        "mean": statistics.fmean(milliseconds),
    }
