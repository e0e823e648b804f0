"""``caducee restore PATH --yes``: replace the database with a backup.

Everything written since the backup is lost, so the command refuses to run
without ``--yes``: a restore is never one mistyped command away. Stop the
worker first; the web may keep running (see ``caducee.core.services.backup``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from caducee.core.services import backup


class Command(BaseCommand):
    help = (
        "Restore the database from a file made by 'caducee backup'. Everything written "
        "since that backup is lost; requires --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Backup file (.sqlite3 or .dump)")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm that the current database is to be replaced by the backup.",
        )

    def handle(self, *args, **options):
        path = options["path"]
        if not options["yes"]:
            raise CommandError(
                f"Restoring {path} replaces the whole database: everything written since "
                "that backup is lost. Take a backup of the current state first "
                "('caducee backup'), then run again with --yes."
            )
        try:
            result = backup.restore_backup(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Database restored from {result.path} ({filesizeformat(result.size)}). "
                "Run 'caducee migrate' if the backup predates the installed version."
            )
        )
