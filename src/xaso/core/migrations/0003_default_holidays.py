"""Load the default public holidays (see ``core/calendar.py``) so a fresh install counts
working time correctly; admins edit the list afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from xaso.core.calendar import default_holidays

    Holiday = apps.get_model("core", "Holiday")
    wanted = default_holidays(range(2023, 2028))
    existing = set(Holiday.objects.filter(date__in=wanted).values_list("date", flat=True))
    Holiday.objects.bulk_create(
        Holiday(date=day, name=name) for day, name in wanted.items() if day not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_holidays_counters_notifications")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
