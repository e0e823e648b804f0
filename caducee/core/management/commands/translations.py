"""``caducee translations compile|check``: compile .po catalogues to .mo in
pure Python (babel), so a fresh machine needs no gettext tools; ``check``
fails when the French catalogue has an untranslated or fuzzy entry."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    paths: list[Path] = []
    for base in settings.LOCALE_PATHS:
        paths.extend(sorted(Path(base).glob("*/LC_MESSAGES/*.po")))
    return paths


def untranslated(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


class Command(BaseCommand):
    help = "Compile translation catalogues (compile) or check they are complete (check)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compile", "check"])

    def handle(self, *args, **options):
        paths = catalogues()
        if options["action"] == "compile":
            for po_path in paths:
                with po_path.open("rb") as handle:
                    catalog = read_po(handle)
                with po_path.with_suffix(".mo").open("wb") as handle:
                    write_mo(handle, catalog, use_fuzzy=False)
            self.stdout.write(f"compiled {len(paths)} catalogue(s)")
            return
        problems = {str(p): untranslated(p) for p in paths}
        problems = {k: v for k, v in problems.items() if v}
        if problems:
            lines = [
                f"{path}: {len(ids)} untranslated, e.g. {ids[:3]}" for path, ids in problems.items()
            ]
            raise CommandError("\n".join(lines))
        self.stdout.write(f"{len(paths)} catalogue(s) complete")
