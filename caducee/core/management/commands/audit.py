"""``caducee audit verify``: walk the hash chain and name the first bad event."""

from django.core.management.base import BaseCommand, CommandError

from caducee.core.services.audit import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks the hash chain from the first event to the head."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(str(result))
        self.stdout.write(self.style.SUCCESS(str(result)))
