"""``xaso scheduler``: enqueue the periodic jobs apps register in ``registry.periodic_tasks``
(escalation of overdue reports, rollups …) on the task queue, each at its own interval. Runs
beside the task worker (``xaso serve`` starts both); ``--once`` enqueues everything once, for
cron."""

import time

from django.core.management.base import BaseCommand

from xaso.core.registry import periodic_tasks


class Command(BaseCommand):
    help = "Đưa các tác vụ định kỳ (cảnh báo quá hạn…) vào hàng đợi theo chu kỳ."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="chạy một lần rồi thoát")

    def handle(self, *args, once, **options):
        next_run = dict.fromkeys(periodic_tasks, 0.0)
        while True:
            now = time.monotonic()
            for code, (task, every) in sorted(periodic_tasks.items()):
                if now >= next_run[code]:
                    task.enqueue()
                    next_run[code] = now + every
                    if once or options["verbosity"] > 1:
                        self.stdout.write(f"đã đưa vào hàng đợi: {code}")
            if once:
                return
            time.sleep(max(1.0, min(next_run.values()) - time.monotonic()))
