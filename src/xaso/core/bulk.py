"""Bulk writes for imports and seeds of hundreds of thousands of rows.

``QuerySet.bulk_create`` spends most of its time in Django's SQL compiler, once per value
(measured: 12.8 s of a 20 s import of 100,000 residents, against 0.9 s inside SQLite). The
functions here take rows that are already in the database's terms — encrypted, hashed, dates
as ISO text, one ``now`` — and hand them to the driver in one go: ``COPY … FROM STDIN`` on
PostgreSQL, one prepared statement with ``executemany`` on SQLite. Keys are reserved up front
(``reserve_ids``) so that rows which refer to each other (households, their residents, the
residents' name words) can be built in one pass without reading anything back.
"""

from __future__ import annotations

import datetime as dt
import queue
import sys
import threading
from collections.abc import Iterable, Sequence
from itertools import chain, islice

from django.db import connections, router

# SQLite: rows per multi-row INSERT (fewer when the library binds fewer parameters).
_ROWS_PER_INSERT = 100


def _connection(model):
    return connections[router.db_for_write(model)]


def reserve_ids(model, count: int) -> Sequence[int]:
    """``count`` new primary keys of ``model``, never handed out again. Call it inside
    ``transaction.atomic()``: on SQLite the keys come from the table's AUTOINCREMENT counter,
    which the transaction's write lock (BEGIN IMMEDIATE) keeps to ourselves."""
    connection = _connection(model)
    table, column = model._meta.db_table, model._meta.pk.column
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite" or not connection.in_atomic_block:
            raise RuntimeError("reserve_ids needs SQLite or PostgreSQL, inside a transaction")
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted}")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(highest, found[0] if found else 0) + 1
        # Move the counter past the block now, so that a second reservation (or an ordinary
        # insert) in the same transaction starts after it.
        if found:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + count - 1, table]
            )
        else:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                [table, start + count - 1],
            )
        return range(start, start + count)


def db_datetime(model, value: dt.datetime):
    """``value`` as this database stores a DateTimeField (computed once per bulk write)."""
    return _connection(model).ops.adapt_datetimefield_value(value)


def write_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples of database-ready values, in the order of ``columns``) into
    ``model``'s table: ``COPY`` on PostgreSQL, ``executemany`` elsewhere."""
    connection = _connection(model)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        rows = list(rows)
        if not rows:
            return
        text = _copy_text(rows, len(columns))
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            if text is not None:
                copy.write(text)
            else:  # values only the driver knows how to write (Jsonb, UUID …)
                for row in rows:
                    copy.write_row(row)
        return
    one = f"({', '.join(['%s'] * len(columns))})"
    statement = f"INSERT INTO {table} ({names}) VALUES "
    # Many rows per INSERT: one statement keeps its place in the indexes from row to row, so
    # rows in index order (name words) go in at a third of the cost of one INSERT each.
    variables = connection.features.max_query_params
    per_statement = max(1, min(_ROWS_PER_INSERT, variables // len(columns)))
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, per_statement * 200)):
            full = len(batch) - len(batch) % per_statement
            if full:
                groups = zip(*[iter(batch[:full])] * per_statement, strict=True)
                cursor.executemany(
                    statement + ", ".join([one] * per_statement),
                    (tuple(chain.from_iterable(group)) for group in groups),
                )
            if full < len(batch):
                cursor.executemany(statement + one, batch[full:])


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_BOOLEANS = {True: "t", False: "f"}


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)


_PLAIN = {str, int, float, bool, type(None), dt.date, dt.datetime}


def _copy_text(rows: list[Sequence], width: int) -> str | None:
    """``rows`` in COPY's text format, built a column at a time: a column of plain strings
    (the usual case) is checked once for characters COPY needs escaped and then used as it
    is — several times faster than formatting row by row. None when a value is of a type
    left to the driver."""
    texts = []
    for column in zip(*rows, strict=True):
        kinds = set(map(type, column))
        if not kinds <= _PLAIN:
            return None
        joined = "".join(column) if kinds == {str} else None
        if joined is not None and not any(c in joined for c in "\\\t\n\r"):
            texts.append(column)
        elif kinds <= {int, float, dt.date, dt.datetime}:
            texts.append(map(str, column))
        elif kinds == {bool}:
            texts.append(map(_BOOLEANS.__getitem__, column))
        else:
            texts.append(map(_copy_value, column))
    if len(texts) != width:
        raise ValueError("every row needs one value per column")
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def execute_many(model, sql: str, rows: Iterable[Sequence]) -> None:
    """One statement (``%s`` placeholders) for every row: bulk UPDATEs and DELETEs."""
    with _connection(model).cursor() as cursor:
        cursor.executemany(sql, rows)


class BackgroundWriter:
    """Bulk writes handed to a thread, so that building the next rows (Python) overlaps
    writing the last ones: SQLite executes a statement with the GIL released (a multi-row
    INSERT is a millisecond of such work), and a COPY to PostgreSQL waits, GIL released, while
    the server — another process, another core — indexes what it was sent.

    Use as a context manager around the writes; they are done (or their first error raised)
    when the block ends. While it is open, the calling thread must not use the connection —
    read and reserve keys first."""

    # While the writer works, the GIL changes hands this often (Python's default is 5 ms),
    # or the writer would wait that long for it after every statement.
    SWITCH_INTERVAL = 0.0002

    def __init__(self, model):
        self.connection = _connection(model)
        self.threaded = self.connection.vendor in ("sqlite", "postgresql")
        self._jobs: queue.Queue = queue.Queue(maxsize=8)
        self._error: BaseException | None = None

    def __enter__(self) -> BackgroundWriter:
        if self.threaded:
            self._interval = sys.getswitchinterval()
            sys.setswitchinterval(self.SWITCH_INTERVAL)
            self.connection.inc_thread_sharing()
            self._thread = threading.Thread(target=self._work, name="xaso-bulk-writer")
            self._thread.start()
        return self

    def _work(self) -> None:
        connections[self.connection.alias] = self.connection  # this thread's handle: the same
        while (job := self._jobs.get()) is not None:
            if self._error is not None:
                continue  # drain: nothing more is written after a failure
            function, arguments, then = job
            try:
                function(*arguments)
                if then:
                    then()
            except BaseException as error:  # re-raised by the caller's thread in __exit__
                self._error = error

    def _submit(self, function, arguments, then) -> None:
        if self.threaded:
            self._jobs.put((function, arguments, then))
            return
        function(*arguments)
        if then:
            then()

    def write_rows(self, model, columns, rows, *, then=None) -> None:
        """``write_rows`` in the background; ``then()`` runs once the rows are written."""
        self._submit(write_rows, (model, columns, list(rows)), then)

    def execute_many(self, model, sql: str, rows, *, then=None) -> None:
        self._submit(execute_many, (model, sql, list(rows)), then)

    def __exit__(self, exc_type, exc, traceback) -> None:
        if not self.threaded:
            return
        self._jobs.put(None)
        self._thread.join()
        sys.setswitchinterval(self._interval)
        self.connection.dec_thread_sharing()
        if self._error is not None and exc_type is None:
            raise self._error


def refresh_statistics(*models) -> None:
    """After a bulk load on PostgreSQL: fresh planner statistics, and (outside a transaction)
    the visibility map that lets index-only scans skip the table — autovacuum gets there too,
    minutes later. Nothing to do on SQLite, whose plans here need no statistics."""
    connection = _connection(models[0])
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
