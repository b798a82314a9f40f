"""``xaso serve``: the production server — granian (ASGI) with several workers, plus the
task worker of the in-database queue. Static files are served by whitenoise without DEBUG."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ sản xuất (granian ASGI, nhiều tiến trình) và tiến trình xử lý tác vụ."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("XASO_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("XASO_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("XASO_WORKERS", min(4, os.cpu_count() or 2))),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("XASO_THREADS", "8")),
            help="luồng xử lý mỗi tiến trình (WSGI)",
        )
        parser.add_argument("--asgi", action="store_true", help="chạy giao diện ASGI thay cho WSGI")
        parser.add_argument(
            "--no-tasks",
            action="store_true",
            help="không chạy tiến trình xử lý tác vụ (đã chạy riêng)",
        )

    def handle(self, *args, host, port, workers, threads, asgi, no_tasks, **options):
        # Static files are served by whitenoise from STATIC_ROOT: keep it current (incremental).
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xaso.settings"}
        if asgi:
            # asginl: Django has no ASGI lifespan handler, so granian should not try it.
            server = [sys.executable, "-m", "granian", "--interface", "asginl", "--no-ws"]
            target = "xaso.asgi:application"
        else:
            # WSGI: the views are synchronous; each thread keeps its database connection.
            server = [sys.executable, "-m", "granian", "--interface", "wsgi"]
            server += ["--blocking-threads", str(threads)]
            target = "xaso.wsgi:application"
        server += ["--host", host, "--port", str(port), "--workers", str(workers)]
        server += ["--log-level", "warning", target]
        children = [subprocess.Popen(server, env=env)]
        uses_db_queue = "DatabaseBackend" in settings.TASKS["default"]["BACKEND"]
        if uses_db_queue and not no_tasks:
            worker = [sys.executable, "-m", "xaso.cli", "db_worker", "--interval", "0.5"]
            children.append(subprocess.Popen(worker, env=env))
            children.append(
                subprocess.Popen([sys.executable, "-m", "xaso.cli", "scheduler"], env=env)
            )
        self.stdout.write(
            f"xaso đang chạy tại http://{host}:{port}/  ({workers} tiến trình web)"
            " — Ctrl+C để dừng."
        )

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                try:
                    children[0].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
