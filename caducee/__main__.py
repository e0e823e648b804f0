"""The ``caducee`` console script: Django's manage.py under our own name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "caducee"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
