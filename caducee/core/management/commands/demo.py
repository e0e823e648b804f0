"""``caducee demo --scale small|ght [--seed N] [--if-empty]``: load a GHT."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from caducee.core import demo
from caducee.core.services import snapshots


class Command(BaseCommand):
    help = "Load demo data of a hospital group: 'small' for trying it, 'ght' for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=demo.SCALES, default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an establishment.",
        )

    def handle(self, *args, **options):
        from caducee.org.models import Establishment

        if Establishment.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already present: nothing loaded.")
                demo.print_accounts(self.stdout)
                return
            raise CommandError("The database already holds data: demo loads into an empty one.")
        start = time.perf_counter()
        with transaction.atomic():
            ctx = demo.build(options["scale"], options["seed"], stdout=self.stdout)
            # Much of it is written in bulk, past the model signals: every
            # process reloads the configuration it keeps once this commits.
            snapshots.invalidate_all()
        elapsed = time.perf_counter() - start
        for label, seconds in ctx.timings:
            self.stdout.write(f"  {label:<10} {seconds:7.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo GHT ({options['scale']}, seed {options['seed']}) loaded in {elapsed:.1f} s."
            )
        )
        demo.print_accounts(self.stdout)
