"""``caducee worker``: run the Huey consumer (tasks and periodic tasks)."""

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand


class Command(RunHueyCommand):
    help = "Run the background task worker (Huey consumer, periodic tasks included)."
