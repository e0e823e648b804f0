"""``caducee backup [--output PATH]``: a consistent backup of the database.

SQLite through the online backup API, PostgreSQL through ``pg_dump -Fc``
(see ``caducee.core.services.backup``); safe while the application runs.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from caducee.core.services import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump custom format) to "
        "CADUCEE_BACKUP_DIR, or to --output."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="File to write (must not exist). Default: "
            "CADUCEE_BACKUP_DIR/caducee-<vendor>-<timestamp>.<sqlite3|dump>",
        )

    def handle(self, *args, **options):
        try:
            result = backup.create_backup(options["output"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({filesizeformat(result.size)}, "
                f"{result.size} bytes)"
            )
        )
