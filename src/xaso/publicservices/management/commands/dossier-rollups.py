"""``xaso dossier-rollups``: rebuild the monthly rollup of dossiers (``DossierMonth``) that the
service-quality index reads. The services keep it in step with every write; run this after
changing dossiers outside them (a database restore, a manual fix)."""

import time

from django.core.management.base import BaseCommand, CommandError

from xaso.core.models import AdministrativeUnit
from xaso.publicservices.services.rollups import refresh_all_rollups, refresh_rollups


class Command(BaseCommand):
    help = "Tổng hợp lại hồ sơ theo tháng (bảng chỉ số chất lượng phục vụ đọc)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="mã xã/phường (mặc định: mọi xã/phường có hồ sơ)")

    def handle(self, *args, unit, **options):
        started = time.perf_counter()
        if unit:
            target = AdministrativeUnit.objects.filter(code=unit).first()
            if target is None:
                raise CommandError(f"Không có xã/phường mã {unit}.")
            written = refresh_rollups([target.id])
        else:
            written = refresh_all_rollups()
        self.stdout.write(
            f"Đã tổng hợp {written} dòng (xã/phường × tháng × thủ tục) trong "
            f"{time.perf_counter() - started:.1f} s."
        )
