"""``caducee serve``: the web server and the task worker together, for the
embedded install (`make run`). Production runs gunicorn and ``caducee worker``
as separate services (README, "Production")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand

from caducee.core.demo import print_accounts


class Command(BaseCommand):
    help = "Start the web server (gunicorn) and the background worker together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **options):
        env = dict(os.environ)
        exe = sys.executable
        worker = subprocess.Popen([exe, "-m", "caducee", "worker"], env=env)  # noqa: S603
        web = subprocess.Popen(  # noqa: S603
            [
                exe,
                "-m",
                "gunicorn",
                "caducee.wsgi",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                str(options["workers"]),
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            env=env,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Caducée is running on http://{options['host']}:{options['port']}/ "
                "(Ctrl+C to stop)"
            )
        )
        print_accounts(self.stdout)

        def stop(*_args):
            for proc in (web, worker):
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while web.poll() is None and worker.poll() is None:
                try:
                    web.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for proc in (web, worker):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
