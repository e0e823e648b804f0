"""WSGI entry point for gunicorn: ``gunicorn caducee.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caducee.settings")
application = get_wsgi_application()
