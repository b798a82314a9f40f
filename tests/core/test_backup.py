import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection

from xaso.population.models import Resident


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the PostgreSQL path uses pg_dump")
def test_sqlite_backup_is_a_readable_copy_without_clear_personal_data(ward, tmp_path, capsys):
    call_command("backup", dest=str(tmp_path))
    path = capsys.readouterr().out.strip().splitlines()[-1]
    with sqlite3.connect(path) as copy:
        rows = copy.execute("SELECT full_name, national_id FROM population_resident").fetchall()
    assert len(rows) == Resident.objects.count()
    assert {name for name, _ in rows} == {r.full_name for r in ward.residents}
    assert all(raw.startswith("v1:") for _, raw in rows)
